//go:build !linux && !darwin && !freebsd && !windows

package main

import "os"

// isTerminalFile guesses from the file mode (a character device may also
// be /dev/null: then a bare `ekstoken` prints the usage where it would
// otherwise print a one-line hint).
func isTerminalFile(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
