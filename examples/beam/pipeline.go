package main

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/examples/internal/desk"
	"github.com/engagekit/engagekit/segment"
)

// Firm names the generated firm. DoFns carry it (Beam serializes them as
// JSON) and each worker generates the firm's directory from it once, in
// Setup: a real host would open its CRM there instead.
type Firm struct {
	Seed      uint64    `json:"seed"`
	Clients   int       `json:"clients"`
	Responses int       `json:"responses"`
	Now       time.Time `json:"now"`
}

func (f Firm) generate() *desk.Firm { return desk.Generate(f.Seed, f.Clients, f.Responses, f.Now) }

// Options are the pipeline's: the firm, how many shards of clients
// generate responses and build books, and where the JSON lines go.
type Options struct {
	Firm   Firm
	Shards int
	Out    string
}

// Build lays the wealthdesk job out as a Beam pipeline:
//
//  1. each shard of clients yields its responses keyed by client number;
//  2. a shuffle brings each client's responses together;
//  3. books of shards (a key each) are built and combined with
//     engagement.MergeBooks in a CombineFn, and each shard's book gives
//     its clients' scores and at-risk flags;
//  4. every client's money joins their score, and the top-share cuts and
//     the ranks of engagement are computed over the whole book;
//  5. each file is generated, consolidated and evaluated by a DoFn that
//     compiles the framework once per worker;
//  6. each adviser team (a key) gets its plan;
//  7. segments, alerts, team plans and the engagement report are written
//     as JSON lines.
func Build(s beam.Scope, o Options) {
	shards := make([]int, max(1, o.Shards))
	for i := range shards {
		shards[i] = i
	}
	ranges := beam.Create(s.Scope("shards"), beamInts(shards)...)
	responses := beam.ParDo(s.Scope("responses"), &responsesFn{Firm: o.Firm, Shards: len(shards)}, ranges)
	byClient := beam.ParDo(s.Scope("client's responses"), &clientEventsFn{Shards: len(shards)}, beam.GroupByKey(s, responses))
	books := beam.CombinePerKey(s.Scope("books per shard"), &bookFn{Firm: o.Firm}, byClient)
	scores := beam.ParDo(s.Scope("scores"), &scoresFn{Firm: o.Firm}, books)
	everyone := beam.ParDo(s.Scope("clients"), &clientsFn{Firm: o.Firm, Shards: len(shards)}, ranges)
	rows := beam.ParDo(s.Scope("join"), &joinFn{Firm: o.Firm}, beam.CoGroupByKey(s, everyone, scores))
	cut := beam.Combine(s.Scope("cuts"), &cutFn{}, rows)
	segs, alerts, teams := beam.ParDo3(s.Scope("files"), &filesFn{Firm: o.Firm}, rows, beam.SideInput{Input: cut})
	plans := beam.ParDo(s.Scope("plans"), &planFn{Firm: o.Firm}, beam.GroupByKey(s, teams))
	report := beam.ParDo(s.Scope("report"), &reportFn{Firm: o.Firm}, beam.Combine(s.Scope("book"), &mergeFn{Firm: o.Firm}, beam.DropKey(s, books)))
	for name, lines := range map[string]beam.PCollection{"segments": segs, "alerts": alerts, "plans": plans, "engagement": report} {
		// Not filepath.Join: it would fold "gs://bucket" into "gs:/bucket".
		textio.Write(s.Scope("write "+name), strings.TrimSuffix(o.Out, "/")+"/"+name+".jsonl", lines)
	}
}

