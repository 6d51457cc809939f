package segment_test

// Adversary 63: failing tests for package segment.

import (
	"context"
	"errors"
	"testing"

	"github.com/engagekit/engagekit/segment"
)

// TestAdversary63_EmptyIDSegmented
//
// Contract broken: the library's standard that bad input — an empty id
// among them — gets a clear typed error, and segment's own "a book's ids
// name one client each" (ErrDuplicateID). Every other entry point of the
// library refuses a record with no id (engagement.Analyze, Funnel,
// CompareResponders and ExperimentPlan skip or reject a response or
// exposure of no client; advisory refuses a file of no client id).
//
// Input: AssignAll of a book of two clients with ID "" (and different
// numbers). Observed: the first is segmented as a client (A, with a
// reason) and counts in the cut; the second fails as a *duplicate* of
// it. An anonymous record is silently treated as a client named "",
// and which of two anonymous records "is" the client depends on their
// order. Expected: each fails with a *ClientError on field "id" (as a
// duplicate does), and neither counts in a Top cut.
//
// Root mechanism (segment/client.go: Client.check, and grid.go:
// AssignAll/duplicateIDs): check validates only the three numbers; the
// id is only compared with other ids.
func TestAdversary63_EmptyIDSegmented(t *testing.T) {
	book := []segment.Client{
		{ID: "", Revenue: 100, CostToServe: 1, Engagement: 1},
		{ID: "", Revenue: 1, CostToServe: 100, Engagement: 0},
	}
	b, err := segment.Grid{}.AssignAll(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range b.Assignments {
		t.Errorf("client of empty id segmented: %+v", a)
	}
	for _, f := range b.Failed {
		if errors.Is(&f, segment.ErrDuplicateID) {
			t.Errorf("the second client of no id fails as a duplicate of the first (%v): which anonymous record is a client depends on the order", &f)
		}
	}
}
