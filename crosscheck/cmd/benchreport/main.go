// Command benchreport turns rounds of `go test -bench` output into the
// library tables of BENCHMARKS.md (scripts/bench.sh). Each file argument
// is one round: every benchmark ran once in it, one after another, so
// ratios computed within a round compare runs made under the same machine
// load. For each benchmark it prints the median and minimum ns/op over the
// rounds with B/op and allocs/op; for each ratio "a/b" given with -ratio
// the median and range of a's ns/op over b's, round by round.
//
//	benchreport -ratio 'ekstoken/floor' -ratio ... round-1.txt round-2.txt ...
//
// Benchmark names are shortened: "BenchmarkMint/ekstoken-2" is
// "ekstoken", "BenchmarkFloorColdKey-2" is "FloorColdKey".
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

type result struct{ ns, bytes, allocs float64 }

type ratios []string

func (r *ratios) String() string     { return strings.Join(*r, ",") }
func (r *ratios) Set(s string) error { *r = append(*r, s); return nil }

func shortName(s string) string {
	s = strings.TrimPrefix(s, "Benchmark")
	if i := strings.LastIndexByte(s, '-'); i > 0 {
		if _, err := strconv.Atoi(s[i+1:]); err == nil {
			s = s[:i]
		}
	}
	if _, after, ok := strings.Cut(s, "/"); ok && strings.HasPrefix(s, "Mint/") {
		s = after
	}
	return s
}

func parse(path string) (map[string]result, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	out := map[string]result{}
	var order []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		var r result
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				r.ns = v
			case "B/op":
				r.bytes = v
			case "allocs/op":
				r.allocs = v
			}
		}
		name := shortName(fields[0])
		if _, seen := out[name]; !seen {
			order = append(order, name)
		}
		out[name] = r
	}
	return out, order, sc.Err()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func human(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func main() {
	var rs ratios
	flag.Var(&rs, "ratio", "a/b: report a's ns/op over b's per round (repeatable)")
	flag.Parse()
	var rounds []map[string]result
	var order []string
	for _, p := range flag.Args() {
		r, o, err := parse(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		rounds = append(rounds, r)
		for _, n := range o {
			if !slices.Contains(order, n) {
				order = append(order, n)
			}
		}
	}
	if len(rounds) == 0 {
		fmt.Fprintln(os.Stderr, "benchreport: no rounds")
		os.Exit(1)
	}
	fmt.Printf("%d rounds.\n\n", len(rounds))
	fmt.Println("| benchmark | median ns/op | min ns/op | B/op | allocs/op |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, n := range order {
		var ns []float64
		var last result
		for _, r := range rounds {
			if v, ok := r[n]; ok {
				ns = append(ns, v.ns)
				last = v
			}
		}
		fmt.Printf("| %s | %s | %s | %.0f | %.0f |\n", n, human(median(ns)), human(slices.Min(ns)), last.bytes, last.allocs)
	}
	if len(rs) == 0 {
		return
	}
	fmt.Println()
	fmt.Println("| ratio (ns/op, same round) | median | range |")
	fmt.Println("|---|---:|---:|")
	for _, spec := range rs {
		a, b, ok := strings.Cut(spec, "/")
		if !ok {
			fmt.Fprintf(os.Stderr, "benchreport: bad ratio %q\n", spec)
			os.Exit(1)
		}
		var v []float64
		for _, r := range rounds {
			x, okA := r[a]
			y, okB := r[b]
			if okA && okB && y.ns > 0 {
				v = append(v, x.ns/y.ns)
			}
		}
		if len(v) == 0 {
			fmt.Printf("| %s / %s | n/a | n/a |\n", a, b)
			continue
		}
		fmt.Printf("| %s / %s | %.2fx | %.2fx – %.2fx |\n", a, b, median(v), slices.Min(v), slices.Max(v))
	}
}
