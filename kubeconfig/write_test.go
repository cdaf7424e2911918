package kubeconfig

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func entryFor(i int) Entry {
	return NewEntry(Invocation{ClusterName: fmt.Sprintf("c%d", i), Region: "us-east-1"}, "", "", "https://x.example", "Y2E=", "ekstoken", InteractiveNever)
}

func checkAllPresent(t *testing.T, path string, n int) {
	t.Helper()
	v := kubectlView(t, path)
	for i := 0; i < n; i++ {
		e := entryFor(i)
		if kubectlNamed(v, "users", e.UserName) == nil || kubectlNamed(v, "clusters", e.ClusterKey) == nil || kubectlNamed(v, "contexts", e.ContextName) == nil {
			t.Errorf("entry %d missing after concurrent writes", i)
		}
	}
}

// TestConcurrentWriters: N goroutines each add a different cluster to the
// same file; all N must be there afterwards (flock serialises them: each
// takes its own open file description, as separate processes do).
func TestConcurrentWriters(t *testing.T) {
	const n = 24
	path := copyFixture(t, "in/many.yaml", t.TempDir(), "config")
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			e := entryFor(i)
			_, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, i%2 == 0) })
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkAllPresent(t, path, n)
}

// TestConcurrentProcesses does the same with separate processes (this test
// binary re-executed), the way kubectl users run ekstoken.
func TestConcurrentProcesses(t *testing.T) {
	if p := os.Getenv("EKSTOKEN_TEST_WRITER"); p != "" {
		i, _ := strconv.Atoi(os.Getenv("EKSTOKEN_TEST_INDEX"))
		e := entryFor(i)
		if _, err := Edit(p, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, true) }); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	const n = 12
	path := filepath.Join(t.TempDir(), "config") // starts missing
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentProcesses$")
			cmd.Env = append(os.Environ(), "EKSTOKEN_TEST_WRITER="+path, "EKSTOKEN_TEST_INDEX="+strconv.Itoa(i))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("writer %d: %v\n%s", i, err, out)
			}
		}(i)
	}
	wg.Wait()
	checkAllPresent(t, path, n)
}

func TestSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	e := entryFor(1)
	apply := func(c *Config) error { return c.Apply(&e, ModeMerge, true) }

	t.Run("to a writable file", func(t *testing.T) {
		dir := t.TempDir()
		real := copyFixture(t, "in/many.yaml", dir, "real-config")
		os.Chmod(real, 0o640)
		link := filepath.Join(dir, "config")
		os.Symlink("real-config", link)
		res, err := Edit(link, EditOptions{}, apply)
		if err != nil {
			t.Fatal(err)
		}
		if res.Path != real {
			t.Errorf("wrote %s, want %s", res.Path, real)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Error("the symlink was replaced by a file")
		}
		if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o640 {
			t.Errorf("target mode %v", fi.Mode().Perm())
		}
		if _, err := os.Stat(real + LockSuffix); err != nil {
			t.Errorf("lock file not next to the target: %v", err)
		}
		if v := kubectlView(t, link); kubectlNamed(v, "users", e.UserName) == nil {
			t.Error("kubectl does not see the entry through the symlink")
		}
	})
	t.Run("to a place we cannot write", func(t *testing.T) {
		// /proc files cannot be opened for writing even by root.
		target := "/proc/version"
		if _, err := os.Stat(target); err != nil {
			t.Skip("no /proc")
		}
		link := filepath.Join(t.TempDir(), "config")
		os.Symlink(target, link)
		_, err := Edit(link, EditOptions{}, apply)
		if err == nil || !strings.Contains(err.Error(), "refusing to follow symlink") {
			t.Fatalf("err = %v", err)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Error("the symlink was replaced")
		}
	})
	t.Run("dangling", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "config")
		os.Symlink("nowhere/config", link)
		if _, err := Edit(link, EditOptions{}, apply); err == nil || !strings.Contains(err.Error(), "does not resolve") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("to a directory", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "config")
		os.Symlink(dir, link)
		if _, err := Edit(link, EditOptions{}, apply); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		t.Skip("root reads any file; TestSymlinks covers an unwritable target through /proc")
	}
	path := copyFixture(t, "in/many.yaml", t.TempDir(), "config")
	os.Chmod(path, 0)
	e := entryFor(1)
	if _, err := Edit(path, EditOptions{}, func(c *Config) error { return c.Apply(&e, ModeMerge, true) }); err == nil {
		t.Fatal("no error")
	}
}
