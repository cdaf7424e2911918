//go:build !nonet && !unix

package creds

import (
	"context"
	"errors"
	"io"
	"os"
	"time"
)

// On systems without Unix ownership and flock (Windows), files are checked
// for being regular only, and concurrent refreshes are tolerated rather than
// serialised: the last rename wins and the file stays valid.

func ownedByMe(os.FileInfo) bool { return true }

func readPrivateFile(path string, strict bool) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxResponse {
		return nil, errors.New("untrusted cache file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxResponse))
}

func lockFile(context.Context, string, time.Duration) func() { return func() {} }
