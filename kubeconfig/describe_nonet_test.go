//go:build nonet

package kubeconfig

import (
	"context"
	"errors"
	"testing"

	"github.com/ekstoken/ekstoken/sigv4"
)

func TestDescribeClusterNonet(t *testing.T) {
	_, err := DescribeCluster(context.Background(), &sigv4.Signer{}, sigv4.Credentials{}, "us-west-2", "https://eks.us-west-2.amazonaws.com", "prod")
	if !errors.Is(err, ErrNoNetwork) {
		t.Fatalf("err = %v", err)
	}
}
