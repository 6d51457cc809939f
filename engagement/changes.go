package engagement

import (
	"cmp"
	"github.com/engagekit/engagekit/internal/enumtext"
	"math"
	"slices"

	"github.com/engagekit/engagekit/internal/stats"
)

// Correction is the multiple-comparison correction applied across the
// tests of one call. The zero value is [BenjaminiHochberg].
type Correction uint8

// The corrections.
const (
	// BenjaminiHochberg controls the false discovery rate: among the
	// changes reported, the expected share of false alarms is at most α
	// (for independent or positively dependent tests, as a book's groups
	// are).
	BenjaminiHochberg Correction = iota
	// Holm controls the family-wise error rate: the probability of any
	// false alarm in the call is at most α, under any dependence. It is
	// stricter, so it finds fewer real changes.
	Holm
)

var correctionNames = [...]string{"benjamini_hochberg", "holm"}

// String returns the correction's name.
func (c Correction) String() string {
	return enumtext.String(correctionNames[:], "Correction", uint8(c))
}

// MarshalText encodes the correction as its name.
func (c Correction) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a correction from the text MarshalText writes: its
// name, or "Correction(n)" for a number without one.
func (c *Correction) UnmarshalText(b []byte) error {
	n, ok := enumtext.Parse(correctionNames[:], "Correction", string(b))
	if !ok {
		return optErr("correction", string(b), "unknown correction")
	}
	*c = Correction(n)
	return nil
}

func (c Correction) method() stats.Method {
	if c == Holm {
		return stats.Holm
	}
	return stats.BH
}

// ChangeOptions configure [Book.Changes]. The zero value means α = 0.05,
// Benjamini–Hochberg, and at least 30 responses in each window.
type ChangeOptions struct {
	// Alpha is the false discovery rate (or, with Holm, the family-wise
	// error rate) of one call, in (0, 1]; zero means 0.05.
	Alpha float64 `json:"alpha"`
	// MinN is the responses a group needs in each window to be tested;
	// zero means 30. Groups below it are not tested and do not count in
	// the correction.
	MinN       int        `json:"min_n"`
	Correction Correction `json:"correction"`
}

func (o ChangeOptions) resolve() (ChangeOptions, error) {
	switch {
	case o.Alpha == 0:
		o.Alpha = 0.05
	case !(o.Alpha > 0 && o.Alpha <= 1):
		return o, optErr("ChangeOptions.Alpha", o.Alpha, "outside (0, 1]")
	}
	switch {
	case o.MinN == 0:
		o.MinN = 30
	case o.MinN < 0:
		return o, optErr("ChangeOptions.MinN", o.MinN, "negative")
	}
	if o.Correction > Holm {
		return o, optErr("ChangeOptions.Correction", o.Correction, "unknown correction")
	}
	return o, nil
}

// Change is a content group (a stimulus kind, setting, campaign or topic)
// tested for a change of escalation rate between the baseline and the
// recent window.
type Change struct {
	Dimension    string  `json:"dimension"`
	Value        string  `json:"value"`
	BaselineRate float64 `json:"baseline_rate"`
	RecentRate   float64 `json:"recent_rate"`
	BaselineN    int     `json:"baseline_n"`
	RecentN      int     `json:"recent_n"`
	// T is the cluster-robust statistic and DF its degrees of freedom
	// (see [Book.ChangeTests]); P is its raw two-sided p-value and
	// PAdjusted the p-value after the call's correction.
	T         float64 `json:"t"`
	DF        float64 `json:"df"`
	P         float64 `json:"p"`
	PAdjusted float64 `json:"p_adjusted"`
	// Effect is Cohen's h, recent against baseline (negative when the
	// rate fell).
	Effect float64 `json:"effect"`
	// Falling is true when the rate fell.
	Falling bool `json:"falling"`
	// Significant is PAdjusted ≤ α.
	Significant bool `json:"significant"`
}

