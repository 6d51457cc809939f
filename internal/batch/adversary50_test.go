package batch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestAdversary50_PanicInFnKillsProcess
//
// Promise broken: the library's standard "nothing panics out of the
// library" and its own practice for a host's code on its goroutines
// (engagement.AnalyzeParallel: a shard's panic "must reach the caller's
// goroutine, where the host can recover it, not kill the process from
// this one"; canvas raises a lookup's panic again on the calling
// goroutine). fn is the host's code (advisory's eval calls
// BatchOptions.Clock, a rule's host functions). Until today, Run with one
// worker evaluated each chunk on the calling goroutine, so a panic in fn
// reached Run's caller; since the two-chunk change, Run.start evaluates
// every chunk on a goroutine of its own, which has no recover. Observed
// (in a child process): Run(Workers 1) with an fn that panics on its
// first input ends the whole process ("panic: host fn failed", exit
// status 2) although the caller defers a recover around Run. Expected:
// the panic raised on the goroutine that called Run, where the caller's
// recover takes it.
func TestAdversary50_PanicInFnKillsProcess(t *testing.T) {
	if os.Getenv("ADV50_BATCH_CHILD") == "1" {
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("ADV50 recovered:", r)
				}
			}()
			Run(context.Background(), slices.Values([]int{1, 2, 3}), func(int, *int) error {
				panic("host fn failed")
			}, func(int, int, int, error) {}, Options{Workers: 1})
		}()
		fmt.Println("ADV50 child done")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdversary50_PanicInFnKillsProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ADV50_BATCH_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ADV50 recovered: host fn failed") {
		first, _, _ := strings.Cut(string(out), "\n\n")
		t.Errorf("a panic in fn (Workers 1) was not raised to Run's caller: the process ended (%v):\n%s", err, first)
	}
}
