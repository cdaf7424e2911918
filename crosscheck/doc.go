// Package crosscheck holds no library code: it is the home of the tests that
// run ekstoken next to its peers (aws-sdk-go-v2, aws-iam-authenticator,
// client-go, kubectl) and of the benchmarks that BENCHMARKS.md reports.
//
// It is a separate module so that the root module never depends on the
// heavy peers; go.mod replaces github.com/ekstoken/ekstoken with ../ so the
// tests always exercise the working tree.
package crosscheck
