package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ekstoken/ekstoken/token"
)

// A spelling is one peer's command line that ekstoken accepts as is, so a
// kubeconfig written for the peer works by changing only `command:` (or by
// naming a symlink after the peer).
type spelling int

const (
	spellNative        spelling = iota // ekstoken --cluster-name X --region R [-i ID]
	spellAtmos                         // ekstoken aws eks token --cluster-name X --region R --identity=ID
	spellAWSCLI                        // ekstoken [--region R] eks get-token --cluster-name X [--output json]
	spellAuthenticator                 // ekstoken token -i CLUSTER [--region R] [--token-only]
)

func (s spelling) String() string {
	switch s {
	case spellAtmos:
		return "aws eks token"
	case spellAWSCLI:
		return "eks get-token"
	case spellAuthenticator:
		return "token"
	}
	return "ekstoken"
}

// command is what the arguments ask for.
type command int

const (
	cmdToken command = iota
	cmdDecode
	cmdHelp
	cmdVersion
)

// invocation is a parsed command line.
type invocation struct {
	cmd      command
	spelling spelling
	as       string // the peer named by argv[0] ("aws", "atmos", ...), or ""

	cluster     string // --cluster-name, --cluster-id (aws), -i (authenticator)
	clusterFlag string // the flag that gave cluster, for messages
	region      string
	profile     string
	identity    string
	output      string // json (default) | token (native) | text (aws, with --query)
	query       string // aws --query
	roleARN     string // --role-arn, -r/--role: assumed on top of the credentials
	roleFlag    string
	sessionName string // --session-name, -s (with a role)
	externalID  string // --external-id, -e (with a role)
	forwardName bool   // authenticator --forward-session-name: not supported
	noCache     bool   // --no-cache
	tokenOnly   bool
	debug       bool

	decodeArg  string // decode: the token or "-"
	decodeJSON bool
}

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// flagDef describes one flag name. Whether it takes a value is the same in
// every spelling, which lets the parser find the command words (that may
// come after global flags, as the AWS CLI writes them) before it knows the
// spelling; what the flag means depends on the spelling (-i is the atmos
// identity but the authenticator's cluster id).
type flagDef struct {
	value bool // takes a value
}

var flagDefs = map[string]flagDef{
	"--cluster-name": {true}, "--cluster-id": {true}, "--region": {true}, "--profile": {true},
	"--identity": {true}, "-i": {true}, "--output": {true}, "--query": {true},
	"--role-arn": {true}, "--role": {true}, "-r": {true},
	"--session-name": {true}, "-s": {true}, "--external-id": {true}, "-e": {true},
	"--log-format": {true}, "-l": {true}, "--color": {true},
	"--help": {}, "-h": {}, "--version": {}, "--debug": {}, "--token-only": {},
	"--forward-session-name": {}, "--cache": {}, "--json": {}, "--no-cli-pager": {}, "--no-cache": {},
}

// allowed lists the flags of each spelling. Native and atmos share one set
// (the native form is atmos's without the command words); the AWS CLI set
// has its global options; the authenticator set its token options.
var allowed = map[spelling]map[string]bool{
	spellNative: set("--cluster-name", "--region", "--identity", "-i", "--profile", "--output", "--role-arn",
		"--session-name", "--external-id", "--no-cache", "--help", "-h", "--version", "--debug"),
	spellAWSCLI: set("--cluster-name", "--cluster-id", "--role-arn", "--region", "--profile", "--output", "--query",
		"--debug", "--no-cli-pager", "--color", "--help", "-h"),
	spellAuthenticator: set("-i", "--cluster-id", "-r", "--role", "--region", "--token-only", "-s", "--session-name",
		"-e", "--external-id", "--forward-session-name", "--cache", "-l", "--log-format", "--help", "-h"),
}

func init() { allowed[spellAtmos] = allowed[spellNative] }

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

type flagArg struct{ name, value string }

// peerName returns the peer argv[0] names ("aws", "atmos",
// "aws-iam-authenticator"), or "".
func peerName(argv0 string) string {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(argv0)), ".exe")
	switch base {
	case "aws", "atmos", "aws-iam-authenticator":
		return base
	}
	return ""
}

