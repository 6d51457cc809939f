package jsonnull

import "testing"

func TestIs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{{"null", true}, {" null\n", true}, {"nul", false}, {`"null"`, false}, {"{}", false}, {"", false}, {"nullx", false}} {
		if got := Is([]byte(tc.in)); got != tc.want {
			t.Errorf("Is(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
