// Package constraints reads pip constraints files such as OpenStack's upper-constraints.txt and
// applies typed overrides to them, changing only the lines an override names, byte for byte.
package constraints

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/citadel-build/citadel/internal/pep503"
	"github.com/citadel-build/citadel/internal/pep508"
)

// File is a parsed constraints file. Lines keeps every line with its terminator, so that
// joining them gives back the input exactly.
type File struct {
	Name    string // for messages
	Lines   []string
	Entries []Entry
}

// Entry is one requirement line.
type Entry struct {
	Line        int    // 1-based
	Name        string // as written
	Key         string // PEP 503 normalised name
	Marker      string // normalised marker text, "" when none
	Pin         string // the version of a single ==/=== clause, as written; "" when not pinned
	Requirement pep508.Requirement
	pinStart    int // byte offsets of Pin within Lines[Line-1]
	pinEnd      int
}

// Parse reads a constraints file. Blank lines, comments and pip option lines (starting with "-")
// are kept verbatim and are not entries.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Name: name}
	for rest := data; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest) - 1
		}
		f.Lines = append(f.Lines, string(rest[:i+1]))
		rest = rest[i+1:]
	}
	for i, raw := range f.Lines {
		e, ok, err := parseLine(raw)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		if ok {
			e.Line = i + 1
			f.Entries = append(f.Entries, e)
		}
	}
	return f, nil
}

func parseLine(raw string) (Entry, bool, error) {
	text := strings.TrimRight(raw, "\r\n")
	// pip strips a comment that starts a line or follows whitespace.
	if i := strings.Index(text, "#"); i == 0 || (i > 0 && strings.ContainsAny(text[i-1:i], " \t")) {
		text = text[:i]
	}
	trimmed := strings.TrimSpace(text)
	if trimmed == "" || strings.HasPrefix(trimmed, "-") {
		return Entry{}, false, nil
	}
	req, err := pep508.ParseRequirement(trimmed)
	if err != nil {
		return Entry{}, false, err
	}
	if req.URL != "" {
		return Entry{}, false, fmt.Errorf("%s: direct URL references are not allowed in a constraints file", req.Name)
	}
	e := Entry{Name: req.Name, Key: pep503.Normalize(req.Name), Requirement: req}
	if req.Marker != nil {
		e.Marker = req.Marker.String()
	}
	if specs := req.Specifier.Specifiers(); len(specs) == 1 && (specs[0].Operator == "===" || specs[0].Operator == "==") && !strings.HasSuffix(specs[0].Version, ".*") {
		start, end, ok := locatePin(text, specs[0].Operator)
		if !ok {
			return Entry{}, false, fmt.Errorf("%s: cannot locate the pinned version in %q", req.Name, trimmed)
		}
		e.Pin, e.pinStart, e.pinEnd = text[start:end], start, end
	}
	return e, true, nil
}

// locatePin finds the version text after the first op, so that a pin can be replaced without
// touching any other byte of the line.
func locatePin(text, op string) (int, int, bool) {
	i := strings.Index(text, op)
	if i < 0 {
		return 0, 0, false
	}
	start := i + len(op)
	for start < len(text) && (text[start] == ' ' || text[start] == '\t') {
		start++
	}
	end := start
	for end < len(text) && !strings.ContainsRune(" \t;,#)", rune(text[end])) {
		end++
	}
	return start, end, end > start
}

// Lookup returns the entries for a package, any spelling.
func (f *File) Lookup(name string) []Entry {
	key := pep503.Normalize(name)
	var out []Entry
	for _, e := range f.Entries {
		if e.Key == key {
			out = append(out, e)
		}
	}
	return out
}

// Bytes joins the lines back.
func (f *File) Bytes() []byte {
	var b bytes.Buffer
	for _, l := range f.Lines {
		b.WriteString(l)
	}
	return b.Bytes()
}