// Changes returns the groups whose escalation rate changed significantly
// after the correction (see [Book.ChangeTests] for the method), largest
// effect first (then by dimension and value). Invalid options are an
// [*OptionError].
func (b *Book) Changes(o ChangeOptions) ([]Change, error) {
	all, err := b.ChangeTests(o)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(c Change) bool { return !c.Significant })
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Effect), math.Abs(a.Effect)), cmp.Compare(a.Dimension, b.Dimension), cmp.Compare(a.Value, b.Value))
	})
	return out, nil
}

// ChangeTests tests every content group with at least MinN responses in
// both windows — the recent window [AsOf−Recent, AsOf) and the baseline
// [AsOf−Recent−Baseline, AsOf−Recent) — and returns them all, sorted by
// dimension and value, each with its raw and adjusted p-value.
//
// # Method
//
// A client responds many times, and their responses are not independent
// trials: a test that treats them so finds changes that are only a few
// enthusiastic clients. The test is therefore cluster-robust, with whole
// clients as the unit. For a group, let n_cw and y_cw be cluster c's
// responses and escalations in window w (R recent, B baseline), N_w and
// Y_w their sums, p̂_w = Y_w/N_w, and p̂₀ = (Y_R+Y_B)/(N_R+N_B) the rate
// under "no change". Each cluster's contribution to the difference is
//
//	u_c = (y_cR − p̂₀·n_cR)/N_R − (y_cB − p̂₀·n_cB)/N_B
//
// and, with G the clusters that responded and G* = (Σ_c u_c²)²/Σ_c u_c⁴
// an effective number of clusters read from the scores themselves (after
// Carter, Schnepel and Steigerwald, "Asymptotic Behavior of a t-Test
// Robust to Cluster Heterogeneity", Review of Economics and Statistics
// 99(4), 2017, who build theirs from the clusters' sizes and correlation,
// which a book does not know),
//
//	V_C = G/(G−1) · Σ_c u_c²,   V_0 = p̂₀(1−p̂₀)(1/N_R + 1/N_B)
//	V = max(V_C, V_0),   T = (p̂_R − p̂_B)/√V,   p = P(|t_ν| ≥ |T|),   ν = min(G−1, G*−1)
//
// a Student t with ν degrees of freedom: G* is as few as the clusters
// that carry V_C when a few carry it (four clients answering thirty times
// each in the recent window), whose agreement by chance the t with G−1
// degrees of freedom read as a change. It is conservative: a fourth
// power of a score varies more than its square, so even clusters that
// weigh alike give G* about G/3 (some 20 of 63 degrees of freedom), and
// with rare escalations fewer still. The price is power, a change of a
// few responses found less often than the z-test finds it; what it buys
// is a false alarm rate held at α where a few clients carry the group.
// Two limits follow from measuring the scores against p̂₀, as a score
// test does (which holds the size at α with a single recent response;
// scores against each window's own rate alarmed in 6–9% of such books):
// the scores sum to p̂_R − p̂_B, so |T| ≤ √(G−1) whatever the data, and a
// group whose responses come from six buckets of clients or fewer is
// never significant at α = 5% (a fall from 80% to 2% in each of five
// clients included: five clients are little evidence about the book's
// clients, a sign test of them could not pass 6.25% either); and one
// client who carries most of a group's responses carries most of its
// scores, so G* is about 1 and p about 1 even where that client fell as
// the others did (the others alone would have been significant). Such a
// group is one client's story, which [Book.AtRisk] tells per client.
// (G* from the buckets' sizes alone, which is G for alike buckets, alarmed
// in 12% of books with no change in that case, at α = 5%.) V_C is the
// score form of the cluster-robust (sandwich) variance, which accounts for
// clients answering many times and in both windows; V_0 is the variance of
// the pooled two-proportion z-test, what independent responses would give
// under "no change". V_C is estimated from the data and, with few
// responses and rare escalations in a window, collapses (40 recent
// responses with no escalation make V_C a seventh of V_0, and a chance
// event significant): V never falls below V_0, so a group of one response
// per client is tested at least as strictly as by the z-test.
//
// The clusters are 64 buckets of clients, a hash of the client id, rather
// than the clients themselves: a bucket is a union of whole clients, so
// buckets are independent whenever clients are and the variance stays
// valid, while the book keeps fixed-size counts that merge exactly
// across shards ([MergeBooks]) instead of one counter per client and
// group. The price is at most 63 degrees of freedom, which the t
// reference accounts for.
//
// The p-values of the groups tested in one call are then adjusted with
// the Correction (Benjamini–Hochberg by default: p̃₍ᵢ₎ = min_{j≥i}
// m·p₍ⱼ₎/j over the sorted p-values; Holm: p̃₍ᵢ₎ = max_{j≤i} (m−j+1)·p₍ⱼ₎),
// and a group is Significant when p̃ ≤ Alpha. A group with no variation
// (every response escalated, or none) has p = 1.
func (b *Book) ChangeTests(o ChangeOptions) ([]Change, error) {
	o, err := o.resolve()
	if err != nil {
		return nil, err
	}
	if b.j == nil {
		return nil, nil // a zero Book: no journey, no content groups
	}
	var out []Change
	for g, key := range b.j.content.groups {
		if c, ok := testGroup(b.groups[g*numBuckets:(g+1)*numBuckets], o.MinN); ok {
			c.Dimension, c.Value = key.dim, key.value
			out = append(out, c)
		}
	}
	ps := make([]float64, len(out))
	for i := range out {
		ps[i] = out[i].P
	}
	for i, p := range stats.Adjust(ps, o.Correction.method()) {
		out[i].PAdjusted, out[i].Significant = p, p <= o.Alpha
	}
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Dimension, b.Dimension), cmp.Compare(a.Value, b.Value))
	})
	return out, nil
}

