//go:build !nonet

package main

// The `ekstoken kubeconfig` subcommand: parse flags, call package
// kubeconfig, print. Everything that edits the file lives in that package.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/creds"
	"github.com/ekstoken/ekstoken/kubeconfig"
	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/token"
)

const kubeconfigUsage = `Usage:
  ekstoken kubeconfig --cluster-name NAME --region REGION [--identity ID | --profile P]
      [--role-arn ARN] [--alias CONTEXT] [--kubeconfig PATH | --atmos]
      [--server URL --certificate-authority-data B64 | --describe]
      [--mode merge|replace|error] [--no-set-current] [--absolute-path]
      [--interactive-mode Never|IfAvailable|Always] [--dry-run]
  ekstoken kubeconfig migrate [--kubeconfig PATH | --atmos] [--absolute-path] [--dry-run]

kubeconfig writes one cluster, one user (ekstoken-NAME-REGION, whose exec runs
ekstoken) and one context (--alias, else the cluster ARN), and makes it the
current context. The file is --kubeconfig, else the first path of KUBECONFIG,
else ~/.kube/config; --atmos means atmos' <XDG_CONFIG_HOME>/atmos/kube/config.
--describe asks EKS (DescribeCluster) for the API server and CA, with the
credentials of --profile/--identity (not --role-arn, which is for the token, as
in aws eks update-kubeconfig); AWS_ENDPOINT_URL_EKS overrides the endpoint;
AWS_CA_BUNDLE or the profile's ca_bundle replaces the system roots.
--mode: merge (default) updates the named entries and keeps their other fields,
replace rewrites them, error refuses if any exists. Nothing else in the file
changes; comments, order and unknown fields are kept; JSON stays JSON.

migrate rewrites users whose exec runs atmos aws eks token, aws eks get-token
or aws-iam-authenticator token into the same ekstoken invocation, keeping a
backup in PATH.ekstoken.bak; entries it cannot translate are listed and left.
--dry-run prints a unified diff instead of writing.
`

// describeTimeout bounds the one EKS call.
const describeTimeout = 30 * time.Second

