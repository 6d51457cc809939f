package advisory

import (
	"encoding/json"
	"errors"

	"github.com/engagekit/engagekit/internal/errtext"
	"github.com/engagekit/engagekit/internal/jsonnull"
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
// cause's text in "error" (present, if empty, for a cause with no text:
// the file failed all the same).
func (s FileStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		fileStatsFields
		Error *string `json:"error,omitempty"`
	}{fileStatsFields(s), failureText(s.Err)})
}

type fileAlertsFields FileAlerts

// MarshalJSON encodes the file's fields and, for a file that failed, the
// cause's text in "error" (present, if empty, as FileStats writes it).
func (f FileAlerts) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		fileAlertsFields
		Error *string `json:"error,omitempty"`
	}{fileAlertsFields(f), failureText(f.Err)})
}

// failureText is what "error" holds for a file's err: nil for none, else
// its text, which may be empty (errors.New(""), a nil *LoadError: a
// failure whose "error" JSON left out read back as no failure).
func failureText(err error) *string {
	if err == nil {
		return nil
	}
	t := errtext.Of(err)
	return &t
}

// ErrFromJSON is the cause (errors.Is) of a failure read back from JSON
// ([FileAlerts.UnmarshalJSON], [FileStats.UnmarshalJSON]): its text is
// the original's; its type, which JSON does not carry, is lost.
var ErrFromJSON = errors.New("advisory: a failure read from JSON")

// jsonFailure is a failure read back from JSON: the text it was written
// with.
type jsonFailure struct{ text string }

func (e *jsonFailure) Error() string { return e.text }

func (e *jsonFailure) Is(target error) bool { return target == ErrFromJSON }

// failureFrom is the failure JSON's "error" says: nil for none.
func failureFrom(text *string) error {
	if text == nil {
		return nil
	}
	return &jsonFailure{text: *text}
}

// UnmarshalJSON reads what MarshalJSON writes: a file that failed reads
// back as failed, its Err an error of its text ([ErrFromJSON]).
func (s *FileStats) UnmarshalJSON(b []byte) error {
	if jsonnull.Is(b) {
		return nil // null leaves the value as it was, as encoding/json does
	}
	var in struct {
		fileStatsFields
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*s = FileStats(in.fileStatsFields)
	s.Err = failureFrom(in.Error)
	return nil
}

// UnmarshalJSON reads what MarshalJSON writes: a file that failed reads
// back as failed, its Err an error of its text ([ErrFromJSON]); its alerts
// as [Alert.UnmarshalJSON] reads them.
func (f *FileAlerts) UnmarshalJSON(b []byte) error {
	if jsonnull.Is(b) {
		return nil // null leaves the value as it was, as encoding/json does
	}
	var in struct {
		fileAlertsFields
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*f = FileAlerts(in.fileAlertsFields)
	f.Err = failureFrom(in.Error)
	return nil
}
