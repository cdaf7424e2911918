//go:build !unix

package creds

import "time"

// processCPU is unavailable here: the benchmarks' cpu-ns/op reads 0.
func processCPU() time.Duration { return 0 }
