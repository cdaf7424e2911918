//go:build unix

package creds

import (
	"syscall"
	"time"
)

// processCPU is this process's CPU time (user+system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
