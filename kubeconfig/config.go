package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Format is the serialisation a kubeconfig file uses.
type Format int

const (
	// YAML is the form kubectl writes.
	YAML Format = iota
	// JSON is kept as JSON: a file that starts with '{' is written back as JSON.
	JSON
)

func (f Format) String() string {
	if f == JSON {
		return "json"
	}
	return "yaml"
}

// Config is a parsed kubeconfig: the YAML node tree plus what is needed to
// write it back in the same style. The zero value is not usable; use Parse.
type Config struct {
	doc    *yaml.Node // DocumentNode
	root   *yaml.Node // MappingNode, doc.Content[0]
	format Format

	// Style of the original file, reproduced on output.
	indent     int    // YAML: spaces per level
	compactSeq bool   // YAML: "- " counts as indentation (kubectl's style)
	jsonIndent string // JSON: indentation unit; "" means one line
	newline    bool   // JSON: file ends with a newline
	crlf       bool   // lines end in CR LF (a file edited on Windows)
	bom        bool   // the file starts with a UTF-8 byte order mark
}

var utf8BOM = []byte("\xef\xbb\xbf")

// Parse parses a kubeconfig. Empty input (or only blanks and comments) is
// an empty kubeconfig; comments are kept. The top level must be a mapping.
func Parse(data []byte) (*Config, error) {
	c := &Config{format: YAML, indent: 2, compactSeq: true, newline: true}
	if bytes.HasPrefix(data, utf8BOM) {
		c.bom, data = true, data[len(utf8BOM):]
	}
	if n := bytes.Count(data, []byte("\n")); n > 0 && bytes.Count(data, []byte("\r\n")) == n {
		// YAML reads every line break as LF anyway; the parser places
		// comments wrongly around CR LF, so parse the LF form.
		c.crlf, data = true, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		c.format = JSON
		c.jsonIndent = detectJSONIndent(data)
		c.newline = bytes.HasSuffix(data, []byte("\n"))
	} else {
		c.indent, c.compactSeq = detectYAMLStyle(data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("malformed %s: %w", c.format, err)
	}
	switch {
	case doc.Kind == 0:
		// Empty input: a new document. yaml.v3 drops a comment-only
		// document, so keep the original text as its head comment.
		doc = yaml.Node{Kind: yaml.DocumentNode}
		if comment := string(bytes.TrimSpace(data)); comment != "" {
			doc.HeadComment = comment
		}
	case doc.Kind != yaml.DocumentNode:
		return nil, errors.New("malformed yaml: not a document")
	}
	if len(doc.Content) == 0 {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		*root = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: root.HeadComment, LineComment: root.LineComment, FootComment: root.FootComment}
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a kubeconfig: the top level is a %s, not a mapping", kindName(root))
	}
	c.doc, c.root = &doc, root
	return c, nil
}

// Format reports whether the file is YAML or JSON.
func (c *Config) Format() Format { return c.format }

// Marshal serialises the config in its original format and style,
// including CR LF line ends and a byte order mark when the file had them.
func (c *Config) Marshal() ([]byte, error) {
	out, err := c.marshal()
	if err != nil {
		return nil, err
	}
	if c.crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	if c.bom {
		out = append(append([]byte(nil), utf8BOM...), out...)
	}
	return out, nil
}

