package creds

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/ini.v1"
)

// This file is the INI layer: one profile file (config or credentials) in,
// its sections in file order out, with the cross-SDK profile-file rules
// (smithy-rs profile-parser-tests.json, the "SEP" suite) applied to the
// syntax. Section *meaning* (profile prefixes, [default], sso-session,
// services, which file wins) is profiles.go's job.
//
// The parsing is done by gopkg.in/ini.v1 after a line-level pre-pass. ini.v1
// alone cannot express these rules, so the pre-pass does them and hands
// ini.v1 canonical lines (section headers "[name]", properties "key=value",
// continuation lines " text"):
//
//   - errors: the SEP (and the AWS CLI) reject a property or continuation
//     before any section, a continuation with no property to continue, a
//     property without a separator or name, an unterminated "[", and
//     sub-property lines without "=" or a name. ini.v1 silently files the
//     first under its DEFAULT section and skips or misreads the others.
//   - inline comments: a value ends at the first "#" or ";" preceded by
//     whitespace ("v # c" → "v", "v#c" → "v#c"). ini.v1's own rule skips
//     comment characters inside a value that starts with a quote, so it runs
//     with IgnoreInlineComment and the pre-pass cuts the comment. Continuation
//     lines keep comment characters (SEP "Continuation values include ...").
//   - quoting: AWS values have no quoting. ini.v1 treats values starting
//     with ` or """ as quoted (possibly multi-line) strings and keys starting
//     with " or ` as quoted keys. The pre-pass prefixes every non-empty value
//     with valueMark, which the reader strips again, so ini.v1 never sees a
//     value starting with a quote; property names containing quotes or
//     whitespace are invalid (SEP) and dropped with their continuation lines.
//   - surrounding quotes: a single-line value wrapped in one pair of "..." or
//     '...' loses them (aws-sdk-go-v2's legacyStrconv): region = "us-west-2"
//     is us-west-2. The AWS CLI and the SEP keep the quotes, which no AWS
//     service accepts — an unusable literal — so we follow Go here (README).
//     ini.v1 has the same rule (PreserveSurroundedQuote: false) but skips
//     continuation lines after a quoted value, so cleanValue does it.
//   - blank lines are dropped: inside a sub-property block ini.v1 would end
//     the multi-line value at an empty line and read the next indented line
//     as a new key.
//   - section headers are trimmed and "profile  x" / "profile\tx" read as
//     "profile x"; the pre-pass cuts the file into one chunk per section
//     occurrence, and all chunks of one section (duplicates included, in
//     file order) are handed to ini.v1 together under a single header, so
//     later keys win as in the SEP. Only the sections a resolution uses are
//     parsed (Profiles is lazy): the pre-pass checks the whole file, ini.v1
//     sees one or two profiles.
//   - ":" is accepted as a separator like "=" (the AWS CLI's configparser
//     and aws-sdk-go-v2 do; the SEP rejects "key : value"). Where a line has
//     both, the first one splits it, as in configparser.
//   - an indented "key = value" right after a section header is a property
//     (configparser, aws-sdk-go-v2); an indented line after a property is a
//     continuation; indented comment lines are comments.
//
// ini.v1 then does the rest: key/value splitting, case-insensitive
// (lower-cased) keys, last-duplicate-wins, and the Python-style continuation
// lines (AllowPythonMultilineValues) that carry multi-line values and
// sub-properties ("s3 =\n  k = v").

// valueMark is put before every non-empty value handed to ini.v1 and removed
// when reading it back; see above.
const valueMark = '\x01'

// iniSection is one section of a profile file: its name as written (trimmed,
// prefix whitespace canonicalised) and its properties, keys lower-cased.
type iniSection struct {
	Name  string
	Props map[string]string
}

// iniChunk is one occurrence of a section in a file: its canonical name and
// its properties as canonical lines (no header). A file is scanned into
// chunks once; only the chunks a resolution needs are parsed by ini.v1
// (Profiles parses lazily), which keeps a 200-profile file cheap.
type iniChunk struct {
	section string
	raw     []byte // the lines after the header, up to the next header
	line    int    // line number of the header
}

// ParseError is a syntax error in a profile file. It quotes no value: only
// the file, the line number and what was expected.
type ParseError struct {
	File string // "" when parsing bytes not from a file
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Msg)
}

var iniOptions = ini.LoadOptions{
	InsensitiveKeys:            true,
	IgnoreContinuation:         true, // no backslash continuations in AWS files
	IgnoreInlineComment:        true, // done by the pre-pass
	AllowPythonMultilineValues: true, // switched off for bodies without continuation lines
	PreserveSurroundedQuote:    true, // values reach ini.v1 behind valueMark anyway
	KeyValueDelimiters:         "=",
	AllowShadows:               false,
}

