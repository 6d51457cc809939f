package main

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/engagekit/engagekit/engagement"
)

// The pipeline's bulky elements (a year of responses, books in the
// making) cross the shuffle in a compact binary form rather than Beam's
// default JSON.
func init() {
	beam.RegisterCoder(reflect.TypeFor[engagement.Event](), encodeEvent, decodeEvent)
	beam.RegisterCoder(reflect.TypeFor[clientEvents](), encodeClientEvents, decodeClientEvents)
	beam.RegisterCoder(reflect.TypeFor[bookAcc](), encodeBookAcc, decodeBookAcc)
}

// errShort is a decoding of bytes that end too soon.
var errShort = errors.New("beam example: element encoding ends too soon")

func appendEvent(b []byte, e engagement.Event) []byte {
	le := binary.LittleEndian
	b = le.AppendUint64(b, uint64(e.Time))
	b = le.AppendUint64(b, math.Float64bits(e.Value))
	b = le.AppendUint32(b, e.Client)
	b = le.AppendUint32(b, e.Stimulus)
	b = le.AppendUint16(b, e.Kind)
	b = le.AppendUint16(b, e.Setting)
	return le.AppendUint32(b, e.Nanos)
}

const eventSize = 8 + 8 + 4 + 4 + 2 + 2 + 4

func readEvent(b []byte) (engagement.Event, []byte, error) {
	if len(b) < eventSize {
		return engagement.Event{}, nil, errShort
	}
	le := binary.LittleEndian
	e := engagement.Event{Time: int64(le.Uint64(b)), Value: math.Float64frombits(le.Uint64(b[8:])), Client: le.Uint32(b[16:]),
		Stimulus: le.Uint32(b[20:]), Kind: le.Uint16(b[24:]), Setting: le.Uint16(b[26:]), Nanos: le.Uint32(b[28:])}
	return e, b[eventSize:], nil
}

func encodeEvent(e engagement.Event) []byte { return appendEvent(nil, e) }

func decodeEvent(b []byte) (engagement.Event, error) {
	e, _, err := readEvent(b)
	return e, err
}

func appendClientEvents(b []byte, c clientEvents) []byte {
	b = binary.AppendUvarint(b, uint64(c.Client))
	b = binary.AppendUvarint(b, uint64(len(c.Events)))
	for _, e := range c.Events {
		b = appendEvent(b, e)
	}
	return b
}

func readClientEvents(b []byte) (clientEvents, []byte, error) {
	client, n := binary.Uvarint(b)
	if n <= 0 {
		return clientEvents{}, nil, errShort
	}
	b = b[n:]
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)/eventSize) {
		return clientEvents{}, nil, errShort
	}
	b = b[n:]
	c := clientEvents{Client: int(client), Events: make([]engagement.Event, count)}
	for i := range c.Events {
		var err error
		if c.Events[i], b, err = readEvent(b); err != nil {
			return clientEvents{}, nil, err
		}
	}
	return c, b, nil
}

func encodeClientEvents(c clientEvents) []byte { return appendClientEvents(nil, c) }

func decodeClientEvents(b []byte) (clientEvents, error) {
	c, _, err := readClientEvents(b)
	return c, err
}

func encodeBookAcc(a bookAcc) []byte {
	b := binary.AppendUvarint(nil, uint64(len(a.Books)))
	for _, book := range a.Books {
		b = binary.AppendUvarint(b, uint64(len(book)))
		b = append(b, book...)
	}
	b = binary.AppendUvarint(b, uint64(len(a.Pending)))
	for _, c := range a.Pending {
		b = appendClientEvents(b, c)
	}
	return b
}

func decodeBookAcc(b []byte) (bookAcc, error) {
	var a bookAcc
	books, n := binary.Uvarint(b)
	if n <= 0 || books > uint64(len(b)) {
		return a, errShort
	}
	b = b[n:]
	for range books {
		size, n := binary.Uvarint(b)
		if n <= 0 || size > uint64(len(b)-n) {
			return a, errShort
		}
		a.Books = append(a.Books, b[n:n+int(size)])
		b = b[n+int(size):]
	}
	pending, n := binary.Uvarint(b)
	if n <= 0 || pending > uint64(len(b)) {
		return a, errShort
	}
	b = b[n:]
	for range pending {
		c, rest, err := readClientEvents(b)
		if err != nil {
			return a, err
		}
		a.Pending, b = append(a.Pending, c), rest
	}
	return a, nil
}
