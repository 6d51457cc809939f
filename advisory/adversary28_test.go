package advisory_test

// The twenty-eighth adversary's suite: decoding. Every test here fails on
// the code it was written against, names the promise it breaks and the
// minimal input that breaks it.

import (
	"context"
	"os"
	"os/exec"
	"runtime/debug"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// a28Node is a host's recursive type: a person advising another.
type a28Node struct {
	V    int      `json:"v"`
	Next *a28Node `json:"next"`
}

type a28Root struct {
	Head a28Node `json:"head"`
}

// TestAdversary28_DecodeCyclicValueOverflowsStack: Decode: "A value that
// does not fit is a *DecodeError naming the path ... Every field is
// tried; the errors come back joined"; nothing may crash the host.
// Consolidated is plain data a host builds or keeps, and a map that
// holds itself (the cyclic JSON-ish value Consolidate refuses with an
// error, "nested deeper than 16 levels") decoded into a recursive struct
// type is followed for ever: a fatal stack overflow no recover catches,
// by Decode and by a Decoder alike. Minimal input: m := {"v": 1};
// m["next"] = m; Fields {"head": m} into struct{Head a28Node}. Expected:
// a *DecodeError (too deep), as checkValue gives. Run in a child
// process, as the failure is fatal.
func TestAdversary28_DecodeCyclicValueOverflowsStack(t *testing.T) {
	if mode := os.Getenv("ADVERSARY28_CHILD"); mode != "" {
		debug.SetMaxStack(2 << 20) // fail fast rather than at 1 GB; ample for any bounded depth
		m := map[string]any{"v": 1}
		m["next"] = m
		c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"head": m}}
		var r a28Root
		if mode == "decode" {
			_ = advisory.Decode(c, &r) // an error will do
		} else {
			d, err := advisory.NewDecoder[a28Root]()
			if err != nil {
				panic(err)
			}
			_ = d.Decode(c, &r)
		}
		return
	}
	for _, mode := range []string{"decode", "decoder"} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestAdversary28_DecodeCyclicValueOverflowsStack$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ADVERSARY28_CHILD="+mode)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			if len(out) > 400 {
				out = out[:400]
			}
			t.Errorf("%s of a cyclic map into a recursive struct crashed the process: %v\n%s", mode, err, out)
		}
	}
}

type a28When struct {
	At time.Time `json:"at"`
}

// TestAdversary28_DecodeTimeAcceptsNonRFC3339: Decode: "a string converts
// ... to a time.Time when it is an RFC 3339 time or a date", and
// decoding "converts exactly or not at all". time.Parse(time.RFC3339) is
// laxer than RFC 3339, and Decode takes what it takes: an offset of
// +24:00 or +23:60 (hours 00-23, minutes 00-59 in RFC 3339; +23:60 is
// silently rewritten as +24:00), a comma for the decimal point, and a
// tenth fractional digit, silently dropped (…00.1234567891Z becomes
// .123456789: a rounded value). Minimal input: at =
// "2027-01-31T10:00:00+24:00". Expected: a *DecodeError naming "at".
func TestAdversary28_DecodeTimeAcceptsNonRFC3339(t *testing.T) {
	for _, s := range []string{
		"2027-01-31T10:00:00+24:00",
		"2027-01-31T10:00:00+23:60",
		"2027-01-31T10:00:00,5Z",
		"2027-01-31T10:00:00.1234567891Z",
	} {
		var w a28When
		err := advisory.Decode(advisory.Consolidated{Fields: map[string]any{"at": s}}, &w)
		if err == nil {
			t.Errorf("%q decoded as %v, want a *DecodeError: not an RFC 3339 time (or not exactly)", s, w.At)
		}
	}
}
