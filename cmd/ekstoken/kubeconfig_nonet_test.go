//go:build nonet

package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestKubeconfigNotInNonet: the offline build refuses the subcommand with
// one line on stderr, nothing on stdout, and the usage exit status.
func TestKubeconfigNotInNonet(t *testing.T) {
	for _, args := range [][]string{{"ekstoken", "kubeconfig", "--help"}, {"ekstoken", "kubeconfig", "migrate"}} {
		var stdout, stderr bytes.Buffer
		code := run(args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
		if code != exitUsage || stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 ||
			!strings.Contains(stderr.String(), "nonet") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout.String(), stderr.String())
		}
	}
}
