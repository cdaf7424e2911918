//go:build !nonet

package awshttp

import "strings"

// Header is an ordered list of header fields as sent or received. Names keep
// the case they were given; lookups ignore case.
type Header [][2]string

// Get returns the value of the first field named name (any case), or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f[0], name) {
			return f[1]
		}
	}
	return ""
}

// Values returns the values of every field named name (any case).
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f[0], name) {
			vs = append(vs, f[1])
		}
	}
	return vs
}

// Set replaces every field named name with one field name: value.
func (h *Header) Set(name, value string) {
	h.Del(name)
	*h = append(*h, [2]string{name, value})
}

// Del removes every field named name.
func (h *Header) Del(name string) {
	out := (*h)[:0]
	for _, f := range *h {
		if !strings.EqualFold(f[0], name) {
			out = append(out, f)
		}
	}
	*h = out
}
