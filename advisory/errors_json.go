package advisory

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// The types below carry an error, which JSON cannot write (its Err is
// tagged "-"): each encodes its fields and the cause's text in "error", as
// FileError does, so a host logging them as JSON keeps why.

// errText is err's text, empty for none: a nil error, or a nil pointer in
// one (a nil *LoadError as an error), whose Error would read through it.
// An Error that panics is written as that panic, so an encoding never
// panics.
func errText(err error) (text string) {
	if err == nil {
		return ""
	}
	if isNilPointer(err) {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			text = fmt.Sprintf("(the error's text panicked: %v)", r)
		}
	}()
	return err.Error()
}

// MarshalJSON encodes the client and the cause's text (a nil *LoadError
// as null).
func (e *LoadError) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		ClientID string `json:"client_id"`
		Error    string `json:"error"`
	}{e.ClientID, errText(e.Err)})
}

// MarshalJSON encodes the client, the source, the field and the cause's
// text (a nil *RecordError as null).
func (e *RecordError) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		ClientID string `json:"client_id"`
		Source   string `json:"source"`
		Field    string `json:"field"`
		Error    string `json:"error"`
	}{e.ClientID, e.Source, e.Field, errText(e.Err)})
}

type fileStatsFields FileStats

// MarshalJSON encodes the stats' fields and, for a file that failed, the
// cause's text in "error".
func (s FileStats) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		fileStatsFields
		Error string `json:"error,omitempty"`
	}{fileStatsFields(s), errText(s.Err)})
}

type fileAlertsFields FileAlerts

// MarshalJSON encodes the file's fields and, for a file that failed, the
// cause's text in "error".
func (f FileAlerts) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		fileAlertsFields
		Error string `json:"error,omitempty"`
	}{fileAlertsFields(f), errText(f.Err)})
}

// isNilPointer reports whether err is a nil pointer in a non-nil error.
func isNilPointer(err error) bool {
	v := reflect.ValueOf(err)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
