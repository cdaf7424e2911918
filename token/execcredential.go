package token

import (
	"time"

	"github.com/ekstoken/ekstoken/internal/jsonlite"
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
	// apiVersion is taken as encoding/json would decode it into an
	// interface{} field: that decides, in corner cases, between "cannot
	// parse" and "unrecognized".
	var v jsonlite.Any
	if err := jsonlite.Unmarshal([]byte(execInfo), jsonlite.Fields{{Name: "apiVersion", Into: &v}}); err != nil {
		return DefaultAPIVersion, "cannot parse " + ExecInfoEnv + ", answering " + DefaultAPIVersion + " (is your Kubernetes client up to date?)"
	}
	var s string
	if v.Kind == jsonlite.String {
		s = v.Text
	}
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
// client-go ignores "spec" in a plugin's answer and the field order.
// Strings are escaped as encoding/json escapes them (nothing that reaches
// stdout is trusted to be plain ASCII), except that <, > and & are kept. The
// expiration is RFC 3339 in UTC with whole seconds (sub-seconds are
// dropped, so the time reported is never later than the real one); a zero
// expiration is left out, as client-go's types do.
func AppendExecCredential(dst []byte, apiVersion string, t Token) []byte {
	dst = append(dst, `{"apiVersion":`...)
	dst = jsonlite.AppendString(dst, apiVersion, false)
	dst = append(dst, `,"kind":"ExecCredential","status":{`...)
	if !t.Expiration.IsZero() {
		dst = append(dst, `"expirationTimestamp":"`...)
		dst = t.Expiration.UTC().Truncate(time.Second).AppendFormat(dst, time.RFC3339)
		dst = append(dst, `",`...)
	}
	dst = append(dst, `"token":`...)
	dst = jsonlite.AppendString(dst, t.Value, false)
	dst = append(dst, "}}\n"...)
	return dst
}
