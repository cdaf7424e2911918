package kubeconfig

import (
	"errors"
	"path/filepath"
	"runtime"
)

// DefaultPath returns the kubeconfig file to write, as kubectl picks it for
// writing: the first path in KUBECONFIG (split with the OS list separator,
// empty elements skipped), else ~/.kube/config. env reads the environment;
// home is the user's home directory.
func DefaultPath(env func(string) string, home string) (string, error) {
	for _, p := range filepath.SplitList(env("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	if home == "" {
		return "", errors.New("no home directory: give --kubeconfig")
	}
	return filepath.Join(home, ".kube", "config"), nil
}

// AtmosPath returns where atmos keeps its kubeconfig:
// <ATMOS_XDG_CONFIG_HOME | XDG_CONFIG_HOME | default>/atmos/kube/config,
// the default being ~/.config (also on macOS, as atmos forces it) and
// %APPDATA% on Windows.
func AtmosPath(env func(string) string, home string) (string, error) {
	base := env("ATMOS_XDG_CONFIG_HOME")
	if base == "" {
		base = env("XDG_CONFIG_HOME")
	}
	if base == "" && runtime.GOOS == "windows" {
		base = env("APPDATA")
	}
	if base == "" {
		if home == "" {
			return "", errors.New("no home directory: give --kubeconfig")
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "atmos", "kube", "config"), nil
}
