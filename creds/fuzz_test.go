package creds

import (
	"strings"
	"testing"
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

// FuzzParseProcessOutput: never panics; success means both keys are set;
// errors never quote the input.
func FuzzParseProcessOutput(f *testing.F) {
	for _, s := range []string{`{"Version":1,"AccessKeyId":"a","SecretAccessKey":"b"}`, `{"Version":1.0,"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"2020-01-01T00:00:00Z"}`, `{"Version":"1"}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseProcessOutput(b)
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
