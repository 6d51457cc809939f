package main

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// maxBatch is how many responses one request may carry.
const maxBatch = 1000

// ingestRequest is the body of POST /api/responses.
type ingestRequest struct {
	Responses []Response `json:"responses"`
}

// ingestReply says what a batch did: every response received is stored
// once (Stored now, Duplicates before), so a client that replays a batch
// it is unsure of changes nothing.
type ingestReply struct {
	Received   int `json:"received"`
	Stored     int `json:"stored"`
	Duplicates int `json:"duplicates"`
}

// ingest stores a batch of responses and merges them into the book. The
// reply (200) is sent only after the store committed the batch.
func (s *server) ingest(w http.ResponseWriter, r *http.Request, c *caller) error {
	var req ingestRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if bad := bodyError(err).(*httpError); bad.Status == http.StatusRequestEntityTooLarge {
			return bad
		}
		return fail(http.StatusBadRequest, "the body is not a JSON batch of responses: "+err.Error())
	}
	if len(req.Responses) > maxBatch {
		return fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("%d responses: at most %d a request", len(req.Responses), maxBatch))
	}
	for i, resp := range req.Responses {
		if err := s.check(resp); err != nil {
			return fail(http.StatusUnprocessableEntity, fmt.Sprintf("response %d: %v; nothing was stored", i, err))
		}
	}
	n, err := s.h.ingest(r.Context(), req.Responses)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ingestReply{Received: len(req.Responses), Stored: n, Duplicates: len(req.Responses) - n})
	return nil
}

// check validates one response before anything is stored.
func (s *server) check(r Response) error {
	switch {
	case r.ID == "" || len(r.ID) > 200:
		return fmt.Errorf("id must have 1 to 200 bytes")
	case !s.h.known[r.Client]:
		return fmt.Errorf("unknown client %q", r.Client)
	case r.Stimulus == "" || r.Kind == "":
		return fmt.Errorf("stimulus and kind are required")
	case r.Time.IsZero():
		return fmt.Errorf("time is required")
	}
	return nil
}
