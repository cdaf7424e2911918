//go:build nonet

package main

// The offline build has no `ekstoken decode`. Decoding a token is a
// diagnostic for a person, which the default build does just as well
// without a network; leaving it out (and with it the token decoder's URL
// parsing) keeps the offline binary, which kubectl runs on every token
// refresh, under 3 MB.

import "io"

const haveDecode = false

// runDecode is never reached: parseArgs refuses decode in this build.
func runDecode(inv *invocation, stdin io.Reader, stdout, stderr io.Writer) int {
	io.WriteString(stderr, "ekstoken: "+errNoDecode+"\n")
	return exitUsage
}
