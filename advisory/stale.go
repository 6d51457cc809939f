package advisory

import (
	"slices"
	"strconv"
	"time"
)

// The data-quality alert types.
const (
	// TypeStale is a field older than its policy's MaxAge.
	TypeStale = "data.stale"
	// TypeMissing is a required field no source knows.
	TypeMissing = "data.missing"
	// StalenessRule is the RuleID of the alerts [Staleness] raises. Their
	// RuleSet is empty, which tells them from the alerts of a framework
	// rule that happens to have the same id, and their Path is the field
	// they are about, which tells them from each other (in a [Diff] of two
	// versions, say).
	StalenessRule = "staleness"
)

// Staleness reports the fields of a consolidated record that are too old
// by the policy at time now, and the required fields it lacks, as alerts in
// field order: stale data is surfaced, never silently used as if fresh. A
// stale field's message dates its as-of on now's calendar, whatever zone
// its source gave it in.
// required lists the fields the host requires beyond those the policy marks.
func Staleness(c Consolidated, p Policy, now time.Time, required ...string) []Alert {
	var out []Alert
	// A policy ages a few fields: their names are sorted on the stack,
	// once a record, which at a million records is most of the check.
	var small [16]string
	for _, f := range staleCandidates(small[:0], c, p, required) {
		fp := p.For(f)
		prov, ok := c.Provenance[f]
		switch {
		case !ok && (fp.Required || slices.Contains(required, f)):
			out = append(out, Alert{ClientID: c.ClientID, Type: TypeMissing, RuleID: StalenessRule, Path: f, Title: "Missing " + f,
				Message: "No source knows " + f + " for this client.", Urgency: 0.3, Sensitivity: 0,
				Evidence: []Evidence{{Name: "field", Value: f}}})
		// As-of plus the age allowed, not now − as-of, which stops at
		// 292 years and so was never more than a MaxAge of that.
		case ok && fp.MaxAge > 0 && prov.AsOf.Add(fp.MaxAge).Before(now):
			age := daysBetween(prov.AsOf, now)
			// The date on now's calendar, not the source's zone: one
			// instant sent in UTC by one run and in local time by the
			// next wrote two messages, a change to a diff of the runs.
			asOf := prov.AsOf.In(now.Location()).Format(time.DateOnly)
			out = append(out, Alert{ClientID: c.ClientID, Type: TypeStale, RuleID: StalenessRule, Path: f, Title: "Stale " + f,
				Message: f + " comes from " + prov.Source + " as of " + asOf + ", " + strconv.Itoa(age) + " days ago.",
				Urgency: 0.2, Sensitivity: 0,
				Evidence: []Evidence{{Name: "field", Value: f}, {Name: "source", Value: prov.Source},
					{Name: "as_of", Value: prov.AsOf}, {Name: "age_days", Value: age}}})
		}
	}
	return out
}

// staleCandidates appends to dst, sorted and without repeats, the fields
// that can give an alert. With a default age limit that is every field of
// c; without one, only the fields whose own policy limits their age or
// requires them, and those the caller requires, which keeps staleness
// cheap for a record of many fields.
func staleCandidates(dst []string, c Consolidated, p Policy, required []string) []string {
	fields := append(dst, required...)
	for f, fp := range p.Fields {
		if fp.Required || fp.MaxAge > 0 {
			fields = append(fields, f)
		}
	}
	if p.Default.MaxAge > 0 {
		for f := range c.Fields {
			fields = append(fields, f)
		}
	}
	slices.Sort(fields)
	return slices.Compact(fields)
}

// daysBetween is the whole days from a to b, b after a. It counts in
// days and seconds of day apart: a Duration stops at 292 years (a source
// as of year one is older than that), and b.Unix() − a.Unix() wraps for
// instants 2^63 seconds apart, which times can be.
func daysBetween(a, b time.Time) int {
	const day = 24 * 3600
	split := func(t time.Time) (days, secs int64) {
		u := t.Unix()
		days, secs = u/day, u%day
		if secs < 0 {
			days, secs = days-1, secs+day
		}
		return days, secs
	}
	ad, as := split(a)
	bd, bs := split(b)
	d := bd - ad
	if bs < as || bs == as && b.Nanosecond() < a.Nanosecond() {
		d-- // the last day is not whole, to the nanosecond
	}
	return int(d)
}
