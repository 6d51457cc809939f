package desk

import (
	"encoding/json"
	"maps"

	"github.com/engagekit/engagekit/advisory"
)

// Alerts is the framework's outcome over the book as the batch handed it
// over (advisory's EvaluateEach): each file's alerts a part of their own,
// never joined into one slice, which at a million clients would be half a
// gigabyte copied for nothing (the plan reads the parts as they are).
type Alerts struct {
	// Parts are the files' alerts, a part a file that has any, in file
	// order.
	Parts  [][]advisory.Alert
	Failed []advisory.FileError
	Counts advisory.Counts
	// tally counts the alerts of Parts as the batch hands them over: at
	// a million clients the alerts are half a gigabyte, read again at the
	// end for the report from a cold cache (a tenth of a second), where
	// each file's were in the cache as it was handed over.
	tally Tally
}

// Tally is how many alerts there are of each type, the data alerts (the
// staleness check's) counted apart.
type Tally struct {
	ByType map[string]int
	Data   int
}

// count adds alerts to the tally.
func (t *Tally) count(alerts []advisory.Alert) {
	if t.ByType == nil {
		t.ByType = map[string]int{}
	}
	for i := range alerts {
		a := &alerts[i]
		if a.RuleSet == "" && a.RuleID == advisory.StalenessRule {
			t.Data++
			continue
		}
		t.ByType[a.Type]++
	}
}

// Tally counts the alerts by type: the count kept as the batch handed
// them over while Parts holds as many alerts as it counted, else (Alerts
// read from JSON, parts added or dropped by hand) counted now. A host
// that rewrites alerts in place counts them itself. The tally is a copy.
func (a *Alerts) Tally() Tally {
	if a.tally.ByType != nil && a.tally.total() == a.Len() {
		return Tally{ByType: maps.Clone(a.tally.ByType), Data: a.tally.Data}
	}
	t := Tally{ByType: map[string]int{}}
	for _, p := range a.Parts {
		t.count(p)
	}
	return t
}

// total is how many alerts t counted.
func (t Tally) total() int {
	n := t.Data
	for _, k := range t.ByType {
		n += k
	}
	return n
}

// Len is how many alerts there are.
func (a *Alerts) Len() int {
	n := 0
	for _, p := range a.Parts {
		n += len(p)
	}
	return n
}

// Joined is every alert in one slice, in file order: a copy.
func (a *Alerts) Joined() []advisory.Alert {
	out := make([]advisory.Alert, 0, a.Len())
	for _, p := range a.Parts {
		out = append(out, p...)
	}
	return out
}

// add keeps one file's outcome.
func (a *Alerts) add(fa advisory.FileAlerts) {
	if len(fa.Alerts) > 0 {
		a.Parts = append(a.Parts, fa.Alerts)
		a.tally.count(fa.Alerts)
	}
	if fe, failed := fa.Failure(); failed {
		a.Failed = append(a.Failed, fe)
	}
}

// MarshalJSON writes the alerts as advisory.BatchResult does.
func (a Alerts) MarshalJSON() ([]byte, error) {
	return json.Marshal(advisory.BatchResult{Alerts: a.Joined(), Failed: a.Failed, Counts: a.Counts})
}

// UnmarshalJSON reads what MarshalJSON writes: the alerts of one file
// after another, each file's a part again (a file's alerts are one
// client's, and come together).
func (a *Alerts) UnmarshalJSON(data []byte) error {
	var r advisory.BatchResult
	if err := json.Unmarshal(data, &r); err != nil {
		return err
	}
	*a = Alerts{Failed: r.Failed, Counts: r.Counts}
	for i := 0; i < len(r.Alerts); {
		j := i + 1
		for j < len(r.Alerts) && r.Alerts[j].ClientID == r.Alerts[i].ClientID {
			j++
		}
		a.Parts = append(a.Parts, r.Alerts[i:j:j])
		i = j
	}
	return nil
}
