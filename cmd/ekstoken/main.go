// Command ekstoken prints an Amazon EKS bearer token as the ExecCredential
// kubectl's exec credential plugin protocol expects. It is a drop-in for
// `atmos aws eks token`, `aws eks get-token` and `aws-iam-authenticator
// token`: it accepts each of their command lines, and dispatches on the
// name it is called by, so a symlink named after a peer works too.
//
// The command only parses arguments and prints; package token makes the
// token and credentials.go finds the credentials. Under kubectl, stdout
// carries nothing but the ExecCredential, and every failure is one line on
// stderr: "ekstoken: <what went wrong>", exit status 1 (2 for a mistake in
// the command line).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/token"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // could not make a token; decode: the token fails a rule
	exitUsage = 2 // the command line is wrong
)

// now is the clock. Only tests replace it (see main_test.go).
var now = time.Now

// version is set with -ldflags "-X main.version=v1.2.3"; otherwise the
// module version from the build information is used.
var version = ""

func main() {
	os.Exit(run(os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command: args is os.Args (argv[0] included, for
// dispatch on the name), getenv looks up environment variables.
func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) <= 1 && isTerminal(stdout) {
		// A person typing `ekstoken` alone wants to know how to use it.
		io.WriteString(stderr, usage)
		return exitUsage
	}
	if len(args) > 1 && args[1] == "kubeconfig" {
		return runKubeconfig(context.Background(), args[2:], getenv, stdout, stderr,
			func(ctx context.Context, profile, identity string) (sigv4.Credentials, error) {
				cr, err := resolveCredentials(ctx, credRequest{Env: getenv, Profile: profile, Identity: identity, Now: now, Stderr: stderr})
				return cr.Creds, err
			})
	}
	inv, err := parseArgs(args, getenv)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "ekstoken: %s (see ekstoken --help)\n", ue.msg)
			return exitUsage
		}
		fmt.Fprintf(stderr, "ekstoken: %v\n", err)
		return exitError
	}
	switch inv.cmd {
	case cmdHelp:
		io.WriteString(stdout, usage)
		return exitOK
	case cmdVersion:
		fmt.Fprintf(stdout, "ekstoken %s\n", buildVersion())
		return exitOK
	case cmdDecode:
		return runDecode(inv, stdin, stdout, stderr)
	}
	out, err := mint(inv, getenv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ekstoken: %v\n", err)
		return exitError
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "ekstoken: writing the token: %v\n", err)
		return exitError
	}
	return exitOK
}

// mint makes the token and returns exactly what goes to stdout.
func mint(inv *invocation, getenv func(string) string, stderr io.Writer) ([]byte, error) {
	if inv.forwardName && inv.roleARN != "" {
		return nil, errForwardSessionName
	}
	cr, err := resolveCredentials(context.Background(), credRequest{
		Env:      getenv,
		Profile:  inv.profile,
		Identity: inv.identity,
		Now:      now,
		Stderr:   stderr,
		NoCache:  inv.noCache,
		Region:   inv.region,
		Role:     inv.role(),
	})
	if err != nil {
		return nil, err
	}
	region, from := resolveRegion(inv.region, getenv, cr.ProfileRegion)
	if region == "" {
		return nil, errors.New("no region: pass --region, or set AWS_REGION")
	}
	ep, err := token.ResolveEndpoint(token.EndpointConfig{
		Region:       region,
		UseFIPS:      cr.STS.UseFIPS,
		UseDualStack: cr.STS.UseDualStack,
		URL:          cr.STS.URL,
	})
	if err != nil {
		if from != "--region" {
			return nil, fmt.Errorf("%s: %v", from, err)
		}
		return nil, fmt.Errorf("STS endpoint: %v", err)
	}
	if inv.debug {
		fmt.Fprintf(stderr, "ekstoken: debug: credentials from %s (access key %s), region %s from %s, endpoint %s\n",
			cr.Source, cr.Creds.AccessKeyID, region, from, ep)
	}
	var g token.Generator
	t := now()
	buf := make([]byte, 0, 2048)
	buf, err = g.Append(buf, cr.Creds, inv.cluster, ep, t)
	if err != nil {
		return nil, err
	}
	tok := token.Token{Value: string(buf), Expiration: token.Expiration(cr.Creds, t)}

	switch {
	case inv.tokenOnly, inv.output == "token",
		inv.query == "status.token" && inv.output == "text":
		return append(buf, '\n'), nil
	case inv.query == "status.token":
		return append(append([]byte{'"'}, buf...), '"', '\n'), nil
	case inv.query == "status.expirationTimestamp":
		ts := tok.Expiration.UTC().Truncate(time.Second).Format(time.RFC3339)
		if inv.output == "text" {
			return []byte(ts + "\n"), nil
		}
		return []byte(`"` + ts + `"` + "\n"), nil
	}
	apiVersion, warn := token.ExecAPIVersion(getenv(token.ExecInfoEnv))
	if warn != "" {
		fmt.Fprintf(stderr, "ekstoken: warning: %s\n", warn)
	}
	return token.AppendExecCredential(make([]byte, 0, len(buf)+200), apiVersion, tok), nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminalFile(f)
}
