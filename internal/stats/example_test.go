package stats_test

import (
	"fmt"

	"github.com/engagekit/engagekit/internal/stats"
)

func ExampleTwoProportion() {
	z, p, h := stats.TwoProportion(45, 100, 60, 100)
	lo, hi := stats.Wilson(60, 100, 1.96)
	fmt.Printf("z %.2f p %.3f h %.2f, 60/100 in [%.2f, %.2f], P(B>A) %.2f\n", z, p, h, lo, hi, stats.ProbBBeatsA(45, 100, 60, 100))
	// Output: z 2.12 p 0.034 h 0.30, 60/100 in [0.50, 0.69], P(B>A) 0.98
}
