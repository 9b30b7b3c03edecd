package pep508

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scanner walks the input the way packaging's context-sensitive tokenizer
// does: each token kind is tried only where the grammar allows it, so the
// same text can be an identifier in one place and part of a URL in another.
type scanner struct {
	src   string
	pos   int
	depth int // open marker parentheses
}

func (s *scanner) fail(msg string) error {
	return &SyntaxError{Message: msg, Start: s.pos, End: s.pos}
}

func (s *scanner) failFrom(start int, msg string) error {
	return &SyntaxError{Message: msg, Start: start, End: s.pos}
}

func (s *scanner) atEnd() bool { return s.pos == len(s.src) }

// skipWS consumes the WS token, which is only spaces and tabs.
func (s *scanner) skipWS() {
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
}

// hasWS reports whether a WS token starts at the current position.
func (s *scanner) hasWS() bool {
	return s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t')
}

func (s *scanner) peek(c byte) bool {
	return s.pos < len(s.src) && s.src[s.pos] == c
}

// isWordRune is Python's Unicode \w: alphanumerics and '_'.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// boundary is Python's \b at byte offset i of src.
func boundary(src string, i int) bool {
	before, after := false, false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(src[:i])
		before = isWordRune(r)
	}
	if i < len(src) {
		r, _ := utf8.DecodeRuneInString(src[i:])
		after = isWordRune(r)
	}
	return before != after
}

// keyword reports whether \bw\b matches at the current position.
func (s *scanner) keyword(w string) bool {
	return strings.HasPrefix(s.src[s.pos:], w) && boundary(s.src, s.pos) && boundary(s.src, s.pos+len(w))
}

func isIdentByte(c byte) bool {
	return isAlnumByte(c) || c == '.' || c == '_' || c == '-'
}

func isAlnumByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// identifier returns the length of the IDENTIFIER token
// (\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b) at the current position, or 0. Like the
// regular expression it backtracks to the longest prefix that ends on a word
// boundary, so "foo-" yields "foo".
func (s *scanner) identifier() int {
	if s.pos >= len(s.src) || !isAlnumByte(s.src[s.pos]) || !boundary(s.src, s.pos) {
		return 0
	}
	end := s.pos + 1
	for end < len(s.src) && isIdentByte(s.src[end]) {
		end++
	}
	for ; end > s.pos; end-- {
		if boundary(s.src, end) {
			return end - s.pos
		}
	}
	return 0
}

// markerVariables are the spellings the VARIABLE token accepts; the dotted
// forms are legacy aliases that packaging rewrites with '_'.
var markerVariables = []string{
	"python_version", "python_full_version", "os_name", "os.name",
	"sys_platform", "sys.platform", "platform_release", "platform_system",
	"platform_version", "platform.version", "platform_machine", "platform.machine",
	"platform_python_implementation", "platform.python_implementation",
	"python_implementation", "implementation_name", "implementation_version",
	"extras", "extra", "dependency_groups",
}

// variable returns the VARIABLE token at the current position, or "".
func (s *scanner) variable() string {
	for _, v := range markerVariables {
		if s.keyword(v) {
			return v
		}
	}
	return ""
}

// quoted returns the length of the QUOTED_STRING token at the current
// position, or 0. The token ends at the next matching quote; escapes are
// interpreted afterwards, as packaging does.
func (s *scanner) quoted() int {
	if s.pos >= len(s.src) || (s.src[s.pos] != '\'' && s.src[s.pos] != '"') {
		return 0
	}
	i := strings.IndexByte(s.src[s.pos+1:], s.src[s.pos])
	if i < 0 {
		return 0
	}
	return i + 2
}

// markerOps are the OP token's alternatives in match order.
var markerOps = []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"}

func (s *scanner) op() string {
	for _, o := range markerOps {
		if strings.HasPrefix(s.src[s.pos:], o) {
			return o
		}
	}
	return ""
}

// url returns the length of the URL token ([^ \t]+).
func (s *scanner) url() int {
	i := strings.IndexAny(s.src[s.pos:], " \t")
	if i < 0 {
		return len(s.src) - s.pos
	}
	return i
}

// specifier returns the length of the SPECIFIER token at the current
// position, or 0.
func (s *scanner) specifier() int {
	loc := specifierRE.FindStringIndex(s.src[s.pos:])
	if loc == nil {
		return 0
	}
	return loc[1]
}

// pyWhitespace is the set of runes Python's \s matches.
const pyWhitespace = `\t\n\v\f\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// specifierRE is packaging's version-specifier token, rebuilt for RE2 with
// its case rules spelled out: packaging matches case-insensitively, ASCII-only
// in most groups but with Unicode folding (ı, İ, ſ) in the "~=" pre/post
// groups, and Go's (?i) folds neither way exactly.
var specifierRE = regexp.MustCompile(specifierPattern())

func specifierPattern() string {
	ws := `[` + pyWhitespace + `]*`
	ascii := func(alts ...string) string { return foldWords(false, alts) }
	uni := func(alts ...string) string { return foldWords(true, alts) }
	release := ws + `[vV]?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)`
	pre := func(w func(...string) string) string {
		return `(?:[-_.]?` + w("alpha", "beta", "preview", "pre", "a", "b", "c", "rc") + `[-_.]?[0-9]*)?`
	}
	post := func(w func(...string) string) string {
		return `(?:-[0-9]+|[-_.]?` + w("post", "rev", "r") + `[-_.]?[0-9]*)?`
	}
	dev := func(w func(...string) string) string {
		return `(?:[-_.]?` + w("dev") + `[-_.]?[0-9]*)?`
	}
	local := `(?:\+[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*)?`
	arbitrary := `===` + ws + `[^` + pyWhitespace + `;)]*`
	equality := `(?:==|!=)` + release + `*(?:\.\*|` + pre(ascii) + post(ascii) + dev(ascii) + local + `)?`
	compatible := `~=` + release + `+` + pre(uni) + post(uni) + dev(uni)
	ordered := `(?:<=|>=|<|>)` + release + `*` + pre(ascii) + post(ascii) + dev(ascii)
	return `\A(?:` + arbitrary + `|` + equality + `|` + compatible + `|` + ordered + `)`
}

// foldWords builds an alternation of case-insensitive words, keeping their
// order (the first alternative that lets the whole pattern match wins).
func foldWords(unicodeFold bool, words []string) string {
	var b strings.Builder
	b.WriteString("(?:")
	for i, w := range words {
		if i > 0 {
			b.WriteByte('|')
		}
		for _, c := range w {
			b.WriteByte('[')
			b.WriteRune(c)
			b.WriteRune(unicode.ToUpper(c))
			if unicodeFold {
				switch c {
				case 'i':
					b.WriteString("\u0130\u0131")
				case 's':
					b.WriteString("\u017f")
				}
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte(')')
	return b.String()
}
