package kubeconfig_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ekstoken/ekstoken/kubeconfig"
)

// Write one EKS cluster into a kubeconfig, keeping what is there.
func ExampleEdit() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte("# mine\napiVersion: v1\nkind: Config\ncurrent-context: lab\n"), 0o600)

	inv := kubeconfig.Invocation{ClusterName: "prod", Region: "us-west-2", Profile: "ops"}
	e := kubeconfig.NewEntry(inv, "arn:aws:eks:us-west-2:111122223333:cluster/prod", "prod",
		"https://ABC.gr7.us-west-2.eks.amazonaws.com", "Y2E=", "ekstoken", kubeconfig.InteractiveNever)
	if _, err := kubeconfig.Edit(path, kubeconfig.EditOptions{}, func(c *kubeconfig.Config) error {
		return c.Apply(&e, kubeconfig.ModeMerge, true)
	}); err != nil {
		fmt.Println(err)
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// # mine
	// apiVersion: v1
	// kind: Config
	// current-context: prod
	// clusters:
	// - cluster:
	//     certificate-authority-data: Y2E=
	//     server: https://ABC.gr7.us-west-2.eks.amazonaws.com
	//   name: arn:aws:eks:us-west-2:111122223333:cluster/prod
	// users:
	// - name: ekstoken-prod-us-west-2
	//   user:
	//     exec:
	//       apiVersion: client.authentication.k8s.io/v1beta1
	//       args:
	//       - --cluster-name
	//       - prod
	//       - --region
	//       - us-west-2
	//       - --profile
	//       - ops
	//       command: ekstoken
	//       interactiveMode: Never
	//       provideClusterInfo: false
	// contexts:
	// - context:
	//     cluster: arn:aws:eks:us-west-2:111122223333:cluster/prod
	//     user: ekstoken-prod-us-west-2
	//   name: prod
}

// The ekstoken equivalent of the exec entry `aws eks update-kubeconfig` writes.
func ExampleTranslate() {
	tr, err := kubeconfig.Translate("aws",
		[]string{"--region", "us-west-2", "eks", "get-token", "--cluster-name", "prod", "--output", "json"},
		[]kubeconfig.EnvVar{{Name: "AWS_PROFILE", Value: "ops"}})
	fmt.Println(tr.Invocation.Args(), tr.Env, err)
	// Output: [--cluster-name prod --region us-west-2] [{AWS_PROFILE ops}] <nil>
}
