//go:build nonet

package creds

import (
	"context"
	"fmt"

	"github.com/ekstoken/ekstoken/sigv4"
)

// networkStep refuses every step that needs the network: this binary was
// built with -tags nonet (offline sources only). See network.go.
func networkStep(ctx context.Context, c *NetCall) (sigv4.Credentials, error) {
	return sigv4.Credentials{}, fmt.Errorf("%s (this ekstoken was built with -tags nonet: offline credential sources only)", c.describe())
}