// testGroup is the cluster-robust test of one group's buckets; ok is
// false when a window has fewer than minN responses (or none).
func testGroup(buckets []groupCounts, minN int) (Change, bool) {
	var nR, yR, nB, yB, g int
	for _, c := range buckets {
		nR, yR, nB, yB = nR+c.recentN, yR+c.recentEsc, nB+c.baseN, yB+c.baseEsc
		if c.recentN+c.baseN > 0 {
			g++
		}
	}
	if nR < max(minN, 1) || nB < max(minN, 1) {
		return Change{}, false
	}
	fR, fB := float64(nR), float64(nB)
	pR, pB := float64(yR)/fR, float64(yB)/fB
	p0 := float64(yR+yB) / (fR + fB)
	h := 2*math.Asin(math.Sqrt(pR)) - 2*math.Asin(math.Sqrt(pB))
	c := Change{BaselineRate: pB, RecentRate: pR, BaselineN: nB, RecentN: nR, P: 1, Effect: h, Falling: pR < pB}
	us := make([]float64, len(buckets))
	sum, largest := 0.0, 0.0
	for i, k := range buckets {
		u := (float64(k.recentEsc)-p0*float64(k.recentN))/fR - (float64(k.baseEsc)-p0*float64(k.baseN))/fB
		us[i] = u
		sum += u * u
		largest = max(largest, math.Abs(u))
	}
	if g < 2 || sum == 0 {
		return c, true
	}
	// The robust variance is estimated from the data; with few responses
	// and rare escalations in a window (none at all, often) it collapses
	// far below what chance alone gives. Never below the variance of
	// independent responses under "no change".
	v := max(float64(g)/float64(g-1)*sum, p0*(1-p0)*(1/fR+1/fB))
	c.T, c.DF = (pR-pB)/math.Sqrt(v), min(float64(g-1), effectiveClusters(us, largest)-1)
	c.P = stats.StudentTwoSided(c.T, c.DF)
	return c, true
}

// effectiveClusters is G* = (Σ u²)² / Σ u⁴ over the buckets' scores, in
// [1, G]: how many buckets the variance rests on. When a few carry it
// (four clients answering thirty times each in the recent window, against
// hundreds once in the baseline), the variance is an estimate from those
// few, and the t reference with G−1 degrees of freedom made a chance
// agreement of the few significant: a 5% test alarmed in 12% of books
// with no change. The scores are scaled by the largest, so that their
// fourth powers neither underflow nor overflow.
func effectiveClusters(us []float64, largest float64) float64 {
	var s2, s4 float64
	for _, u := range us {
		w := u / largest
		s2 += w * w
		s4 += w * w * w * w
	}
	return s2 * s2 / s4
}
