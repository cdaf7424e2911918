package kubeconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func formatReport(r MigrateReport) string {
	var b strings.Builder
	for _, m := range r.Migrated {
		fmt.Fprintf(&b, "migrated %q (%s): %q\n", m.User, m.Peer, m.Args)
		for _, n := range m.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	}
	for _, u := range r.Untranslated {
		fmt.Fprintf(&b, "left as is %q (%s): %s\n", u.User, u.Peer, u.Reason)
	}
	return b.String()
}

// TestMigrateGolden migrates the kubeconfigs atmos, `aws eks
// update-kubeconfig` (and eksctl) and aws-iam-authenticator's docs produce:
// the new file, the report and the dry-run diff are golden; the backup holds
// the old file; kubectl loads the result; users not migrated are unchanged.
func TestMigrateGolden(t *testing.T) {
	for _, in := range []string{"atmos.yaml", "awscli.yaml", "authenticator.yaml", "mixed.yaml"} {
		t.Run(in, func(t *testing.T) {
			base := strings.TrimSuffix(in, ".yaml")
			dir := t.TempDir()
			path := copyFixture(t, "migrate/"+in, dir, "config")
			before, _ := os.ReadFile(path)

			var rep MigrateReport
			dry, err := Edit(path, EditOptions{DryRun: true}, func(c *Config) (err error) {
				rep, err = c.Migrate("ekstoken")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "migrate/"+base+".report", []byte(formatReport(rep)))
			diff := UnifiedDiff(path, path, dry.Old, dry.New)
			golden(t, "migrate/"+base+".diff", []byte(strings.ReplaceAll(diff, path, "config")))
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Fatal("dry run wrote the file")
			}
			if _, err := os.Stat(path + BackupSuffix); err == nil {
				t.Fatal("dry run wrote a backup")
			}

			res, err := Edit(path, EditOptions{Backup: true}, func(c *Config) error {
				_, err := c.Migrate("ekstoken")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			after, _ := os.ReadFile(path)
			golden(t, "migrate/"+base+".yaml", after)
			if string(res.New) != string(dry.New) {
				t.Error("dry run and real run differ")
			}
			bak, err := os.ReadFile(path + BackupSuffix)
			if res.Changed && (err != nil || string(bak) != string(before)) {
				t.Errorf("backup missing or wrong: %v", err)
			}
			if fi, err := os.Stat(path + BackupSuffix); res.Changed && (err != nil || fi.Mode().Perm() != 0o600) {
				t.Errorf("backup mode: %v %v", fi, err)
			}

			// Only migrated users changed.
			migrated := map[string]bool{}
			for _, m := range rep.Migrated {
				migrated[m.User] = true
			}
			b, a := mustValue(t, before).(map[string]any), mustValue(t, after).(map[string]any)
			for k := range b {
				if k != "users" && !reflect.DeepEqual(b[k], a[k]) {
					t.Errorf("%s changed", k)
				}
			}
			bu, au := b["users"].([]any), a["users"].([]any)
			if len(bu) != len(au) {
				t.Fatalf("users: %d -> %d", len(bu), len(au))
			}
			for i := range bu {
				name := bu[i].(map[string]any)["name"].(string)
				if !migrated[name] && !reflect.DeepEqual(bu[i], au[i]) {
					t.Errorf("user %q was not migrated but changed", name)
				}
				if migrated[name] {
					ex := au[i].(map[string]any)["user"].(map[string]any)["exec"].(map[string]any)
					if ex["command"] != "ekstoken" {
						t.Errorf("user %q: command %v", name, ex["command"])
					}
				}
			}
			v := kubectlView(t, path)
			for name := range migrated {
				if kubectlNamed(v, "users", name) == nil {
					t.Errorf("kubectl does not see user %q", name)
				}
			}
			// Migrating again finds nothing to do.
			res, err = Edit(path, EditOptions{Backup: true}, func(c *Config) error {
				r, err := c.Migrate("ekstoken")
				if len(r.Migrated) != 0 {
					t.Errorf("second migrate migrated %d users", len(r.Migrated))
				}
				return err
			})
			if err != nil || res.Changed {
				t.Errorf("second migrate: changed=%v err=%v", res.Changed, err)
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	env := func(kv ...string) []EnvVar {
		var e []EnvVar
		for i := 0; i+1 < len(kv); i += 2 {
			e = append(e, EnvVar{kv[i], kv[i+1]})
		}
		return e
	}
	for _, tc := range []struct {
		peer    string
		args    []string
		env     []EnvVar
		want    Invocation
		keepEnv []EnvVar
		err     string
	}{
		// atmos
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name c --region r --identity=a/b"), want: Invocation{ClusterName: "c", Region: "r", Identity: "a/b"}},
		{peer: "atmos", args: strings.Fields("aws eks token --identity i --region=r --cluster-name=c"), want: Invocation{ClusterName: "c", Region: "r", Identity: "i"}},
		{peer: "atmos", args: strings.Fields("aws -i i eks --cluster-name c token -ir2"), want: Invocation{ClusterName: "c", Identity: "r2"}},
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name c --region r -i=x"), want: Invocation{ClusterName: "c", Region: "r", Identity: "x"}},
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name c --region r"), env: env("ATMOS_IDENTITY", "e", "HOME", "/h"),
			want: Invocation{ClusterName: "c", Region: "r", Identity: "e"}, keepEnv: env("HOME", "/h")},
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name c --region r --identity=f"), env: env("ATMOS_IDENTITY", "e"),
			want: Invocation{ClusterName: "c", Region: "r", Identity: "f"}, keepEnv: env("ATMOS_IDENTITY", "e")},
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name c --region r"), err: "no --identity"},
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name c --region r -i x --logs-level Debug"), err: "--logs-level has no ekstoken equivalent"},
		{peer: "atmos", args: strings.Fields("terraform plan -i x"), err: "not `atmos aws eks token`"},
		{peer: "atmos", args: strings.Fields("aws eks token --region r -i x"), err: "no cluster name"},
		{peer: "atmos", args: strings.Fields("aws eks token --cluster-name"), err: "has no value"},
		// AWS CLI
		{peer: "aws", args: strings.Fields("--region us-west-2 eks get-token --cluster-name c --output json"), env: env("AWS_PROFILE", "p"),
			want: Invocation{ClusterName: "c", Region: "us-west-2"}, keepEnv: env("AWS_PROFILE", "p")},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-name c --region r --profile p --role-arn arn:x"), env: env("AWS_PROFILE", "p"),
			want: Invocation{ClusterName: "c", Region: "r", Profile: "p", RoleARN: "arn:x"}},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-name c --profile=q"), env: env("AWS_PROFILE", "p"),
			want: Invocation{ClusterName: "c", Profile: "q"}, keepEnv: env("AWS_PROFILE", "p")},
		{peer: "aws", args: strings.Fields("--region r --region s eks get-token --cluster-name c --no-cli-pager --color off"), want: Invocation{ClusterName: "c", Region: "s"}},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-id 0123 --region r"), want: Invocation{ClusterName: "0123", Region: "r"}},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-id 0123 --cluster-name c"), err: "both --cluster-name and --cluster-id"},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-name c --output text"), err: "--output text"},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-name c --endpoint-url https://x"), err: "--endpoint-url has no ekstoken equivalent"},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-name c --query status.token"), err: "--query has no ekstoken equivalent"},
		{peer: "aws", args: strings.Fields("eks get-token -c x"), err: "flag -c has no ekstoken equivalent"},
		{peer: "aws", args: strings.Fields("eks update-kubeconfig --name c"), err: "--name has no ekstoken equivalent"},
		{peer: "aws", args: strings.Fields("sts get-caller-identity"), err: "not `aws eks get-token`"},
		{peer: "aws", args: strings.Fields("eks get-token --cluster-name c -- extra"), err: "not `aws eks get-token`"},
		// aws-iam-authenticator
		{peer: "aws-iam-authenticator", args: strings.Fields("token -i c"), want: Invocation{ClusterName: "c"}},
		{peer: "aws-iam-authenticator", args: strings.Fields("token --cluster-id=c -r arn:r --region r -l json --cache"), want: Invocation{ClusterName: "c", Region: "r", RoleARN: "arn:r"}},
		{peer: "aws-iam-authenticator", args: strings.Fields("-i c token --role=arn:r"), want: Invocation{ClusterName: "c", RoleARN: "arn:r"}},
		{peer: "aws-iam-authenticator", args: []string{"token"}, env: env("KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID", "c", "DEFAULT_ROLE", "arn:r", "AWS_PROFILE", "p"),
			want: Invocation{ClusterName: "c", RoleARN: "arn:r"}, keepEnv: env("AWS_PROFILE", "p")},
		{peer: "aws-iam-authenticator", args: strings.Fields("token -i c -s alice"), err: "-s has no ekstoken equivalent"},
		{peer: "aws-iam-authenticator", args: strings.Fields("token -i c --forward-session-name"), err: "--forward-session-name has no ekstoken equivalent"},
		{peer: "aws-iam-authenticator", args: strings.Fields("token -i c -e ext"), err: "-e has no ekstoken equivalent"},
		{peer: "aws-iam-authenticator", args: strings.Fields("token -i c --token-only"), err: "--token-only has no ekstoken equivalent"},
		{peer: "aws-iam-authenticator", args: strings.Fields("token -c /etc/authenticator.yaml"), err: "-c has no ekstoken equivalent"},
		{peer: "aws-iam-authenticator", args: strings.Fields("verify -i c -t tok"), err: "not `aws-iam-authenticator token`"},
		{peer: "aws-iam-authenticator", args: strings.Fields("token"), err: "no cluster name"},
	} {
		name := tc.peer + " " + strings.Join(tc.args, " ")
		tr, err := Translate(tc.peer, tc.args, tc.env)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tr.Invocation != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", name, tr.Invocation, tc.want)
		}
		if !reflect.DeepEqual(tr.Env, tc.keepEnv) {
			t.Errorf("%s: env %v, want %v", name, tr.Env, tc.keepEnv)
		}
	}
}

func TestPeerOf(t *testing.T) {
	for in, want := range map[string]string{
		"aws": "aws", "/usr/local/bin/aws": "aws", `C:\Program Files\Amazon\AWSCLIV2\aws.exe`: "aws", "AWS.EXE": "aws",
		"atmos": "atmos", "/opt/homebrew/bin/atmos": "atmos", "aws-iam-authenticator": "aws-iam-authenticator",
		`aws-iam-authenticator.exe`: "aws-iam-authenticator", "ekstoken": "", "aws2": "", "gke-gcloud-auth-plugin": "", "": "",
		"/usr/bin/aws/": "",
	} {
		if got := peerOf(in); got != want {
			t.Errorf("peerOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInvocationArgs(t *testing.T) {
	got := Invocation{ClusterName: "c d", Region: "r", Identity: "x=y", Profile: "p", RoleARN: "arn"}.Args()
	want := []string{"--cluster-name", "c d", "--region", "r", "--identity", "x=y", "--profile", "p", "--role-arn", "arn"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
	if got := (Invocation{ClusterName: "c"}).Args(); !reflect.DeepEqual(got, []string{"--cluster-name", "c"}) {
		t.Errorf("got %q", got)
	}
	_ = filepath.Join
}
