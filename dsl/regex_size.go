package dsl

import "regexp/syntax"

// maxPatternSize bounds what a regular expression may expand to, in
// instructions of its compiled program: a{1000} is a thousand, and a
// repeat of it a thousand times that. Go's regexp refuses a single repeat
// past 1000 but lets a pattern of many of them compile to millions of
// instructions, tens of megabytes for a few hundred bytes of rule.
const maxPatternSize = 1 << 16

// patternSize is what pattern expands to, in instructions, counted on its
// parse without compiling it (repeats multiply their operand), at most
// just past maxPatternSize; a pattern that does not parse is 1 (the
// operator reports it).
func patternSize(pattern string) int64 {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 1
	}
	return regexpSize(re)
}

func regexpSize(re *syntax.Regexp) int64 {
	const over = maxPatternSize + 1
	var n int64
	switch re.Op {
	case syntax.OpLiteral:
		n = int64(len(re.Rune))
	case syntax.OpRepeat:
		times := int64(re.Max)
		if times < 0 {
			times = int64(re.Min) + 1
		}
		if len(re.Sub) > 0 {
			n = regexpSize(re.Sub[0]) * max(times, 1)
		}
	default:
		n = 1
		for _, sub := range re.Sub {
			n += regexpSize(sub)
			if n > over {
				return over
			}
		}
	}
	return min(n+1, over)
}
