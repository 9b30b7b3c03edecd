package indexconfig

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The pip.conf parser reads files the way pip does, with Python's configparser.RawConfigParser
// and pip's key normalisation: the same lines are comments, continuations, section headers and
// options, and the same files are rejected. The behaviour was checked against Python 3.10 to
// 3.13, which agree.

// errINI marks a pip.conf that configparser would refuse (pip then refuses to run).
var errINI = errors.New("invalid pip configuration file")

// defaultSection is configparser's DEFAULT section, whose options every section inherits.
const defaultSection = "DEFAULT"

// iniFile is a parsed pip.conf: its sections in order of first appearance, each with the
// DEFAULT section's options merged in, as RawConfigParser.items returns them.
type iniFile struct {
	sections []iniSection
}

type iniSection struct {
	name  string
	items map[string]string // normalised key → value
}

// section returns the named section's options, and whether the file has the section.
func (f *iniFile) section(name string) (map[string]string, bool) {
	for _, s := range f.sections {
		if s.name == name {
			return s.items, true
		}
	}
	return nil, false
}

// iniParser holds the state of configparser's line loop.
type iniParser struct {
	defaults    *rawSection
	sections    []*rawSection
	cur         *rawSection
	opt         string // current option, for continuation lines; "" for none
	indent      int    // indentation of the line that set opt, in runes
	added       map[string]bool
	optAdded    map[[2]string]bool
	badLines    []int // lines configparser reports together at the end of the file
	lineno      int
	currentLine string
}

type rawSection struct {
	name  string
	keys  []string
	lines map[string][]string
}

func newRawSection(name string) *rawSection {
	return &rawSection{name: name, lines: map[string][]string{}}
}

// parseINI parses the text of a pip.conf.
func parseINI(data []byte) (*iniFile, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not valid UTF-8", errINI)
	}
	p := &iniParser{
		defaults: newRawSection(defaultSection),
		added:    map[string]bool{},
		optAdded: map[[2]string]bool{},
	}
	for i, line := range splitUniversal(string(data)) {
		p.lineno, p.currentLine = i+1, line
		if err := p.line(line); err != nil {
			return nil, err
		}
	}
	if len(p.badLines) > 0 {
		return nil, fmt.Errorf("%w: line %d: no '=' or ':' in option line", errINI, p.badLines[0])
	}
	return p.result(), nil
}

func (p *iniParser) line(line string) error {
	stripped := pyStrip(line)
	comment := strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";")
	if comment || stripped == "" {
		// A blank line inside a value is kept (and trimmed from the end later); a comment
		// line is dropped without ending the value.
		if !comment && p.cur != nil && p.opt != "" {
			p.cur.lines[p.opt] = append(p.cur.lines[p.opt], "")
		}
		return nil
	}
	indent := strings.IndexFunc(line, func(r rune) bool { return !pySpace(r) })
	indent = utf8.RuneCountInString(line[:indent])
	if p.cur != nil && p.opt != "" && indent > p.indent {
		p.cur.lines[p.opt] = append(p.cur.lines[p.opt], stripped)
		return nil
	}
	p.indent = indent
	if name, ok := sectionHeader(stripped); ok {
		return p.startSection(name)
	}
	if p.cur == nil {
		return fmt.Errorf("%w: line %d: %q comes before any [section] header", errINI, p.lineno, p.currentLine)
	}
	return p.option(stripped)
}

func (p *iniParser) startSection(name string) error {
	p.opt = ""
	if name == defaultSection {
		p.cur = p.defaults
		return nil
	}
	if p.added[name] {
		return fmt.Errorf("%w: line %d: section [%s] appears twice", errINI, p.lineno, name)
	}
	p.added[name] = true
	p.cur = newRawSection(name)
	p.sections = append(p.sections, p.cur)
	return nil
}

// option handles "key = value" or "key: value", split at the first '=' or ':'.
func (p *iniParser) option(s string) error {
	i := strings.IndexAny(s, "=:")
	if i < 0 {
		p.badLines = append(p.badLines, p.lineno)
		p.opt = ""
		return nil
	}
	key := strings.TrimRightFunc(s[:i], pySpace)
	if key == "" {
		// configparser records the error for the end of the file but still stores the option.
		p.badLines = append(p.badLines, p.lineno)
	}
	key = normalizeKey(key)
	id := [2]string{p.cur.name, key}
	if p.optAdded[id] {
		return fmt.Errorf("%w: line %d: option %q appears twice in section [%s]", errINI, p.lineno, key, p.cur.name)
	}
	p.optAdded[id] = true
	if _, ok := p.cur.lines[key]; !ok {
		p.cur.keys = append(p.cur.keys, key)
	}
	p.cur.lines[key] = []string{pyStrip(s[i+1:])}
	p.opt = key
	return nil
}

func (p *iniParser) result() *iniFile {
	join := func(lines []string) string {
		return strings.TrimRightFunc(strings.Join(lines, "\n"), pySpace)
	}
	f := &iniFile{}
	for _, s := range p.sections {
		items := map[string]string{}
		for _, k := range p.defaults.keys {
			items[k] = join(p.defaults.lines[k])
		}
		for _, k := range s.keys {
			items[k] = join(s.lines[k])
		}
		f.sections = append(f.sections, iniSection{name: s.name, items: items})
	}
	return f
}

// sectionHeader matches configparser's `\[(?P<header>.+)\]` at the start of the stripped
// line: the header runs to the last ']' and anything after that is ignored.
func sectionHeader(s string) (string, bool) {
	if !strings.HasPrefix(s, "[") {
		return "", false
	}
	j := strings.LastIndexByte(s, ']')
	if j < 2 {
		return "", false
	}
	return s[1:j], true
}

// normalizeKey is pip's option-name normalisation: lowercase, '_' as '-', no leading "--".
func normalizeKey(k string) string {
	k = strings.ReplaceAll(pyLower(k), "_", "-")
	return strings.TrimPrefix(k, "--")
}

// pyLower lowercases like Python's str.lower for the one character whose lowercase is two
// characters; Python's context-dependent final sigma is not reproduced.
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

// pySpace is Python's str.isspace, which also counts the separators U+001C to U+001F.
func pySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

func pyStrip(s string) string { return strings.TrimFunc(s, pySpace) }

// splitUniversal splits lines as Python's text files do: at "\n", "\r\n" and a lone "\r".
func splitUniversal(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return lines
}
