//go:build nonet

package main

// The offline build has no `ekstoken kubeconfig`: kubeconfig editing links a
// YAML library (~0.6 MB of a 3 MB binary), and writing an entry is a one-off
// set-up step that the default build (or kubectl config) does, while an
// air-gapped host runs the token command on every kubectl call.

import (
	"context"
	"io"

	"github.com/ekstoken/ekstoken/sigv4"
)

func runKubeconfig(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer,
	credsFn func(ctx context.Context, profile, identity string) (sigv4.Credentials, error)) int {
	io.WriteString(stderr, "ekstoken: kubeconfig is not in this offline (nonet) build: use the default build of ekstoken, or kubectl config\n")
	return exitUsage
}
