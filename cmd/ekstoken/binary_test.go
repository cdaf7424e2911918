package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// buildBinary builds the real command once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ekstoken")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBinary re-executes the real binary: exit statuses, stdout empty on
// every error, one line on stderr, and dispatch on the name it is called by
// (symlinks named after the peers).
func TestBinary(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Dir(bin)
	creds := []string{"AWS_ACCESS_KEY_ID=" + exampleAKID, "AWS_SECRET_ACCESS_KEY=" + exampleSecret}
	for _, peer := range []string{"aws", "aws-iam-authenticator", "atmos"} {
		if err := os.Symlink(bin, filepath.Join(dir, peer)); err != nil {
			t.Skipf("symlink: %v", err)
		}
	}
	for _, tc := range []struct {
		name string
		argv []string // argv[0] is a file in dir
		env  []string
		code int
	}{
		{"native", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, creds, 0},
		{"as aws", []string{"aws", "--region", "us-east-2", "eks", "get-token", "--cluster-name", "demo", "--output", "json"}, creds, 0},
		{"as authenticator", []string{"aws-iam-authenticator", "token", "-i", "demo", "--region", "us-east-2"}, creds, 0},
		{"as atmos", []string{"atmos", "aws", "eks", "token", "--cluster-name", "demo", "--region", "us-east-2"}, creds, 0},
		{"no creds", []string{"ekstoken", "--cluster-name", "demo", "--region", "us-east-2"}, nil, 1},
		{"role", []string{"aws", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-2", "--role-arn", "arn:aws:iam::1:role/r"}, creds, 1},
		{"no region", []string{"ekstoken", "--cluster-name", "demo"}, creds, 1},
		{"usage", []string{"ekstoken", "--cluster-name"}, creds, 2},
		{"bad region", []string{"ekstoken", "--cluster-name", "demo", "--region", "a.b"}, creds, 2},
		{"as aws, other command", []string{"aws", "sts", "get-caller-identity"}, creds, 2},
		{"no args", []string{"ekstoken"}, creds, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(filepath.Join(dir, tc.argv[0]), tc.argv[1:]...)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr.String())
			}
			if tc.code != 0 {
				if stdout.Len() != 0 {
					t.Errorf("stdout on error: %q", stdout.String())
				}
				if s := stderr.String(); !strings.HasPrefix(s, "ekstoken: ") || strings.Count(s, "\n") != 1 {
					t.Errorf("stderr is not one ekstoken: line: %q", s)
				}
				return
			}
			var ec struct {
				APIVersion, Kind string
				Status           struct{ ExpirationTimestamp, Token string }
			}
			if err := json.Unmarshal(stdout.Bytes(), &ec); err != nil || ec.Kind != "ExecCredential" || !strings.HasPrefix(ec.Status.Token, "k8s-aws-v1.") {
				t.Errorf("stdout is not an ExecCredential: %q (%v)", stdout.String(), err)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}
}
