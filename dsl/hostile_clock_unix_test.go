//go:build unix

package dsl_test

import (
	"syscall"
	"time"
)

// cpuNow is the CPU time this process has used. The hostile inputs run
// one to a child process with GOMAXPROCS=1, so it is what an input costs,
// whatever else the machine runs: their budgets are CPU time, and a
// neighbour that takes the cores cannot turn an answer into a "hang".
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return wallSinceStart()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
