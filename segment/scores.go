package segment

import "github.com/engagekit/engagekit/engagement"

// WithScores returns a copy of clients with Engagement set to each client's
// engagement score total, matched by id. A client without a score gets 0:
// no recorded behaviour is no engagement, not unknown. A client with
// several scores gets the highest total, whatever their order.
func WithScores(clients []Client, scores []engagement.Score) []Client {
	total := make(map[string]float64, len(scores))
	for _, s := range scores {
		t := s.Total() + 0 // -0 is 0: two scores of ±0 agree whatever their order
		if old, ok := total[s.Client]; !ok || t > old || t != t {
			total[s.Client] = t // a NaN total stays, and the client fails as unknown
		}
	}
	out := make([]Client, len(clients))
	for i, c := range clients {
		c.Engagement = total[c.ID]
		out[i] = c
	}
	return out
}
