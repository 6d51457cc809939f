package segment

// Segment names a client segment. The four built-in segments are [A], [B],
// [C] and [D]; custom schemes name their own. The zero value means
// "not assigned".
type Segment string

// The built-in segments of the profitability × engagement grid.
const (
	// A clients are profitable and engaged: retain and grow them.
	A Segment = "A"
	// B clients are profitable but not yet engaged: show them the value.
	B Segment = "B"
	// C clients are engaged but not profitable: take cost out.
	C Segment = "C"
	// D clients are neither: let them go gracefully.
	D Segment = "D"
)

// Policy is the service a segment receives. The canvas package reads it to
// respect touch budgets and channel preferences.
type Policy struct {
	// TouchesPerYear is the contact budget per client per year; 0 is no
	// budget, and the canvas plans no touch for a negative one.
	TouchesPerYear int `json:"touches_per_year"`
	// ReviewEveryDays is the review-meeting cadence in days; 0 means no
	// scheduled review.
	ReviewEveryDays int `json:"review_every_days"`
	// Stance is how the firm treats the segment.
	Stance Stance `json:"stance"`
	// Channels lists preferred follow-up channels, most preferred first,
	// by their text names as in the canvas package ("email", "app_push",
	// "letter", "sms", "whatsapp", "phone_back_office", "phone_adviser",
	// "review_meeting", "portal_nudge", "mailing", "newsletter",
	// "adviser_meeting").
	Channels []string `json:"channels,omitempty"`
}