// runKubeconfig runs `ekstoken kubeconfig ARGS...` (args excludes the word
// "kubeconfig"). credsFn returns the credentials of a profile or atmos
// identity ("" for the default chain); it is called only for --describe.
func runKubeconfig(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer,
	credsFn func(ctx context.Context, profile, identity string) (sigv4.Credentials, error)) int {
	if len(args) > 0 && args[0] == "migrate" {
		return runMigrate(args[1:], env, stdout, stderr)
	}
	fs := kcFlagSet()
	var (
		cluster, region, identity, profile, roleARN, alias        string
		path, server, caData, modeName, interactive               string
		atmos, describe, noSetCurrent, absolutePath, dryRun, help bool
	)
	fs.StringVar(&cluster, "cluster-name", "", "")
	fs.StringVar(&region, "region", "", "")
	fs.StringVar(&identity, "identity", "", "")
	fs.StringVar(&identity, "i", "", "")
	fs.StringVar(&profile, "profile", "", "")
	fs.StringVar(&roleARN, "role-arn", "", "")
	fs.StringVar(&alias, "alias", "", "")
	fs.StringVar(&path, "kubeconfig", "", "")
	fs.StringVar(&server, "server", "", "")
	fs.StringVar(&caData, "certificate-authority-data", "", "")
	fs.StringVar(&modeName, "mode", "merge", "")
	fs.StringVar(&interactive, "interactive-mode", "", "")
	fs.BoolVar(&atmos, "atmos", false, "")
	fs.BoolVar(&describe, "describe", false, "")
	fs.BoolVar(&noSetCurrent, "no-set-current", false, "")
	fs.BoolVar(&absolutePath, "absolute-path", false, "")
	fs.BoolVar(&dryRun, "dry-run", false, "")
	fs.BoolVar(&help, "help", false, "")
	fs.BoolVar(&help, "h", false, "")
	if code, done := kcParse(fs, args, stdout, stderr, &help); done {
		return code
	}

	region, _ = resolveRegion(region, env, "")
	mode, err := kubeconfig.ParseMode(modeName)
	switch {
	case err != nil:
		return kcUsage(stderr, "%v", err)
	case cluster == "":
		return kcUsage(stderr, "--cluster-name is required")
	case region == "":
		return kcUsage(stderr, "--region is required (or set AWS_REGION)")
	case identity != "" && profile != "":
		return kcUsage(stderr, "--identity and --profile exclude each other")
	case describe && (server != "" || caData != ""):
		return kcUsage(stderr, "--describe and --server/--certificate-authority-data exclude each other")
	case !describe && (server == "" || caData == ""):
		return kcUsage(stderr, "give --server and --certificate-authority-data, or --describe")
	case path != "" && atmos:
		return kcUsage(stderr, "--kubeconfig and --atmos exclude each other")
	}
	if err := token.ValidateClusterName(cluster); err != nil {
		return kcUsage(stderr, "%v", err)
	}
	if err := token.ValidateRegion(region); err != nil {
		return kcUsage(stderr, "%v", err)
	}
	if path, err = kubeconfigPath(path, atmos, env); err != nil {
		return kcFail(stderr, err)
	}
	command, err := kcExecCommand(absolutePath)
	if err != nil {
		return kcFail(stderr, err)
	}
	if interactive == "" {
		interactive = kubeconfig.InteractiveNever
		if identity == "" && profileMayPrompt(env, profile) {
			interactive = kubeconfig.InteractiveIfAvailable
		}
	}

	arn := ""
	if describe {
		c, err := credsFn(ctx, profile, identity)
		if err != nil {
			return kcFail(stderr, err)
		}
		tlsConfig, err := creds.TLSConfig(env, profile)
		if err != nil {
			return kcFail(stderr, err)
		}
		endpoint := eksEndpoint(region, env)
		dctx, cancel := context.WithTimeout(ctx, describeTimeout)
		info, err := kubeconfig.DescribeClusterWith(dctx, tlsConfig, new(sigv4.Signer), c, region, endpoint, cluster)
		cancel()
		if err != nil {
			return kcFail(stderr, err)
		}
		server, caData, arn = info.Endpoint, info.CertificateAuthorityData, info.ARN
	}

	inv := kubeconfig.Invocation{ClusterName: cluster, Region: region, Identity: identity, Profile: profile, RoleARN: roleARN}
	entry := kubeconfig.NewEntry(inv, arn, alias, server, caData, command, interactive)
	res, err := kubeconfig.Edit(path, kubeconfig.EditOptions{DryRun: dryRun}, func(c *kubeconfig.Config) error {
		return c.Apply(&entry, mode, !noSetCurrent)
	})
	if err != nil {
		return kcFail(stderr, err)
	}
	switch {
	case dryRun:
		io.WriteString(stdout, kubeconfig.UnifiedDiff(res.Path, res.Path, res.Old, res.New))
		if !res.Changed {
			fmt.Fprintf(stderr, "ekstoken: %s already has context %q as asked; nothing to change\n", res.Path, entry.ContextName)
		}
	case !res.Changed:
		fmt.Fprintf(stdout, "%s already has context %q as asked; not rewritten\n", res.Path, entry.ContextName)
	default:
		fmt.Fprintf(stdout, "wrote context %q (cluster %q, user %q) to %s\n", entry.ContextName, entry.ClusterKey, entry.UserName, res.Path)
	}
	return exitOK
}

// runMigrate runs `ekstoken kubeconfig migrate`.
func runMigrate(args []string, env func(string) string, stdout, stderr io.Writer) int {
	fs := kcFlagSet()
	var path string
	var atmos, absolutePath, dryRun, help bool
	fs.StringVar(&path, "kubeconfig", "", "")
	fs.BoolVar(&atmos, "atmos", false, "")
	fs.BoolVar(&absolutePath, "absolute-path", false, "")
	fs.BoolVar(&dryRun, "dry-run", false, "")
	fs.BoolVar(&help, "help", false, "")
	fs.BoolVar(&help, "h", false, "")
	if code, done := kcParse(fs, args, stdout, stderr, &help); done {
		return code
	}
	if path != "" && atmos {
		return kcUsage(stderr, "--kubeconfig and --atmos exclude each other")
	}
	path, err := kubeconfigPath(path, atmos, env)
	if err != nil {
		return kcFail(stderr, err)
	}
	if _, err := os.Stat(path); err != nil {
		return kcFail(stderr, fmt.Errorf("no kubeconfig to migrate: %w", err))
	}
	command, err := kcExecCommand(absolutePath)
	if err != nil {
		return kcFail(stderr, err)
	}
	var rep kubeconfig.MigrateReport
	res, err := kubeconfig.Edit(path, kubeconfig.EditOptions{DryRun: dryRun, Backup: true}, func(c *kubeconfig.Config) (err error) {
		rep, err = c.Migrate(command)
		return err
	})
	if err != nil {
		return kcFail(stderr, err)
	}
	// With --dry-run stdout is only the diff (it can go to patch -p0);
	// the report goes to stderr.
	report := stdout
	if dryRun {
		io.WriteString(stdout, kubeconfig.UnifiedDiff(res.Path, res.Path, res.Old, res.New))
		report = stderr
	}
	for _, m := range rep.Migrated {
		fmt.Fprintf(report, "migrated user %q (%s) to: %s %s\n", m.User, m.Peer, command, kcQuoteArgs(m.Args))
		for _, n := range m.Notes {
			fmt.Fprintf(report, "  note: %s\n", n)
		}
	}
	for _, u := range rep.Untranslated {
		fmt.Fprintf(stderr, "ekstoken: left user %q (%s) as it is: %s\n", u.User, u.Peer, u.Reason)
	}
	switch {
	case len(rep.Migrated) == 0:
		fmt.Fprintf(report, "nothing to migrate in %s\n", res.Path)
	case dryRun:
		fmt.Fprintf(report, "dry run: %s not changed\n", res.Path)
	default:
		fmt.Fprintf(report, "migrated %d user(s) in %s; the previous file is in %s\n", len(rep.Migrated), res.Path, res.Path+kubeconfig.BackupSuffix)
	}
	return exitOK
}

func kcFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("ekstoken kubeconfig", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// kcParse parses a subcommand's flags; done reports that the command has
// finished (help, or a usage error) with exit status code.
func kcParse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer, help *bool) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, kubeconfigUsage)
			return exitOK, true
		}
		return kcUsage(stderr, "%v", err), true
	}
	if *help {
		io.WriteString(stdout, kubeconfigUsage)
		return exitOK, true
	}
	if fs.NArg() > 0 {
		return kcUsage(stderr, "unexpected argument %q", fs.Arg(0)), true
	}
	return 0, false
}

func kcUsage(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "ekstoken kubeconfig: %s (see ekstoken kubeconfig --help)\n", fmt.Sprintf(format, args...))
	return exitUsage
}

func kcFail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "ekstoken kubeconfig: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	return exitError
}

// kubeconfigPath picks the file: --kubeconfig, --atmos, KUBECONFIG, ~/.kube/config.
func kubeconfigPath(path string, atmos bool, env func(string) string) (string, error) {
	if path != "" {
		return path, nil
	}
	home := kcHome(env)
	if atmos {
		return kubeconfig.AtmosPath(env, home)
	}
	return kubeconfig.DefaultPath(env, home)
}

func kcHome(env func(string) string) string {
	if h := env("HOME"); h != "" {
		return h
	}
	if runtime.GOOS == "windows" {
		return env("USERPROFILE")
	}
	return ""
}

// kcExecCommand is the exec command to write: "ekstoken", found on kubectl's
// PATH (what atmos and the AWS CLI do), or with --absolute-path this
// binary's resolved path, for a PATH kubectl does not share.
func kcExecCommand(absolute bool) (string, error) {
	if !absolute {
		return "ekstoken", nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("--absolute-path: %w", err)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return exe, nil
}

// eksEndpoint is the EKS API endpoint for region: AWS_ENDPOINT_URL_EKS, else
// AWS_ENDPOINT_URL (neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
// true), else https://eks.REGION.<partition DNS suffix> from token's
// partition table. FIPS and dual-stack EKS endpoints are not derived: set
// AWS_ENDPOINT_URL_EKS for them.
func eksEndpoint(region string, env func(string) string) string {
	if !strings.EqualFold(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		if u := kcFirst(env("AWS_ENDPOINT_URL_EKS"), env("AWS_ENDPOINT_URL")); u != "" {
			return u
		}
	}
	return "https://eks." + region + "." + token.PartitionForRegion(region).DNSSuffix
}

// profileMayPrompt reports whether the profile (else AWS_PROFILE, else
// AWS_DEFAULT_PROFILE, else "default"), or a profile it assumes a role
// from, has mfa_serial in the AWS config file, read by package creds with
// the profile-file rules of the token path: then ekstoken may need to ask
// for an MFA code, and the exec entry gets interactiveMode IfAvailable
// instead of Never. --interactive-mode overrides.
func profileMayPrompt(env func(string) string, profile string) bool {
	profile = creds.SelectedProfile(env, profile)
	ps, err := creds.LoadProfiles(creds.FileLocations(env, runtime.GOOS).Config, "")
	if err != nil {
		return false
	}
	// mfa_serial on the profile or on any role profile it chains through.
	for seen := map[string]bool{}; profile != "" && !seen[profile]; {
		seen[profile] = true
		p := ps.Profile(profile)
		if p == nil {
			return false
		}
		if v, _ := p.Get("mfa_serial"); v != "" {
			return true
		}
		profile, _ = p.Get("source_profile")
	}
	return false
}

func kcQuoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

func kcFirst(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
