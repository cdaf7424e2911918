package crosscheck

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ekstoken/ekstoken/kubeconfig"
)

// useKubeconfig loads path with client-go's clientcmd, as kubectl does, for
// context ctx ("" for current-context) and fetches /version and the
// namespace list through it.
func useKubeconfig(t *testing.T, path, ctx string) {
	t.Helper()
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: path},
		&clientcmd.ConfigOverrides{CurrentContext: ctx})
	cfg, err := cc.ClientConfig()
	if err != nil {
		t.Fatalf("clientcmd %s context %q: %v", path, ctx, err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Discovery().ServerVersion(); err != nil {
		t.Errorf("context %q: /version: %v", ctx, err)
	}
	if _, err := cs.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Errorf("context %q: namespaces: %v", ctx, err)
	}
}

// TestKubeconfigRoundTrip: the kubeconfig files ekstoken's kubeconfig
// package writes load in client-go's clientcmd and give working clients.
//   - write: an entry for a cluster (exec running ekstoken) into a new file,
//     then a second cluster merged into the same file; both contexts work,
//     the file is 0600;
//   - migrate: a file with the exec entries of atmos, the AWS CLI and
//     aws-iam-authenticator (their own commands, in v1beta1 and v1) is
//     rewritten to run ekstoken; every migrated context then works, the
//     atmos entries without --identity are reported and left alone, and
//     the backup still holds the peers' entries;
//   - cli: the same two operations through the ekstoken binary
//     (`ekstoken kubeconfig ... --absolute-path`, `ekstoken kubeconfig
//     migrate --absolute-path`), whose entries carry no credentials: the
//     plugin gets them from the environment client-go passes on.
func TestKubeconfigRoundTrip(t *testing.T) {
	bin := ekstokenBinary(t)
	env := sessionEnv()
	var execEnv []kubeconfig.EnvVar
	for k, v := range env {
		execEnv = append(execEnv, kubeconfig.EnvVar{Name: k, Value: v})
	}

	t.Run("write", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "kube", "config")
		var contexts []string
		for _, cluster := range []string{"crosscheck-kc-one", "crosscheck-kc-two"} {
			a := newAPIServer(t, cluster, "aws", "eu-west-2")
			e := kubeconfig.NewEntry(kubeconfig.Invocation{ClusterName: cluster, Region: "eu-west-2"}, "", "",
				a.URL, base64.StdEncoding.EncodeToString(a.caPEM()), bin, kubeconfig.InteractiveNever)
			e.Exec.Env = execEnv
			if _, err := kubeconfig.Edit(path, kubeconfig.EditOptions{}, func(c *kubeconfig.Config) error {
				return c.Apply(&e, kubeconfig.ModeMerge, true)
			}); err != nil {
				t.Fatal(err)
			}
			contexts = append(contexts, e.ContextName)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("kubeconfig mode: %v %v", fi.Mode(), err)
		}
		loaded, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(loaded.Contexts) != 2 || loaded.CurrentContext != contexts[1] {
			t.Errorf("contexts %v, current %q", loaded.Contexts, loaded.CurrentContext)
		}
		for _, ctx := range contexts {
			useKubeconfig(t, path, ctx)
		}
		fakeSTS.Seen()
	})

	t.Run("migrate", func(t *testing.T) {
		a := newAPIServer(t, "crosscheck-migrate", "aws", "eu-west-2")
		path, _ := writeKubeconfig(t, a, "", "eu-west-2", []string{"client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1"})
		before, _ := os.ReadFile(path)
		var rep kubeconfig.MigrateReport
		if _, err := kubeconfig.Edit(path, kubeconfig.EditOptions{Backup: true}, func(c *kubeconfig.Config) error {
			var err error
			rep, err = c.Migrate(bin)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// atmos entries without --identity stay as they are: atmos would
		// use its only configured identity, which ekstoken cannot know.
		var migrated []string
		for _, m := range rep.Migrated {
			migrated = append(migrated, m.User)
		}
		if len(rep.Migrated) != 4 || len(rep.Untranslated) != 2 ||
			rep.Untranslated[0].Peer != "atmos" || !strings.Contains(rep.Untranslated[0].Reason, "identity") {
			t.Fatalf("migrate report %+v", rep)
		}
		for _, ctx := range migrated {
			useKubeconfig(t, path, ctx)
		}
		_, accepted, rejected := a.stats()
		if accepted != 2*len(migrated) || len(rejected) != 0 {
			t.Errorf("accepted %d, rejected %q", accepted, rejected)
		}
		backup, err := os.ReadFile(path + kubeconfig.BackupSuffix)
		if err != nil || string(backup) != string(before) {
			t.Errorf("backup differs from the original (%v)", err)
		}
		if _, err := clientcmd.Load(backup); err != nil {
			t.Errorf("backup does not load: %v", err)
		}
		fakeSTS.Seen()
	})
	t.Run("cli", func(t *testing.T) {
		for k, v := range env {
			t.Setenv(k, v) // client-go runs the plugin with this process's environment
		}
		dir := t.TempDir()
		run := func(args ...string) string {
			t.Helper()
			cmd := exec.Command(bin, append([]string{"kubeconfig"}, args...)...)
			cmd.Env = append(os.Environ(), "HOME="+dir)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("ekstoken kubeconfig %q: %v\n%s", args, err, out)
			}
			return string(out)
		}
		a := newAPIServer(t, "crosscheck-cli", "aws", "eu-west-2")
		written := filepath.Join(dir, "written")
		run("--cluster-name", a.cluster, "--region", "eu-west-2", "--kubeconfig", written, "--alias", "cli",
			"--server", a.URL, "--certificate-authority-data", base64.StdEncoding.EncodeToString(a.caPEM()), "--absolute-path")
		useKubeconfig(t, written, "cli")

		peers, _ := writeKubeconfig(t, a, "", "eu-west-2", []string{"client.authentication.k8s.io/v1beta1"})
		out := run("migrate", "--kubeconfig", peers, "--absolute-path")
		loaded, err := clientcmd.LoadFromFile(peers)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for name, u := range loaded.AuthInfos {
			if u.Exec == nil || u.Exec.Command != bin {
				continue // left as it was (atmos without --identity)
			}
			useKubeconfig(t, peers, name)
			n++
		}
		if n != 2 {
			t.Errorf("%d entries migrated to %s, want 2 (AWS CLI, authenticator); ekstoken said:\n%s", n, bin, out)
		}
		_, accepted, rejected := a.stats()
		if accepted != 2*(1+n) || len(rejected) != 0 {
			t.Errorf("accepted %d, rejected %q", accepted, rejected)
		}
		fakeSTS.Seen()
	})
}