// parseArgs parses os.Args (argv[0] included). getenv supplies the
// variables that stand in for flags (ATMOS_IDENTITY is left to credential
// resolution; KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID and DEFAULT_ROLE are
// the authenticator's).
func parseArgs(args []string, getenv func(string) string) (*invocation, error) {
	inv := &invocation{}
	if len(args) > 0 {
		inv.as = peerName(args[0])
		args = args[1:]
	}
	var words []string
	var flags []flagArg
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			words = append(words, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			words = append(words, a)
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		def, ok := flagDefs[name]
		if !ok && a[1] != '-' && len(a) > 2 && flagDefs[a[:2]].value {
			// -iCLUSTER, as pflag allows for one-letter flags
			name, value, hasValue, def, ok = a[:2], a[2:], true, flagDefs[a[:2]], true
		}
		if !ok {
			return nil, usagef("unknown flag %q", name)
		}
		if !def.value {
			if hasValue {
				return nil, usagef("flag %s takes no value", name)
			}
			flags = append(flags, flagArg{name: name})
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usagef("flag %s needs a value", name)
			}
			i++
			value = args[i]
		}
		flags = append(flags, flagArg{name: name, value: value})
	}

	// The command words choose the spelling.
	switch {
	case len(words) == 0:
		inv.spelling = spellNative
	case hasWords(words, "aws", "eks", "token"):
		inv.spelling, words = spellAtmos, words[3:]
	case hasWords(words, "eks", "get-token"):
		inv.spelling, words = spellAWSCLI, words[2:]
	case hasWords(words, "token"):
		inv.spelling, words = spellAuthenticator, words[1:]
	case words[0] == "decode" && inv.as == "":
		if !haveDecode {
			return nil, usagef("%s", errNoDecode)
		}
		return parseDecode(words[1:], flags)
	case (words[0] == "version" || words[0] == "help") && len(words) == 1 && len(flags) == 0 && inv.as == "":
		if words[0] == "help" {
			inv.cmd = cmdHelp
		} else {
			inv.cmd = cmdVersion
		}
		return inv, nil
	default:
		return nil, usagef("unknown command %q", strings.Join(words, " "))
	}
	if len(words) > 0 {
		return nil, usagef("unexpected argument %q", words[0])
	}
	switch inv.as {
	case "aws":
		if inv.spelling != spellAWSCLI {
			return nil, usagef("called as aws, ekstoken only implements `aws eks get-token`")
		}
	case "atmos":
		if inv.spelling != spellAtmos {
			return nil, usagef("called as atmos, ekstoken only implements `atmos aws eks token`")
		}
	case "aws-iam-authenticator":
		if inv.spelling != spellAuthenticator {
			return nil, usagef("called as aws-iam-authenticator, ekstoken only implements `aws-iam-authenticator token`")
		}
	}

	ok := allowed[inv.spelling]
	for _, f := range flags {
		if !ok[f.name] {
			if inv.spelling == spellNative {
				return nil, usagef("flag %s is not an option of ekstoken", f.name)
			}
			return nil, usagef("flag %s is not an option of `%s`", f.name, inv.spelling)
		}
		if err := inv.apply(f); err != nil {
			return nil, err
		}
	}
	if inv.cmd != cmdToken {
		return inv, nil
	}
	return inv, inv.finish(getenv)
}

func hasWords(words []string, want ...string) bool {
	if len(words) < len(want) {
		return false
	}
	for i, w := range want {
		if words[i] != w {
			return false
		}
	}
	return true
}

