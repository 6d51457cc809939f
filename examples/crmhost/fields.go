package main

import (
	"encoding/json"
	"fmt"
	"time"
)

// typedValue is a source record's field as stored: JSON alone cannot tell
// a time from a string, nor an int from a float, so each value says its
// kind.
type typedValue struct {
	Kind  string          `json:"k"` // "s", "b", "f", "i", "t"
	Value json.RawMessage `json:"v"`
}

// encodeFields writes a record's fields as JSON with their kinds.
func encodeFields(fields map[string]any) ([]byte, error) {
	out := make(map[string]typedValue, len(fields))
	for name, v := range fields {
		var kind string
		switch x := v.(type) {
		case string:
			kind = "s"
		case bool:
			kind = "b"
		case float64:
			kind = "f"
		case int:
			kind = "i"
		case time.Time:
			kind, v = "t", x.UTC().Format(time.RFC3339Nano)
		default:
			return nil, fmt.Errorf("field %s: unsupported type %T", name, v)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		out[name] = typedValue{Kind: kind, Value: raw}
	}
	return json.Marshal(out)
}

// decodeFields reads what encodeFields wrote.
func decodeFields(data []byte) (map[string]any, error) {
	var in map[string]typedValue
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(in))
	for name, tv := range in {
		v, err := tv.decode()
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

func (tv typedValue) decode() (any, error) {
	switch tv.Kind {
	case "s":
		var s string
		return s, json.Unmarshal(tv.Value, &s)
	case "b":
		var b bool
		return b, json.Unmarshal(tv.Value, &b)
	case "f":
		var f float64
		return f, json.Unmarshal(tv.Value, &f)
	case "i":
		var i int
		return i, json.Unmarshal(tv.Value, &i)
	case "t":
		var s string
		if err := json.Unmarshal(tv.Value, &s); err != nil {
			return nil, err
		}
		return time.Parse(time.RFC3339Nano, s)
	}
	return nil, fmt.Errorf("unknown kind %q", tv.Kind)
}
