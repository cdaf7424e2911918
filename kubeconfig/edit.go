package kubeconfig

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Mode says what to do when a named entry already exists.
type Mode string

const (
	ModeMerge   Mode = "merge"   // update the managed fields, keep the rest (default)
	ModeReplace Mode = "replace" // replace the named entries wholesale
	ModeError   Mode = "error"   // refuse when any named entry exists
)

// ParseMode parses merge|replace|error; "" is merge.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", ModeMerge:
		return ModeMerge, nil
	case ModeReplace, ModeError:
		return Mode(s), nil
	}
	return "", fmt.Errorf("mode %q is not merge, replace or error", s)
}

// The three named lists of a kubeconfig and the key of each item's body.
var sections = [...]struct{ list, body string }{
	{"clusters", "cluster"},
	{"users", "user"},
	{"contexts", "context"},
}

// Apply writes e into the config: one cluster, one user and one context,
// and current-context unless setCurrent is false. See the package doc for
// the modes. Nothing outside the named entries is changed.
func (c *Config) Apply(e *Entry, mode Mode, setCurrent bool) error {
	if err := e.Validate(); err != nil {
		return err
	}
	c.skeleton()
	names := [3]string{e.ClusterKey, e.UserName, e.ContextName}
	bodies := [3]*yaml.Node{clusterBody(e), userBody(e), contextBody(e)}

	// Look everything up first, so that an error leaves the tree untouched.
	var lists [3]*yaml.Node
	var found [3]*yaml.Node
	for i, s := range sections {
		list, err := c.list(s.list)
		if err != nil {
			return err
		}
		lists[i] = list
		if list == nil {
			continue
		}
		items := findNamed(list, names[i])
		if len(items) > 1 {
			return fmt.Errorf("kubeconfig has %d %s named %q; kubectl rejects that, fix it first", len(items), s.list, names[i])
		}
		if len(items) == 1 {
			found[i] = items[0]
			if mode == ModeError {
				return fmt.Errorf("%s entry %q already exists (mode error)", s.body, names[i])
			}
		}
	}
	for i, s := range sections {
		if lists[i] == nil {
			lists[i] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			c.setKey(s.list, lists[i])
		}
		item := found[i]
		if item == nil {
			if l := lists[i]; l.Style&yaml.FlowStyle != 0 && c.format == YAML {
				// "users: [] # note" grows into a block list; its
				// comment stays on the key's line.
				l.Style &^= yaml.FlowStyle
				if k := mapKey(c.root, s.list); k != nil && k.LineComment == "" {
					k.LineComment, l.LineComment = l.LineComment, ""
				}
			}
			lists[i].Content = append(lists[i].Content, namedItem(names[i], s.body, bodies[i], nameFirst(lists[i])))
			continue
		}
		if mode == ModeReplace {
			replaceItem(item, namedItem(names[i], s.body, bodies[i], nameFirst(lists[i])))
			continue
		}
		mergeBody(item, s.body, bodies[i])
	}
	if setCurrent {
		mapSetIfDifferent(c.root, "current-context", str(e.ContextName))
	}
	return nil
}

// skeleton fills an empty top level with the keys kubectl writes, in its order.
func (c *Config) skeleton() {
	if len(c.root.Content) > 0 {
		return
	}
	c.root.Style = 0
	c.root.Content = mapping(
		"apiVersion", str("v1"),
		"clusters", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"},
		"contexts", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"},
		"current-context", str(""),
		"kind", str("Config"),
		"preferences", &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle},
		"users", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"},
	).Content
}

// list returns the top-level sequence named key; nil when absent or null.
func (c *Config) list(key string) (*yaml.Node, error) {
	v := mapGet(c.root, key)
	if v == nil || (v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null") {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("not a kubeconfig: %s is a %s, not a list", key, kindName(v))
	}
	return v, nil
}

// setKey sets a top-level key, keeping the comments of a value it replaces.
func (c *Config) setKey(key string, v *yaml.Node) { mapSet(c.root, key, v) }

// findNamed returns the items of a named list whose name is name.
func findNamed(list *yaml.Node, name string) []*yaml.Node {
	var out []*yaml.Node
	for _, it := range list.Content {
		if it.Kind != yaml.MappingNode {
			continue
		}
		if n := mapGet(it, "name"); n != nil && n.Kind == yaml.ScalarNode && n.Value == name {
			out = append(out, it)
		}
	}
	return out
}

