package engagement

import (
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/enumtext"
	"slices"
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
	return enumtext.String(stageNames[:], "Stage", uint8(s))
}

// MarshalText encodes the stage as its name.
func (s Stage) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a stage from the text MarshalText writes: its
// name, or "Stage(n)" for a number without one.
func (s *Stage) UnmarshalText(b []byte) error {
	n, ok := enumtext.Parse(stageNames[:], "Stage", string(b))
	if !ok {
		return fmt.Errorf("engagement: unknown stage %q", b)
	}
	*s = Stage(n)
	return nil
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
// measure, such as a survey score or the share of a video watched. ID,
// when set, names the response: a response of an id another response
// already used is the same one again (a feed replayed) and is counted as
// a duplicate, not used; a response refused for another reason claims no
// id. Responses of one id are one response: ids that name different
// ones are the host's to keep apart, or the one read first is used. An
// analysis keeps each id used until it ends, so ids cost memory per
// response where nothing else does.
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
	// Settings and stimuli are numbered in the order they were declared;
	// the numbers index the tables an analysis builds and [Index] hands
	// out.
	settings  []Setting
	settingIx map[string]int
	stimuli   []Stimulus
	stimIx    map[string]int
	content   content
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
	j := &Journey{settingIx: make(map[string]int, len(settings)), stimIx: make(map[string]int, len(stimuli))}
	var errs []error
	for _, s := range settings {
		_, dup := j.settingIx[s.ID]
		switch {
		case s.ID == "":
			errs = append(errs, &JourneyError{"setting", s.ID, "empty id"})
		case dup:
			errs = append(errs, &JourneyError{"setting", s.ID, "declared twice"})
		case s.Depth < 0:
			errs = append(errs, &JourneyError{"setting", s.ID, "negative depth"})
		case len(j.settings) == maxSettings:
			errs = append(errs, &JourneyError{"setting", s.ID, fmt.Sprintf("more than %d settings", maxSettings)})
		default:
			j.settingIx[s.ID] = len(j.settings)
			j.settings = append(j.settings, s)
		}
	}
	for _, st := range stimuli {
		_, dup := j.stimIx[st.ID]
		_, known := j.settingIx[st.Setting]
		switch {
		case st.ID == "":
			errs = append(errs, &JourneyError{"stimulus", st.ID, "empty id"})
		case dup:
			errs = append(errs, &JourneyError{"stimulus", st.ID, "declared twice"})
		case !known:
			errs = append(errs, &JourneyError{"stimulus", st.ID, fmt.Sprintf("unknown setting %q", st.Setting)})
		case st.Time.IsZero():
			errs = append(errs, &JourneyError{"stimulus", st.ID, "no time"})
		case !unixTime(st.Time):
			errs = append(errs, &JourneyError{"stimulus", st.ID, "a time outside the range of Unix seconds (an int64)"})
		default:
			j.stimIx[st.ID] = len(j.stimuli)
			j.stimuli = append(j.stimuli, st)
		}
	}
	j.content = newContent(j.stimuli)
	return j, errors.Join(errs...)
}

// maxSettings bounds a journey's settings so an [Event] can name one in 16
// bits and the classification tables stay small.
const maxSettings = 1 << 12

// Setting returns a setting by id.
func (j *Journey) Setting(id string) (Setting, bool) {
	if i, ok := j.settingIx[id]; ok {
		return j.settings[i], true
	}
	return Setting{}, false
}

// Stimulus returns a stimulus by id.
func (j *Journey) Stimulus(id string) (Stimulus, bool) {
	if i, ok := j.stimIx[id]; ok {
		return j.stimuli[i], true
	}
	return Stimulus{}, false
}

// Resolve finds what a response refers to: its stimulus, the stimulus's
// setting, and the setting the response happened in or led to (the
// stimulus's own when the response names none). ok is false when the
// journey does not know the stimulus or the named setting.
func (j *Journey) Resolve(r Response) (st Stimulus, from, to Setting, ok bool) {
	if st, ok = j.Stimulus(r.Stimulus); !ok {
		return st, from, to, false
	}
	from, _ = j.Setting(st.Setting)
	to = from
	if r.Setting != "" {
		to, ok = j.Setting(r.Setting)
	}
	return st, from, to, ok
}

// Settings returns the settings in the order they were declared.
func (j *Journey) Settings() []Setting { return slices.Clone(j.settings) }

// Stimuli returns the stimuli in the order they were declared.
func (j *Journey) Stimuli() []Stimulus { return slices.Clone(j.stimuli) }
