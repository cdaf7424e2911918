package creds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const (
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
	testToken  = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE"
)

// TestHelperProcess is the credential_process helper: the test binary run
// again with EKSTOKEN_CREDS_HELPER=1 and a mode after "--".
func TestHelperProcess(t *testing.T) {
	if os.Getenv("EKSTOKEN_CREDS_HELPER") != "1" {
		return
	}
	mode := os.Args[len(os.Args)-1]
	out := func(s string) { fmt.Print(s); os.Exit(0) }
	switch mode {
	case "success":
		fmt.Fprintln(os.Stderr, "helper: hello on stderr")
		out(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "` + testSecret + `", "SessionToken": "` + testToken + `", "Expiration": "2999-01-01T00:00:00Z"}`)
	case "noexpiry":
		out(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "` + testSecret + `"}`)
	case "expired":
		out(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "` + testSecret + `", "SessionToken": "` + testToken + `", "Expiration": "2001-01-01T00:00:00Z"}`)
	case "v2":
		out(`{"Version": 2, "AccessKeyId": "AKPROC", "SecretAccessKey": "` + testSecret + `"}`)
	case "garbage":
		out(`not json but contains ` + testSecret + " " + testToken)
	case "trailing":
		out(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "` + testSecret + `"} ` + testSecret)
	case "huge":
		b := bytes.Repeat([]byte(" "), MaxProcessOutput+10)
		os.Stdout.Write(b)
		out(`{"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "` + testSecret + `"}`)
	case "hang":
		time.Sleep(time.Minute)
	case "fail":
		fmt.Fprintln(os.Stderr, "helper: access denied")
		os.Exit(3)
	}
	os.Exit(2)
}

func helperCommand(mode string) string {
	return fmt.Sprintf("'%s' -test.run=^TestHelperProcess$ -- %s", os.Args[0], mode)
}

func TestCredentialProcess(t *testing.T) {
	t.Setenv("EKSTOKEN_CREDS_HELPER", "1")
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		mode    string
		wantErr string
	}{
		{"success", ""},
		{"noexpiry", ""},
		{"expired", "expired at 2001-01-01T00:00:00Z"},
		{"v2", "unsupported Version 2"},
		{"garbage", "not a JSON object"},
		{"trailing", "data after the JSON object"},
		{"huge", "printed more than"},
		{"hang", "did not finish within"},
		{"fail", "failed: exit status 3"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			var stderr bytes.Buffer
			e := (&Request{Env: func(string) string { return "" }, Now: now, Stderr: &stderr, ProcessTimeout: 2 * time.Second}).env()
			start := time.Now()
			c, err := runProcess(context.Background(), e, "p", helperCommand(tc.mode))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.AccessKeyID != "AKPROC" || c.SecretAccessKey != testSecret {
					t.Fatalf("got %v", c)
				}
				if tc.mode == "success" && (c.SessionToken != testToken || !c.Expires.Equal(time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)) || !strings.Contains(stderr.String(), "hello on stderr")) {
					t.Fatalf("token/expiry/stderr: %v %q", c, stderr.String())
				}
				if tc.mode == "noexpiry" && (c.HasExpiry() || c.SessionToken != "") {
					t.Fatalf("%v", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), `profile "p"`) {
				t.Errorf("error does not name the profile: %v", err)
			}
			recordErr(err)
			if tc.mode == "hang" && time.Since(start) > 10*time.Second {
				t.Errorf("timeout took %s", time.Since(start))
			}
			if tc.mode == "fail" && !strings.Contains(stderr.String(), "access denied") {
				t.Errorf("stderr not passed through: %q", stderr.String())
			}
		})
	}
}

