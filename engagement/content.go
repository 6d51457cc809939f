package engagement

import "math"

// content numbers a journey's content groups (each stimulus kind, setting,
// campaign and topic) and its topics once, when the journey is built, so
// every analysis counts into slices instead of maps.
type content struct {
	groups   []groupKey
	groupsOf [][4]int32 // by stimulus: its kind, setting, campaign and topic groups (-1: none)
	topics   []string
	topicOf  []int32 // by stimulus: its topic's number (-1: none)
}

type groupKey struct{ dim, value string }

func newContent(stimuli []Stimulus) content {
	var c content
	groupIx := map[groupKey]int32{}
	topicIx := map[string]int32{}
	group := func(dim, value string) int32 {
		if value == "" {
			return -1
		}
		k := groupKey{dim, value}
		g, ok := groupIx[k]
		if !ok {
			g = int32(len(c.groups))
			groupIx[k] = g
			c.groups = append(c.groups, k)
		}
		return g
	}
	for _, st := range stimuli {
		c.groupsOf = append(c.groupsOf, [4]int32{group("kind", st.Kind), group("setting", st.Setting),
			group("campaign", st.Campaign), group("topic", st.Topic)})
		t, ok := topicIx[st.Topic]
		switch {
		case st.Topic == "":
			t = -1
		case !ok && len(c.topics) <= math.MaxUint16:
			t = int32(len(c.topics))
			topicIx[st.Topic] = t
			c.topics = append(c.topics, st.Topic)
		case !ok:
			// A profile remembers topics in 16 bits; a journey with more
			// distinct topics than that tracks cross-sells for the first.
			t = -1
		}
		c.topicOf = append(c.topicOf, t)
	}
	return c
}
