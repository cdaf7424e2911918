// Command hello prints one short line: the process-start floor of
// BENCHMARKS.md, what any Go program costs to exec before it does anything.
package main

import "os"

func main() { os.Stdout.WriteString("hello\n") }