// parseINI parses a whole profile file into its sections, duplicate
// sections merged, in order of first appearance.
func parseINI(name string, data []byte) ([]iniSection, error) {
	chunks, err := scanINI(name, data)
	if err != nil {
		return nil, err
	}
	var order []string
	bodies := map[string][]iniChunk{}
	for _, c := range chunks {
		if _, ok := bodies[c.section]; !ok {
			order = append(order, c.section)
		}
		bodies[c.section] = append(bodies[c.section], c)
	}
	out := make([]iniSection, 0, len(order))
	for _, n := range order {
		props, err := parseBodies(name, bodies[n])
		if err != nil {
			return nil, err
		}
		out = append(out, iniSection{Name: n, Props: props})
	}
	return out, nil
}

// parseBodies parses the chunks of one section (all its occurrences, in
// file order: later keys win) with ini.v1.
func parseBodies(name string, chunks []iniChunk) (map[string]string, error) {
	src := make([]byte, 0, 64)
	src = append(src, "[s]\n"...)
	for _, c := range chunks {
		body, err := lexINI(name, c.raw, c.line, true, true, nil)
		if err != nil {
			return nil, err // cannot happen: scanINI lexed the same lines
		}
		src = append(src, body...)
	}
	if len(src) == 4 {
		return map[string]string{}, nil
	}
	cont := bytes.Contains(src, []byte("\n "))
	opts := iniOptions
	opts.AllowPythonMultilineValues = cont
	f, err := ini.LoadSources(opts, src)
	if err != nil {
		// scanINI emits only lines ini.v1 parses (FuzzParseProfiles checks it).
		return nil, &ParseError{File: name, Msg: "unreadable INI: " + err.Error()}
	}
	sec, err := f.GetSection("s")
	if err != nil {
		return map[string]string{}, nil
	}
	keys := sec.Keys()
	props := make(map[string]string, len(keys))
	for _, k := range keys {
		props[k.Name()] = cleanValue(k.Value())
	}
	return props, nil
}

// cleanValue undoes valueMark and trims continuation lines: each line is
// trimmed, blank ones dropped, and they are joined with "\n" (SEP). A value
// whose first line is empty (a sub-property block) keeps its leading "\n".
func cleanValue(v string) string {
	if strings.IndexByte(v, '\n') < 0 {
		return unquote(strings.TrimPrefix(v, string(valueMark)))
	}
	lines := strings.Split(v, "\n")
	var b strings.Builder
	b.Grow(len(v))
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if i == 0 {
			b.WriteString(strings.TrimPrefix(l, string(valueMark)))
			continue
		}
		if l == "" {
			continue
		}
		b.WriteByte('\n')
		b.WriteString(l)
	}
	return b.String()
}

// unquote removes one pair of surrounding double or single quotes.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' }

// scanINI is the pre-pass described at the top of the file: it checks the
// whole file and cuts it into chunks, one per section occurrence. The
// canonical lines of a chunk are produced only when it is parsed.
func scanINI(name string, data []byte) ([]iniChunk, error) {
	chunks := make([]iniChunk, 0, bytes.Count(data, []byte{'['})+1)
	prevStart := 0
	_, err := lexINI(name, data, 0, false, false, func(sec string, headerStart, bodyStart, line int) {
		if n := len(chunks); n > 0 {
			chunks[n-1].raw = data[prevStart:headerStart]
		}
		prevStart = bodyStart
		chunks = append(chunks, iniChunk{section: sec, raw: data[bodyStart:], line: line})
	})
	if err != nil {
		return nil, err
	}
	return chunks, nil
}

