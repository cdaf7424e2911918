package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ekstoken/ekstoken/token"
)

// FuzzArgs feeds arbitrary command lines (arguments separated by NUL, the
// first one argv[0]) to the parser and the whole command. Whatever comes
// in: no panic, exit 0, 1 or 2, nothing on stdout unless successful (or
// decode's report), errors as one "ekstoken: " line, and any accepted
// cluster name and region are valid.
func FuzzArgs(f *testing.F) {
	for _, s := range []string{
		"ekstoken\x00--cluster-name\x00demo\x00--region\x00us-east-2",
		"aws\x00--region\x00us-east-2\x00eks\x00get-token\x00--cluster-name\x00demo\x00--output\x00json",
		"ekstoken\x00token\x00-idemo\x00--token-only",
		"ekstoken\x00aws\x00eks\x00token\x00--cluster-name=demo\x00--identity=x",
		"ekstoken\x00decode\x00--json\x00k8s-aws-v1.aGk",
		"ekstoken\x00eks\x00get-token\x00--cluster-id\x00x\x00--query\x00status.token\x00--output\x00text",
		"ekstoken\x00--\x00token",
	} {
		f.Add(s)
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": exampleAKID, "AWS_SECRET_ACCESS_KEY": exampleSecret, "AWS_REGION": "us-east-1"}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		if inv, err := parseArgs(args, func(k string) string { return env[k] }); err == nil && inv.cmd == cmdToken {
			if token.ValidateClusterName(inv.cluster) != nil {
				t.Fatalf("%q: accepted cluster %q", args, inv.cluster)
			}
			if inv.region != "" && token.ValidateRegion(inv.region) != nil {
				t.Fatalf("%q: accepted region %q", args, inv.region)
			}
		}
		r := runAt(cliTime, args, env, "")
		isDecode := strings.Contains(line, "decode")
		switch r.code {
		case 0:
			if r.stdout == "" && !isDecode {
				t.Fatalf("%q: exit 0 with empty stdout", args)
			}
			if strings.HasPrefix(r.stdout, "{") && !json.Valid([]byte(r.stdout)) {
				t.Fatalf("%q: invalid JSON %q", args, r.stdout)
			}
		case 1, 2:
			if r.stdout != "" && !isDecode {
				t.Fatalf("%q: exit %d with stdout %q", args, r.code, r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "ekstoken: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
				t.Fatalf("%q: stderr %q", args, r.stderr)
			}
		default:
			t.Fatalf("%q: exit %d", args, r.code)
		}
		if strings.Contains(r.stdout+r.stderr, exampleSecret) {
			t.Fatalf("%q: secret in output", args)
		}
	})
}
