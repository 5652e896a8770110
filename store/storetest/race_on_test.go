//go:build race

package storetest

// raceDetector: the race detector makes this package's allocation-heavy
// generation some 40 times slower, so the longest checks look at fewer messages.
const raceDetector = true