// lexINI runs the line rules over data. With emit it returns the canonical
// lines; onSection (may be nil) is told of each section header: its
// canonical name, the offsets in data of its line and of the line after it,
// and its line number. Chunk bodies are lexed again with inSection set and emit on.
func lexINI(name string, data []byte, lineNo int, inSection, emit bool, onSection func(sec string, headerStart, bodyStart, line int)) ([]byte, error) {
	var out []byte
	if emit {
		out = make([]byte, 0, len(data)+8)
	}
	var (
		// inProperty: a property is open and may take continuation lines.
		inProperty bool
		// subProps: the open property had an empty value, so its
		// continuation lines are sub-properties ("k = v").
		subProps bool
		// dropping: the open property has an invalid name; its
		// continuation lines are dropped with it.
		dropping bool
	)
	perr := func(line int, msg string) error { return &ParseError{File: name, Line: line, Msg: msg} }
	pos := 0
	for pos < len(data) {
		lineNo++
		lineStart := pos
		var line []byte
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			line, pos = data[pos:pos+i], pos+i+1
		} else {
			line, pos = data[pos:], len(data)
		}
		trimmed := trimSpace(line)
		if len(trimmed) == 0 {
			continue // blank line
		}
		if trimmed[0] == '#' || trimmed[0] == ';' {
			// Full-line comment, indented or not. It does not end an open
			// property: continuation lines may follow a comment (configparser).
			continue
		}
		if isSpace(line[0]) && inProperty {
			// Continuation of the open property (comment characters included).
			if subProps {
				eq := bytes.IndexByte(trimmed, '=')
				if eq < 0 {
					return nil, perr(lineNo, "expected an '=' sign defining a sub-property")
				}
				if len(trimSpace(trimmed[:eq])) == 0 {
					return nil, perr(lineNo, "sub-property did not have a name")
				}
			}
			if emit && !dropping {
				out = append(out, ' ')
				out = append(out, trimmed...)
				out = append(out, '\n')
			}
			continue
		}
		if trimmed[0] == '[' {
			end := bytes.IndexByte(trimmed, ']')
			if end < 0 {
				return nil, perr(lineNo, "section definition must end with ']'")
			}
			// Text after ']' is a comment ("[profile foo] # c", "[x];c").
			if rest := trimSpace(trimmed[end+1:]); len(rest) > 0 && rest[0] != '#' && rest[0] != ';' {
				return nil, perr(lineNo, "expected a comment or end of line after ']'")
			}
			if onSection != nil {
				sec := canonicalSectionName(trimmed[1:end])
				if strings.ContainsAny(sec, "[]\x00") {
					return nil, perr(lineNo, "invalid section name")
				}
				onSection(sec, lineStart, pos, lineNo)
			}
			inSection, inProperty, subProps, dropping = true, false, false, false
			continue
		}
		if !inSection {
			return nil, perr(lineNo, "expected a profile definition before the first property")
		}
		sep := -1
		for i, c := range trimmed {
			if c == '=' || c == ':' {
				sep = i
				break
			}
		}
		if sep < 0 {
			if isSpace(line[0]) {
				return nil, perr(lineNo, "expected a property definition, found a continuation line")
			}
			return nil, perr(lineNo, "expected an '=' sign defining a property")
		}
		// An indented "key = value" with no property open (right after a
		// section header) is a property: the AWS CLI (configparser) and
		// aws-sdk-go-v2 read it so; the SEP has only the "continuation
		// without '='" error case, which stays an error above.
		key := trimSpace(trimmed[:sep])
		if len(key) == 0 {
			return nil, perr(lineNo, "property did not have a name")
		}
		raw := trimmed[sep+1:]
		value := trimSpace(raw)
		spaceBefore := len(raw) > 0 && isSpace(raw[0])
		inProperty = true
		if !emit {
			// Checking only: is the value empty (a sub-property block follows)?
			subProps = len(value) == 0 || spaceBefore && (value[0] == '#' || value[0] == ';')
			continue
		}
		value = stripInlineComment(value, spaceBefore)
		subProps = len(value) == 0
		dropping = !validPropertyName(key)
		if dropping {
			continue
		}
		out = append(out, key...)
		out = append(out, '=')
		if len(value) > 0 {
			out = append(out, valueMark)
			out = append(out, value...)
		}
		out = append(out, '\n')
	}
	return out, nil
}

// trimSpace trims ASCII whitespace (isSpace) from both ends.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// stripInlineComment cuts a value at the first '#' or ';' that follows
// whitespace, and trims what is left.
func stripInlineComment(v []byte, spaceBefore bool) []byte {
	for i := 1; i < len(v); i++ {
		if (v[i] == '#' || v[i] == ';') && isSpace(v[i-1]) {
			v = v[:i]
			break
		}
	}
	if spaceBefore && len(v) > 0 && (v[0] == '#' || v[0] == ';') {
		return nil // "key = # comment": the whole value is a comment
	}
	return trimSpace(v)
}

// validPropertyName rejects names the SEP calls invalid (whitespace) and
// names ini.v1 would read as quoted keys.
func validPropertyName(k []byte) bool {
	for _, c := range k {
		if isSpace(c) || c == '"' || c == '`' || c == '\'' || c == valueMark || c == '\n' {
			return false
		}
	}
	return true
}

// canonicalSectionName trims a section name and writes a known prefix
// followed by whitespace ("profile \tfoo ") as "profile foo".
func canonicalSectionName(b []byte) string {
	b = trimSpace(b)
	for _, p := range [...]string{"profile", "sso-session", "services"} {
		if len(b) > len(p) && string(b[:len(p)]) == p && (b[len(p)] == ' ' || b[len(p)] == '\t') {
			rest := trimSpace(b[len(p):])
			buf := make([]byte, 0, len(p)+1+len(rest))
			buf = append(append(append(buf, p...), ' '), rest...)
			return string(buf)
		}
	}
	return string(b)
}
