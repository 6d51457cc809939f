package engagement

import (
	"fmt"
	"time"
)

// Stage is the part of the client journey a setting belongs to.
type Stage uint8

// The stages; the zero value is [StageUnknown].
const (
	StageUnknown Stage = iota
	PreSale
	PostSale
)

var stageNames = [...]string{"unknown", "pre_sale", "post_sale"}

// String returns the stage's name.
func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return fmt.Sprintf("Stage(%d)", uint8(s))
}

// MarshalText encodes the stage as its name.
func (s Stage) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a stage from its name.
func (s *Stage) UnmarshalText(b []byte) error {
	for i, n := range stageNames {
		if n == string(b) {
			*s = Stage(i)
			return nil
		}
	}
	return fmt.Errorf("engagement: unknown stage %q", b)
}

// Setting is where behaviour happens: a social feed, the firm's website, an
// inbox, a webinar, a meeting with an adviser. Depth orders settings by how
// close they bring a client to the firm: a response that lands the client in
// a deeper setting than its stimulus's is an escalation.
type Setting struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Stage Stage  `json:"stage"`
	Depth int    `json:"depth"`
}

// Stimulus is something the firm does in a setting, with a call to action.
type Stimulus struct {
	ID       string    `json:"id"`
	Setting  string    `json:"setting"`
	Kind     string    `json:"kind"`
	CTA      string    `json:"cta,omitempty"`
	Campaign string    `json:"campaign,omitempty"`
	Variant  string    `json:"variant,omitempty"`
	Topic    string    `json:"topic,omitempty"`
	Time     time.Time `json:"time"`
}

// Response is what a client did about a stimulus: its kind ("like",
// "click", "register", "unsubscribe", …), when, and the setting it
// happened in or led to (empty: the stimulus's own). Value is an optional
// measure, such as a survey score or the share of a video watched.
type Response struct {
	ID       string    `json:"id,omitempty"`
	Client   string    `json:"client"`
	Stimulus string    `json:"stimulus"`
	Kind     string    `json:"kind"`
	Time     time.Time `json:"time"`
	Setting  string    `json:"setting,omitempty"`
	Value    float64   `json:"value,omitempty"`
}

// Journey is a host's settings and their stimuli: what responses are
// resolved against. Build one with [NewJourney]; it is immutable and safe
// for concurrent use.
type Journey struct {
	settings  map[string]Setting
	stimuli   map[string]Stimulus
	orderedIx []string
}

// JourneyError is a problem with a journey's definition.
type JourneyError struct {
	What string `json:"what"`
	ID   string `json:"id"`
	Msg  string `json:"message"`
}

// Error names the setting or stimulus.
func (e *JourneyError) Error() string {
	return fmt.Sprintf("engagement: %s %s: %s", e.What, e.ID, e.Msg)
}

// NewJourney checks and indexes settings and stimuli: ids must be
// unique and not empty, depths not negative, every stimulus must name a
// known setting and carry a time. Every problem is reported, joined.
func NewJourney(settings []Setting, stimuli []Stimulus) (*Journey, error) {
	j := &Journey{settings: map[string]Setting{}, stimuli: map[string]Stimulus{}}
	var errs []error
	for _, s := range settings {
		switch {
		case s.ID == "":
			errs = append(errs, &JourneyError{"setting", s.ID, "empty id"})
		case j.settings[s.ID].ID != "":
			errs = append(errs, &JourneyError{"setting", s.ID, "declared twice"})
		case s.Depth < 0:
			errs = append(errs, &JourneyError{"setting", s.ID, "negative depth"})
		default:
			j.settings[s.ID] = s
			j.orderedIx = append(j.orderedIx, s.ID)
		}
	}
	for _, st := range stimuli {
		switch {
		case st.ID == "":
			errs = append(errs, &JourneyError{"stimulus", st.ID, "empty id"})
		case j.stimuli[st.ID].ID != "":
			errs = append(errs, &JourneyError{"stimulus", st.ID, "declared twice"})
		case j.settings[st.Setting].ID == "":
			errs = append(errs, &JourneyError{"stimulus", st.ID, fmt.Sprintf("unknown setting %q", st.Setting)})
		case st.Time.IsZero():
			errs = append(errs, &JourneyError{"stimulus", st.ID, "no time"})
		default:
			j.stimuli[st.ID] = st
		}
	}
	return j, joinErrs(errs)
}

// Setting returns a setting by id.
func (j *Journey) Setting(id string) (Setting, bool) {
	s, ok := j.settings[id]
	return s, ok
}

// Stimulus returns a stimulus by id.
func (j *Journey) Stimulus(id string) (Stimulus, bool) {
	s, ok := j.stimuli[id]
	return s, ok
}
