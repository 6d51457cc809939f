// Package enumtext is the one text form of the library's enumerations
// (engagement's Class, Stage, Pattern and Correction, segment's Stance,
// advisory's Strategy, canvas's Channel, Quadrant and Action): a value's
// name, or "Type(n)" for a number without one, and a reader that takes
// back exactly what was written, so that any value a host holds writes to
// JSON and reads back as itself.
package enumtext

import (
	"strconv"
	"strings"
)

// String is the text of value n of the enumeration typ: its name, or
// typ(n) for a number past the names.
func String(names []string, typ string, n uint8) string {
	if int(n) < len(names) {
		return names[n]
	}
	return typ + "(" + strconv.FormatUint(uint64(n), 10) + ")"
}

// Parse reads what String writes: a name as its number, or typ(n) for a
// number past the names, written as String writes it (no sign, no
// leading zero). ok is false for any other text.
func Parse(names []string, typ, text string) (n uint8, ok bool) {
	for i, name := range names {
		if name == text {
			return uint8(i), true
		}
	}
	digits, ok := strings.CutPrefix(text, typ+"(")
	if !ok {
		return 0, false
	}
	if digits, ok = strings.CutSuffix(digits, ")"); !ok {
		return 0, false
	}
	v, err := strconv.ParseUint(digits, 10, 8)
	if err != nil || int(v) < len(names) || strconv.FormatUint(v, 10) != digits {
		return 0, false
	}
	return uint8(v), true
}
