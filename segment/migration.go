package segment

import (
	"cmp"
	"slices"
)

// Migration compares two assignments of a book, at two dates.
type Migration struct {
	// Segments are the segments either assignment names, sorted.
	Segments []Segment `json:"segments"`
	// Flows count the clients of each pair of segments, before and
	// after, that has any: the migration matrix without its zeros,
	// sorted by From and then To (a dense matrix of assignments naming
	// many segments, a custom scheme's, is quadratic in the book). The
	// flows from a segment sum to the clients in it before who are still
	// in the book after. [Migration.Count] reads one cell.
	Flows []Flow `json:"flows"`
	// Moves lists the clients whose segment changed, by client id.
	Moves []Move `json:"moves"`
	// Left and Joined list the clients in only one of the two books.
	Left   []string `json:"left,omitempty"`
	Joined []string `json:"joined,omitempty"`
}

// Flow is one cell of the migration matrix: how many clients were in
// From before and are in To after (From = To for those who stayed).
type Flow struct {
	From    Segment `json:"from"`
	To      Segment `json:"to"`
	Clients int     `json:"clients"`
}

// Count is how many clients were in from before and are in to after.
func (m Migration) Count(from, to Segment) int {
	i, ok := slices.BinarySearchFunc(m.Flows, Flow{From: from, To: to}, compareFlows)
	if !ok {
		return 0
	}
	return m.Flows[i].Clients
}

func compareFlows(a, b Flow) int {
	return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
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
	flows := map[[2]Segment]int{}
	for _, id := range ids {
		from, to := was[id], is[id]
		for k, f := range from {
			if k >= len(to) {
				m.Left = append(m.Left, id)
				continue
			}
			flows[[2]Segment{f, to[k]}]++
			if f != to[k] {
				m.Moves = append(m.Moves, Move{ClientID: id, From: f, To: to[k], Finding: finding(f, to[k])})
			}
		}
	}
	m.Flows = make([]Flow, 0, len(flows))
	for k, n := range flows {
		m.Flows = append(m.Flows, Flow{From: k[0], To: k[1], Clients: n})
	}
	slices.SortFunc(m.Flows, compareFlows)
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
