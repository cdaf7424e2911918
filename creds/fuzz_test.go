package creds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// FuzzParseProfiles: the INI layer never panics, and a parsed profile's
// values are stable under re-parsing of the same input.
func FuzzParseProfiles(f *testing.F) {
	for _, s := range []string{"[default]\nregion = x # c\n", "[profile a]\ns3 =\n  k = v\n", "[x]\nk : \"v\"\n  more\n", "`\n[\"\n", "[profile \"a b\"]\nk=`v`"} {
		f.Add([]byte(s), []byte(s))
	}
	f.Fuzz(func(t *testing.T, cfg, cred []byte) {
		ps, err := ParseProfiles("config", cfg, "credentials", cred)
		if err != nil {
			return
		}
		// Every chunk the scanner accepts, ini.v1 parses (Profile relies on it).
		for _, f := range [][]byte{cfg, cred} {
			if _, err := parseINI("f", f); err != nil {
				t.Fatalf("scanner accepted what ini.v1 rejects: %v", err)
			}
		}
		ps2, err := ParseProfiles("config", cfg, "credentials", cred)
		if err != nil {
			t.Fatal("second parse failed")
		}
		for _, n := range ps.Names() {
			for k, v := range ps.Profile(n).Merged() {
				if strings.ContainsRune(v, valueMark) && !strings.ContainsRune(string(cfg)+string(cred), valueMark) {
					t.Fatalf("valueMark leaked into %s.%s", n, k)
				}
				if ps2.Profile(n).Value(k) != v {
					t.Fatal("unstable")
				}
			}
		}
	})
}

// parseProcessOutputEncodingJSON is ParseProcessOutput as it was written
// with encoding/json: the oracle of the differential tests.
func parseProcessOutputEncodingJSON(b []byte) (sigv4.Credentials, error) {
	var o struct {
		Version         json.RawMessage
		AccessKeyID     *string `json:"AccessKeyId"`
		SecretAccessKey *string
		SessionToken    *string
		Expiration      *string
	}
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&o); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return sigv4.Credentials{}, fmt.Errorf("output field %s has the wrong type (%s)", te.Field, te.Value)
		}
		return sigv4.Credentials{}, errors.New("output is not a JSON object")
	}
	if _, err := d.Token(); err != io.EOF {
		return sigv4.Credentials{}, errors.New("output has data after the JSON object")
	}
	if len(o.Version) == 0 {
		return sigv4.Credentials{}, errors.New("output has no Version (want 1)")
	}
	var v json.Number
	if err := json.Unmarshal(o.Version, &v); err != nil {
		return sigv4.Credentials{}, errors.New("output Version is not a number (want 1)")
	}
	if f, err := v.Float64(); err != nil || f != 1 {
		return sigv4.Credentials{}, fmt.Errorf("unsupported Version %s (want 1)", truncate(v.String(), 20))
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

// sameCredentials compares credentials with Expires as an instant and its
// printed form (time.Parse gives each call its own *time.Location).
func sameCredentials(a, b sigv4.Credentials) bool {
	return a.AccessKeyID == b.AccessKeyID && a.SecretAccessKey == b.SecretAccessKey && a.SessionToken == b.SessionToken &&
		a.Expires.Equal(b.Expires) && a.Expires.String() == b.Expires.String()
}

// processOutputCorners are credential_process outputs at the edges of what
// the encoding/json version accepted.
var processOutputCorners = []string{
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":1.0,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"2020-01-01T00:00:00Z"}`,
	`{"Version":"1"}`,
	`[]`,
	`{"Version":1e0,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":0.1e1,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":1.00000000000000000001,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":"1.0","AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":"\u0031","AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":" 1","AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":null,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":true,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":{},"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":1e400,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"Version":123456789012345678901234567890,"AccessKeyId":"a","SecretAccessKey":"b"}`,
	`{"version":1,"accesskeyid":"a","SECRETACCESSKEY":"b","sessiontoken":"t","expiration":"2020-01-01T00:00:00.5+01:00"}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","AccessKeyId":null}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Version":2}`,
	`{"Version":1,"AccessKeyId":1,"SecretAccessKey":true}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":["b"]}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":{"b":1}}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":5}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"soon"}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b","Unknown":[1,{"x":null}]}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"} `,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}` + "\n\r\t",
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}x`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}{}`,
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}` + "\f",
	`{"Version":1,"AccessKeyId":"a\ud800","SecretAccessKey":"b\u0000"}`,
	"{\"Version\":1,\"AccessKeyId\":\"a\xff\",\"SecretAccessKey\":\"b\"}",
	`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"`,
	`null`,
	`nullx`,
	`1x`,
	`"str"`,
	`true`,
	``,
	`   `,
	`01`,
}

// FuzzParseProcessOutput: the result and the error message are those of
// the encoding/json version; success means both keys are set; errors never
// quote the input.
func FuzzParseProcessOutput(f *testing.F) {
	for _, s := range processOutputCorners {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseProcessOutput(b)
		rc, rerr := parseProcessOutputEncodingJSON(b)
		if !sameCredentials(c, rc) || fmt.Sprint(err) != fmt.Sprint(rerr) {
			t.Fatalf("%q: got %v, %v; encoding/json version: %v, %v", b, c, err, rc, rerr)
		}
		if err == nil {
			if c.AccessKeyID == "" || c.SecretAccessKey == "" {
				t.Fatal("accepted without keys")
			}
			return
		}
		if len(b) >= 12 && strings.Contains(err.Error(), string(b)) {
			t.Fatalf("error quotes input: %v", err)
		}
	})
}
