//go:build !nonet

package main

// nonetBuild reports whether the tests run against the offline build.
const nonetBuild = false
