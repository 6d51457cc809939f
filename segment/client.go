package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/engagekit/engagekit/internal/errtext"
	"github.com/engagekit/engagekit/internal/jsonnull"
)

// Client is what segmentation needs to know about a client. Profitability
// is revenue minus cost to serve over the host's period; engagement is a
// score of whether the client "gets" what the firm does (an engagement
// package score, or the host's own). Assets are context only: they never
// move a client between segments.
//
// An unknown number is NaN (math.NaN()): a client with an unknown
// revenue, cost or engagement gets an error, never a segment by default.
type Client struct {
	ID          string  `json:"id"`
	Revenue     float64 `json:"revenue"`
	CostToServe float64 `json:"cost_to_serve"`
	Engagement  float64 `json:"engagement"`
	Assets      float64 `json:"assets,omitempty"`
}

// Profit is revenue minus cost to serve (a zero profit is +0, whatever
// the signs of zero it came from, so that it reads and cuts alike).
func (c Client) Profit() float64 { return c.Revenue - c.CostToServe + 0 }

// ErrUnknown is the cause of a [ClientError] about a NaN or infinite
// number, given or computed (a revenue and a cost each finite whose
// difference is not).
var ErrUnknown = errors.New("segment: value unknown (NaN or infinite)")

// ErrDuplicateID is the cause of a [ClientError] about a client whose id
// an earlier client of the book has: a book's ids name one client each.
var ErrDuplicateID = errors.New("segment: a client of the book has this id already")

// ErrNoID is the cause of a [ClientError] about a client of no id: a
// record no one can name is no client, and two of them would be one.
var ErrNoID = errors.New("segment: a client needs an id")

// ErrBadID is the cause of a [ClientError] about a client whose id is not
// UTF-8: JSON writes such an id as another (its bytes replaced), so two
// of them would read back as one client.
var ErrBadID = errors.New("segment: a client id must be UTF-8 text")

// ClientError is a client that could not be segmented. In JSON a sentinel
// cause is written as "cause": "unknown" for [ErrUnknown],
// "duplicate_id" for [ErrDuplicateID], "no_id" for [ErrNoID], "bad_id"
// for [ErrBadID], and any
// other cause as its text in "cause_text"; reading it back gives the same
// sentinel, or an error of that text (never a sentinel, whatever the
// text says).
type ClientError struct {
	ClientID string `json:"client_id"`
	Field    string `json:"field"`
	Err      error  `json:"-"`
}

// clientErrorJSON is a ClientError as JSON writes it.
type clientErrorJSON struct {
	ClientID string  `json:"client_id"`
	Field    string  `json:"field"`
	Cause    string  `json:"cause,omitempty"`
	Text     *string `json:"cause_text,omitempty"` // set for any other cause, its text empty too
}

// causes name the package's sentinel causes in JSON.
var causes = []struct {
	name string
	err  error
}{{"unknown", ErrUnknown}, {"duplicate_id", ErrDuplicateID}, {"no_id", ErrNoID}, {"bad_id", ErrBadID}}

// MarshalJSON writes the error with its cause.
func (e ClientError) MarshalJSON() ([]byte, error) {
	out := clientErrorJSON{ClientID: e.ClientID, Field: e.Field}
	if e.Err != nil {
		text := errtext.Of(e.Err) // a typed nil, or an Error that panics, written safely
		out.Text = &text
		for _, c := range causes {
			if e.Err == c.err {
				out.Cause, out.Text = c.name, nil
			}
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *ClientError) UnmarshalJSON(data []byte) error {
	if jsonnull.Is(data) {
		return nil // null leaves the value as it was, as encoding/json does
	}
	var in clientErrorJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*e = ClientError{ClientID: in.ClientID, Field: in.Field}
	if in.Text != nil {
		e.Err = errors.New(*in.Text)
	}
	if in.Cause == "" {
		return nil
	}
	e.Err = errors.New(in.Cause) // a name of no sentinel: its text, as written before cause_text
	for _, c := range causes {
		if in.Cause == c.name {
			e.Err = c.err
		}
	}
	return nil
}

// Error names the client and field.
func (e *ClientError) Error() string {
	return fmt.Sprintf("segment: client %s: %s: %v", e.ClientID, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *ClientError) Unwrap() error { return e.Err }

// check rejects a client whose axes cannot be known.
func (c Client) check() error {
	if err := checkID(c.ID); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"revenue", c.Revenue}, {"cost_to_serve", c.CostToServe}, {"engagement", c.Engagement}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return &ClientError{ClientID: c.ID, Field: f.name, Err: ErrUnknown}
		}
	}
	if math.IsInf(c.Profit(), 0) {
		return &ClientError{ClientID: c.ID, Field: "profit", Err: ErrUnknown}
	}
	return nil
}

// checkID refuses an id that names no client: empty, or not UTF-8.
func checkID(id string) error {
	switch {
	case id == "":
		return &ClientError{Field: "id", Err: ErrNoID}
	case !utf8.ValidString(id):
		return &ClientError{ClientID: id, Field: "id", Err: ErrBadID}
	}
	return nil
}
