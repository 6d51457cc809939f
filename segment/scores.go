package segment

import "github.com/engagekit/engagekit/engagement"

// WithScores returns a copy of clients with Engagement set to each client's
// engagement score total, matched by id. A client without a score gets 0:
// no recorded behaviour is no engagement, not unknown.
func WithScores(clients []Client, scores []engagement.Score) []Client {
	total := make(map[string]float64, len(scores))
	for _, s := range scores {
		total[s.Client] = s.Total()
	}
	out := make([]Client, len(clients))
	for i, c := range clients {
		c.Engagement = total[c.ID]
		out[i] = c
	}
	return out
}
