package advisory

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"

	"github.com/engagekit/engagekit/internal/jsonnull"
)

type consolidatedFields Consolidated

// MarshalJSON encodes the consolidated record so that it reads back as it
// was (UnmarshalJSON): a list of bytes in a value (scores kept as
// []uint8) as its numbers, where encoding/json wrote base64 text, which
// read back as a string that Decode could not put into the list.
func (c Consolidated) MarshalJSON() ([]byte, error) {
	out := consolidatedFields(c)
	if holdsByteList(reflect.ValueOf(c.Fields), 0) {
		out.Fields = make(map[string]any, len(c.Fields))
		for k, v := range c.Fields {
			out.Fields[k] = byteListsAsNumbers(v)
		}
	}
	copied := false // the conflicts are copied before one is written: c is not changed
	for i, cf := range c.Conflicts {
		for j, sv := range cf.Values {
			if !holdsByteList(reflect.ValueOf(sv.Value), 0) {
				continue
			}
			if !copied {
				out.Conflicts = make([]Conflict, len(c.Conflicts))
				for k, x := range c.Conflicts {
					x.Values = slices.Clone(x.Values)
					out.Conflicts[k] = x
				}
				copied = true
			}
			out.Conflicts[i].Values[j].Value = byteListsAsNumbers(sv.Value)
		}
	}
	return json.Marshal(out)
}

// byteListsAsNumbers is v with a byte list, itself, written as its
// numbers; a value that holds one deeper is written as Alert writes it.
func byteListsAsNumbers(v any) any {
	if !holdsByteList(reflect.ValueOf(v), 0) {
		return v
	}
	return jsonValue(v)
}

// UnmarshalJSON reads what MarshalJSON writes, its numbers as Alert's are
// read: an integer as an int where an int holds it (an account number of
// 2^53+1 read through a float64 came back 2^53, which Decode put into the
// host's int64 without a word), past it as its digits (json.Number). A
// JSON null leaves c as it was.
func (c *Consolidated) UnmarshalJSON(data []byte) error {
	if jsonnull.Is(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var in consolidatedFields
	if err := dec.Decode(&in); err != nil {
		return err
	}
	for k, v := range in.Fields {
		in.Fields[k] = readNumbers(v)
	}
	for i := range in.Conflicts {
		for j := range in.Conflicts[i].Values {
			in.Conflicts[i].Values[j].Value = readNumbers(in.Conflicts[i].Values[j].Value)
		}
	}
	*c = Consolidated(in)
	return nil
}
