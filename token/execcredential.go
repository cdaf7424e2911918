package token

import (
	"encoding/json"
	"time"
	"unicode/utf8"
)

// The ExecCredential API versions kubectl (client-go) speaks.
const (
	APIVersionV1       = "client.authentication.k8s.io/v1"
	APIVersionV1beta1  = "client.authentication.k8s.io/v1beta1"
	APIVersionV1alpha1 = "client.authentication.k8s.io/v1alpha1"
	// DefaultAPIVersion is answered when kubectl names no version.
	DefaultAPIVersion = APIVersionV1beta1
)

// ExecInfoEnv is the variable in which client-go passes the plugin the
// ExecCredential it expects ({"kind":"ExecCredential","apiVersion":...,
// "spec":{"interactive":...}}).
const ExecInfoEnv = "KUBERNETES_EXEC_INFO"

// ExecAPIVersion chooses the apiVersion of the ExecCredential to print from
// the value of KUBERNETES_EXEC_INFO, the way `aws eks get-token` does
// (client-go rejects an answer in another version than the one it asked
// for):
//
//   - empty (kubectl too old to send it, or not run by kubectl):
//     v1beta1, no warning;
//   - a JSON object whose apiVersion is v1 or v1beta1: that version;
//   - apiVersion v1alpha1: echoed, with a deprecation warning (kubectl
//     1.24+ no longer accepts v1alpha1 exec plugins at all);
//   - any other apiVersion, or none: v1beta1 with a warning;
//   - not a JSON object: v1beta1 with a warning.
//
// A warning is one line, without trailing newline, for stderr.
func ExecAPIVersion(execInfo string) (apiVersion, warning string) {
	if execInfo == "" {
		return DefaultAPIVersion, ""
	}
	var v struct {
		APIVersion any `json:"apiVersion"`
	}
	if err := json.Unmarshal([]byte(execInfo), &v); err != nil {
		return DefaultAPIVersion, "cannot parse " + ExecInfoEnv + ", answering " + DefaultAPIVersion + " (is your Kubernetes client up to date?)"
	}
	s, _ := v.APIVersion.(string)
	switch s {
	case APIVersionV1, APIVersionV1beta1:
		return s, ""
	case APIVersionV1alpha1:
		return s, "the kubeconfig user entry uses the deprecated API version " + APIVersionV1alpha1 + ", which kubectl 1.24 and later reject: change it to " + APIVersionV1beta1
	}
	return DefaultAPIVersion, "unrecognized API version in " + ExecInfoEnv + ", answering " + DefaultAPIVersion
}

// AppendExecCredential appends the ExecCredential kubectl reads from an exec
// credential plugin, followed by a newline:
//
//	{"apiVersion":"<apiVersion>","kind":"ExecCredential","status":{"expirationTimestamp":"2023-04-28T00:14:00Z","token":"k8s-aws-v1...."}}
//
// That is atmos's output (compact, apiVersion before kind, no "spec"),
// plus the newline `aws eks get-token` and aws-iam-authenticator print.
// client-go ignores "spec" in a plugin's answer and the field order. The
// expiration is RFC 3339 in UTC with whole seconds (sub-seconds are
// dropped, so the time reported is never later than the real one); a zero
// expiration is left out, as client-go's types do.
func AppendExecCredential(dst []byte, apiVersion string, t Token) []byte {
	dst = append(dst, `{"apiVersion":`...)
	dst = appendJSONString(dst, apiVersion)
	dst = append(dst, `,"kind":"ExecCredential","status":{`...)
	if !t.Expiration.IsZero() {
		dst = append(dst, `"expirationTimestamp":"`...)
		dst = t.Expiration.UTC().Truncate(time.Second).AppendFormat(dst, time.RFC3339)
		dst = append(dst, `",`...)
	}
	dst = append(dst, `"token":`...)
	dst = appendJSONString(dst, t.Value)
	dst = append(dst, "}}\n"...)
	return dst
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Tokens and API versions are
// plain ASCII, but nothing that reaches stdout is trusted to be: quotes,
// backslashes, control characters and invalid UTF-8 are escaped (the
// latter as U+FFFD, like encoding/json); <, > and & are kept as they are.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c == '\b':
				dst = append(dst, '\\', 'b')
			case c == '\f':
				dst = append(dst, '\\', 'f')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == 0x2028 || r == 0x2029 {
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
