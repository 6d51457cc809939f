package engagement

import (
	"fmt"
	"github.com/engagekit/engagekit/internal/enumtext"
	"strings"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// Class is what a response does to engagement. The zero value is
// [ClassUnknown].
type Class uint8

// The classes.
const (
	ClassUnknown Class = iota
	// Maintain keeps the client in the setting: like, comment, share, read.
	Maintain
	// Escalate moves the client into a deeper setting: click through to the
	// website, register for an event, book a meeting.
	Escalate
	// Disengage is unfollow, unsubscribe, complaint.
	Disengage
)

var classNames = [...]string{"unknown", "maintain", "escalate", "disengage"}

// String returns the class's name.
func (c Class) String() string {
	return enumtext.String(classNames[:], "Class", uint8(c))
}

// MarshalText encodes the class as its name.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a class from the text MarshalText writes: its
// name, or "Class(n)" for a number without one.
func (c *Class) UnmarshalText(b []byte) error {
	n, ok := enumtext.Parse(classNames[:], "Class", string(b))
	if !ok {
		return fmt.Errorf("engagement: unknown class %q", b)
	}
	*c = Class(n)
	return nil
}

// ClassifyEnv is what a classification rule sees.
type ClassifyEnv struct {
	Response Response `expr:"response"`
	Stimulus Stimulus `expr:"stimulus"`
	// From is the stimulus's setting, To the setting the response happened
	// in or led to.
	From Setting `expr:"from"`
	To   Setting `expr:"to"`
}

// Classifier turns responses into classes. The zero Classifier is the
// default: disengagement for unfollow, unsubscribe and complaint; escalation
// when the response lands in a deeper setting than its stimulus's; the rest
// maintains. Overrides apply in order: a rule, then a setting pair, then a
// response kind. It is immutable once built and safe for concurrent use.
type Classifier struct {
	byKind map[string]Class
	byPair map[[2]string]Class
	rule   *dsl.Expr[ClassifyEnv, string]
}

// WithKind returns a classifier that classifies every response of kind as
// cl. A class other than Maintain, Escalate or Disengage is an
// [*OptionError], and c is returned unchanged.
func (c Classifier) WithKind(kind string, cl Class) (Classifier, error) {
	if err := checkClass("Classifier.WithKind", cl); err != nil {
		return c, err
	}
	c.byKind = cloneSet(c.byKind)
	c.byKind[kind] = cl
	return c, nil
}

func checkClass(option string, cl Class) error {
	if cl == Maintain || cl == Escalate || cl == Disengage {
		return nil
	}
	return optErr(option, cl, "not maintain, escalate or disengage")
}

// WithPair returns a classifier that classifies every response from
// setting from to setting to as cl. A class other than Maintain, Escalate
// or Disengage is an [*OptionError], and c is returned unchanged.
func (c Classifier) WithPair(from, to string, cl Class) (Classifier, error) {
	if err := checkClass("Classifier.WithPair", cl); err != nil {
		return c, err
	}
	m := make(map[[2]string]Class, len(c.byPair)+1)
	for k, v := range c.byPair {
		m[k] = v
	}
	m[[2]string{from, to}] = cl
	c.byPair = m
	return c, nil
}

// WithRule returns a classifier that asks a dsl rule first: an expression
// over [ClassifyEnv] giving "maintain", "escalate", "disengage", or "" to
// fall through to the other overrides and the default. A rule's error or an
// unknown class name makes the response rejected, never guessed. The rule
// reads a response's time in the zone of Options.AsOf (the analysis's
// calendar; an [Event] carries no zone), on every path alike.
func (c Classifier) WithRule(src string, opts ...dsl.Option) (Classifier, error) {
	e, err := dsl.Compile[ClassifyEnv, string](src, opts...)
	if err != nil {
		return c, err
	}
	c.rule = e
	return c, nil
}

func cloneSet(m map[string]Class) map[string]Class {
	out := make(map[string]Class, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Classify classifies one response, given its stimulus and the two
// settings, as of now: a rule reads the response's time in now's zone, as
// an analysis reads it in its as-of's (on every path alike).
func (c *Classifier) Classify(r Response, st Stimulus, from, to Setting, now time.Time) (Class, error) {
	r.Time = r.Time.In(now.Location())
	return c.classify(&r, &st, &from, &to, now)
}

// readsID says whether the classifier's rule reads the response's ID,
// which a numbered Event does not carry: by name, or by reading the whole
// response (let r = response; r.ID), which may reach any of its fields.
func (c *Classifier) readsID() bool {
	if c == nil || c.rule == nil {
		return false
	}
	for _, f := range c.rule.Reads() {
		if f == "response" || f == "response.ID" || f == "response.id" || strings.HasPrefix(f, "response.ID.") {
			return true
		}
	}
	return false
}

// classify is Classify without copies, for the streaming hot path.
func (c *Classifier) classify(r *Response, st *Stimulus, from, to *Setting, now time.Time) (Class, error) {
	if c.rule != nil {
		name, err := c.rule.Eval(ClassifyEnv{Response: *r, Stimulus: *st, From: *from, To: *to}, now)
		if err != nil {
			return ClassUnknown, err
		}
		if name != "" {
			var cl Class
			// Only a class's name: "Class(4)", the text of a number
			// past the names, reads back as a Class too, and is none.
			if err := cl.UnmarshalText([]byte(name)); err != nil || checkClass("", cl) != nil {
				return ClassUnknown, fmt.Errorf("engagement: classification rule %s gave %q, which is no class (maintain, escalate or disengage)", c.rule.Source(), name)
			}
			return cl, nil
		}
	}
	if len(c.byPair) > 0 {
		if cl, ok := c.byPair[[2]string{from.ID, to.ID}]; ok {
			return cl, nil
		}
	}
	if len(c.byKind) > 0 {
		if cl, ok := c.byKind[r.Kind]; ok {
			return cl, nil
		}
	}
	switch {
	case r.Kind == "unfollow" || r.Kind == "unsubscribe" || r.Kind == "complaint":
		return Disengage, nil
	case to.Depth > from.Depth:
		return Escalate, nil
	}
	return Maintain, nil
}
