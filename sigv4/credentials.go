package sigv4

import (
	"errors"
	"fmt"
	"time"
)

// Credentials are the AWS credentials a request is signed with. They are a
// plain value: the signer keeps no reference to them beyond the derived
// signing-key cache (see Signer).
//
// String, GoString and Format redact the secret and the session token, so a
// Credentials value printed by mistake (%v, %+v, %#v, a panic) leaks nothing
// but the access key id.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string    // empty for long-term credentials
	Expires         time.Time // zero: the credentials do not expire
}

// HasExpiry reports whether the credentials carry an expiry time.
func (c Credentials) HasExpiry() bool { return !c.Expires.IsZero() }

// Expired reports whether the credentials have expired at time now.
func (c Credentials) Expired(now time.Time) bool {
	return c.HasExpiry() && !now.Before(c.Expires)
}

// Validate reports whether the credentials can sign a request: both the
// access key id and the secret must be present. The error never contains the
// secret.
func (c Credentials) Validate() error {
	switch {
	case c.AccessKeyID == "" && c.SecretAccessKey == "":
		return errors.New("sigv4: credentials are empty")
	case c.AccessKeyID == "":
		return errors.New("sigv4: credentials have no access key id")
	case c.SecretAccessKey == "":
		return fmt.Errorf("sigv4: credentials for access key %s have no secret access key", c.AccessKeyID)
	}
	return nil
}

// String returns a redacted description: the access key id only.
func (c Credentials) String() string {
	s := "{AccessKeyID:" + c.AccessKeyID + " SecretAccessKey:" + redact(c.SecretAccessKey) +
		" SessionToken:" + redact(c.SessionToken)
	if c.HasExpiry() {
		s += " Expires:" + c.Expires.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// GoString is String, so %#v redacts too.
func (c Credentials) GoString() string { return "sigv4.Credentials" + c.String() }

// Format implements fmt.Formatter so that every verb prints the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, c.GoString())
		return
	}
	fmt.Fprint(f, c.String())
}

func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "<redacted>"
}
