//go:build race

package advisory

// raceEnabled is true when the tests run under the race detector, where
// a bound on how long something takes says nothing (it runs tens of
// times slower).
const raceEnabled = true
