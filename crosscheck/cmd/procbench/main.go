// Command procbench measures what it costs to run a command once: wall time
// and peak resident memory (getrusage ru_maxrss) of each run, for several
// commands run in turn, round after round, so that a noisy machine slows
// them all alike. It is the process benchmark behind BENCHMARKS.md
// (scripts/bench.sh), used instead of hyperfine because it interleaves and
// reads peak RSS without GNU time.
//
//	procbench [-runs 30] [-warmup 3] [-base name] [-ratio a/b ...] [-raw file] name=command [args...] ...
//
// Each command is one argument "name=command arg arg" split on spaces; it
// must exit 0 and print something on stdout. The environment is passed on
// unchanged. Output: a Markdown table (min, median and p90 wall time,
// median peak RSS, median wall time relative to -base), a table of the
// ratios of median wall times asked for with -ratio, and with -raw one line
// per run ("name run wall_us maxrss_kb").
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

type ratios []string

func (r *ratios) String() string     { return strings.Join(*r, ",") }
func (r *ratios) Set(s string) error { *r = append(*r, s); return nil }

type command struct {
	name string
	argv []string
	wall []time.Duration
	rss  []int64 // KiB
}

func main() {
	runs := flag.Int("runs", 30, "measured runs per command")
	warmup := flag.Int("warmup", 3, "unmeasured runs per command first")
	base := flag.String("base", "", "name of the command the others are compared to")
	raw := flag.String("raw", "", "file to write every run to")
	var rs ratios
	flag.Var(&rs, "ratio", "a/b: report the ratio of a's median wall time to b's (repeatable)")
	flag.Parse()
	var cmds []*command
	for _, a := range flag.Args() {
		name, line, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(line) == "" {
			fatalf("bad command %q: want name=command [args]", a)
		}
		cmds = append(cmds, &command{name: name, argv: strings.Fields(line)})
	}
	if len(cmds) == 0 {
		fatalf("no commands")
	}
	var rawOut bytes.Buffer
	for round := 0; round < *warmup+*runs; round++ {
		// Rotate the order every round: no command always runs first.
		for i := range cmds {
			c := cmds[(i+round)%len(cmds)]
			wall, rss := runOnce(c)
			if round >= *warmup {
				c.wall = append(c.wall, wall)
				c.rss = append(c.rss, rss)
				fmt.Fprintf(&rawOut, "%s %d %d %d\n", c.name, round-*warmup, wall.Microseconds(), rss)
			}
		}
	}
	if *raw != "" {
		if err := os.WriteFile(*raw, rawOut.Bytes(), 0o644); err != nil {
			fatalf("%v", err)
		}
	}
	var baseMedian time.Duration
	for _, c := range cmds {
		if c.name == *base {
			baseMedian = median(c.wall)
		}
	}
	fmt.Printf("| command | min | median | p90 | peak RSS (median) |")
	if baseMedian > 0 {
		fmt.Printf(" median / %s |", *base)
	}
	fmt.Printf("\n|---|---:|---:|---:|---:|")
	if baseMedian > 0 {
		fmt.Printf("---:|")
	}
	fmt.Println()
	for _, c := range cmds {
		w := slices.Clone(c.wall)
		slices.Sort(w)
		r := slices.Clone(c.rss)
		slices.Sort(r)
		fmt.Printf("| %s | %s | %s | %s | %.1f MiB |", c.name, ms(w[0]), ms(w[len(w)/2]), ms(w[len(w)*9/10]), float64(r[len(r)/2])/1024)
		if baseMedian > 0 {
			fmt.Printf(" %.2fx |", float64(w[len(w)/2])/float64(baseMedian))
		}
		fmt.Println()
	}
	if len(rs) == 0 {
		return
	}
	medians := map[string]time.Duration{}
	mins := map[string]time.Duration{}
	for _, c := range cmds {
		medians[c.name] = median(c.wall)
		mins[c.name] = slices.Min(c.wall)
	}
	fmt.Println()
	fmt.Println("| ratio of wall times | of medians | of minimums |")
	fmt.Println("|---|---:|---:|")
	for _, spec := range rs {
		a, b, _ := strings.Cut(spec, "/")
		ma, okA := medians[a]
		mb, okB := medians[b]
		if !okA || !okB || mb == 0 {
			continue // a peer that is not installed
		}
		fmt.Printf("| %s / %s | %.2fx | %.2fx |\n", a, b, float64(ma)/float64(mb), float64(mins[a])/float64(mins[b]))
	}
}

func runOnce(c *command) (time.Duration, int64) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil || out.Len() == 0 {
		fatalf("%s: %v (stdout %d bytes)\n%s", c.name, err, out.Len(), errb.String())
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(ru.Maxrss)
	}
	return wall, rss
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "procbench: "+format+"\n", args...)
	os.Exit(1)
}
