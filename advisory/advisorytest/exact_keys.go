package advisorytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// exactKeys walks a JSON value against the type it decodes into and
// refuses what encoding/json lets by: a key given twice in one object
// (json keeps the last, or merges two lists element by element) and a key
// that names a field only when case is ignored ("EXPECT", "SCORE"). A
// part decoded later (a json.RawMessage, an any) is checked for repeated
// keys alone.
func exactKeys(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	return walkKeys(dec, t, "")
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

func walkKeys(dec *json.Decoder, t reflect.Type, at string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage || t != nil && t.Kind() == reflect.Interface {
		t = nil
	}
	tok, err := dec.Token()
	if err != nil {
		return nil // strictDecode reports the syntax
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := kt.(string)
			where := strings.TrimPrefix(at+"."+key, ".")
			if seen[key] {
				return fmt.Errorf("key %q given twice", where)
			}
			seen[key] = true
			var sub reflect.Type
			switch {
			case t == nil:
			case t.Kind() == reflect.Map:
				sub = t.Elem()
			case t.Kind() == reflect.Struct:
				f, exact, ok := jsonField(t, key)
				if ok && !exact {
					return fmt.Errorf("key %q: the field is %q (keys are matched exactly)", where, jsonName(f))
				}
				sub = f.Type
			}
			if err := walkKeys(dec, sub, where); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // '}'
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, elem, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // ']'
	}
	return nil
}

// jsonField finds the field of struct t a JSON key names, and whether the
// key is its name exactly (json also takes it ignoring case).
func jsonField(t reflect.Type, key string) (reflect.StructField, bool, bool) {
	var folded reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			if g, exact, ok := jsonField(f.Type, key); ok {
				if exact {
					return g, true, true
				}
				folded, found = g, true
			}
			continue
		}
		switch name := jsonName(f); {
		case name == key:
			return f, true, true
		case strings.EqualFold(name, key) && !found:
			folded, found = f, true
		}
	}
	return folded, false, found
}

// jsonName is the name JSON gives field f.
func jsonName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
		return name
	}
	return f.Name
}
