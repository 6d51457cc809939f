package main

import (
	"encoding/json"

	"github.com/engagekit/engagekit/engagement"
)

// journeyConfig is the firm's settings and stimuli, stored as JSON in the
// store's meta table under "journey".
type journeyConfig struct {
	Settings []engagement.Setting  `json:"settings"`
	Stimuli  []engagement.Stimulus `json:"stimuli"`
}

// parseJourney reads a stored journey and builds it.
func parseJourney(data string) (*engagement.Journey, error) {
	var jc journeyConfig
	if err := json.Unmarshal([]byte(data), &jc); err != nil {
		return nil, err
	}
	return engagement.NewJourney(jc.Settings, jc.Stimuli)
}
