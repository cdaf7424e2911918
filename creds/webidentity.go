//go:build !nonet

package creds

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// AssumeRoleWithWebIdentityFile reads the OIDC token from tokenFile and
// exchanges it for role credentials: IRSA (AWS_WEB_IDENTITY_TOKEN_FILE,
// AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME) and profiles with
// web_identity_token_file. The file is read on every call because the
// kubelet rotates it (hourly by default). Surrounding whitespace is trimmed:
// botocore and the Go SDK send the file verbatim, but a JWT never contains
// whitespace, and a hand-written token file ending in a newline would
// otherwise be refused by STS (the smithy-rs recordings show both: one with
// the newline sent as %0A, one without). in.Token is ignored.
func (s *STS) AssumeRoleWithWebIdentityFile(ctx context.Context, tokenFile string, in WebIdentityInput) (Issued, error) {
	b, err := os.ReadFile(tokenFile)
	if err != nil {
		return Issued{}, fmt.Errorf("web identity token for %s: %w", in.RoleARN, err)
	}
	in.Token = strings.TrimSpace(string(b))
	if in.Token == "" {
		return Issued{}, fmt.Errorf("web identity token file %s for %s is empty", tokenFile, in.RoleARN)
	}
	return s.AssumeRoleWithWebIdentity(ctx, in)
}
