//go:build !nonet

package creds

import (
	"context"

	"github.com/ekstoken/ekstoken/sigv4"
)

// networkStep is the one seam through which every credential step that needs
// the network passes: a base source of kind SourceWebIdentity, SourceSSO,
// SourceContainer, SourceIMDS or SourceNamed (Ec2InstanceMetadata,
// EcsContainer), and every AssumeRole step of a Plan.
//
// This file is the default build. Until the network sources land (issue 5)
// it answers every step with an error naming the profile and the source it
// needs; the offline sources (environment, static keys, credential_process,
// atmos sessions) never reach it. A build with -tags nonet uses
// network_nonet.go instead, which refuses network steps for good.
func networkStep(ctx context.Context, c *NetCall) (sigv4.Credentials, error) {
	return sigv4.Credentials{}, notSupportedYet(c)
}
