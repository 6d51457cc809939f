package segment

import (
	"slices"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// drawBook draws a book whose ids come from a few, so that some repeat.
func drawBook(t *rapid.T) []Client {
	n := rapid.IntRange(0, 40).Draw(t, "n")
	ids := rapid.IntRange(1, 60).Draw(t, "distinct ids")
	book := make([]Client, n)
	for i := range book {
		book[i] = Client{ID: strconv.Itoa(rapid.IntRange(0, ids-1).Draw(t, "id")), Revenue: float64(i), CostToServe: 1}
	}
	return book
}

// The hashed duplicate check finds what the map finds.
func TestPropertyDuplicateIDsIsByMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := drawBook(t)
		if got, want := duplicateIDs(book), duplicateIDsByMap(book); !slices.Equal(got, want) {
			t.Fatalf("duplicateIDs %v, by the map %v", got, want)
		}
	})
}

// Summarize's client of an assignment is the first client of its id,
// whether the assignments line up with the clients (no map) or not.
func TestPropertyClientsByIDIsFirstOfID(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := drawBook(t)
		var as []Assignment
		if rapid.Bool().Draw(t, "aligned") {
			for _, c := range book {
				as = append(as, Assignment{ClientID: c.ID})
			}
		} else {
			for range rapid.IntRange(0, 40).Draw(t, "assignments") {
				as = append(as, Assignment{ClientID: strconv.Itoa(rapid.IntRange(0, 70).Draw(t, "assigned id"))})
			}
		}
		client := clientsByID(as, book)
		for i, a := range as {
			want, found := Client{}, false
			if k := slices.IndexFunc(book, func(c Client) bool { return c.ID == a.ClientID }); k >= 0 {
				want, found = book[k], true
			}
			if got, ok := client(i); got != want || ok != found {
				t.Fatalf("assignment %d (%s): client %+v, %v, want %+v, %v", i, a.ClientID, got, ok, want, found)
			}
		}
	})
}
