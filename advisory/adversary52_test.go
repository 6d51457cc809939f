package advisory

// Adversary 52: failing tests, one defect each, for the advisory package
// (package-internal, so the helpers are named adv52).

import (
	"encoding/json"
	"testing"
	"time"
)

var adv52Now = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// adv52File is a host's client file: an income and a debt.
type adv52File struct {
	Income float64 `expr:"income"`
	Debt   float64 `expr:"debt"`
}

// adv52Alerts compiles one rule over adv52File and evaluates it on a
// client with an income of 10 and no debt.
func adv52Alerts(t *testing.T, body string) []Alert {
	t.Helper()
	src := "ruleset p version 1\n\nrule r {\n  type \"t\"\n  " + body + "\n  title \"x\"\n  urgency 0.5\n  sensitivity 0.5\n}\n"
	f, err := Compile[adv52File]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := f.Evaluate("c-1", adv52File{Income: 10, Debt: 0}, adv52Now)
	if err != nil {
		return nil // refused: what the contract allows
	}
	return alerts
}

// TestAdversary52_EvidenceInfiniteLetBreaksJSON
//
// Promise broken: advisory/doc.go, JSON: "Every type the package returns
// marshals to JSON"; Compile: "Every hit carries as evidence the rule's
// lets and the fields its condition read". A let computed from finite
// fields (an income-to-debt ratio of a client with no debt) is +Inf, and
// Framework.alert copies the hit's evidence into the Alert unchecked
// (Consolidate refuses an infinity in a record, adversary 48, since
// JSON has none; an alert's evidence is not). Observed: `let q = income /
// debt; when q > 1` fires with evidence q = +Inf, no error, and
// json.Marshal of the alerts fails ("unsupported value: +Inf").
// Expected: the rule fails (an error for the file, as a NaN does), or
// an alert that marshals.
func TestAdversary52_EvidenceInfiniteLetBreaksJSON(t *testing.T) {
	alerts := adv52Alerts(t, "let q = income / debt\n  when q > 1")
	if _, err := json.Marshal(alerts); err != nil {
		t.Errorf("alerts %+v do not marshal: %v", alerts, err)
	}
}

// TestAdversary52_OutputInfiniteBreaksJSON
//
// Promise broken: advisory/doc.go, JSON: "Every type the package returns
// marshals to JSON"; alert.go, Alert.Outputs: "any further named outputs
// of the rule". The dsl refuses a NaN a rule yields (program.go
// checkValue: "A number an expression yields ... must not be NaN"), and
// an urgency of +Inf ("outside [0,1]"), but an output of +Inf passes
// into Alert.Outputs. Observed: `output ltv income / debt` with no debt
// gives an alert with Outputs {ltv: +Inf}, no error, and json.Marshal of
// it fails. Expected: the rule fails for the file, or an alert that
// marshals.
func TestAdversary52_OutputInfiniteBreaksJSON(t *testing.T) {
	alerts := adv52Alerts(t, "when income > 1\n  output ltv income / debt")
	if _, err := json.Marshal(alerts); err != nil {
		t.Errorf("alerts %+v do not marshal: %v", alerts, err)
	}
}

// TestAdversary52_StalenessTimeBeyondJSONRange
//
// Promise broken: advisory/doc.go, JSON: "Every type the package returns
// marshals to JSON"; stale.go, Staleness: every older value becomes an
// alert "with the field, the source and the age as evidence". Adversary
// 50's fix refuses an as-of outside the years 0 to 9999 in Consolidate
// (jsonTime), but Staleness takes any Consolidated (a host's own, as
// adversary 45's test builds) and writes the provenance's as-of into the
// alert's evidence unchecked. Observed: a provenance as of year 20261 (a
// typo), MaxAge an hour, now a year later, gives a stale alert whose
// json.Marshal fails ("year outside of range [0,9999]"). Expected:
// an alert that marshals (the as-of refused or written otherwise).
func TestAdversary52_StalenessTimeBeyondJSONRange(t *testing.T) {
	asOf := time.Date(20261, 1, 1, 0, 0, 0, 0, time.UTC)
	c := Consolidated{ClientID: "c-1", Fields: map[string]any{"client.name": "Ann"},
		Provenance: map[string]Provenance{"client.name": {Source: "crm", AsOf: asOf}}}
	alerts := Staleness(c, Policy{Default: FieldPolicy{MaxAge: time.Hour}}, asOf.AddDate(1, 0, 0))
	if len(alerts) != 1 {
		t.Fatalf("control: alerts %+v", alerts)
	}
	if _, err := json.Marshal(alerts); err != nil {
		t.Errorf("Staleness alert %+v does not marshal: %v", alerts[0], err)
	}
}
