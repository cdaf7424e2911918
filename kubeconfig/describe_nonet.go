//go:build nonet

package kubeconfig

import (
	"context"
	"errors"

	"github.com/ekstoken/ekstoken/sigv4"
)

// ClusterInfo is what `ekstoken kubeconfig --describe` needs from EKS.
type ClusterInfo struct {
	Name                     string
	ARN                      string
	Endpoint                 string
	CertificateAuthorityData string
	Status                   string
}

// ErrNoNetwork is returned by DescribeCluster in a build without network
// support (-tags nonet).
var ErrNoNetwork = errors.New("this ekstoken was built without network support (nonet): give --server and --certificate-authority-data instead of --describe")

// DescribeCluster is unavailable in a nonet build.
func DescribeCluster(ctx context.Context, signer *sigv4.Signer, c sigv4.Credentials, region, endpoint, name string) (*ClusterInfo, error) {
	return nil, ErrNoNetwork
}
