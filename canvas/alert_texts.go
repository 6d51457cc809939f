package canvas

import (
	"context"
	"sync"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/valuetext"
)

// alertTexts is a plan's memory of the texts the last of its tie-breakers
// compares (alertOrder): an alert's evidence values and outputs, written
// once per alert however many comparisons reach them. Written on every
// comparison, a batch sent twice whose alerts share one large output cost
// comparisons × the output's size (a second for two dozen alerts), not
// alerts × its size.
//
// The texts are written only while the plan's context lasts: once it has
// ended the plan is given up, so its order need not hold, and an alert
// gets empty texts at once rather than holding up the sort that asked.
// A nil *alertTexts writes the texts on every comparison, for tests.
type alertTexts struct {
	ctx   context.Context
	mu    sync.Mutex
	texts map[*advisory.Alert]*alertText
}

// alertText is an alert's evidence values and outputs as text.
type alertText struct {
	evidence []string
	outputs  string
}

func newAlertTexts(ctx context.Context) *alertTexts {
	return &alertTexts{ctx: ctx, texts: map[*advisory.Alert]*alertText{}}
}

// of is a's texts. Two sorts may write one alert's at once; the first
// kept is the one both use.
func (t *alertTexts) of(a *advisory.Alert) *alertText {
	if t == nil {
		return writeAlertText(a)
	}
	t.mu.Lock()
	x := t.texts[a]
	t.mu.Unlock()
	if x != nil {
		return x
	}
	if t.ctx.Err() != nil {
		x = &alertText{evidence: make([]string, len(a.Evidence))}
	} else {
		x = writeAlertText(a)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if kept := t.texts[a]; kept != nil {
		return kept
	}
	t.texts[a] = x
	return x
}

// writeAlertText writes a's texts.
func writeAlertText(a *advisory.Alert) *alertText {
	x := &alertText{evidence: make([]string, len(a.Evidence)), outputs: valuetext.Text(a.Outputs)}
	for i, e := range a.Evidence {
		x.evidence[i] = valuetext.Text(e.Value)
	}
	return x
}
