// Package errtext reads an error's text where the library writes it (JSON,
// messages): safely, whatever error a host handed over.
package errtext

import (
	"fmt"
	"reflect"
)

// Of is err's text, empty for none: a nil error, or a nil pointer in one
// (a typed nil, whose Error would read through it). An Error that panics
// is written as that panic, so that writing an error never panics.
func Of(err error) (text string) {
	if err == nil || IsNilPointer(err) {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			text = fmt.Sprintf("(the error's text panicked: %v)", r)
		}
	}()
	return err.Error()
}

// IsNilPointer reports whether err is a nil pointer in a non-nil error.
func IsNilPointer(err error) bool {
	v := reflect.ValueOf(err)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
