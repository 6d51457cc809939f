// Package advisorytest helps hosts property-test their own advisory
// frameworks, as net/http/httptest helps test handlers. [ParseBoundaries]
// reads the values a rule file compares with, [Files] generates client files
// of the host's own type around those values, [Check] asserts the properties
// every framework should have, [Cover] reports which rules and branches a
// population exercises, and [Differential] shows what a new version changes.
//
// # Generators for any client file
//
// [FilesWith] generates files of any struct type a CRM has: narrow and
// named numbers, times and durations around the boundaries, slices of
// holdings, maps of accounts, nested structs and optional pointers.
// Where its defaults do not fit a field, a generator for that field
// ([WithField]) or for every value of a type ([WithType]) replaces them,
// and [WithLen] bounds slices and maps; the options are checked against
// the type when the generator is made, with an error.
//
// # Any test runner
//
// [Check] takes a [rapid.TB]: a *testing.T, a *testing.B, or the *rapid.T
// of a property of the host's own. The other checks return errors and
// need no test at all.
//
// # Rule tests as data
//
// A cases file beside a rule file (framework.rules and
// framework.cases.json) lists named cases, each an input client file and
// the hits the rule author expects, as `opa test` files and DMN test
// scenarios do. It is JSON, so a host can store it with the rule file and
// gate a new version's approval on it ([EvaluateCases]); in a Go test
// [RunCases] runs it as subtests. The report's coverage line says how many
// of the rules, branches and rows the cases reached.
//
// The format:
//
//	{
//	  "rules": "framework.rules",          // optional: the rule file, for people
//	  "now": "2026-11-24T09:00:00Z",       // evaluation time of every case (RFC 3339)
//	  "tolerance": 1e-9,                   // optional: default for urgency and sensitivity
//	  "cases": [
//	    {
//	      "name": "fixed term ends in 10 days",   // required, unique: the subtest's name
//	      "description": "…",                     // optional
//	      "now": "2026-12-01T09:00:00Z",          // optional: this case's evaluation time
//	      "input": {"client": {"birth_date": "1980-03-01T00:00:00Z"},
//	                "mortgage": {"fixed_term_end": "2026-12-04T00:00:00Z"}},
//	      "mode": "only",                         // "only" (default) or "includes"
//	      "expect": [
//	        {"rule": "fixed_term_ending",         // required
//	         "type": "mortgage.term_end",         // optional: checked when given
//	         "path": "",                          // optional: "branch 1", "row 2", "" for a plain rule
//	         "urgency": 0.9, "sensitivity": 0.3,  // optional, within tolerance
//	         "tolerance": 0.01,                   // optional: this hit's tolerance
//	         "title": "ends in 10 days"}          // optional: a substring of the title
//	      ],
//	      "absent": ["home_underinsured"],        // optional: rules that must not fire
//	      "error": ""                             // optional: a substring the evaluation error must hold
//	    }
//	  ]
//	}
//
// The input is decoded into the host's Env type with encoding/json, so its
// field names are the Env's json tags ("birth_date", "fixed_term_end"),
// not the names rules use; a field the Env does not have is an error, and
// an absent optional struct (a nil *Mortgage) is written by leaving it out.
// "expect" is required: [] says the case raises no hit at all. In "only"
// mode the case's hits are exactly those expected; in "includes" mode the
// expected ones must be among them and any others are ignored (except the
// rules listed in "absent"). Expectations are paired with hits as many as
// can be (an expectation never takes a hit another needed). A file that
// contradicts itself or checks nothing is refused: a rule both expected
// and absent, "includes" with nothing expected and nothing absent. A case
// whose evaluation fails fails, unless "error" names a substring of the
// error. An aggregating table's hit (path "rows 1, 3") reaches, for the
// coverage line, each row it names.
package advisorytest
