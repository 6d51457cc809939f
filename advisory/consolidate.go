package advisory

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/engagekit/engagekit/internal/valuetext"
)

// Consolidated is one client's record merged from its sources, with where
// every value came from and where the sources disagreed. It is plain data
// owned by the caller.
type Consolidated struct {
	ClientID string `json:"client_id"`
	// Fields holds the chosen value of every field some source knows.
	Fields map[string]any `json:"fields"`
	// Provenance says which source, as of when, gave each field.
	Provenance map[string]Provenance `json:"provenance"`
	// Conflicts lists the fields whose sources disagree, sorted by field.
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// Provenance is where a consolidated value came from.
type Provenance struct {
	Source string    `json:"source"`
	AsOf   time.Time `json:"as_of"`
}

// Conflict is a field on which sources hold different values; Values lists
// every source's value, sorted by source name. A source that holds two
// values as of one instant (two versions of its record) conflicts with
// itself, whatever the policy: Values then lists it with each.
type Conflict struct {
	Field  string        `json:"field"`
	Chosen string        `json:"chosen"`
	Values []SourceValue `json:"values"`
}

// SourceValue is one source's value of a field.
type SourceValue struct {
	Source string    `json:"source"`
	AsOf   time.Time `json:"as_of"`
	Value  any       `json:"value"`
}

// RecordError is a record that consolidation could not use.
type RecordError struct {
	ClientID string `json:"client_id"`
	Source   string `json:"source"`
	Field    string `json:"field"`
	Err      error  `json:"-"`
}

// Error says which client, source and field.
func (e *RecordError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("advisory: client %s, source %s: %v", e.ClientID, e.Source, e.Err)
	}
	return fmt.Sprintf("advisory: client %s, source %s, field %s: %v", e.ClientID, e.Source, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *RecordError) Unwrap() error { return e.Err }

// Consolidate merges a client's records by the policy. It is a pure
// function of its inputs: the records' order does not matter, and two
// records of one source are taken as versions, the latest as-of winning.
// A record with a value of an unsupported type is an error naming it, and
// a field's policy that cannot be followed a *[PolicyError]; on an error
// the Consolidated holds nothing (what it held depended on the order of
// a map).
func Consolidate(clientID string, records []Record, p Policy) (Consolidated, error) {
	var c Consolidated
	err := ConsolidateInto(&c, clientID, records, p)
	return c, err
}

// ConsolidateInto is [Consolidate] writing into dst, whose maps and
// conflict list it clears and reuses: a host consolidating a million
// clients keeps one Consolidated per goroutine and allocates its maps once,
// not per client. What dst held before is gone, so nothing the caller keeps
// may still refer to dst's maps or conflicts.
func ConsolidateInto(dst *Consolidated, clientID string, records []Record, p Policy) error {
	// Sized for every field of every record, so the maps never grow.
	n := 0
	for _, r := range records {
		n += len(r.Fields)
	}
	c := dst
	c.ClientID = clientID
	if c.Fields == nil {
		c.Fields = make(map[string]any, n)
	} else {
		clear(c.Fields)
	}
	if c.Provenance == nil {
		c.Provenance = make(map[string]Provenance, n)
	} else {
		clear(c.Provenance)
	}
	clear(c.Conflicts)
	c.Conflicts = c.Conflicts[:0]
	// Each field is settled when first met: its values are looked up in
	// this and the later records directly, so no per-field lists are
	// built; an earlier record having the field means it is settled.
	fail := func(err error) error {
		clear(c.Fields)
		clear(c.Provenance)
		c.Conflicts = nil
		return err
	}
	vals := make([]SourceValue, 0, len(records))
	for ri, r := range records {
		if jsonTime(r.AsOf) != nil {
			return fail(firstBadValue(clientID, records))
		}
	fields:
		for field, v := range r.Fields {
			if err := checkField(field, v); err != nil {
				return fail(firstBadValue(clientID, records))
			}
			for _, earlier := range records[:ri] {
				if _, ok := earlier.Fields[field]; ok {
					continue fields
				}
			}
			vals = vals[:0]
			if !empty(v) {
				vals = append(vals, SourceValue{Source: r.Source, AsOf: r.AsOf, Value: v})
			}
			for _, later := range records[ri+1:] {
				if v, ok := later.Fields[field]; ok && !empty(v) {
					vals = append(vals, SourceValue{Source: later.Source, AsOf: later.AsOf, Value: v})
				}
			}
			if len(vals) == 0 {
				continue
			}
			vals, selfs := latestPerSource(vals)
			fp := p.For(field)
			if err := fp.check(field); err != nil {
				// A bad value anywhere comes first, as it does when met
				// first: which error a call returns must not depend on
				// the records' order.
				if bad := firstBadValue(clientID, records); bad != nil {
					return fail(bad)
				}
				return fail(firstBadPolicy(records, p))
			}
			chosen := choose(vals, fp)
			c.Fields[field] = chosen.Value
			c.Provenance[field] = Provenance{Source: chosen.Source, AsOf: chosen.AsOf}
			if len(selfs) > 0 || fp.Strategy != FirstNonEmpty && disagree(vals) {
				all := append(slices.Clone(vals), selfs...)
				slices.SortStableFunc(all, func(a, b SourceValue) int { return cmp.Compare(a.Source, b.Source) })
				c.Conflicts = append(c.Conflicts, Conflict{Field: field, Chosen: chosen.Source, Values: all})
			}
		}
	}
	slices.SortFunc(c.Conflicts, func(a, b Conflict) int { return cmp.Compare(a.Field, b.Field) })
	if len(c.Conflicts) == 0 {
		c.Conflicts = nil // as Consolidate has always said "no conflicts"
	}
	return nil
}

// firstBadValue is the error for the records' unsupported values: the
// first by source, field and as-of, so that neither the records' order
// nor a map's tells which one is named.
func firstBadValue(clientID string, records []Record) error {
	var first *RecordError
	var firstAsOf time.Time
	consider := func(r Record, field string, err error) {
		if first == nil || cmp.Or(cmp.Compare(r.Source, first.Source), cmp.Compare(field, first.Field), r.AsOf.Compare(firstAsOf), cmp.Compare(err.Error(), first.Err.Error())) < 0 {
			first, firstAsOf = &RecordError{ClientID: clientID, Source: r.Source, Field: field, Err: err}, r.AsOf
		}
	}
	for _, r := range records {
		if err := jsonTime(r.AsOf); err != nil {
			// The record's own as-of: no field named (Error leaves it
			// out), sorted before the record's fields.
			consider(r, "", fmt.Errorf("as-of: %w", err))
		}
		for field, v := range r.Fields {
			if err := checkField(field, v); err != nil {
				consider(r, field, err)
			}
		}
	}
	if first == nil {
		return nil // no bad value: not a nil *RecordError in an error
	}
	return first
}

// firstBadPolicy is the error for the policies the records' fields cannot
// be consolidated by: the first field's by name, so that no map's order
// tells which one is named.
func firstBadPolicy(records []Record, p Policy) error {
	var first error
	firstField := ""
	for _, r := range records {
		for field := range r.Fields {
			if err := p.For(field).check(field); err != nil && (first == nil || field < firstField) {
				first, firstField = err, field
			}
		}
	}
	return first
}

// latestPerSource keeps each source's latest value, sorted by source name,
// and lists the values a source also holds as of that instant that
// disagree with the one kept: a source that says two things at once is a
// conflict, whatever the policy (the one kept is kept by its text alone).
func latestPerSource(vals []SourceValue) (kept, selfConflicts []SourceValue) {
	if len(vals) < 2 {
		return vals, nil
	}
	slices.SortFunc(vals, func(a, b SourceValue) int {
		if c := cmp.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := b.AsOf.Compare(a.AsOf); c != 0 {
			return c
		}
		// One source, two values as of the same time: any order is as
		// good, but it must not depend on the records' order, so it
		// goes by the values' text with their types (valuetext: "1" and
		// 1, float32(0.1) and 0.1, two zones of one name apart; a value
		// that holds itself is written once, where %#v recursed until
		// the stack overflowed).
		if c := cmp.Compare(valuetext.Text(a.Value), valuetext.Text(b.Value)); c != 0 {
			return c
		}
		// The same instant written in two zones: the provenance keeps
		// one, the same whatever the order.
		return cmp.Compare(valuetext.Text(a.AsOf), valuetext.Text(b.AsOf))
	})
	for i := 0; i < len(vals); {
		// vals[i] is its source's latest; its ties (vals[i+1:k], the
		// versions as of the same instant) follow. Each tie that
		// disagrees with any version of the group is listed, not only
		// one that disagrees with the one kept: agreement is not
		// transitive (see disagree), and the one kept may agree with two
		// versions that disagree with each other.
		k := i + 1
		for k < len(vals) && vals[k].Source == vals[i].Source && vals[k].AsOf.Equal(vals[i].AsOf) {
			k++
		}
		for j := i + 1; j < k; j++ {
			for m := i; m < k; m++ {
				if m != j && !same(vals[j].Value, vals[m].Value) {
					selfConflicts = append(selfConflicts, vals[j])
					break
				}
			}
		}
		for k < len(vals) && vals[k].Source == vals[i].Source {
			k++ // the source's older versions
		}
		i = k
	}
	return slices.CompactFunc(vals, func(a, b SourceValue) bool { return a.Source == b.Source }), selfConflicts
}

// choose applies the field's strategy to its values (one per source): the
// first of the best, in their order.
func choose(vals []SourceValue, fp FieldPolicy) SourceValue {
	rank := func(source string) int {
		if i := slices.Index(fp.Sources, source); i >= 0 {
			return i
		}
		return len(fp.Sources)
	}
	better := func(a, b *SourceValue) bool {
		if fp.Strategy == MostRecent {
			if c := a.AsOf.Compare(b.AsOf); c != 0 {
				return c > 0
			}
			return rank(a.Source) < rank(b.Source)
		}
		if ra, rb := rank(a.Source), rank(b.Source); ra != rb {
			return ra < rb
		}
		return a.AsOf.After(b.AsOf) // unnamed sources: most recent first
	}
	best := 0
	for i := 1; i < len(vals); i++ {
		if better(&vals[i], &vals[best]) {
			best = i
		}
	}
	return vals[best]
}

func disagree(vals []SourceValue) bool {
	// Every pair: agreement is not transitive across representations (a
	// json.Number of 2^53+1 agrees with the float64 2^53 it reads as and
	// with the int 2^53+1, which disagree), so comparing each with the
	// first would hide a conflict behind a value that agrees with both.
	for i := range vals {
		for j := range vals[i+1:] {
			if !same(vals[i].Value, vals[i+1+j].Value) {
				return true
			}
		}
	}
	return false
}
