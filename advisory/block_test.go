package advisory

import (
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// A block's slices have exactly the room asked for and never share an
// alert: a file that appends past its room gets a copy of its own, and the
// other files' alerts stay as they were written.
func TestAlertBlockSlicesAreDisjoint(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b alertBlock
		sizes := rapid.SliceOf(rapid.IntRange(0, alertBlockSize/2)).Draw(t, "sizes")
		taken := make([][]Alert, len(sizes))
		for i, n := range sizes {
			s := b.take(n)
			if len(s) != 0 || cap(s) != n {
				t.Fatalf("take(%d): len %d cap %d", n, len(s), cap(s))
			}
			for j := range n {
				s = append(s, Alert{ClientID: strconv.Itoa(i), Version: j})
			}
			// A file that grows past its room must not write into the next.
			taken[i] = append(s, Alert{ClientID: "past"})[:n]
		}
		for i, s := range taken {
			for j, a := range s {
				if a.ClientID != strconv.Itoa(i) || a.Version != j {
					t.Fatalf("slice %d alert %d is %s/%d: another slice wrote over it", i, j, a.ClientID, a.Version)
				}
			}
		}
	})
}
