//go:build !nonet && unix

package creds

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"time"
)

func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// readPrivateFile reads path without following a symlink, and only if it is
// a regular file owned by the effective user with no group/other write bit
// (strict: no group/other bit at all).
func readPrivateFile(path string, strict bool) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	bad := os.FileMode(0o022)
	if strict {
		bad = 0o077
	}
	if !fi.Mode().IsRegular() || !ownedByMe(fi) || fi.Mode().Perm()&bad != 0 {
		return nil, errors.New("untrusted cache file")
	}
	if fi.Size() > maxResponse {
		return nil, errors.New("cache file too large")
	}
	return io.ReadAll(io.LimitReader(f, maxResponse))
}

// lockFile takes an exclusive flock on path, waiting at most wait (or until
// ctx is done), and returns the unlock function. Failing to lock returns a
// no-op: the caller proceeds unlocked.
func lockFile(ctx context.Context, path string, wait time.Duration) func() {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return func() {}
	}
	deadline := time.Now().Add(wait)
	delay := 5 * time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) || time.Now().After(deadline) {
			f.Close()
			return func() {}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return func() {}
		case <-t.C:
		}
		delay = min(delay*2, 50*time.Millisecond)
	}
}
