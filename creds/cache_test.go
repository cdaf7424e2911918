//go:build !nonet

package creds

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

var cacheNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func testIssued(akid string, exp time.Time) Issued {
	return Issued{Credentials: sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: "s-" + akid, SessionToken: "t-" + akid, Expires: exp}, AccountID: "111122223333"}
}

func newTestCache(t *testing.T) *Cache {
	return &Cache{Dir: filepath.Join(t.TempDir(), "ekstoken"), Now: func() time.Time { return cacheNow }}
}

func TestCacheRoundTripAndModes(t *testing.T) {
	c := newTestCache(t)
	want := testIssued("ASIA1", cacheNow.Add(time.Hour))
	if err := c.Put("k", want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get("k")
	if !ok || got != want {
		t.Fatalf("got %v %v, want %v", got, ok, want)
	}
	if _, ok := c.Get("other"); ok {
		t.Error("hit for another key")
	}
	fi, _ := os.Stat(c.path("k"))
	di, _ := os.Stat(c.Dir)
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("file %v dir %v", fi.Mode(), di.Mode())
	}
	entries, _ := os.ReadDir(c.Dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestCacheValidityWindow(t *testing.T) {
	c := newTestCache(t)
	c.Put("fresh", testIssued("A", cacheNow.Add(5*time.Minute)))
	c.Put("stale", testIssued("B", cacheNow.Add(5*time.Minute-time.Second)))
	c.Put("noexpiry", Issued{Credentials: sigv4.Credentials{AccessKeyID: "C", SecretAccessKey: "S"}})
	if _, ok := c.Get("fresh"); !ok {
		t.Error("entry with exactly 5 min left not used")
	}
	if _, ok := c.Get("stale"); ok {
		t.Error("entry with under 5 min left used")
	}
	if _, err := os.Stat(c.path("noexpiry")); !os.IsNotExist(err) {
		t.Error("credentials without expiry were cached")
	}
}

// Untrustworthy files are ignored and the next refresh replaces them.
func TestCacheUntrustedFilesReplaced(t *testing.T) {
	good := testIssued("ASIAGOOD", cacheNow.Add(time.Hour))
	cases := map[string]func(t *testing.T, c *Cache, p string){
		"corrupt": func(t *testing.T, c *Cache, p string) { os.WriteFile(p, []byte("\x00garbage"), 0o600) },
		"truncated": func(t *testing.T, c *Cache, p string) {
			c.Put("k", testIssued("ASIAOLD", cacheNow.Add(time.Hour)))
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o600)
		},
		"world-writable": func(t *testing.T, c *Cache, p string) {
			c.Put("k", testIssued("ASIAOLD", cacheNow.Add(time.Hour)))
			os.Chmod(p, 0o666)
		},
		"group-readable": func(t *testing.T, c *Cache, p string) {
			c.Put("k", testIssued("ASIAOLD", cacheNow.Add(time.Hour)))
			os.Chmod(p, 0o640)
		},
		"other key": func(t *testing.T, c *Cache, p string) {
			c.Put("k2", testIssued("ASIAOLD", cacheNow.Add(time.Hour)))
			os.Rename(c.path("k2"), p)
		},
		"missing secret": func(t *testing.T, c *Cache, p string) {
			os.WriteFile(p, []byte(`{"version":1,"key":"k","accessKeyId":"ASIAOLD","expiration":"2099-01-01T00:00:00Z"}`), 0o600)
		},
		"symlink": func(t *testing.T, c *Cache, p string) {
			target := filepath.Join(t.TempDir(), "target")
			c.Put("k", testIssued("ASIAOLD", cacheNow.Add(time.Hour)))
			os.Rename(p, target)
			os.Symlink(target, p)
		},
		"directory": func(t *testing.T, c *Cache, p string) { os.Mkdir(p, 0o700) },
		"foreign owner": func(t *testing.T, c *Cache, p string) {
			if os.Geteuid() != 0 {
				t.Skip("needs root to give a file to another user")
			}
			c.Put("k", testIssued("ASIAOLD", cacheNow.Add(time.Hour)))
			if err := os.Chown(p, 4242, 4242); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			c := newTestCache(t)
			os.MkdirAll(c.Dir, 0o700)
			p := c.path("k")
			setup(t, c, p)
			if v, ok := c.Get("k"); ok {
				t.Fatalf("untrusted entry used: %v", v)
			}
			calls := 0
			got, err := c.Fetch(context.Background(), "k", func(context.Context) (Issued, error) { calls++; return good, nil })
			if name == "directory" {
				// A directory squatting on the name cannot be replaced; the
				// fresh credentials are still returned.
				if err != nil || got != good || calls != 1 {
					t.Fatalf("got %v, %v after %d calls", got, err, calls)
				}
				return
			}
			if err != nil || got != good || calls != 1 {
				t.Fatalf("got %v, %v after %d calls", got, err, calls)
			}
			fi, err := os.Lstat(p)
			if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Fatalf("not replaced by a 0600 regular file: %v %v", fi, err)
			}
			if v, ok := c.Get("k"); !ok || v != good {
				t.Errorf("after replacement: %v %v", v, ok)
			}
		})
	}
}

