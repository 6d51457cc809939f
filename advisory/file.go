package advisory

import (
	"time"
)

// File is a ready client file for hosts without a type of their own: the
// client, household, products, and summaries from the engagement and segment
// steps. Rules name its fields by the expr tags, lower camel case
// ("client.birthDate", "mortgage.fixedTermEnd"); an optional product is a
// pointer, nil when the client has none, so a rule guards it:
// `mortgage != nil && ...`. JSON uses the same names in snake case
// ("client.birth_date", "mortgage.fixed_term_end"), as every result of
// the library does; the JSON names are stable. A consolidated record may
// name a field either way, one way at a time: consolidation takes two
// names as two fields, so a file whose records name one field both ways
// is a [DecodeError] (no policy chose between them).
type File struct {
	Client     Client      `json:"client" expr:"client"`
	Household  Household   `json:"household" expr:"household"`
	Mortgage   *Mortgage   `json:"mortgage,omitempty" expr:"mortgage"`
	Pension    *Pension    `json:"pension,omitempty" expr:"pension"`
	Home       *Home       `json:"home,omitempty" expr:"home"`
	Portfolio  *Portfolio  `json:"portfolio,omitempty" expr:"portfolio"`
	Engagement *Engagement `json:"engagement,omitempty" expr:"engagement"`
	Segment    *Segment    `json:"segment,omitempty" expr:"segment"`
	// Discrepancies counts the fields on which the client's sources
	// disagree (see [Consolidated.Conflicts]).
	Discrepancies int `json:"discrepancies" expr:"discrepancies"`
	// StaleFields counts the fields older than the policy allows.
	StaleFields int `json:"stale_fields" expr:"staleFields"`
}

// Client is who the client is.
type Client struct {
	ID        string    `json:"id" expr:"id"`
	Name      string    `json:"name" expr:"name"`
	BirthDate time.Time `json:"birth_date" expr:"birthDate"`
	// Family is the family situation: "single", "couple", "family", ….
	Family     string  `json:"family" expr:"family"`
	Dependants int     `json:"dependants" expr:"dependants"`
	Income     float64 `json:"income" expr:"income"`
	// RiskProfile is the agreed investment risk profile.
	RiskProfile string `json:"risk_profile" expr:"riskProfile"`
}

// Household is the client's household.
type Household struct {
	Members int     `json:"members" expr:"members"`
	Income  float64 `json:"income" expr:"income"`
}

// Mortgage is a client's mortgage.
type Mortgage struct {
	Balance      float64   `json:"balance" expr:"balance"`
	Rate         float64   `json:"rate" expr:"rate"`
	FixedTermEnd time.Time `json:"fixed_term_end" expr:"fixedTermEnd"`
}

// Pension is a client's pension: Coverage is the expected income as a
// share of the target income at retirement.
type Pension struct {
	Coverage     float64 `json:"coverage" expr:"coverage"`
	Contribution float64 `json:"contribution" expr:"contribution"`
	TargetIncome float64 `json:"target_income" expr:"targetIncome"`
}

// Home is a client's home insurance.
type Home struct {
	Cover         float64 `json:"cover" expr:"cover"`
	PropertyValue float64 `json:"property_value" expr:"propertyValue"`
}

// Portfolio is a client's investment portfolio: Drift is the largest
// deviation of an asset class from its target weight.
type Portfolio struct {
	Value float64 `json:"value" expr:"value"`
	Drift float64 `json:"drift" expr:"drift"`
}

// Engagement summarizes the client's engagement.
type Engagement struct {
	Score    float64 `json:"score" expr:"score"`
	Pattern  string  `json:"pattern" expr:"pattern"`
	Superfan bool    `json:"superfan" expr:"superfan"`
	AtRisk   bool    `json:"at_risk" expr:"atRisk"`
}

// Segment summarizes the client's segment.
type Segment struct {
	Name   string  `json:"name" expr:"name"`
	Profit float64 `json:"profit" expr:"profit"`
}

// fileDecoder has File's fields indexed once; it is only read after.
var fileDecoder = newDecoder[File]()

// NewFile decodes a consolidated record into a [File], with Discrepancies
// set from its conflicts.
func NewFile(c Consolidated) (File, error) {
	var f File
	err := fileDecoder.Decode(c, &f)
	f.Discrepancies = len(c.Conflicts)
	if f.Client.ID == "" {
		f.Client.ID = c.ClientID
	}
	return f, err
}