func TestProcessOutputFixtures(t *testing.T) {
	dir := "aws-sdk-go-v2/credentials/processcreds/testdata/"
	for name, ok := range map[string]bool{
		"static.json": true, "accountid.json": true, "longsessiontoken.json": true,
		"missingkey.json": false, "missingsecret.json": false, "malformed.json": false, "wrongversion.json": false,
	} {
		c, err := ParseProcessOutput(readTestdata(t, dir+name))
		if ok != (err == nil) {
			t.Errorf("%s: %v %v", name, c, err)
		}
	}
	for name, wantExpired := range map[string]bool{"proc_creds_expired.json": true, "proc_creds_not_expire.json": false} {
		c, err := ParseProcessOutput(readTestdata(t, "aws-sdk-go-v2/config/testdata/"+name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Expired(time.Now()) != wantExpired {
			t.Errorf("%s: expired=%v", name, c.Expired(time.Now()))
		}
	}
	// "verybad" is a well-formed output with other keys (Go uses it to check which process ran).
	if c, err := ParseProcessOutput(readTestdata(t, "aws-sdk-go-v2/config/testdata/proc_creds_verybad.json")); err != nil || c.AccessKeyID != "veryBadAccessKeyID" {
		t.Errorf("verybad: %v %v", c, err)
	}
}

func TestSplitCommand(t *testing.T) {
	for in, want := range map[string][]string{
		`a b  c`:                {"a", "b", "c"},
		`"/path with/space" -x`: {"/path with/space", "-x"},
		`echo '{"a": 1}'`:       {"echo", `{"a": 1}`},
		`a\ b "c\"d" 'e\f'`:     {"a b", `c"d`, `e\f`},
		`x"y"z`:                 {"xyz"},
		`""`:                    {""},
		`cmd --profile=a\\b`:    {"cmd", `--profile=a\b`},
		"a\tb\nc":               {"a", "b", "c"},
		`"a\nb"`:                {`a\nb`},
	} {
		got, err := splitCommand(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`"a`, `'a`, `a\`} {
		if _, err := splitCommand(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// Cases worked out from the Microsoft C runtime rules the AWS CLI follows.
func TestSplitCommandWindows(t *testing.T) {
	for in, want := range map[string][]string{
		`C:\tools\helper.exe --x`:       {`C:\tools\helper.exe`, "--x"},
		`"C:\Program Files\h.exe" a  b`: {`C:\Program Files\h.exe`, "a", "b"},
		`a\\"b c"`:                      {`a\b c`},
		`a\"b`:                          {`a"b`},
		`a\\\"b`:                        {`a\"b`},
		`""`:                            {""},
		`'single quotes' stay`:          {`'single`, `quotes'`, "stay"},
		"a\tb":                          {"a", "b"},
		`trailing\\`:                    {`trailing\\`},
	} {
		got, err := splitCommandWindows(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	if _, err := splitCommandWindows(`"open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

// TestSplitCommandVsPython compares both splitters with the AWS CLI's own
// (shlex.split, awscli.botocore.compat._windows_shell_split) where python3
// and the CLI v2's package are installed.
func TestSplitCommandVsPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: splitter comparison NOT run")
	}
	inputs := []string{`a b  c`, `"/p a/b" -x`, `echo '{"a": 1}'`, `a\ b "c\"d" 'e\f'`, `x"y"z`, `""`, `a\\b`, "a\tb\nc", `"a\nb"`, `'it'"'"'s'`,
		`C:\tools\h.exe --x`, `"C:\Program Files\h.exe" a`, `a\\"b c"`, `a\"b`, `a\\\"b`, `trailing\\`, `'x y' z`}
	in, _ := json.Marshal(inputs)
	script := `
import json, shlex, sys
sys.path.insert(0, "/usr/lib/python3/dist-packages")
try:
    from awscli.botocore.compat import _windows_shell_split as win
except Exception:
    win = None
out = []
for s in json.loads(sys.argv[1]):
    try: p = shlex.split(s)
    except ValueError: p = None
    try: w = win(s) if win else "skip"
    except ValueError: w = None
    out.append([p, w])
print(json.dumps(out))
`
	b, err := exec.Command(py, "-c", script, string(in)).Output()
	if err != nil {
		t.Skipf("python3 failed (%v): splitter comparison NOT run", err)
	}
	var want [][2]any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	norm := func(v any) string { j, _ := json.Marshal(v); return string(j) }
	for i, s := range inputs {
		p, perr := splitCommand(s)
		var got any = p
		if perr != nil {
			got = nil
		}
		if norm(got) != norm(want[i][0]) {
			t.Errorf("posix %q: got %s, shlex %s", s, norm(got), norm(want[i][0]))
		}
		if want[i][1] == "skip" {
			continue
		}
		w, werr := splitCommandWindows(s)
		got = w
		if werr != nil {
			got = nil
		}
		if norm(got) != norm(want[i][1]) {
			t.Errorf("windows %q: got %s, CLI %s", s, norm(got), norm(want[i][1]))
		}
	}
}
