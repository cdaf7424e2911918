//go:build !nonet

package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
	"github.com/ekstoken/ekstoken/token"
)

// haveDecode: this build has the decode subcommand (see decode_nonet.go).
const haveDecode = true

// maxDecodeInput bounds what decode reads from stdin.
const maxDecodeInput = 1 << 20

// runDecode explains a token. The token comes from the argument, or from
// stdin with "-": there it may also be a whole ExecCredential (so
// `ekstoken ... | ekstoken decode -` works). Surrounding white space is
// ignored. Exit 1 when a rule fails.
func runDecode(inv *invocation, stdin io.Reader, stdout, stderr io.Writer) int {
	tok := inv.decodeArg
	if tok == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxDecodeInput+1))
		if err != nil {
			fmt.Fprintf(stderr, "ekstoken: decode: reading stdin: %v\n", err)
			return exitError
		}
		if len(b) > maxDecodeInput {
			fmt.Fprintf(stderr, "ekstoken: decode: stdin is larger than %d bytes\n", maxDecodeInput)
			return exitError
		}
		b = bytes.TrimSpace(b)
		if len(b) > 0 && b[0] == '{' {
			t := execCredentialToken(b)
			if t == "" {
				fmt.Fprintf(stderr, "ekstoken: decode: stdin is JSON but not an ExecCredential with status.token\n")
				return exitError
			}
			b = []byte(t)
		}
		tok = string(b)
	} else {
		tok = strings.TrimSpace(tok)
	}
	d, err := token.Decode(tok, now())
	if inv.decodeJSON {
		out, jerr := d.AppendJSON(nil, "  ")
		if jerr != nil {
			// A time past year 9999 (a token dated in its last minutes
			// expires in year 10000) has no RFC 3339 form.
			fmt.Fprintf(stderr, "ekstoken: decode: cannot write the report as JSON: %v\n", jerr)
			return exitError
		}
		stdout.Write(append(out, '\n'))
	} else {
		stdout.Write(formatDecoded(d))
	}
	if err != nil {
		fmt.Fprintf(stderr, "ekstoken: decode: the EKS authenticator would reject this token: %v\n", err)
		return exitError
	}
	return exitOK
}

// execCredentialToken is status.token of the ExecCredential b, or "" if b
// is not JSON with such a string.
func execCredentialToken(b []byte) string {
	var token string
	ec := jsonlite.Fields{{Name: "status", Into: jsonlite.Fields{{Name: "token", Into: &token}}}}
	if jsonlite.Unmarshal(b, ec) != nil {
		return ""
	}
	return token
}

// formatDecoded is the human-readable report.
func formatDecoded(d *token.Decoded) []byte {
	var b bytes.Buffer
	line := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-12s %s\n", label, fmt.Sprintf(format, args...))
	}
	line("length", "%d bytes (limit %d)", d.Length, token.MaxLen)
	if d.URL != "" {
		line("url", "%s", d.URL)
	}
	if d.Host != "" {
		kind := "regional"
		switch {
		case d.Global:
			kind = "global"
		case d.FIPS && d.DualStack:
			kind = "FIPS, dual-stack"
		case d.FIPS:
			kind = "FIPS"
		case d.DualStack:
			kind = "dual-stack"
		}
		if d.Partition != "" {
			line("host", "%s (%s endpoint, partition %s, region %s)", d.Host, kind, d.Partition, d.Region)
		} else {
			line("host", "%s (not an STS host the EKS authenticator accepts)", d.Host)
		}
	}
	if d.AccessKeyID != "" {
		kind := "long-term credentials (no session token)"
		if d.SessionToken {
			kind = "temporary credentials (session token present)"
		}
		line("access key", "%s, %s", d.AccessKeyID, kind)
	}
	if d.ScopeDate != "" {
		line("scope", "%s/%s/%s", d.ScopeDate, d.ScopeRegion, d.ScopeService)
	}
	if !d.SigningTime.IsZero() {
		if d.Age >= 0 {
			line("signed at", "%s (%s ago)", d.SigningTime.Format(time.RFC3339), d.Age.Truncate(time.Second))
		} else {
			line("signed at", "%s (%s in the future)", d.SigningTime.Format(time.RFC3339), (-d.Age).Truncate(time.Second))
		}
		if d.TimeLeft >= 0 {
			line("valid until", "%s (%s left)", d.ValidUntil.Format(time.RFC3339), d.TimeLeft.Truncate(time.Second))
		} else {
			line("valid until", "%s (expired %s ago)", d.ValidUntil.Format(time.RFC3339), (-d.TimeLeft).Truncate(time.Second))
		}
	}
	if len(d.SignedHeaders) > 0 {
		line("signed", "%s", strings.Join(d.SignedHeaders, ";"))
	}
	if d.ExpiresParam >= 0 {
		line("expires", "X-Amz-Expires=%d (STS ignores it: a token is valid 15 minutes from its signing time)", d.ExpiresParam)
	}
	if d.OK() {
		line("verdict", "OK: passes every local check of the EKS authenticator")
	} else {
		line("verdict", "REJECTED: fails %d check(s) of the EKS authenticator", len(d.Problems))
		for _, p := range d.Problems {
			line("  fail", "%s: %s", p.Rule, p.Message)
		}
	}
	for _, w := range d.Warnings {
		line("warning", "%s", w)
	}
	line("note", "the cluster name and the signature are checked by STS only (a token for another cluster gets 403)")
	return b.Bytes()
}