// mergeBody updates item's body (item.cluster/user/context) with the keys of
// want, keeping every other key, and drops the keys kubectl refuses next to
// the ones we set.
func mergeBody(item *yaml.Node, body string, want *yaml.Node) {
	have := mapGet(item, body)
	if have == nil || have.Kind != yaml.MappingNode {
		mapSet(item, body, want)
		return
	}
	for i := 0; i+1 < len(want.Content); i += 2 {
		key, w := want.Content[i].Value, want.Content[i+1]
		if h := mapGet(have, key); body == "user" && key == "exec" && h != nil && h.Kind == yaml.MappingNode {
			// The exec fields we write are replaced; env, installHint
			// and anything unknown in the user's exec stay.
			for j := 0; j+1 < len(w.Content); j += 2 {
				mapSetIfDifferent(h, w.Content[j].Value, w.Content[j+1])
			}
			continue
		}
		mapSetIfDifferent(have, key, w)
	}
	switch body {
	case "cluster":
		// client-go: "certificate-authority-data and certificate-authority
		// are both specified"; a CA with insecure-skip-tls-verify is refused.
		mapDelete(have, "certificate-authority")
		mapDelete(have, "insecure-skip-tls-verify")
	case "user":
		// client-go: "authProvider cannot be provided in combination with an exec plugin".
		mapDelete(have, "auth-provider")
	}
}

// replaceItem replaces an item's content, keeping the comments around it.
func replaceItem(item, with *yaml.Node) {
	keepComments(item, with)
	*item = *with
}

// keepComments carries the comments of old, a node being replaced by new,
// over to new: old's own comments onto new, and every comment inside old
// (which has no counterpart in new) after new's last child, in order. A
// comment is never dropped, only moved.
func keepComments(old, new *yaml.Node) {
	new.HeadComment, new.LineComment, new.FootComment = old.HeadComment, old.LineComment, old.FootComment
	var inner []string
	var collect func(n *yaml.Node)
	collect = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment} {
			if c != "" {
				inner = append(inner, c)
			}
		}
		for _, ch := range n.Content {
			collect(ch)
		}
		if n.FootComment != "" {
			inner = append(inner, n.FootComment)
		}
	}
	for _, ch := range old.Content {
		collect(ch)
	}
	if len(inner) == 0 {
		return
	}
	target := new
	if len(new.Content) > 0 {
		target = new.Content[len(new.Content)-1]
	}
	if target.FootComment != "" {
		inner = append([]string{target.FootComment}, inner...)
	}
	target.FootComment = strings.Join(inner, "\n")
}

// namedItem builds {body: b, name: name}. Keys go in kubectl's
// (alphabetical) order — cluster/context before name, name before user —
// unless the list's first item puts name first, whose order is then kept.
func namedItem(name, body string, b *yaml.Node, nameFirst bool) *yaml.Node {
	if body == "user" || nameFirst {
		return mapping("name", str(name), body, b)
	}
	return mapping(body, b, "name", str(name))
}

// nameFirst reports whether the first item of list starts with "name".
func nameFirst(list *yaml.Node) bool {
	for _, it := range list.Content {
		if it.Kind == yaml.MappingNode && len(it.Content) > 0 {
			return it.Content[0].Value == "name"
		}
	}
	return false
}

func clusterBody(e *Entry) *yaml.Node {
	return mapping(
		"certificate-authority-data", str(e.CertificateAuthorityData),
		"server", str(e.Server),
	)
}

func contextBody(e *Entry) *yaml.Node {
	return mapping("cluster", str(e.ClusterKey), "user", str(e.UserName))
}

func userBody(e *Entry) *yaml.Node { return mapping("exec", execNode(&e.Exec)) }

func execNode(x *Exec) *yaml.Node {
	args := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, a := range x.Args {
		args.Content = append(args.Content, str(a))
	}
	kv := []any{"apiVersion", str(x.APIVersion), "args", args, "command", str(x.Command)}
	if len(x.Env) > 0 {
		kv = append(kv, "env", envNode(x.Env))
	}
	if x.InteractiveMode != "" {
		kv = append(kv, "interactiveMode", str(x.InteractiveMode))
	}
	kv = append(kv, "provideClusterInfo", boolNode(x.ProvideClusterInfo))
	return mapping(kv...)
}

func envNode(env []EnvVar) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, e := range env {
		n.Content = append(n.Content, mapping("name", str(e.Name), "value", str(e.Value)))
	}
	return n
}

// mapping builds a mapping node from key, value pairs (value: *yaml.Node).
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

// str is a string scalar; the encoder quotes it when it would otherwise
// read back as another type ("true", "123", "null").
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func boolNode(b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v}
}

// mapKey returns the key node of key in m.
func mapKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapSet sets key to v, in place when the key exists (keeping its position
// and the old value's comments), else appended.
func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			keepComments(m.Content[i+1], v)
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, str(key), v)
}

// mapSetIfDifferent is mapSet, except that a value meaning the same is left
// as written (its quoting and comments).
func mapSetIfDifferent(m *yaml.Node, key string, v *yaml.Node) {
	if old := mapGet(m, key); old != nil {
		a, errA := nodeValue(old)
		b, errB := nodeValue(v)
		if errA == nil && errB == nil && sameValue(a, b) {
			return
		}
	}
	mapSet(m, key, v)
}

func mapDelete(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
