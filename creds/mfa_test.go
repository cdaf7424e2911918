//go:build !nonet

package creds

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// fakeTTY is a terminal: it reads the typed input and records the prompt.
type fakeTTY struct {
	in  io.Reader
	out bytes.Buffer
}

func (f *fakeTTY) Read(p []byte) (int, error)  { return f.in.Read(p) }
func (f *fakeTTY) Write(p []byte) (int, error) { return f.out.Write(p) }
func (f *fakeTTY) Close() error                { return nil }

func withTTY(t *testing.T, open func() (io.ReadWriteCloser, error)) {
	old := openTTY
	openTTY = open
	t.Cleanup(func() { openTTY = old })
}

func TestMFAPrompt(t *testing.T) {
	tty := &fakeTTY{in: strings.NewReader("123456\n")}
	withTTY(t, func() (io.ReadWriteCloser, error) { return tty, nil })
	code, err := promptMFACode("arn:aws:iam::1:mfa/me", "dev")
	if err != nil || code != "123456" {
		t.Fatalf("%q %v", code, err)
	}
	if tty.out.String() != "Enter MFA code for arn:aws:iam::1:mfa/me: " {
		t.Errorf("prompt %q", tty.out.String())
	}
	for _, typed := range []string{"12345\n", "abcdef\n", ""} {
		tty = &fakeTTY{in: strings.NewReader(typed)}
		if _, err := promptMFACode("arn:aws:iam::1:mfa/me", "dev"); err == nil {
			t.Errorf("%q accepted", typed)
		}
	}
}

func TestMFANoTerminal(t *testing.T) {
	withTTY(t, func() (io.ReadWriteCloser, error) { return nil, errors.New("open /dev/tty: no such device or address") })
	_, err := promptMFACode("arn:aws:iam::1:mfa/me", "dev")
	if err == nil || !strings.Contains(err.Error(), `profile "dev" sets mfa_serial arn:aws:iam::1:mfa/me, but there is no terminal`) {
		t.Fatalf("error %v", err)
	}
}

// Through the chain: the code typed on the terminal goes to STS with the
// serial number; the second resolution is served from the cache without a
// prompt.
func TestMFAThroughChain(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".aws", "config"), "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
	prompts := 0
	withTTY(t, func() (io.ReadWriteCloser, error) {
		prompts++
		return &fakeTTY{in: strings.NewReader("654321\n")}, nil
	})
	f := newAWSFake(t, time.Now(), sigv4.Credentials{AccessKeyID: "AKIABASE", SecretAccessKey: "base-secret"})
	req := Request{Env: getenvMap(f.env(home, nil)), Profile: "dev"}
	for range 2 {
		if _, err := Resolve(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	calls := f.callList()
	if prompts != 1 || len(calls) != 1 || !strings.Contains(calls[0], "SerialNumber=arn:aws:iam::123456789012:mfa/me TokenCode=654321 by AKIABASE") {
		t.Errorf("%d prompts, calls %q", prompts, calls)
	}
	// Without a terminal and without a cached session: a clear error.
	withTTY(t, func() (io.ReadWriteCloser, error) { return nil, errors.New("no tty") })
	req.NoCache = true
	_, err := Resolve(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "no terminal") {
		t.Errorf("error %v", err)
	}
}
