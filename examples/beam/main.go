// Command beam runs the wealthdesk job as an Apache Beam pipeline: the
// same generated firm, the same engagement books (built per shard and
// merged exactly), segments, client files, advisory framework and
// follow-up plans (one per adviser team), written as JSON lines. By
// default it runs on Beam's local prism runner, in this process; the
// flags of Beam's portable runners run the same binary on Flink, Spark or
// Dataflow (see README.md).
//
//	go run .                         # 2,000 clients, prism, out in $TMPDIR/wealthdesk-beam
//	go run . -clients 100000 -out /data/wealthdesk
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

func main() {
	clients := flag.Int("clients", 2000, "how many clients the generated firm has")
	perClient := flag.Int("responses", 30, "about how many responses each client gives in the year")
	seed := flag.Uint64("seed", 1, "seed of the generated firm")
	shards := flag.Int("shards", 8, "shards of clients that generate responses and build books")
	out := flag.String("out", filepath.Join(os.TempDir(), "wealthdesk-beam"), "directory (or bucket path) for the JSON lines")
	flag.Parse()
	beam.Init()
	p, s := beam.NewPipelineWithRoot()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	Build(s, Options{Firm: Firm{Seed: *seed, Clients: *clients, Responses: *perClient, Now: now}, Shards: *shards, Out: *out})
	if err := beamx.Run(context.Background(), p); err != nil {
		log.Fatalf("pipeline failed: %v", err)
	}
	log.Printf("segments, alerts, plans and engagement written to %s/*.jsonl", *out)
}