func (c *Config) marshal() ([]byte, error) {
	if c.format == JSON {
		var b bytes.Buffer
		if err := writeJSON(&b, c.root, c.jsonIndent, 0); err != nil {
			return nil, err
		}
		if c.newline {
			b.WriteByte('\n')
		}
		return b.Bytes(), nil
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(c.indent)
	if c.compactSeq {
		enc.CompactSeqIndent()
	}
	if err := enc.Encode(c.doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// marshalChecked is Marshal plus a check that the bytes read back as the
// same kubeconfig (value want) and keep every comment line of comments (the
// comments of the file as read). go.yaml.in/yaml/v3's emitter can misplace
// or drop a comment in rare layouts (a line comment after a key whose value
// is an empty flow collection on the next line); such comments are
// appended at the end of the file rather than lost. A file whose meaning
// would change is never written.
func (c *Config) marshalChecked(want any, comments []string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		out, err := c.Marshal()
		if err != nil {
			return nil, err
		}
		back, err := Parse(out)
		if err != nil {
			return nil, fmt.Errorf("internal error: the edited kubeconfig does not parse back (%v); nothing written", err)
		}
		got, err := back.Value()
		if err != nil || !sameValue(got, want) {
			return nil, errors.New("internal error: re-encoding would change the kubeconfig's meaning; nothing written")
		}
		if c.format == JSON {
			return out, nil
		}
		lost := missingLines(comments, commentLines(back.doc))
		if len(lost) == 0 {
			return out, nil
		}
		if attempt > 0 {
			return nil, fmt.Errorf("internal error: %d comment lines would be lost; nothing written", len(lost))
		}
		foot := "# ekstoken kept these comments, which it could not keep in place:\n" + strings.Join(lost, "\n")
		if c.doc.FootComment != "" {
			foot = c.doc.FootComment + "\n" + foot
		}
		c.doc.FootComment = foot
	}
}

// commentLines returns every comment line in the tree, trimmed.
func commentLines(n *yaml.Node) []string {
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, l := range strings.Split(c, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
			}
		}
		for _, ch := range n.Content {
			walk(ch)
		}
	}
	walk(n)
	return out
}

// missingLines returns the lines of want (a multiset) not in have.
func missingLines(want, have []string) []string {
	count := map[string]int{}
	for _, l := range have {
		count[l]++
	}
	var lost []string
	for _, l := range want {
		if count[l] > 0 {
			count[l]--
			continue
		}
		lost = append(lost, l)
	}
	return lost
}

// Value returns the config decoded into plain Go values (maps, slices,
// scalars): its meaning, without comments or style. Two configs with equal
// Values are the same kubeconfig to kubectl.
func (c *Config) Value() (any, error) { return nodeValue(c.root) }

func nodeValue(n *yaml.Node) (any, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// sameValue reports whether two node trees mean the same.
func sameValue(a, b any) bool { return reflect.DeepEqual(a, b) }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.DocumentNode:
		return "document"
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "empty node"
}

// detectYAMLStyle guesses the indentation width and whether sequences under
// a key are written flush ("key:\n- a", kubectl's style) or indented.
func detectYAMLStyle(data []byte) (indent int, compactSeq bool) {
	indent, compactSeq = 2, true
	foundIndent, foundSeq := false, false
	prevIndent := -1
	prevIsKey := false
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimLeft(line, " ")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		lead := len(line) - len(t)
		if prevIsKey && lead > prevIndent {
			if strings.HasPrefix(t, "- ") || t == "-" {
				if !foundSeq {
					compactSeq, foundSeq = false, true
				}
			} else if !foundIndent {
				indent, foundIndent = lead-prevIndent, true
			}
		} else if prevIsKey && lead == prevIndent && (strings.HasPrefix(t, "- ") || t == "-") && !foundSeq {
			compactSeq, foundSeq = true, true
		}
		if foundIndent && foundSeq {
			break
		}
		body := strings.TrimPrefix(t, "- ")
		prevIsKey = strings.HasSuffix(strings.TrimRight(body, " "), ":") && !strings.HasPrefix(t, "- ")
		prevIndent = lead
	}
	if indent < 2 || indent > 9 {
		indent = 2
	}
	return indent, compactSeq
}

// detectJSONIndent returns the indentation unit of a JSON document: the
// leading white space of the first indented line, or "" for one-line JSON.
func detectJSONIndent(data []byte) string {
	lines := strings.Split(string(data), "\n")
	for _, line := range lines[1:] {
		t := strings.TrimLeft(line, " \t")
		if t == "" {
			continue
		}
		if lead := line[:len(line)-len(t)]; lead != "" {
			return lead
		}
	}
	if len(bytes.TrimSpace(data)) > 0 && bytes.Count(bytes.TrimSpace(data), []byte("\n")) > 0 {
		return "  "
	}
	return ""
}
