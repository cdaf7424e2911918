package creds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/sigv4"
)

// DefaultProcessTimeout bounds a credential_process run (aws-sdk-go-v2's
// default; the AWS CLI has none). kubectl waits for us, so a helper that
// hangs must not hang kubectl forever.
const DefaultProcessTimeout = time.Minute

// MaxProcessOutput caps what a credential_process may print on stdout. Real
// outputs are under 4 KiB; a runaway helper is stopped at this size.
const MaxProcessOutput = 1 << 20

// runProcess runs a credential_process command line the way the AWS CLI
// does: split into argv by POSIX shell-word rules (splitCommand; on Windows
// the C runtime's rules, splitCommandWindows), run
// without a shell, stdin inherited (helpers may prompt), stderr passed
// through to e.stderr, stdout parsed by ParseProcessOutput. It is bounded by
// e.procTO and MaxProcessOutput. No error quotes the output.
func runProcess(ctx context.Context, e *env, profile, command string) (sigv4.Credentials, error) {
	fail := func(format string, a ...any) (sigv4.Credentials, error) {
		return sigv4.Credentials{}, fmt.Errorf("profile %q: credential_process: "+format, append([]any{profile}, a...)...)
	}
	split := splitCommand
	if e.goos == "windows" || (e.goos == "" && runtime.GOOS == "windows") {
		split = splitCommandWindows
	}
	argv, err := split(command)
	if err != nil {
		return fail("%v", err)
	}
	if len(argv) == 0 {
		return fail("empty command")
	}
	ctx, cancel := context.WithTimeout(ctx, e.procTO)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = os.Stdin
	cmd.Stderr = e.stderr
	cmd.Env = processEnv(e)
	out := &cappedBuffer{max: MaxProcessOutput}
	cmd.Stdout = out
	cmd.WaitDelay = time.Second // do not wait for grandchildren holding stdout
	err = cmd.Run()
	switch {
	case out.overflow:
		return fail("the command printed more than %d bytes", MaxProcessOutput)
	case ctx.Err() == context.DeadlineExceeded:
		return fail("the command did not finish within %s", e.procTO)
	case err != nil:
		// Errors quote neither the command line nor the output.
		var ee *exec.ExitError
		var pe *fs.PathError
		var xe *exec.Error
		switch {
		case errors.As(err, &ee):
			return fail("the command failed: %s (its stderr is above)", ee.ProcessState)
		case errors.As(err, &xe):
			return fail("cannot run the command: %v", xe.Err)
		case errors.As(err, &pe):
			return fail("cannot run the command: %v", pe.Err)
		}
		return fail("cannot run the command")
	}
	c, err := ParseProcessOutput(out.buf.Bytes())
	if err != nil {
		return fail("%v", err)
	}
	if c.Expired(e.now()) {
		return fail("the command returned credentials (access key %s) that expired at %s", c.AccessKeyID, c.Expires.UTC().Format(time.RFC3339))
	}
	return c, nil
}

// processEnv is the helper's environment: this process's (nil), as the
// SDKs do. Request.Env is a lookup function and cannot be listed, so a
// custom Env changes what this package reads, not what the helper sees.
func processEnv(e *env) []string { return nil }

// cappedBuffer is an io.Writer only (no ReadFrom, so io.Copy goes through
// Write and the cap holds).
type cappedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.overflow = true
		return 0, errors.New("output too large")
	}
	return b.buf.Write(p)
}

