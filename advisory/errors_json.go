package advisory

import "encoding/json"

// The types below carry an error, which JSON cannot write (its Err is
// tagged "-"): each encodes its fields and the cause's text in "error", as
// FileError does, so a host logging them as JSON keeps why.

// errText is err's text, empty for none.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// MarshalJSON encodes the client and the cause's text.
func (e *LoadError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientID string `json:"client_id"`
		Error    string `json:"error"`
	}{e.ClientID, errText(e.Err)})
}

// MarshalJSON encodes the client, the source, the field and the cause's
// text.
func (e *RecordError) MarshalJSON() ([]byte, error) {
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
