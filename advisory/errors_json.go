package advisory

import (
	"encoding/json"

	"github.com/engagekit/engagekit/internal/errtext"
)

// The types below carry an error, which JSON cannot write (its Err is
// tagged "-"): each encodes its fields and the cause's text in "error", as
// FileError does, so a host logging them as JSON keeps why.

// MarshalJSON encodes the client and the cause's text (a nil *LoadError
// as null: encoding/json writes a nil pointer so). On the value, so that a
// LoadError held as a value, not a pointer, is written so too.
func (e LoadError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientID string `json:"client_id"`
		Error    string `json:"error"`
	}{e.ClientID, errtext.Of(e.Err)})
}

// MarshalJSON encodes the client, the source, the field and the cause's
// text (a nil *RecordError as null), on the value as LoadError's is.
func (e RecordError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientID string `json:"client_id"`
		Source   string `json:"source"`
		Field    string `json:"field"`
		Error    string `json:"error"`
	}{e.ClientID, e.Source, e.Field, errtext.Of(e.Err)})
}

type fileStatsFields FileStats

// MarshalJSON encodes the stats' fields and, for a file that failed, the
// cause's text in "error".
func (s FileStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		fileStatsFields
		Error string `json:"error,omitempty"`
	}{fileStatsFields(s), errtext.Of(s.Err)})
}

type fileAlertsFields FileAlerts

// MarshalJSON encodes the file's fields and, for a file that failed, the
// cause's text in "error".
func (f FileAlerts) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		fileAlertsFields
		Error string `json:"error,omitempty"`
	}{fileAlertsFields(f), errtext.Of(f.Err)})
}
