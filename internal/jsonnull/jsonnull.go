// Package jsonnull holds the one rule the library's JSON readers share
// for null: encoding/json's convention that a JSON null leaves the value
// it is read into as it was, which a type's own UnmarshalJSON must keep
// by hand (encoding/json calls it with the null).
package jsonnull

import "bytes"

// Is reports whether b, a JSON value, is null.
func Is(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }
