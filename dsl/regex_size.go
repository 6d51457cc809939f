package dsl

import (
	"regexp/syntax"
	"strings"
)

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
	if patternTextSize(pattern) > maxPatternSize {
		return maxPatternSize + 1 // refused without parsing it
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 1
	}
	return regexpSize(re)
}

// unicodeClassSize is what a Unicode class (\pL, \p{Greek}, \PN)
// weighs at most, in instructions: its ranges, 712 for the largest
// (659 for \pL), each a pair of runes in its instruction, which parsing
// and compiling it allocate some 40 bytes a range for (26 KB for \pL).
const unicodeClassSize = 712

// patternTextSize is what pattern's Unicode classes weigh, read from its
// text before it is parsed (parsing one builds its ranges): a pattern
// past maxPatternSize by that alone is refused without parsing.
func patternTextSize(pattern string) int64 {
	return int64(strings.Count(pattern, `\p`)+strings.Count(pattern, `\P`))*unicodeClassSize + 1
}

// smallClass is the most ranges a class has that weighs one instruction.
const smallClass = 8

// regexpSize counts as Go's compiler lays a program out: a rune an
// instruction, a class one (and, past smallClass ranges, one for each of
// its ranges: \pL is 660), any-character one, a concatenation its parts,
// an alternation its parts and a split between each two, a capture its
// operand and two, a star, plus or quest its operand and one, and a
// repeat {n,m} m copies of its operand and a split for each optional one.
func regexpSize(re *syntax.Regexp) int64 {
	const over = maxPatternSize + 1
	sum := func() int64 {
		var n int64
		for _, sub := range re.Sub {
			n = min(n+regexpSize(sub), over)
		}
		return n
	}
	var n int64
	switch re.Op {
	case syntax.OpLiteral:
		n = int64(len(re.Rune))
	case syntax.OpConcat:
		n = sum()
	case syntax.OpAlternate:
		n = sum() + int64(len(re.Sub)-1)
	case syntax.OpCapture:
		n = sum() + 2
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		n = sum() + 1
	case syntax.OpRepeat:
		copies := int64(re.Max)
		if copies < 0 {
			copies = int64(re.Min) + 1 // {n,}: n copies and a star
		}
		n = sum()*max(copies, 1) + max(copies-int64(re.Min), 0)
	case syntax.OpCharClass:
		// One instruction, whose ranges are its memory: a few ([a-z],
		// [0-9a-fA-F]) are the instruction's own, a Unicode class's
		// hundreds weigh as many instructions.
		if ranges := int64(len(re.Rune) / 2); ranges > smallClass {
			n = 1 + ranges
		} else {
			n = 1
		}
	default:
		n = 1
	}
	return min(n, over)
}
