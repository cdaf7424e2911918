package kubeconfig

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Peers whose exec entries Migrate translates.
const (
	PeerAtmos         = "atmos"                 // atmos aws eks token
	PeerAWSCLI        = "aws"                   // aws eks get-token
	PeerAuthenticator = "aws-iam-authenticator" // aws-iam-authenticator token
)

// Migrated is one user entry Migrate rewrote.
type Migrated struct {
	User  string
	Peer  string
	Args  []string // the new args
	Notes []string // what a reader should know (dropped flags, region at run time)
}

// Untranslated is a peer entry Migrate left untouched, and why.
type Untranslated struct {
	User   string
	Peer   string
	Reason string
}

// MigrateReport lists what Migrate did.
type MigrateReport struct {
	Migrated     []Migrated
	Untranslated []Untranslated
}

// Migrate rewrites every user whose exec runs a peer token command into the
// equivalent ekstoken invocation run as command ("ekstoken" or an absolute
// path). Inside a migrated exec it changes only command, args and env (and
// apiVersion v1alpha1, which kubectl no longer accepts, becomes v1beta1);
// interactiveMode, provideClusterInfo, installHint and anything unknown stay.
// Users that do not run a peer are not looked at.
func (c *Config) Migrate(command string) (MigrateReport, error) {
	var rep MigrateReport
	users, err := c.list("users")
	if err != nil || users == nil {
		return rep, err
	}
	for _, it := range users.Content {
		name := ""
		if n := mapGet(it, "name"); n != nil && n.Kind == yaml.ScalarNode {
			name = n.Value
		}
		exec := mapGet(mapGet(it, "user"), "exec")
		cmd := mapGet(exec, "command")
		if cmd == nil || cmd.Kind != yaml.ScalarNode {
			continue
		}
		peer := peerOf(cmd.Value)
		if peer == "" {
			continue
		}
		args, env, err := readExec(exec)
		if err == nil {
			var tr Translation
			tr, err = Translate(peer, args, env)
			if err == nil {
				writeExec(exec, command, tr)
				rep.Migrated = append(rep.Migrated, Migrated{User: name, Peer: peer, Args: tr.Invocation.Args(), Notes: tr.Notes})
				continue
			}
		}
		rep.Untranslated = append(rep.Untranslated, Untranslated{User: name, Peer: peer, Reason: err.Error()})
	}
	return rep, nil
}

