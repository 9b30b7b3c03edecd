package pep440

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalidVersion is wrapped by every error Parse returns.
var ErrInvalidVersion = errors.New("invalid version")

// maxDigits mirrors CPython's default int() digit limit: packaging raises on
// longer numbers, so we reject them too.
const maxDigits = 4300

// Parse parses a version string the way packaging.version.Version does:
// case-insensitive, optional leading 'v', alternative spellings and
// separators, implicit post releases ("1.0-1") and surrounding whitespace.
func Parse(s string) (Version, error) {
	v, err := parseTrimmed(trimPySpace(s))
	if err != nil {
		return Version{}, fmt.Errorf("parse version %q: %w", s, err)
	}
	return v, nil
}

// parseTrimmed parses a version with no surrounding whitespace. The scan is a
// hand-written equivalent of packaging's VERSION_PATTERN: each optional
// segment is tried once at the current position and kept if it matches, which
// is what the pattern's possessive quantifiers amount to.
func parseTrimmed(s string) (Version, error) {
	var v Version
	p := 0
	if p < len(s) && (s[p] == 'v' || s[p] == 'V') {
		p++
	}
	if n := digitsAt(s, p); n > 0 && p+n < len(s) && s[p+n] == '!' {
		e, err := atoi(s[p : p+n])
		if err != nil {
			return Version{}, err
		}
		v.epoch = e
		p += n + 1
	}
	n := digitsAt(s, p)
	if n == 0 {
		return Version{}, ErrInvalidVersion
	}
	for {
		num, err := atoi(s[p : p+n])
		if err != nil {
			return Version{}, err
		}
		v.release = append(v.release, num)
		p += n
		if p >= len(s) || s[p] != '.' {
			break
		}
		if n = digitsAt(s, p+1); n == 0 {
			break
		}
		p++
	}
	var err error
	if p, err = v.scanPre(s, p); err != nil {
		return Version{}, err
	}
	if p, err = v.scanPost(s, p); err != nil {
		return Version{}, err
	}
	if p, err = v.scanDev(s, p); err != nil {
		return Version{}, err
	}
	if p, err = v.scanLocal(s, p); err != nil {
		return Version{}, err
	}
	if p != len(s) {
		return Version{}, ErrInvalidVersion
	}
	return v, nil
}

// scanPre matches [._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?[0-9]* at p.
func (v *Version) scanPre(s string, p int) (int, error) {
	q := skipSep(s, p)
	kind, n := 0, 0
	for _, w := range [...]struct {
		word string
		kind int
	}{{"alpha", preAlpha}, {"a", preAlpha}, {"beta", preBeta}, {"b", preBeta},
		{"preview", preRC}, {"pre", preRC}, {"c", preRC}, {"rc", preRC}} {
		if hasPrefixFold(s[q:], w.word) {
			kind, n = w.kind, len(w.word)
			break
		}
	}
	if kind == preNone {
		return p, nil
	}
	num, q, err := optNumber(s, skipSep(s, q+n))
	if err != nil {
		return p, err
	}
	v.preKind, v.preNum = kind, num
	return q, nil
}

// scanPost matches either -[0-9]+ or [._-]?(post|rev|r)[._-]?[0-9]* at p.
func (v *Version) scanPost(s string, p int) (int, error) {
	if p < len(s) && s[p] == '-' {
		if n := digitsAt(s, p+1); n > 0 {
			num, err := atoi(s[p+1 : p+1+n])
			if err != nil {
				return p, err
			}
			v.hasPost, v.postNum = true, num
			return p + 1 + n, nil
		}
	}
	q := skipSep(s, p)
	n := 0
	for _, w := range [...]string{"post", "rev", "r"} {
		if hasPrefixFold(s[q:], w) {
			n = len(w)
			break
		}
	}
	if n == 0 {
		return p, nil
	}
	num, q, err := optNumber(s, skipSep(s, q+n))
	if err != nil {
		return p, err
	}
	v.hasPost, v.postNum = true, num
	return q, nil
}

// scanDev matches [._-]?dev[._-]?[0-9]* at p.
func (v *Version) scanDev(s string, p int) (int, error) {
	q := skipSep(s, p)
	if !hasPrefixFold(s[q:], "dev") {
		return p, nil
	}
	num, q, err := optNumber(s, skipSep(s, q+3))
	if err != nil {
		return p, err
	}
	v.hasDev, v.devNum = true, num
	return q, nil
}

// scanLocal matches \+[a-z0-9]+([._-][a-z0-9]+)* at p, normalising each part.
func (v *Version) scanLocal(s string, p int) (int, error) {
	if p >= len(s) || s[p] != '+' {
		return p, nil
	}
	q := p + 1
	var parts []localPart
	for {
		n := alnumAt(s, q)
		if n == 0 {
			if parts == nil {
				return p, nil
			}
			break
		}
		part, err := newLocalPart(s[q : q+n])
		if err != nil {
			return p, err
		}
		parts = append(parts, part)
		q += n
		if q >= len(s) || !isSep(s[q]) || alnumAt(s, q+1) == 0 {
			break
		}
		q++
	}
	v.local = parts
	return q, nil
}

func newLocalPart(text string) (localPart, error) {
	if digitsAt(text, 0) != len(text) {
		return localPart{text: strings.ToLower(text)}, nil
	}
	if len(text) > maxDigits {
		return localPart{}, fmt.Errorf("%w: number with %d digits exceeds the limit of %d", ErrInvalidVersion, len(text), maxDigits)
	}
	text = strings.TrimLeft(text, "0")
	if text == "" {
		text = "0"
	}
	return localPart{text: text, numeric: true}, nil
}

// optNumber reads an optional run of digits at p; absent means 0.
func optNumber(s string, p int) (num, end int, err error) {
	n := digitsAt(s, p)
	if n == 0 {
		return 0, p, nil
	}
	num, err = atoi(s[p : p+n])
	return num, p + n, err
}

// atoi converts a run of ASCII digits. Numbers that do not fit in an int are
// rejected: packaging would accept them (Python ints are unbounded) but the
// Release and Epoch accessors could not represent them.
func atoi(digits string) (int, error) {
	if len(digits) > maxDigits {
		return 0, fmt.Errorf("%w: number with %d digits exceeds the limit of %d", ErrInvalidVersion, len(digits), maxDigits)
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("%w: number %s does not fit in an int", ErrInvalidVersion, digits)
	}
	return n, nil
}

func digitsAt(s string, p int) int {
	n := 0
	for p+n < len(s) && s[p+n] >= '0' && s[p+n] <= '9' {
		n++
	}
	return n
}

func alnumAt(s string, p int) int {
	n := 0
	for p+n < len(s) && isASCIIAlnum(s[p+n]) {
		n++
	}
	return n
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isSep(c byte) bool { return c == '.' || c == '_' || c == '-' }

func skipSep(s string, p int) int {
	if p < len(s) && isSep(s[p]) {
		return p + 1
	}
	return p
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word,
// ignoring ASCII case only (the version pattern is compiled with re.ASCII).
func hasPrefixFold(s, word string) bool {
	if len(s) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}

// isPySpace reports whether r is whitespace for Python's str.strip() and
// re's \s (they agree), which is what packaging trims.
func isPySpace(r rune) bool {
	switch {
	case r >= '\t' && r <= '\r', r >= 0x1c && r <= 0x20, r == 0x85, r == 0xa0,
		r == 0x1680, r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029,
		r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// trimPySpace is Python's str.strip() with no arguments.
func trimPySpace(s string) string {
	return strings.TrimFunc(s, isPySpace)
}
