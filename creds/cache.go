//go:build !nonet

package creds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/sigv4"
)

// Cache is ekstoken's on-disk cache of credentials that came over the
// network (STS AssumeRole, AssumeRoleWithWebIdentity, SSO
// GetRoleCredentials). kubectl starts ekstoken on every token refresh and in
// every new kubectl process; without this cache each start would cost an STS
// round trip (100+ ms) and a burst of kubectl processes could be throttled.
//
// One JSON file per key in Dir (see DefaultCacheDir): the file name is the
// SHA-256 of the key, and the key is stored inside too and compared on read.
// Files are 0600 in a 0700 directory and replaced atomically (temp file in
// the same directory, fsync, rename), so a reader sees the old entry or the
// new one, never half of one. An entry is used only while at least
// MinValidity (5 min) of it remains.
//
// Entries are never trusted blindly: a file that is not a regular file, is
// owned by another user, has any group/other permission bits, does not parse,
// belongs to another key or lacks a field is ignored, and the next refresh
// replaces it. A cache directory owned by another user disables the cache.
//
// Refreshes of one key are serialised across processes with an advisory lock
// (flock on "<file>.lock" on Unix): when twenty kubectl processes start with a
// cold cache, one calls STS and the others wait for its entry instead of
// calling too. If the lock cannot be had within LockWait, the process
// refreshes anyway (correct, merely slower); on systems without flock every
// process refreshes and the last rename wins, which still leaves a valid file.
//
// Container-endpoint and IMDS credentials are not cached: they come from a
// link-local agent in a few milliseconds, and the platform rotates them.
//
// A nil *Cache caches nothing (--no-cache).
type Cache struct {
	Dir         string
	MinValidity time.Duration    // default 5 min
	LockWait    time.Duration    // default 60 s (covers an MFA prompt)
	Now         func() time.Time // default time.Now
}

// DefaultCacheDir is $XDG_CACHE_HOME/ekstoken, else $HOME/.cache/ekstoken.
// A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
func DefaultCacheDir(getenv func(string) string) (string, error) {
	if x := getenv("XDG_CACHE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "ekstoken"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", errors.New("credentials cache: neither XDG_CACHE_HOME nor HOME is set")
		}
	}
	return filepath.Join(home, ".cache", "ekstoken"), nil
}

// cacheKey joins the parts that identify one cached credential; a NUL cannot
// occur in any of them, so distinct part lists give distinct keys.
func cacheKey(parts ...string) string { return strings.Join(parts, "\x00") }

// cacheEntry is the content of a cache file. The files were first written
// by encoding/json from these json tags; fields and appendJSON read and
// write the same JSON (the tests hold them to encoding/json).
type cacheEntry struct {
	Version         int    `json:"version"`
	Key             string `json:"key"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken,omitempty"`
	Expiration      string `json:"expiration"`
	AccountID       string `json:"accountId,omitempty"`
}

func (e *cacheEntry) fields() jsonlite.Fields {
	return jsonlite.Fields{
		{Name: "version", Into: &e.Version},
		{Name: "key", Into: &e.Key},
		{Name: "accessKeyId", Into: &e.AccessKeyID},
		{Name: "secretAccessKey", Into: &e.SecretAccessKey},
		{Name: "sessionToken", Into: &e.SessionToken},
		{Name: "expiration", Into: &e.Expiration},
		{Name: "accountId", Into: &e.AccountID},
	}
}

// appendJSON appends e as json.Marshal(e) writes it.
func (e *cacheEntry) appendJSON(dst []byte) []byte {
	w := jsonlite.Writer{Buf: dst}
	w.BeginObject()
	w.Key("version")
	w.Int(int64(e.Version))
	for _, m := range [...]struct {
		k, v      string
		omitEmpty bool
	}{
		{"key", e.Key, false},
		{"accessKeyId", e.AccessKeyID, false},
		{"secretAccessKey", e.SecretAccessKey, false},
		{"sessionToken", e.SessionToken, true},
		{"expiration", e.Expiration, false},
		{"accountId", e.AccountID, true},
	} {
		if m.v != "" || !m.omitEmpty {
			w.Key(m.k)
			w.String(m.v)
		}
	}
	w.EndObject()
	return w.Buf
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) minValidity() time.Duration { return cmp(c.MinValidity, 5*time.Minute) }

