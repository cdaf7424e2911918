//go:build !unix && !windows

package kubeconfig

// lock is a no-op where the platform has no advisory file locks (js, wasip1,
// plan9): writes are still atomic, but concurrent writers may race.
func lock(string) (func(), error) { return func() {}, nil }

func syncDir(string) {}
