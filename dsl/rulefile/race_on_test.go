//go:build race

package rulefile_test

// raceEnabled is true when the tests run under the race detector, where
// a bound on how long something takes says nothing.
const raceEnabled = true