// apply sets what one flag means in the invocation's spelling. The last of
// repeated flags wins, as in pflag and argparse.
func (inv *invocation) apply(f flagArg) error {
	switch f.name {
	case "--help", "-h":
		inv.cmd = cmdHelp
	case "--version":
		inv.cmd = cmdVersion
	case "--cluster-name":
		if inv.clusterFlag == "--cluster-id" {
			return usagef("--cluster-name and --cluster-id cannot be used together")
		}
		inv.cluster, inv.clusterFlag = f.value, f.name
	case "--cluster-id":
		if inv.clusterFlag == "--cluster-name" {
			return usagef("--cluster-name and --cluster-id cannot be used together")
		}
		inv.cluster, inv.clusterFlag = f.value, f.name
	case "-i":
		if inv.spelling == spellAuthenticator {
			inv.cluster, inv.clusterFlag = f.value, "-i"
		} else {
			inv.identity = f.value
		}
	case "--identity":
		inv.identity = f.value
	case "--region":
		inv.region = f.value
	case "--profile":
		inv.profile = f.value
	case "--output":
		inv.output = f.value
	case "--query":
		inv.query = f.value
	case "--role-arn", "--role", "-r":
		inv.roleARN, inv.roleFlag = f.value, f.name
	case "--token-only":
		inv.tokenOnly = true
	case "--debug":
		inv.debug = true
	case "-s", "--session-name":
		inv.sessionName = f.value
	case "-e", "--external-id":
		inv.externalID = f.value
	case "--forward-session-name":
		inv.forwardName = true
	case "--no-cache":
		inv.noCache = true
	case "--cache", "-l", "--log-format", "--color", "--no-cli-pager":
		// Accepted for compatibility and without effect: ekstoken always
		// caches assumed-role credentials (--cache is the authenticator's
		// opt-in for that); the rest shape log or pager output ekstoken
		// does not produce.
	}
	return nil
}

// finish checks the token invocation as a whole.
func (inv *invocation) finish(getenv func(string) string) error {
	if inv.spelling == spellAuthenticator {
		if inv.cluster == "" {
			if v := getenv("KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID"); v != "" {
				inv.cluster, inv.clusterFlag = v, "KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID"
			}
		}
		if inv.roleARN == "" {
			if v := getenv("DEFAULT_ROLE"); v != "" {
				inv.roleARN, inv.roleFlag = v, "DEFAULT_ROLE"
			}
		}
	}
	if inv.cluster == "" {
		switch inv.spelling {
		case spellAWSCLI:
			return usagef("either --cluster-name or --cluster-id must be given")
		case spellAuthenticator:
			return usagef("cluster ID not specified: give -i CLUSTER")
		}
		return usagef("--cluster-name is required")
	}
	if err := token.ValidateClusterName(inv.cluster); err != nil {
		return usagef("%s: %v", inv.clusterFlag, err)
	}
	if inv.region != "" {
		if err := token.ValidateRegion(inv.region); err != nil {
			return usagef("--region: %v", err)
		}
	}
	switch inv.spelling {
	case spellAWSCLI:
		switch inv.query {
		case "", "status.token", "status.expirationTimestamp":
		default:
			return usagef("--query %q: only status.token and status.expirationTimestamp are supported", inv.query)
		}
		switch inv.output {
		case "", "json":
		case "text":
			if inv.query == "" {
				return usagef("--output text: kubectl reads JSON; use --output json, or --query status.token --output text for the bare token")
			}
		default:
			return usagef("--output %q: only json (and text with --query) are supported", inv.output)
		}
	case spellNative, spellAtmos:
		switch inv.output {
		case "", "json", "token":
		default:
			return usagef("--output %q: want json or token", inv.output)
		}
	}
	return nil
}

// errForwardSessionName: the authenticator's --forward-session-name calls
// GetCallerIdentity first to reuse the caller's session name; ekstoken
// does not make that extra call.
var errForwardSessionName = errors.New("--forward-session-name is not supported: pass the session name with -s/--session-name")

// errNoDecode is the error of `decode` in the offline build.
const errNoDecode = "decode is not in this offline (nonet) build: use the default build, which decodes without a network too"

func parseDecode(words []string, flags []flagArg) (*invocation, error) {
	inv := &invocation{cmd: cmdDecode}
	for _, f := range flags {
		switch f.name {
		case "--json":
			inv.decodeJSON = true
		case "--help", "-h":
			inv.cmd = cmdHelp
			return inv, nil
		default:
			return nil, usagef("flag %s is not an option of `decode`", f.name)
		}
	}
	switch len(words) {
	case 0:
		return nil, usagef("decode needs a token, or - to read it from stdin")
	case 1:
		inv.decodeArg = words[0]
	default:
		return nil, usagef("decode takes one token, got %d arguments", len(words))
	}
	return inv, nil
}