// ParseProcessOutput parses credential_process output:
//
//	{"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//	 "SessionToken": "...", "Expiration": "RFC 3339"}
//
// Version must be the number 1; AccessKeyId and SecretAccessKey must be
// non-empty strings; SessionToken and Expiration are optional (no
// Expiration: the credentials do not expire). Other fields are ignored.
// Errors describe what is wrong without quoting the output.
func ParseProcessOutput(b []byte) (sigv4.Credentials, error) {
	// The rules are those of the encoding/json version this replaced:
	// members as into a struct (Version as a json.RawMessage, the others
	// as *string), one JSON value as a json.Decoder reads it, then only
	// white space.
	var o struct {
		Version                                                jsonlite.Value
		AccessKeyID, SecretAccessKey, SessionToken, Expiration *string
	}
	rest, err := jsonlite.DecodeFirst(b, jsonlite.Fields{
		{Name: "Version", Into: &o.Version},
		{Name: "AccessKeyId", Into: &o.AccessKeyID},
		{Name: "SecretAccessKey", Into: &o.SecretAccessKey},
		{Name: "SessionToken", Into: &o.SessionToken},
		{Name: "Expiration", Into: &o.Expiration},
	})
	if err != nil {
		var te *jsonlite.TypeError
		if errors.As(err, &te) {
			return sigv4.Credentials{}, fmt.Errorf("output field %s has the wrong type (%s)", te.Field, te.Value)
		}
		return sigv4.Credentials{}, errors.New("output is not a JSON object")
	}
	if len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
		return sigv4.Credentials{}, errors.New("output has data after the JSON object")
	}
	// Version is taken as a json.Number: a number, or a string holding
	// one; null is the empty number.
	var v string
	switch o.Version.Kind {
	case jsonlite.None:
		return sigv4.Credentials{}, errors.New("output has no Version (want 1)")
	case jsonlite.Number, jsonlite.Null:
		v = o.Version.Text
	case jsonlite.String:
		if !jsonlite.IsNumber(o.Version.Text) {
			return sigv4.Credentials{}, errors.New("output Version is not a number (want 1)")
		}
		v = o.Version.Text
	default:
		return sigv4.Credentials{}, errors.New("output Version is not a number (want 1)")
	}
	if f, err := strconv.ParseFloat(v, 64); err != nil || f != 1 {
		return sigv4.Credentials{}, fmt.Errorf("unsupported Version %s (want 1)", truncate(v, 20))
	}
	if o.AccessKeyID == nil || *o.AccessKeyID == "" {
		return sigv4.Credentials{}, errors.New("output has no AccessKeyId")
	}
	if o.SecretAccessKey == nil || *o.SecretAccessKey == "" {
		return sigv4.Credentials{}, fmt.Errorf("output for access key %s has no SecretAccessKey", *o.AccessKeyID)
	}
	c := sigv4.Credentials{AccessKeyID: *o.AccessKeyID, SecretAccessKey: *o.SecretAccessKey}
	if o.SessionToken != nil {
		c.SessionToken = *o.SessionToken
	}
	if o.Expiration != nil && *o.Expiration != "" {
		t, err := time.Parse(time.RFC3339Nano, *o.Expiration)
		if err != nil {
			return sigv4.Credentials{}, errors.New("output Expiration is not an RFC 3339 time")
		}
		c.Expires = t
	}
	return c, nil
}

// splitCommand splits a command line into words by the POSIX shell rules
// Python's shlex.split applies (the AWS CLI's compat_shell_split on
// non-Windows): whitespace separates words; '...' is literal; inside "..."
// a backslash escapes only " and \; outside quotes a backslash escapes the
// next character. No variables, globs or comments.
func splitCommand(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("no closing quotation in command line")
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("no closing quotation in command line")
			}
		case c == '\\':
			inWord = true
			if i+1 >= len(s) {
				return nil, errors.New("no escaped character at the end of the command line")
			}
			i++
			w.WriteByte(s[i])
		default:
			inWord = true
			w.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// splitCommandWindows splits a command line by the Microsoft C runtime's
// rules, as the AWS CLI's compat_shell_split does on Windows: only space and
// tab separate words; only double quotes quote; backslashes are literal
// unless they lead up to a double quote, where each pair yields one
// backslash and an odd one escapes the quote.
func splitCommandWindows(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	has, quoted, backslashes := false, false, 0
	flushBackslashes := func() {
		for ; backslashes > 0; backslashes-- {
			w.WriteByte('\\')
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			backslashes++
		case c == '"':
			for ; backslashes >= 2; backslashes -= 2 {
				w.WriteByte('\\')
			}
			has = true
			if backslashes == 1 {
				backslashes = 0
				w.WriteByte('"')
				continue
			}
			quoted = !quoted
		case (c == ' ' || c == '\t') && !quoted:
			flushBackslashes()
			if has || w.Len() > 0 {
				words = append(words, w.String())
				w.Reset()
				has = false
			}
		default:
			flushBackslashes()
			w.WriteByte(c)
		}
	}
	if quoted {
		return nil, errors.New("no closing quotation in command line")
	}
	flushBackslashes()
	if has || w.Len() > 0 {
		words = append(words, w.String())
	}
	return words, nil
}