func (c *Cache) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:20])+".json")
}

// Get returns the entry for key if it is trustworthy and valid for at least
// MinValidity more.
func (c *Cache) Get(key string) (Issued, bool) {
	if c == nil || c.Dir == "" {
		return Issued{}, false
	}
	raw, err := readPrivateFile(c.path(key), true)
	if err != nil {
		return Issued{}, false
	}
	var e cacheEntry
	if jsonlite.Unmarshal(raw, e.fields()) != nil || e.Version != 1 || e.Key != key ||
		e.AccessKeyID == "" || e.SecretAccessKey == "" {
		return Issued{}, false
	}
	exp, err := time.Parse(time.RFC3339, e.Expiration)
	if err != nil || exp.Sub(c.now()) < c.minValidity() {
		return Issued{}, false
	}
	return Issued{
		Credentials: sigv4.Credentials{AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken, Expires: exp.UTC()},
		AccountID:   e.AccountID,
	}, true
}

// Put stores v under key. Credentials without an expiry are not stored.
func (c *Cache) Put(key string, v Issued) error {
	if c == nil || c.Dir == "" || !v.HasExpiry() {
		return nil
	}
	if err := c.prepareDir(); err != nil {
		return err
	}
	e := cacheEntry{
		Version: 1, Key: key,
		AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey, SessionToken: v.SessionToken,
		Expiration: v.Expires.UTC().Format(time.RFC3339), AccountID: v.AccountID,
	}
	raw := e.appendJSON(nil)
	if err := writeFileAtomic(c.path(key), raw); err != nil {
		return err
	}
	c.prune()
	return nil
}

// pruneAge is how long after its last write an entry is surely expired:
// STS and SSO never hand out credentials for more than 12 hours.
const pruneAge = 24 * time.Hour

// prune deletes entries and lock files not written for pruneAge, so that
// keys that are never asked for again (a chained role's key changes with the
// intermediate credentials) do not pile up. It runs after a refresh only,
// never on the warm path. Deleting an old lock file that a slow process
// still holds can at worst let two processes refresh the same entry, which
// is safe.
func (c *Cache) prune() {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	cutoff := c.now().Add(-pruneAge)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".json.lock") && !strings.HasPrefix(name, ".tmp-") {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(c.Dir, name))
		}
	}
}

// Fetch returns the cached entry for key, or calls fetch under the key's
// lock and caches what it returns. A cache that cannot be written never
// fails the call: the fresh credentials are still returned.
func (c *Cache) Fetch(ctx context.Context, key string, fetch func(context.Context) (Issued, error)) (Issued, error) {
	if c == nil || c.Dir == "" {
		return fetch(ctx)
	}
	if v, ok := c.Get(key); ok {
		return v, nil
	}
	unlock := func() {}
	if c.prepareDir() == nil {
		unlock = lockFile(ctx, c.path(key)+".lock", cmp(c.LockWait, 60*time.Second))
	}
	defer unlock()
	if v, ok := c.Get(key); ok { // refreshed by another process meanwhile
		return v, nil
	}
	v, err := fetch(ctx)
	if err != nil {
		return Issued{}, err
	}
	_ = c.Put(key, v)
	return v, nil
}

// prepareDir creates Dir (0700) or checks that an existing one is ours,
// tightening its mode if needed.
func (c *Cache) prepareDir() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	fi, err := os.Stat(c.Dir)
	if err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("credentials cache: %s is not a directory", c.Dir)
	}
	if !ownedByMe(fi) {
		return fmt.Errorf("credentials cache: %s belongs to another user; not using it", c.Dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(c.Dir, 0o700); err != nil {
			return fmt.Errorf("credentials cache: %w", err)
		}
	}
	return nil
}

// writeFileAtomic writes data to path through a 0600 temporary file in the
// same directory, synced and renamed over path.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("credentials cache: %w", err)
	}
	ok = true
	return nil
}