func TestCacheDirTightenedOrRefused(t *testing.T) {
	c := newTestCache(t)
	os.MkdirAll(c.Dir, 0o755)
	os.Chmod(c.Dir, 0o755)
	if err := c.Put("k", testIssued("A", cacheNow.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if di, _ := os.Stat(c.Dir); di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", di.Mode())
	}
	if os.Geteuid() == 0 {
		os.Chown(c.Dir, 4242, 4242)
		if err := c.Put("k", testIssued("A", cacheNow.Add(time.Hour))); err == nil || !strings.Contains(err.Error(), "another user") {
			t.Errorf("foreign directory used: %v", err)
		}
	}
}

func TestCacheFetchErrorNotStored(t *testing.T) {
	c := newTestCache(t)
	boom := errors.New("boom")
	if _, err := c.Fetch(context.Background(), "k", func(context.Context) (Issued, error) { return Issued{}, boom }); err != boom {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.path("k")); !os.IsNotExist(err) {
		t.Error("failure cached")
	}
	var nilCache *Cache // --no-cache
	n := 0
	for range 2 {
		nilCache.Fetch(context.Background(), "k", func(context.Context) (Issued, error) { n++; return testIssued("A", cacheNow.Add(time.Hour)), nil })
	}
	if n != 2 {
		t.Errorf("nil cache fetched %d times", n)
	}
}

func TestDefaultCacheDir(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/ekstoken"},
		{map[string]string{"XDG_CACHE_HOME": "rel", "HOME": "/h"}, "/h/.cache/ekstoken"},
		{map[string]string{"HOME": "/h"}, "/h/.cache/ekstoken"},
	} {
		if got, err := DefaultCacheDir(getenvMap(tc.env)); err != nil || got != tc.want {
			t.Errorf("%v: %q %v", tc.env, got, err)
		}
	}
}

