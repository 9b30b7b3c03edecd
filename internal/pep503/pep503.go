// Package pep503 normalises and validates Python distribution names, so that
// names spelled differently on PyPI, in requirements and in constraints files
// (Django/django, oslo.config/oslo-config) compare as the same project.
package pep503

import "strings"

// Normalize returns the PEP 503 normalised form of name: lowercased, with
// every run of '-', '_' and '.' replaced by a single '-'. Like
// packaging.utils.canonicalize_name it does not validate name: leading or
// trailing separators are kept (as a single '-'). Non-ASCII letters are
// lowercased rune by rune, so unlike Python a final capital sigma becomes
// 'σ', not 'ς'; valid names are ASCII, so only invalid ones are affected.
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	inRun := false
	for _, r := range name {
		if r == '-' || r == '_' || r == '.' {
			if !inRun {
				b.WriteByte('-')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteString(lower(r))
	}
	return b.String()
}

// lower lowercases one rune as Python's str.lower does. Python applies the
// full (multi-rune) mapping for U+0130, where Go's simple mapping gives 'i'.
func lower(r rune) string {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return string(r)
	}
	if r == '\u0130' {
		return "i\u0307"
	}
	return strings.ToLower(string(r))
}

// Valid reports whether name is a valid distribution name (core metadata
// "Name", PEP 508): ASCII letters, digits, '-', '_' and '.', starting and
// ending with a letter or digit.
func Valid(name string) bool {
	if name == "" || !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return false
	}
	for i := 1; i < len(name)-1; i++ {
		c := name[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// IsNormalized reports whether name is a valid name already in normalised
// form (packaging.utils.is_normalized_name): lowercase ASCII letters and
// digits in runs separated by single '-'.
func IsNormalized(name string) bool {
	if name == "" || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-':
			if name[i-1] == '-' {
				return false
			}
		case ('a' <= c && c <= 'z') || ('0' <= c && c <= '9'):
		default:
			return false
		}
	}
	return true
}

// Equal reports whether a and b name the same project.
func Equal(a, b string) bool {
	return Normalize(a) == Normalize(b)
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
