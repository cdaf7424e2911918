package kubeconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// writeJSON writes the node tree n as JSON, keeping mapping key order (which
// encoding/json on a map would lose). indent "" writes one line, like
// json.Marshal; otherwise it is the unit per level, like json.MarshalIndent.
func writeJSON(b *bytes.Buffer, n *yaml.Node, indent string, level int) error {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	nl := func(l int) {
		if indent != "" {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(indent, l))
		}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			b.WriteString("null")
			return nil
		}
		return writeJSON(b, n.Content[0], indent, level)
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(level + 1)
			k := n.Content[i]
			for k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("json: mapping key at line %d is not a scalar", k.Line)
			}
			writeJSONString(b, k.Value)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			if err := writeJSON(b, n.Content[i+1], indent, level+1); err != nil {
				return err
			}
		}
		nl(level)
		b.WriteByte('}')
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			nl(level + 1)
			if err := writeJSON(b, c, indent, level+1); err != nil {
				return err
			}
		}
		nl(level)
		b.WriteByte(']')
	case yaml.ScalarNode:
		writeJSONScalar(b, n)
	default:
		b.WriteString("null")
	}
	return nil
}

func writeJSONScalar(b *bytes.Buffer, n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
		return
	case "!!bool":
		if v, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			b.WriteString(strconv.FormatBool(v))
			return
		}
	case "!!int", "!!float":
		// JSON numbers pass through as written; YAML-only spellings
		// (0x1F, .inf, 1_000) become strings rather than invalid JSON.
		if json.Valid([]byte(n.Value)) && n.Value != "" && (n.Value[0] == '-' || (n.Value[0] >= '0' && n.Value[0] <= '9')) {
			b.WriteString(n.Value)
			return
		}
	}
	writeJSONString(b, n.Value)
}

func writeJSONString(b *bytes.Buffer, s string) {
	var sb bytes.Buffer
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(sb.Bytes(), []byte("\n")))
}
