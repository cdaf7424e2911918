//go:build race

package sigv4

// sync.Pool drops items at random under the race detector.
const raceEnabled = true
