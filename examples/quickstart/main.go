// Command quickstart is the smallest engagekit host: it compiles three
// advisory rules, evaluates them over a handful of embedded client files,
// and prints which fired and why.
//
//	go run ./examples/quickstart
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

//go:embed clients.json
var clientsJSON []byte

// Client is the host's own client file: rules name its fields by their
// expr tags.
type Client struct {
	ID              string    `json:"id" expr:"id"`
	Name            string    `json:"name" expr:"name"`
	Age             int       `json:"age" expr:"age"`
	PensionCoverage float64   `json:"pension_coverage" expr:"pensionCoverage"`
	Mortgage        *Mortgage `json:"mortgage" expr:"mortgage"`
	Home            *Home     `json:"home" expr:"home"`
}

// Mortgage is a client's mortgage, nil when there is none.
type Mortgage struct {
	FixedTermEnd time.Time `json:"fixed_term_end" expr:"fixedTermEnd"`
	Rate         float64   `json:"rate" expr:"rate"`
}

// Home is a client's home insurance, nil when there is none.
type Home struct {
	Cover         float64 `json:"cover" expr:"cover"`
	PropertyValue float64 `json:"property_value" expr:"propertyValue"`
}

// Env is what rules see: one client.
type Env struct {
	Client Client `expr:"client"`
}

var rules = []struct{ id, src string }{
	{"fixed_term_ending", `client.mortgage != nil && between(daysUntil(client.mortgage.fixedTermEnd), 0, 14)`},
	{"pension_gap", `client.age >= 30 && client.pensionCoverage < 0.6`},
	{"home_underinsured", `client.home != nil && ratio(client.home.cover, client.home.propertyValue) < 0.9`},
}

func main() {
	var clients []Client
	if err := json.Unmarshal(clientsJSON, &clients); err != nil {
		log.Fatal(err)
	}
	compiled := make([]*dsl.Expr[Env, bool], 0, len(rules))
	for _, r := range rules {
		e, err := dsl.Compile[Env, bool](r.src, dsl.WithID(r.id))
		if err != nil {
			log.Fatal(err)
		}
		compiled = append(compiled, e)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, c := range clients {
		fmt.Fprintf(os.Stdout, "%s (%s)\n", c.Name, c.ID)
		env := Env{Client: c}
		for _, e := range compiled {
			fired, err := e.Eval(env, now)
			if err != nil {
				fmt.Printf("  %-18s error: %v\n", e.ID(), err)
				continue
			}
			if !fired {
				continue
			}
			why, _ := e.Explain(env, now)
			fmt.Printf("  %-18s fired because\n", e.ID())
			for _, line := range indent(why.String()) {
				fmt.Println(line)
			}
		}
	}
}

func indent(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, "      "+s[start:i])
			start = i + 1
		}
	}
	return out
}
