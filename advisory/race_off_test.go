//go:build !race

package advisory

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = false
