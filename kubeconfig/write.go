package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Suffixes of the files kept next to a kubeconfig.
const (
	LockSuffix   = ".ekstoken.lock" // advisory lock, left in place (it is empty)
	BackupSuffix = ".ekstoken.bak"  // copy of the file before a migrate
)

// EditOptions control Edit.
type EditOptions struct {
	// DryRun computes the new content but writes nothing (no directory, no
	// lock file, no backup).
	DryRun bool
	// Backup writes PATH.ekstoken.bak with the previous content before
	// replacing an existing file.
	Backup bool
}

// Result is what Edit did.
type Result struct {
	Path    string // the file written: the symlink's target when Path was a symlink
	Old     []byte // content before (nil when the file did not exist)
	New     []byte // content after (== Old when nothing changed)
	Existed bool
	Changed bool // the meaning changed, so the file was (or, dry-run, would be) written
}

// Edit reads the kubeconfig at path (missing: empty), lets fn change it and,
// when its meaning changed, writes it back atomically: a temporary file in
// the same directory, fsync, rename over the original, keeping its mode
// (0600 for a new file; missing directories are created 0700). The whole
// read-modify-write holds an advisory lock on PATH.ekstoken.lock, so
// concurrent ekstoken writers serialise and none loses another's entry.
//
// A path that is a symlink is followed and its target is replaced (the
// link stays) — but only when the target and its directory are writable;
// otherwise Edit refuses, rather than replacing the link by a regular file.
// On any error the file is untouched.
func Edit(path string, opts EditOptions, fn func(*Config) error) (*Result, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	res := &Result{Path: target}
	if !opts.DryRun {
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return nil, fmt.Errorf("kubeconfig directory: %w", err)
		}
		unlock, err := lock(target + LockSuffix)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", target+LockSuffix, err)
		}
		defer unlock()
	}

	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(target); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("kubeconfig %s is a directory", target)
		}
		mode = fi.Mode().Perm()
		res.Existed = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if res.Existed {
		if res.Old, err = os.ReadFile(target); err != nil {
			return nil, err
		}
		if !opts.DryRun {
			// A read-only kubeconfig stays unchanged, as with kubectl:
			// replacing it by rename would bypass its permissions.
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("kubeconfig %s is not writable: %w", target, err)
			}
			f.Close()
		}
	}
	cfg, err := Parse(res.Old)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", target, err)
	}
	before, err := cfg.Value()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", target, err)
	}
	comments := commentLines(cfg.doc)
	if err := fn(cfg); err != nil {
		return nil, err
	}
	after, err := cfg.Value()
	if err != nil {
		return nil, err
	}
	res.New = res.Old
	if sameValue(before, after) && (res.Existed || len(cfg.root.Content) == 0) {
		return res, nil // nothing to do (and no empty file to create)
	}
	res.Changed = true
	if res.New, err = cfg.marshalChecked(after, comments); err != nil {
		return nil, err
	}
	if opts.DryRun {
		return res, nil
	}
	if opts.Backup && res.Existed {
		if err := writeAtomic(target+BackupSuffix, res.Old, mode); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	if err := writeAtomic(target, res.New, mode); err != nil {
		return nil, err
	}
	return res, nil
}

// resolve follows a symlink at path to the file that will be written and
// refuses a target the user cannot write.
func resolve(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("kubeconfig %s is a symlink that does not resolve: %w", path, err)
	}
	if err := writable(target); err != nil {
		return "", fmt.Errorf("refusing to follow symlink %s to %s: %w", path, target, err)
	}
	return target, nil
}

// writable checks that we can replace file: write it and create a file
// next to it. It changes nothing.
func writable(file string) error {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", file)
	}
	f, err := os.OpenFile(file, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	f.Close()
	tmp, err := os.CreateTemp(filepath.Dir(file), ".ekstoken-probe-*")
	if err != nil {
		return fmt.Errorf("directory not writable: %w", err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// writeAtomic replaces name with data: temp file in the same directory,
// chmod, write, fsync, rename, then fsync the directory (best effort).
func writeAtomic(name string, data []byte, mode fs.FileMode) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}