// peerOf names the peer a command runs: its base name, any directory and a
// Windows .exe/.cmd/.bat suffix removed.
func peerOf(command string) string {
	base := command[strings.LastIndexAny(command, `/\`)+1:]
	lower := strings.ToLower(base)
	for _, ext := range []string{".exe", ".cmd", ".bat"} {
		lower = strings.TrimSuffix(lower, ext)
	}
	switch lower {
	case PeerAtmos, PeerAWSCLI, PeerAuthenticator:
		return lower
	}
	return ""
}

func readExec(exec *yaml.Node) (args []string, env []EnvVar, err error) {
	if a := mapGet(exec, "args"); a != nil && !(a.Kind == yaml.ScalarNode && a.ShortTag() == "!!null") {
		if a.Kind != yaml.SequenceNode {
			return nil, nil, fmt.Errorf("args is a %s, not a list", kindName(a))
		}
		for _, s := range a.Content {
			if s.Kind != yaml.ScalarNode {
				return nil, nil, fmt.Errorf("an arg is a %s, not a string", kindName(s))
			}
			args = append(args, s.Value)
		}
	}
	if e := mapGet(exec, "env"); e != nil && !(e.Kind == yaml.ScalarNode && e.ShortTag() == "!!null") {
		if e.Kind != yaml.SequenceNode {
			return nil, nil, fmt.Errorf("env is a %s, not a list", kindName(e))
		}
		for _, m := range e.Content {
			n, v := mapGet(m, "name"), mapGet(m, "value")
			if n == nil || n.Kind != yaml.ScalarNode || (v != nil && v.Kind != yaml.ScalarNode) {
				return nil, nil, fmt.Errorf("env entry is not a name/value pair")
			}
			ev := EnvVar{Name: n.Value}
			if v != nil && v.ShortTag() != "!!null" {
				ev.Value = v.Value
			}
			env = append(env, ev)
		}
	}
	return args, env, nil
}

// writeExec edits the exec node in place.
func writeExec(exec *yaml.Node, command string, tr Translation) {
	mapSet(exec, "command", str(command))
	args := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, a := range tr.Invocation.Args() {
		args.Content = append(args.Content, str(a))
	}
	if old := mapGet(exec, "args"); old != nil && old.Kind == yaml.SequenceNode {
		args.Style = old.Style
	}
	mapSet(exec, "args", args)
	if tr.envChanged {
		if len(tr.Env) == 0 {
			mapDelete(exec, "env")
		} else {
			mapSet(exec, "env", envNode(tr.Env))
		}
	}
	if v := mapGet(exec, "apiVersion"); v != nil && v.Value == "client.authentication.k8s.io/v1alpha1" {
		mapSet(exec, "apiVersion", str(ExecAPIVersion))
	}
}

// Translation is the ekstoken equivalent of one peer exec entry.
type Translation struct {
	Invocation Invocation
	Env        []EnvVar // env to keep
	envChanged bool
	Notes      []string
}

// Translate returns the ekstoken equivalent of a peer's exec args and env,
// or an error saying why there is none. Flags may come in any order, in
// --flag value, --flag=value and (for the cobra-based peers) -f value,
// -f=value, -fvalue forms. A flag ekstoken has no faithful equivalent for
// makes the entry untranslatable; flags that only change how the peer
// prints or logs are dropped and noted.
//
// Env entries are kept, except the ones that only carried a value now in
// the args (ATMOS_IDENTITY, the authenticator's
// KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID and DEFAULT_ROLE, an AWS_PROFILE
// equal to --profile). A region the peer took from the environment or
// profile is not pinned: ekstoken takes it from AWS_REGION,
// AWS_DEFAULT_REGION or the profile the same way.
func Translate(peer string, args []string, env []EnvVar) (Translation, error) {
	var tr Translation
	var err error
	switch peer {
	case PeerAtmos:
		err = tr.atmos(args, env)
	case PeerAWSCLI:
		err = tr.awsCLI(args, env)
	case PeerAuthenticator:
		err = tr.authenticator(args, env)
	default:
		err = fmt.Errorf("%q is not a peer token command", peer)
	}
	if err != nil {
		return Translation{}, err
	}
	if tr.Invocation.ClusterName == "" {
		return Translation{}, fmt.Errorf("no cluster name")
	}
	if tr.Invocation.Region == "" {
		tr.Notes = append(tr.Notes, "no region in the entry: ekstoken takes it from AWS_REGION, AWS_DEFAULT_REGION or the profile at run time")
	}
	return tr, nil
}

// keepEnv keeps env except the names drop says are now redundant.
func (tr *Translation) keepEnv(env []EnvVar, drop func(EnvVar) bool) {
	for _, e := range env {
		if drop(e) {
			tr.envChanged = true
			continue
		}
		tr.Env = append(tr.Env, e)
	}
}

func lookupEnv(env []EnvVar, name string) (string, bool) {
	v, ok := "", false
	for _, e := range env {
		if e.Name == name {
			v, ok = e.Value, true // last wins, as in exec's environment
		}
	}
	return v, ok
}

// atmos: atmos aws eks token --cluster-name X --region R [--identity=ID | -i ID]
// (cobra/pflag); identity falls back to env ATMOS_IDENTITY.
func (tr *Translation) atmos(args []string, env []EnvVar) error {
	p, err := parseFlags(args, map[string]string{
		"--cluster-name": "cluster", "--region": "region", "--identity": "identity", "-i": "identity",
	}, nil, true)
	if err != nil {
		return err
	}
	if !p.positionals("aws", "eks", "token") {
		return fmt.Errorf("not `atmos aws eks token` (positional args %q)", p.pos)
	}
	inv := &tr.Invocation
	inv.ClusterName, inv.Region, inv.Identity = p.val["cluster"], p.val["region"], p.val["identity"]
	if inv.Identity == "" {
		inv.Identity, _ = lookupEnv(env, "ATMOS_IDENTITY")
	}
	if inv.Identity == "" {
		return fmt.Errorf("no --identity: atmos would pick its only configured identity, which ekstoken cannot know")
	}
	tr.keepEnv(env, func(e EnvVar) bool { return e.Name == "ATMOS_IDENTITY" && e.Value == inv.Identity })
	return nil
}

// awsCLI: aws [globals] eks get-token --cluster-name X|--cluster-id ID
// [--role-arn ARN] [globals] (argparse: long flags only; globals anywhere).
func (tr *Translation) awsCLI(args []string, env []EnvVar) error {
	p, err := parseFlags(args, map[string]string{
		"--region": "region", "--profile": "profile", "--cluster-name": "cluster", "--cluster-id": "cluster-id",
		"--role-arn": "role", "--output": "output", "--color": "color", "--cli-binary-format": "drop",
	}, map[string]string{
		"--debug": "drop", "--no-paginate": "drop", "--no-cli-pager": "drop", "--no-cli-auto-prompt": "drop",
	}, false)
	if err != nil {
		return err
	}
	if !p.positionals("eks", "get-token") {
		return fmt.Errorf("not `aws eks get-token` (positional args %q)", p.pos)
	}
	inv := &tr.Invocation
	inv.Region, inv.Profile, inv.RoleARN = p.val["region"], p.val["profile"], p.val["role"]
	switch name, id := p.val["cluster"], p.val["cluster-id"]; {
	case p.has["cluster"] && p.has["cluster-id"]:
		return fmt.Errorf("both --cluster-name and --cluster-id (the AWS CLI refuses that too)")
	case p.has["cluster-id"]:
		// An Outposts local cluster: the CLI puts the id where the name goes
		// (x-k8s-aws-id), so --cluster-name ID mints the same token.
		inv.ClusterName = id
		tr.Notes = append(tr.Notes, "--cluster-id "+id+" becomes --cluster-name (same x-k8s-aws-id)")
	default:
		inv.ClusterName = name
	}
	if o, ok := p.val["output"]; ok && o != "json" {
		return fmt.Errorf("--output %s: kubectl reads only json", o)
	}
	for _, f := range p.dropped {
		tr.Notes = append(tr.Notes, "dropped "+f+" (output/logging only)")
	}
	tr.keepEnv(env, func(e EnvVar) bool { return e.Name == "AWS_PROFILE" && inv.Profile != "" && e.Value == inv.Profile })
	return nil
}

// authenticator: aws-iam-authenticator token -i CLUSTER [-r ROLE] [--region R]
// (cobra/pflag); cluster id and role also from env
// KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID and DEFAULT_ROLE.
func (tr *Translation) authenticator(args []string, env []EnvVar) error {
	p, err := parseFlags(args, map[string]string{
		"--cluster-id": "cluster", "-i": "cluster", "--role": "role", "-r": "role", "--region": "region",
		"--log-format": "drop", "-l": "drop", "--log-verbosity": "drop", "-v": "drop",
		"--external-id": "external-id", "-e": "external-id", "--session-name": "session-name", "-s": "session-name",
		"--config": "config", "-c": "config",
	}, map[string]string{
		"--token-only": "token-only", "-t": "token-only", "--forward-session-name": "forward-session-name",
		"--cache": "drop",
	}, true)
	if err != nil {
		return err
	}
	if !p.positionals("token") {
		return fmt.Errorf("not `aws-iam-authenticator token` (positional args %q)", p.pos)
	}
	for _, k := range []string{"external-id", "session-name", "config", "token-only", "forward-session-name"} {
		if p.has[k] {
			return fmt.Errorf("%s has no ekstoken equivalent", p.flag[k])
		}
	}
	inv := &tr.Invocation
	inv.ClusterName, inv.RoleARN, inv.Region = p.val["cluster"], p.val["role"], p.val["region"]
	envCluster, hasEnvCluster := lookupEnv(env, "KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID")
	envRole, hasEnvRole := lookupEnv(env, "DEFAULT_ROLE")
	if inv.ClusterName == "" && hasEnvCluster {
		inv.ClusterName = envCluster
	}
	if inv.RoleARN == "" && hasEnvRole {
		inv.RoleARN = envRole
	}
	for _, f := range p.dropped {
		tr.Notes = append(tr.Notes, "dropped "+f+" (logging or credential cache only)")
	}
	tr.keepEnv(env, func(e EnvVar) bool {
		return e.Name == "KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID" || e.Name == "DEFAULT_ROLE"
	})
	return nil
}

// parsed holds the result of parseFlags.
type parsed struct {
	val     map[string]string // key -> last value
	has     map[string]bool   // key -> given
	flag    map[string]string // key -> flag as spelled
	pos     []string
	dropped []string // spellings of flags whose key is "drop"
}

func (p *parsed) positionals(want ...string) bool {
	if len(p.pos) != len(want) {
		return false
	}
	for i := range want {
		if p.pos[i] != want[i] {
			return false
		}
	}
	return true
}

// parseFlags parses args with value flags and bool flags, both mapping a
// spelling ("--region", "-i") to a key. shortJoined allows pflag's -ivalue.
// The last occurrence of a flag wins, as in pflag and argparse. An unknown
// flag is an error: it may change which token is minted.
func parseFlags(args []string, value, boolean map[string]string, shortJoined bool) (*parsed, error) {
	p := &parsed{val: map[string]string{}, has: map[string]bool{}, flag: map[string]string{}}
	set := func(key, spelling, v string) {
		if key == "drop" {
			p.dropped = append(p.dropped, spelling)
			return
		}
		p.val[key], p.has[key], p.flag[key] = v, true, spelling
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.pos = append(p.pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			p.pos = append(p.pos, a)
			continue
		}
		name, v, hasV := a, "", false
		if strings.HasPrefix(a, "--") {
			name, v, hasV = strings.Cut(a, "=")
		} else if len(a) > 2 {
			name, v, hasV = a[:2], strings.TrimPrefix(a[2:], "="), true
			if !shortJoined && !strings.HasPrefix(a[2:], "=") {
				return nil, fmt.Errorf("unknown flag %s", a)
			}
		}
		if key, ok := value[name]; ok {
			if !hasV {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("flag %s has no value", name)
				}
				i++
				v = args[i]
			}
			set(key, name, v)
			continue
		}
		if key, ok := boolean[name]; ok {
			if hasV && v != "true" {
				return nil, fmt.Errorf("flag %s=%s has no ekstoken equivalent", name, v)
			}
			set(key, name, "true")
			continue
		}
		return nil, fmt.Errorf("flag %s has no ekstoken equivalent", name)
	}
	return p, nil
}
