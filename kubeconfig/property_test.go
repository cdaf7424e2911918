package kubeconfig

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Strings chosen to break naive YAML/JSON handling: type look-alikes, YAML
// indicators, YAML 1.1 booleans (which kubectl's YAML reader still treats
// as booleans), whitespace, non-ASCII, empty.
var hostile = []string{"true", "yes", "on", "No", "null", "~", "123", "0x1F", "1e3", "1_000", ".inf", "12:30",
	"a: b", "#x", "- item", "[x]", "{y}", "&a", "*a", "!tag", "%p", "@at", "`bt`", "'q'", `"dq"`, " lead", "trail ",
	"multi\nline", "tab\there", "ü-ñ-日本", "", "-", "--cluster-name", "arn:aws:eks:us-east-1:111122223333:cluster/x",
	"C:\\path\\aws.exe", "=", "a=b", "|", ">"}

type gen struct{ r *rand.Rand }

func (g gen) str() string {
	if g.r.Intn(3) == 0 {
		return hostile[g.r.Intn(len(hostile))]
	}
	return fmt.Sprintf("v%d", g.r.Intn(1000))
}

func (g gen) name(pool []string) string {
	if g.r.Intn(3) == 0 {
		return pool[g.r.Intn(len(pool))]
	}
	return g.str()
}

// value returns a random scalar or nested value node.
func (g gen) value(depth int) *yaml.Node {
	switch k := g.r.Intn(8); {
	case k < 3 || depth > 2:
		n := str(g.str())
		return g.comment(n)
	case k == 3:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(g.r.Intn(100000) - 50)}
	case k == 4:
		return boolNode(g.r.Intn(2) == 0)
	case k == 5:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case k == 6:
		l := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := g.r.Intn(4); i > 0; i-- {
			l.Content = append(l.Content, g.value(depth+1))
		}
		return l
	default:
		return g.mapping(depth + 1)
	}
}

func (g gen) mapping(depth int) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	seen := map[string]bool{}
	for i := g.r.Intn(4); i > 0; i-- {
		k := g.str()
		if seen[k] {
			continue
		}
		seen[k] = true
		m.Content = append(m.Content, g.head(str(k)), g.value(depth))
	}
	return m
}

var commentN int

// comment attaches a unique comment sometimes, so the test can find it.
func (g gen) comment(n *yaml.Node) *yaml.Node {
	if g.r.Intn(6) == 0 {
		commentN++
		if g.r.Intn(2) == 0 {
			n.HeadComment = fmt.Sprintf("# head-%d", commentN)
		} else {
			n.LineComment = fmt.Sprintf("# line-%d", commentN)
		}
	}
	return n
}

// head attaches a unique head comment sometimes (a line comment on a key
// is a layout the parser never produces for block values).
func (g gen) head(n *yaml.Node) *yaml.Node {
	if g.r.Intn(6) == 0 {
		commentN++
		n.HeadComment = fmt.Sprintf("# head-%d", commentN)
	}
	return n
}

var (
	clusterPool = []string{"ekstoken-c1-us-east-1", "arn:aws:eks:us-east-1:111122223333:cluster/c1", "prod"}
	userPool    = []string{"ekstoken-c1-us-east-1", "prod"}
)

func (g gen) exec() *yaml.Node {
	var cmd string
	var args []string
	switch g.r.Intn(5) {
	case 0:
		cmd, args = "atmos", []string{"aws", "eks", "token", "--cluster-name", g.str(), "--region", "us-east-1", "--identity=" + g.str()}
	case 1:
		cmd, args = "/usr/bin/aws", []string{"--region", "eu-west-1", "eks", "get-token", "--cluster-name", g.str(), "--output", "json"}
	case 2:
		cmd, args = "aws-iam-authenticator", []string{"token", "-i", g.str()}
	case 3:
		cmd, args = "aws", []string{"eks", "get-token", "--cluster-name", g.str(), "--" + g.str()}
	default:
		cmd, args = g.str(), []string{g.str()}
	}
	g.r.Shuffle(len(args), func(i, j int) {
		if !strings.HasPrefix(args[i], "-") && !strings.HasPrefix(args[j], "-") {
			args[i], args[j] = args[j], args[i]
		}
	})
	x := Exec{APIVersion: ExecAPIVersion, Command: cmd, Args: args}
	if g.r.Intn(2) == 0 {
		x.Env = []EnvVar{{"AWS_PROFILE", g.str()}}
	}
	n := execNode(&x)
	if g.r.Intn(2) == 0 {
		n.Content = append(n.Content, str("installHint"), g.comment(str(g.str())))
	}
	return n
}

// kubeconfig returns a random kubeconfig node tree.
func (g gen) kubeconfig() *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) { root.Content = append(root.Content, g.head(str(k)), v) }
	list := func(n int, item func() *yaml.Node) *yaml.Node {
		l := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for ; n > 0; n-- {
			l.Content = append(l.Content, item())
		}
		return l
	}
	add("apiVersion", str("v1"))
	if g.r.Intn(8) > 0 {
		add("clusters", list(g.r.Intn(8), func() *yaml.Node {
			body := g.mapping(1)
			mapSet(body, "server", str("https://"+g.str()))
			return g.comment(mapping("cluster", body, "name", g.comment(str(g.name(clusterPool)))))
		}))
	}
	if g.r.Intn(8) > 0 {
		add("users", list(g.r.Intn(8), func() *yaml.Node {
			body := g.mapping(1)
			if g.r.Intn(3) > 0 {
				mapSet(body, "exec", g.exec())
			}
			return mapping("name", g.comment(str(g.name(userPool))), "user", body)
		}))
	}
	if g.r.Intn(8) > 0 {
		add("contexts", list(g.r.Intn(8), func() *yaml.Node {
			return mapping("context", mapping("cluster", str(g.str()), "user", str(g.str())), "name", str(g.name([]string{"c1", "prod"})))
		}))
	}
	for i := g.r.Intn(3); i > 0; i-- {
		add("x-"+g.str(), g.value(1))
	}
	add("kind", str("Config"))
	if g.r.Intn(2) == 0 {
		add("current-context", str(g.str()))
	}
	return root
}

