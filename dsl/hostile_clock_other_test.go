//go:build !unix

package dsl_test

import "time"

// cpuNow is the wall time since the process started where the CPU time
// cannot be read (see the unix version).
func cpuNow() time.Duration { return wallSinceStart() }
