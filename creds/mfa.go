//go:build !nonet

package creds

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// openTTY opens the controlling terminal. kubectl owns ekstoken's stdin and
// stdout (stdout carries the ExecCredential), so the MFA prompt must go to
// /dev/tty, never stdin/stdout. Tests replace it.
var openTTY = func() (io.ReadWriteCloser, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) }

// promptMFACode asks for the current code of the MFA device serial on the
// controlling terminal, as the AWS CLI does ("Enter MFA code for <serial>: ").
// Without a terminal (kubectl started from an IDE, CI, a pod) it fails with
// a message saying what to do instead. The code must be 6 digits, what STS
// accepts for TokenCode.
func promptMFACode(serial, profile string) (string, error) {
	tty, err := openTTY()
	if err != nil {
		return "", fmt.Errorf("profile %q sets mfa_serial %s, but there is no terminal to ask for the MFA code (%v); "+
			"run ekstoken (or `aws sts get-caller-identity --profile %s`) once in a terminal so the session is cached", profile, serial, err, profile)
	}
	defer tty.Close()
	if _, err := fmt.Fprintf(tty, "Enter MFA code for %s: ", serial); err != nil {
		return "", fmt.Errorf("MFA prompt: %w", err)
	}
	line, err := bufio.NewReader(tty).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("MFA prompt: no code entered: %w", err)
	}
	code := strings.TrimSpace(line)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return "", fmt.Errorf("MFA code for %s must be 6 digits", serial)
	}
	return code, nil
}
