package advisory

import (
	"encoding/json"
	"testing"
)

// Promise broken: every returned type marshals to JSON and nothing panics
// (errors_json.go: FileAlerts encodes the cause's text in "error").
// Observed: a FileAlerts whose Err is a nil *LoadError (a typed nil in the
// error interface) panics in json.Marshal: errText calls Error() on the nil
// receiver, which dereferences it (FileAlerts.MarshalJSON / errText).
// Expected: valid JSON (an empty or "<nil>" error text), no panic.
func TestAdversary61_NilLoadErrorInFileAlerts(t *testing.T) {
	var le *LoadError
	for name, v := range map[string]any{
		"FileAlerts": FileAlerts{Index: 1, ClientID: "c", Err: le},
		"FileStats":  FileStats{Index: 1, ClientID: "c", Err: le},
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: json.Marshal panicked: %v", name, r)
				}
			}()
			b, err := json.Marshal(v)
			if err != nil || !json.Valid(b) {
				t.Errorf("%s: %s, %v", name, b, err)
			}
		}()
	}
}