func beamInts(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

func init() {
	for _, t := range []reflect.Type{
		reflect.TypeFor[responsesFn](), reflect.TypeFor[clientEventsFn](), reflect.TypeFor[bookFn](), reflect.TypeFor[scoresFn](),
		reflect.TypeFor[clientsFn](), reflect.TypeFor[joinFn](), reflect.TypeFor[cutFn](), reflect.TypeFor[filesFn](),
		reflect.TypeFor[planFn](), reflect.TypeFor[mergeFn](), reflect.TypeFor[reportFn](),
		reflect.TypeFor[clientScore](), reflect.TypeFor[row](), reflect.TypeFor[cutAcc](), reflect.TypeFor[bookCut](),
		reflect.TypeFor[teamClient](),
	} {
		beam.RegisterType(t)
	}
}

// shardOf is the shard of clients [from, to) of n.
func shardOf(k, shards, n int) (from, to int) { return k * n / shards, (k + 1) * n / shards }

// responsesFn yields a shard's responses, keyed by client number, as a
// firm's event store would.
type responsesFn struct {
	Firm   Firm `json:"firm"`
	Shards int  `json:"shards"`
	f      *desk.Firm
	x      *engagement.Index
}

func (fn *responsesFn) Setup() error {
	fn.f = fn.Firm.generate()
	var err error
	fn.x, err = fn.f.Index()
	return err
}

func (fn *responsesFn) ProcessElement(shard int, emit func(int, engagement.Event)) {
	from, to := shardOf(shard, fn.Shards, fn.f.Len())
	for e := range fn.f.Events(fn.x, from, to) {
		emit(int(e.Client), e)
	}
}

// clientEvents is one client's responses, in the order the client gave
// them.
type clientEvents struct {
	Client int
	Events []engagement.Event
}

// clientEventsFn puts a client's responses back in order (a shuffle keeps
// none) and keys them by the client's shard. The firm's clients answer a
// stimulus at most once, in the journey's order, so ordering by stimulus
// is the order they were given in: each client's score sums the same
// numbers in the same order as on one machine, to the last bit.
type clientEventsFn struct {
	Shards int `json:"shards"`
}

func (fn *clientEventsFn) ProcessElement(client int, events func(*engagement.Event) bool, emit func(int, clientEvents)) {
	c := clientEvents{Client: client}
	var e engagement.Event
	for events(&e) {
		c.Events = append(c.Events, e)
	}
	slices.SortFunc(c.Events, func(a, b engagement.Event) int {
		if a.Stimulus != b.Stimulus {
			return int(a.Stimulus) - int(b.Stimulus)
		}
		return int(a.Time - b.Time)
	})
	emit(client%fn.Shards, c)
}

// bookAcc is a book in the making: books of batches of clients, and the
// clients not yet analyzed.
type bookAcc struct {
	Books   [][]byte
	Pending []clientEvents
}

// batchClients is how many clients' responses an accumulator holds before
// it analyzes them into a book.
const batchClients = 2048

// bookFn builds the book of a shard's responses: batches of clients are
// analyzed with engagement.AnalyzeEvents and the books merged with
// engagement.MergeBooks, the library's exact merge (a client's responses
// are all in one batch, so merging only adds the content groups' counts
// and copies profiles).
type bookFn struct {
	Firm Firm `json:"firm"`
	f    *desk.Firm
	x    *engagement.Index
	opts engagement.Options
}

func (fn *bookFn) Setup() error {
	var err error
	fn.f = fn.Firm.generate()
	fn.x, err = fn.f.Index()
	fn.opts = engagement.Options{AsOf: fn.Firm.Now}
	return err
}

func (fn *bookFn) CreateAccumulator() bookAcc { return bookAcc{} }

func (fn *bookFn) AddInput(a bookAcc, c clientEvents) (bookAcc, error) {
	a.Pending = append(a.Pending, c)
	if len(a.Pending) < batchClients {
		return a, nil
	}
	return fn.analyze(a)
}

func (fn *bookFn) MergeAccumulators(a, b bookAcc) (bookAcc, error) {
	a.Books, a.Pending = append(a.Books, b.Books...), append(a.Pending, b.Pending...)
	a, err := fn.analyze(a)
	if err != nil {
		return a, err
	}
	book, err := fn.merge(a.Books)
	if err != nil {
		return a, err
	}
	data, err := book.MarshalBinary()
	return bookAcc{Books: [][]byte{data}}, err
}

func (fn *bookFn) ExtractOutput(a bookAcc) ([]byte, error) {
	a, err := fn.MergeAccumulators(a, bookAcc{})
	if err != nil || len(a.Books) == 0 {
		return nil, err
	}
	return a.Books[0], nil
}

// analyze turns the pending clients into a book.
func (fn *bookFn) analyze(a bookAcc) (bookAcc, error) {
	if len(a.Pending) == 0 {
		return a, nil
	}
	slices.SortFunc(a.Pending, func(x, y clientEvents) int { return x.Client - y.Client })
	ids := make([]string, len(a.Pending))
	var events []engagement.Event
	for k, c := range a.Pending {
		ids[k] = fn.f.ID(c.Client)
		for _, e := range c.Events {
			e.Client = uint32(k)
			events = append(events, e)
		}
	}
	book, err := engagement.AnalyzeEvents(context.Background(), fn.x, ids, slices.Values(events), fn.opts)
	if err != nil {
		return a, err
	}
	data, err := book.MarshalBinary()
	a.Books, a.Pending = append(a.Books, data), nil
	return a, err
}

// merge decodes books and merges them.
func (fn *bookFn) merge(encoded [][]byte) (*engagement.Book, error) {
	return mergeBooks(fn.x, fn.opts, encoded)
}

// mergeBooks decodes books analyzed against x with o and merges them.
func mergeBooks(x *engagement.Index, o engagement.Options, encoded [][]byte) (*engagement.Book, error) {
	j := x.Journey()
	if len(encoded) == 0 {
		return engagement.AnalyzeEvents(context.Background(), x, nil, nil, o)
	}
	books := make([]*engagement.Book, len(encoded))
	for i, data := range encoded {
		var err error
		if books[i], err = engagement.UnmarshalBook(j, o, data); err != nil {
			return nil, err
		}
	}
	return engagement.MergeBooks(books...)
}

// clientScore is what a shard's book says of one client.
type clientScore struct {
	Engagement float64 `json:"engagement"`
	AtRisk     bool    `json:"at_risk"`
}

// scoresFn gives each client of a shard's book its score and at-risk flag.
type scoresFn struct {
	Firm Firm `json:"firm"`
	f    *desk.Firm
	j    *engagement.Journey
}

func (fn *scoresFn) Setup() error {
	fn.f = fn.Firm.generate()
	x, err := fn.f.Index()
	if err == nil {
		fn.j = x.Journey()
	}
	return err
}

func (fn *scoresFn) ProcessElement(_ int, data []byte, emit func(int, clientScore)) error {
	book, err := engagement.UnmarshalBook(fn.j, engagement.Options{AsOf: fn.Firm.Now}, data)
	if err != nil {
		return err
	}
	risk, err := book.AtRisk(engagement.AtRiskRule{})
	if err != nil {
		return err
	}
	atRisk := make(map[string]bool, len(risk))
	for _, a := range risk {
		atRisk[a.Client] = true
	}
	for _, s := range book.Scores() {
		if i, ok := fn.f.Number(s.Client); ok {
			emit(i, clientScore{Engagement: s.Total(), AtRisk: atRisk[s.Client]})
		}
	}
	return nil
}

// clientsFn yields every client of a shard, responses or not.
type clientsFn struct {
	Firm   Firm `json:"firm"`
	Shards int  `json:"shards"`
}

func (fn *clientsFn) ProcessElement(shard int, emit func(int, bool)) {
	from, to := shardOf(shard, fn.Shards, fn.Firm.Clients)
	for i := from; i < to; i++ {
		emit(i, true)
	}
}

// row is a client with their money and engagement.
type row struct {
	Client int            `json:"client"`
	Money  segment.Client `json:"money"`
	AtRisk bool           `json:"at_risk"`
}

// joinFn joins a client's money and score; a client without responses
// has no score and no engagement.
type joinFn struct {
	Firm Firm `json:"firm"`
	f    *desk.Firm
}

func (fn *joinFn) Setup() { fn.f = fn.Firm.generate() }

func (fn *joinFn) ProcessElement(client int, _ func(*bool) bool, scores func(*clientScore) bool, emit func(row)) {
	var s clientScore
	scores(&s)
	emit(row{Client: client, Money: fn.f.Money(client, s.Engagement), AtRisk: s.AtRisk})
}

// cutAcc gathers the book's clients for the cuts: their ids too, as the
// cut counts only clients of the book (an id named once; see
// segment.Grid.Cut).
type cutAcc struct {
	IDs                       []string
	Revenue, Cost, Engagement []float64
}

// bookCut is the whole book's top-share cuts and its engagement values,
// sorted, for each client's percentile.
type bookCut struct {
	Cut    segment.Cut `json:"cut"`
	Sorted []float64   `json:"sorted"`
}

// cutFn computes the grid's top-share cuts over the whole book, as
// segment.Grid.AssignAll does on one machine.
type cutFn struct{}

func (fn *cutFn) AddInput(a cutAcc, r row) cutAcc {
	a.IDs = append(a.IDs, r.Money.ID)
	a.Revenue = append(a.Revenue, r.Money.Revenue)
	a.Cost = append(a.Cost, r.Money.CostToServe)
	a.Engagement = append(a.Engagement, r.Money.Engagement)
	return a
}

func (fn *cutFn) MergeAccumulators(a, b cutAcc) cutAcc {
	a.IDs = append(a.IDs, b.IDs...)
	a.Revenue, a.Cost = append(a.Revenue, b.Revenue...), append(a.Cost, b.Cost...)
	a.Engagement = append(a.Engagement, b.Engagement...)
	return a
}

func (fn *cutFn) ExtractOutput(a cutAcc) (bookCut, error) {
	clients := make([]segment.Client, len(a.Revenue))
	for i := range clients {
		clients[i] = segment.Client{ID: a.IDs[i], Revenue: a.Revenue[i], CostToServe: a.Cost[i], Engagement: a.Engagement[i]}
	}
	cut, err := desk.Grid.Cut(context.Background(), clients)
	slices.Sort(a.Engagement)
	return bookCut{Cut: cut, Sorted: a.Engagement}, err
}

// teamClient is a client with alerts, on their way to their team's plan.
type teamClient struct {
	Client  int             `json:"client"`
	Segment segment.Segment `json:"segment"`
	Context json.RawMessage `json:"context"`
	Alerts  json.RawMessage `json:"alerts"`
}

// fileLine is a client's alerts as written: the data alerts, then the
// framework's in rule order; Error is a file that failed.
type fileLine struct {
	ClientID string           `json:"client_id"`
	Alerts   []advisory.Alert `json:"alerts"`
	Error    string           `json:"error,omitempty"`
}

// filesFn prepares and evaluates each client's file. It compiles the
// framework once per worker, in Setup: a compiled framework is safe for
// concurrent use, so every bundle the worker runs shares it.
type filesFn struct {
	Firm Firm `json:"firm"`
	f    *desk.Firm
	fw   *advisory.Framework[advisory.File]
	buf  desk.Buffers
}

func (fn *filesFn) Setup() error {
	fn.f = fn.Firm.generate()
	var err error
	fn.fw, err = advisory.Compile[advisory.File](desk.FrameworkRules)
	return err
}

func (fn *filesFn) ProcessElement(r row, cut bookCut, segments, alerts func(string), teams func(string, teamClient)) error {
	a, err := cut.Cut.Assign(r.Money)
	if err != nil {
		return err
	}
	line, err := json.Marshal(a)
	if err != nil {
		return err
	}
	segments(string(line))
	st := desk.Standing{Percentile: desk.Percentile(cut.Sorted, r.Money.Engagement), AtRisk: r.AtRisk, Segment: a}
	out := fileLine{ClientID: fn.f.ID(r.Client)}
	file, found, pc, err := fn.f.Prepare(r.Client, st, &fn.buf)
	if err == nil {
		out.Alerts, err = fn.fw.Evaluate(out.ClientID, file, fn.Firm.Now)
		out.Alerts = append(found, out.Alerts...)
	}
	if err != nil {
		out.Error = err.Error()
	}
	if len(out.Alerts) == 0 && out.Error == "" {
		return nil
	}
	if line, err = json.Marshal(out); err != nil {
		return err
	}
	alerts(string(line))
	tc := teamClient{Client: r.Client, Segment: a.Segment}
	if tc.Context, err = json.Marshal(pc); err != nil {
		return err
	}
	if tc.Alerts, err = json.Marshal(out.Alerts); err != nil {
		return err
	}
	teams(desk.Team(r.Client), tc)
	return nil
}

// TeamLine is one adviser team's plan as written.
type TeamLine struct {
	Team string      `json:"team"`
	Plan canvas.Plan `json:"plan"`
}

// planFn plans one adviser team's alerts with the team's capacity. The
// plan depends on the alerts' content, not their order, so the order the
// shuffle delivers them in does not matter.
type planFn struct {
	Firm     Firm `json:"firm"`
	f        *desk.Firm
	planners map[string]*canvas.Planner[desk.PlaceCtx]
}

func (fn *planFn) Setup() error {
	fn.f = fn.Firm.generate()
	fn.planners = map[string]*canvas.Planner[desk.PlaceCtx]{}
	for t := range desk.Teams {
		p, err := desk.NewPlanner(desk.TeamSize(fn.Firm.Clients, t), fn.Firm.Now)
		if err != nil {
			return err
		}
		fn.planners[desk.Team(t)] = p
	}
	return nil
}

func (fn *planFn) ProcessElement(team string, members func(*teamClient) bool, emit func(string)) error {
	planner, ok := fn.planners[team]
	if !ok {
		return fmt.Errorf("no adviser team %q", team)
	}
	clients := map[string]canvas.Client[desk.PlaceCtx]{}
	var alerts []advisory.Alert
	var tc teamClient
	for members(&tc) {
		var pc desk.PlaceCtx
		if err := json.Unmarshal(tc.Context, &pc); err != nil {
			return err
		}
		as, err := decodeAlerts(tc.Alerts)
		if err != nil {
			return err
		}
		alerts = append(alerts, as...)
		clients[fn.f.ID(tc.Client)] = fn.f.PlanClient(tc.Client, tc.Segment, pc)
	}
	plan, err := planner.Plan(context.Background(), alerts, clients)
	if err != nil {
		return err
	}
	line, err := json.Marshal(TeamLine{Team: team, Plan: plan})
	if err != nil {
		return err
	}
	emit(string(line))
	return nil
}

// decodeAlerts decodes alerts that crossed the shuffle as JSON. Their
// evidence and outputs hold values of any type (a struct, a time), which
// JSON cannot give back as they were: they are kept as the JSON text they
// were written as, so that the plan writes them out as the single-machine
// job does. (The planner orders by those values only between alerts equal
// in everything else, which a client's file does not raise.)
func decodeAlerts(data []byte) ([]advisory.Alert, error) {
	var alerts []advisory.Alert
	var raw []struct {
		Outputs  map[string]json.RawMessage `json:"outputs"`
		Evidence []struct {
			Value json.RawMessage `json:"value"`
		} `json:"evidence"`
	}
	if err := json.Unmarshal(data, &alerts); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	for i := range alerts {
		for k := range alerts[i].Outputs {
			alerts[i].Outputs[k] = raw[i].Outputs[k]
		}
		for e := range alerts[i].Evidence {
			alerts[i].Evidence[e].Value = raw[i].Evidence[e].Value
		}
	}
	return alerts, nil
}

// mergeFn merges the shards' books into the book of the whole firm, for
// the engagement report.
type mergeFn struct {
	Firm Firm `json:"firm"`
	x    *engagement.Index
}

func (fn *mergeFn) Setup() error {
	var err error
	fn.x, err = fn.Firm.generate().Index()
	return err
}

func (fn *mergeFn) CreateAccumulator() bookAcc { return bookAcc{} }

func (fn *mergeFn) AddInput(a bookAcc, book []byte) bookAcc {
	a.Books = append(a.Books, book)
	return a
}

func (fn *mergeFn) MergeAccumulators(a, b bookAcc) bookAcc {
	a.Books = append(a.Books, b.Books...)
	return a
}

func (fn *mergeFn) ExtractOutput(a bookAcc) ([]byte, error) {
	book, err := mergeBooks(fn.x, engagement.Options{AsOf: fn.Firm.Now}, a.Books)
	if err != nil {
		return nil, err
	}
	return book.MarshalBinary()
}

// EngagementLine is the whole firm's engagement as written.
type EngagementLine struct {
	Report    engagement.Report     `json:"report"`
	Superfans []engagement.Superfan `json:"superfans"`
	AtRisk    int                   `json:"at_risk"`
}

// reportFn reports on the whole firm's book.
type reportFn struct {
	Firm Firm `json:"firm"`
	j    *engagement.Journey
}

func (fn *reportFn) Setup() error {
	x, err := fn.Firm.generate().Index()
	if err == nil {
		fn.j = x.Journey()
	}
	return err
}

func (fn *reportFn) ProcessElement(data []byte, emit func(string)) error {
	book, err := engagement.UnmarshalBook(fn.j, engagement.Options{AsOf: fn.Firm.Now}, data)
	if err != nil {
		return err
	}
	line := EngagementLine{Report: book.Report}
	line.Superfans, _ = book.Superfans(engagement.SuperfanRule{}) // the zero rule is valid
	risk, _ := book.AtRisk(engagement.AtRiskRule{})
	line.AtRisk = len(risk)
	out, err := json.Marshal(line)
	if err != nil {
		return err
	}
	emit(string(out))
	return nil
}
