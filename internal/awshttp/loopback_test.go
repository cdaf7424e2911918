//go:build !nonet

package awshttp

import (
	"context"
	"strings"
	"testing"
)

func init() { RestrictToLoopback() }

// TestRestrictToLoopback: in a test process nothing but loopback is dialled,
// and the refusal comes before any name is resolved.
func TestRestrictToLoopback(t *testing.T) {
	var c Client
	for _, addr := range []string{"sts.amazonaws.com:443", "169.254.169.254:80", "[fd00:ec2::254]:80", "10.0.0.1:443"} {
		if _, err := c.dial(context.Background(), addr); err == nil || !strings.Contains(err.Error(), "only loopback") {
			t.Errorf("%s: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:1", "[::1]:1"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
}
