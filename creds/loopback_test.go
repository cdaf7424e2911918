//go:build !nonet

package creds

import "github.com/ekstoken/ekstoken/internal/awshttp"

// No test reaches anything but loopback: a chain that falls through to
// IMDS or a real STS host fails at once instead of leaving the machine.
func init() { awshttp.RestrictToLoopback() }