// Twenty goroutines refreshing one cold entry: one fetch, every caller gets
// its result.
func TestCacheConcurrentFetchOnce(t *testing.T) {
	c := newTestCache(t)
	var calls atomic.Int32
	var wg sync.WaitGroup
	got := make([]Issued, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Fetch(context.Background(), "k", func(context.Context) (Issued, error) {
				calls.Add(1)
				time.Sleep(50 * time.Millisecond)
				return testIssued(fmt.Sprint("ASIA", calls.Load()), cacheNow.Add(time.Hour)), nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("%d fetches", n)
	}
	for _, v := range got {
		if v != got[0] || v.AccessKeyID == "" {
			t.Errorf("callers disagree: %v vs %v", v, got[0])
		}
	}
}

// burstRole is the config of the burst tests: a role assumed from static keys.
const burstConfig = "[profile burst]\nrole_arn = arn:aws:iam::111122223333:role/burst\nsource_profile = base\nregion = us-east-1\n[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n"

// A kubectl-style burst inside one process: 20 concurrent resolutions of a
// role profile with a cold cache make one STS call, and all get the same
// valid credentials. (The multi-process version is TestBurstProcesses.)
func TestBurstResolutions(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), burstConfig)
	f := newAWSFake(t, time.Now(), sigv4.Credentials{AccessKeyID: "AKIABASE", SecretAccessKey: "base-secret"})
	env := getenvMap(f.env(home, nil))
	var wg sync.WaitGroup
	res := make([]sigv4.Credentials, 20)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := Resolve(context.Background(), Request{Env: env, Profile: "burst"})
			if err != nil {
				t.Error(err)
				return
			}
			res[i] = r.Credentials
		}()
	}
	wg.Wait()
	calls := f.callList()
	if len(calls) != 1 {
		t.Errorf("%d STS calls: %q", len(calls), calls)
	}
	for _, c := range res {
		if c != res[0] || c.Validate() != nil || !c.Expires.After(time.Now().Add(30*time.Minute)) {
			t.Errorf("resolution got %v, first got %v", c, res[0])
		}
	}
	// Warm cache: no network at all.
	if _, err := Resolve(context.Background(), Request{Env: env, Profile: "burst"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callList()); n != 1 {
		t.Errorf("warm cache made %d calls in total", n)
	}
	// --no-cache: a call every time.
	if _, err := Resolve(context.Background(), Request{Env: env, Profile: "burst", NoCache: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callList()); n != 2 {
		t.Errorf("--no-cache: %d calls in total", n)
	}
}

// The same burst with 20 separate processes (this test binary re-executed),
// as kubectl starts them: at most a few STS calls, every process succeeds,
// and the cache file is valid afterwards.
func TestBurstProcesses(t *testing.T) {
	if os.Getenv("EKSTOKEN_BURST_CHILD") != "" {
		burstChild()
		return
	}
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), burstConfig)
	f := newAWSFake(t, time.Now(), sigv4.Credentials{AccessKeyID: "AKIABASE", SecretAccessKey: "base-secret"})
	f.mu.Lock()
	f.delay = 100 * time.Millisecond // keep the first call in flight while the others start
	f.mu.Unlock()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([]string, 20)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(self, "-test.run=^TestBurstProcesses$")
			cmd.Env = append(nonAWSEnv(), "EKSTOKEN_BURST_CHILD=1", "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
				"AWS_ENDPOINT_URL_STS="+f.srv.URL, "AWS_PROFILE=burst")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("child %d: %v\n%s", i, err, out)
			}
			outs[i] = string(out)
		}()
	}
	wg.Wait()
	calls := f.callList()
	if len(calls) > 3 {
		t.Errorf("%d STS calls for 20 processes", len(calls))
	}
	t.Logf("20 processes, %d STS call(s)", len(calls))
	for i, o := range outs {
		if !strings.Contains(o, "AKID=ASIA") {
			t.Errorf("child %d: %q", i, o)
		}
	}
	c := &Cache{Dir: filepath.Join(home, ".cache", "ekstoken")}
	entries, _ := filepath.Glob(filepath.Join(c.Dir, "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache entries %v", entries)
	}
	if _, err := readPrivateFile(entries[0], true); err != nil {
		t.Errorf("cache file: %v", err)
	}
}

func burstChild() {
	r, err := Resolve(context.Background(), Request{})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Println("AKID=" + r.Credentials.AccessKeyID)
	os.Exit(0)
}

// nonAWSEnv is this process's environment without AWS_* and proxy variables,
// so a developer's own settings cannot leak into child processes.
func nonAWSEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasSuffix(strings.ToUpper(k), "_PROXY") || k == "ATMOS_IDENTITY" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func TestCachePrunesOldEntries(t *testing.T) {
	c := newTestCache(t)
	c.Now = time.Now
	c.Put("old", testIssued("A", time.Now().Add(time.Hour)))
	os.WriteFile(c.path("old")+".lock", nil, 0o600)
	long := time.Now().Add(-25 * time.Hour)
	os.Chtimes(c.path("old"), long, long)
	os.Chtimes(c.path("old")+".lock", long, long)
	c.Put("new", testIssued("B", time.Now().Add(time.Hour)))
	for _, p := range []string{c.path("old"), c.path("old") + ".lock"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s not pruned", p)
		}
	}
	if _, ok := c.Get("new"); !ok {
		t.Error("fresh entry lost")
	}
}

// BenchmarkResolveRoleWarmCache is a role profile whose credentials are in
// ekstoken's cache (no network), next to the same setup's static keys: the
// in-process cost of the cache hit.
func BenchmarkResolveRoleWarmCache(b *testing.B) {
	home := b.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(burstConfig), 0o600)
	f := newAWSFake(b, time.Now(), sigv4.Credentials{AccessKeyID: "AKIABASE", SecretAccessKey: "base-secret"})
	env := getenvMap(f.env(home, nil))
	for _, bc := range []struct{ name, profile string }{{"static", "base"}, {"role-warm-cache", "burst"}} {
		if _, err := Resolve(context.Background(), Request{Env: env, Profile: bc.profile}); err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Resolve(context.Background(), Request{Env: env, Profile: bc.profile}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if n := len(f.callList()); n != 1 {
		b.Errorf("%d STS calls", n)
	}
}
