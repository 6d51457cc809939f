package segment

import (
	"cmp"
	"slices"
)

// Migration compares two assignments of a book, at two dates.
type Migration struct {
	// Segments are the rows and columns of Matrix, sorted.
	Segments []Segment `json:"segments"`
	// Matrix[i][j] counts the clients in Segments[i] before and
	// Segments[j] after. Each row sums to the clients in that segment
	// before who are still in the book after.
	Matrix [][]int `json:"matrix"`
	// Moves lists the clients whose segment changed, by client id.
	Moves []Move `json:"moves"`
	// Left and Joined list the clients in only one of the two books.
	Left   []string `json:"left,omitempty"`
	Joined []string `json:"joined,omitempty"`
}

// Move is one client changing segment, with what the move means for the
// built-in segments ("losing engagement", "becoming profitable", …).
type Move struct {
	ClientID string  `json:"client_id"`
	From     Segment `json:"from"`
	To       Segment `json:"to"`
	Finding  string  `json:"finding,omitempty"`
}

// Migrate compares the assignments before and after. Each assignment is
// one client's: should a book name an id twice, its assignments pair up
// with the other book's of that id in order, and those left over have
// left or joined (listed once for each).
func Migrate(before, after []Assignment) Migration {
	was := map[string][]Segment{}
	var ids []string
	for _, a := range before {
		if _, ok := was[a.ClientID]; !ok {
			ids = append(ids, a.ClientID)
		}
		was[a.ClientID] = append(was[a.ClientID], a.Segment)
	}
	is := map[string][]Segment{}
	for _, a := range after {
		is[a.ClientID] = append(is[a.ClientID], a.Segment)
	}
	set := map[Segment]bool{}
	for _, a := range before {
		set[a.Segment] = true
	}
	for _, a := range after {
		set[a.Segment] = true
	}
	var m Migration
	for s := range set {
		m.Segments = append(m.Segments, s)
	}
	slices.Sort(m.Segments)
	m.Matrix = make([][]int, len(m.Segments))
	for i := range m.Matrix {
		m.Matrix[i] = make([]int, len(m.Segments))
	}
	for _, id := range ids {
		from, to := was[id], is[id]
		for k, f := range from {
			if k >= len(to) {
				m.Left = append(m.Left, id)
				continue
			}
			m.Matrix[slices.Index(m.Segments, f)][slices.Index(m.Segments, to[k])]++
			if f != to[k] {
				m.Moves = append(m.Moves, Move{ClientID: id, From: f, To: to[k], Finding: finding(f, to[k])})
			}
		}
	}
	for id, to := range is {
		for range len(to) - min(len(to), len(was[id])) {
			m.Joined = append(m.Joined, id)
		}
	}
	slices.SortStableFunc(m.Moves, func(a, b Move) int { return cmp.Compare(a.ClientID, b.ClientID) })
	slices.Sort(m.Left)
	slices.Sort(m.Joined)
	return m
}

// finding names what a move between built-in segments means.
func finding(from, to Segment) string {
	profitable := func(s Segment) bool { return s == A || s == B }
	engaged := func(s Segment) bool { return s == A || s == C }
	if !isBuiltIn(from) || !isBuiltIn(to) {
		return ""
	}
	var parts []string
	switch {
	case engaged(from) && !engaged(to):
		parts = append(parts, "losing engagement")
	case !engaged(from) && engaged(to):
		parts = append(parts, "gaining engagement")
	}
	switch {
	case profitable(from) && !profitable(to):
		parts = append(parts, "becoming unprofitable")
	case !profitable(from) && profitable(to):
		parts = append(parts, "becoming profitable")
	}
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

func isBuiltIn(s Segment) bool { return s == A || s == B || s == C || s == D }