func comments(n *yaml.Node, out *[]string) {
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		for _, l := range strings.Split(c, "\n") {
			if l != "" {
				*out = append(*out, strings.TrimSpace(l))
			}
		}
	}
	for _, ch := range n.Content {
		comments(ch, out)
	}
}

// byName splits a kubeconfig value into its entries: "clusters/NAME#i" etc.
// for list items, and the top-level keys.
func byName(v any) map[string]any {
	out := map[string]any{}
	m, _ := v.(map[string]any)
	for k, val := range m {
		l, isList := val.([]any)
		if k != "clusters" && k != "users" && k != "contexts" || !isList {
			out[k] = val
			continue
		}
		count := map[string]int{}
		for _, it := range l {
			name := fmt.Sprint(it.(map[string]any)["name"])
			out[fmt.Sprintf("%s/%s#%d", k, name, count[name])] = it
			count[name]++
		}
	}
	return out
}

// TestPropertyUntargetedUnchanged: for random kubeconfigs (YAML or JSON,
// comments, unknown fields, hostile strings, colliding names), after Apply
// in every mode or after Migrate, every entry not targeted means exactly
// what it meant before, and every comment is still in the file.
func TestPropertyUntargetedUnchanged(t *testing.T) {
	g := gen{rand.New(rand.NewSource(20261204))}
	iterations := 400
	if testing.Short() {
		iterations = 50
	}
	dir := t.TempDir()
	for i := 0; i < iterations; i++ {
		root := g.kubeconfig()
		doc := &Config{doc: &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}, root: root, indent: 2, compactSeq: g.r.Intn(2) == 0}
		if g.r.Intn(4) == 0 {
			doc.format, doc.jsonIndent, doc.newline = JSON, []string{"", "  ", "    ", "\t"}[g.r.Intn(4)], true
		}
		src, err := doc.Marshal()
		if err != nil {
			t.Fatalf("case %d: marshal: %v", i, err)
		}
		path := filepath.Join(dir, fmt.Sprintf("config-%d", i))
		os.WriteFile(path, src, 0o600)
		var wantComments []string
		if doc.format == YAML {
			parsed, err := Parse(src)
			if err != nil {
				t.Fatalf("case %d: generated file does not parse: %v\n%s", i, err, src)
			}
			comments(parsed.doc, &wantComments)
		}

		e := NewEntry(Invocation{ClusterName: "c1", Region: "us-east-1", Identity: g.str()}, "", []string{"", "c1", "prod"}[g.r.Intn(3)],
			"https://x.example", "Y2E=", "ekstoken", InteractiveNever)
		targeted := map[string]bool{"clusters/" + e.ClusterKey: true, "users/" + e.UserName: true, "contexts/" + e.ContextName: true, "current-context": true}
		op := g.r.Intn(4)
		var rep MigrateReport
		res, err := Edit(path, EditOptions{}, func(c *Config) error {
			if op == 3 {
				rep, err = c.Migrate("ekstoken")
				return err
			}
			return c.Apply(&e, []Mode{ModeMerge, ModeReplace, ModeError}[op], true)
		})
		if op == 3 {
			targeted = map[string]bool{}
			for _, m := range rep.Migrated {
				targeted["users/"+m.User] = true
			}
		}
		after, _ := os.ReadFile(path)
		if err != nil {
			if string(after) != string(src) {
				t.Fatalf("case %d: failed edit (%v) changed the file", i, err)
			}
			continue
		}
		b, a := byName(mustValue(t, src)), byName(mustValue(t, after))
		for k, bv := range b {
			if i := strings.LastIndex(k, "#"); i >= 0 && targeted[k[:i]] || targeted[k] {
				continue
			}
			if !reflect.DeepEqual(bv, a[k]) {
				t.Fatalf("case %d (op %d): untargeted %s changed\nbefore: %#v\nafter:  %#v\n--- file before:\n%s\n--- after:\n%s", i, op, k, bv, a[k], src, after)
			}
		}
		for _, c := range wantComments {
			if !strings.Contains(string(after), c) {
				t.Fatalf("case %d: comment %q lost\n--- before:\n%s\n--- after:\n%s", i, c, src, after)
			}
		}
		if i%20 == 0 && res.Changed { // the real reader agrees, when it accepted the input
			orig := path + ".orig"
			os.WriteFile(orig, src, 0o600)
			if _, err := kubectlTry(orig); err == nil {
				v := kubectlView(t, path)
				if op < 3 && kubectlNamed(v, "users", e.UserName) == nil {
					t.Fatalf("case %d: kubectl does not see user %q", i, e.UserName)
				}
			}
		}
	}
}
