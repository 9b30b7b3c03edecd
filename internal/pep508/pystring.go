package pep508

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// evalPyString interprets a quoted marker value the way packaging does, with
// Python's ast.literal_eval: backslash escapes are decoded, a bare newline or
// NUL is an error, and unknown escapes such as \d are kept as written.
//
// Two deliberate differences: \N{name} escapes are rejected (Go has no
// Unicode name table) and so are escapes producing lone surrogates, which Go
// strings cannot hold.
func evalPyString(tok string) (string, error) {
	body := tok[1 : len(tok)-1]
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case 0:
			return "", errors.New("NUL byte in string")
		case '\n', '\r':
			return "", errors.New("newline in string")
		case '\\':
		default:
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 == len(body) {
			return "", errors.New("backslash escapes the closing quote")
		}
		n, err := decodeEscape(&b, body[i+1:])
		if err != nil {
			return "", err
		}
		i += 1 + n
	}
	return b.String(), nil
}

// decodeEscape decodes the escape whose text (after the backslash) starts
// rest, writes its value to b and returns how many bytes of rest it used.
func decodeEscape(b *strings.Builder, rest string) (int, error) {
	c := rest[0]
	if i := strings.IndexByte("\\'\"abfnrtv", c); i >= 0 {
		b.WriteByte("\\'\"\a\b\f\n\r\t\v"[i])
		return 1, nil
	}
	switch c {
	case '\n':
		return 1, nil // line continuation
	case '\r':
		if len(rest) > 1 && rest[1] == '\n' {
			return 2, nil
		}
		return 1, nil
	case '0', '1', '2', '3', '4', '5', '6', '7':
		n := 1
		for n < 3 && n < len(rest) && '0' <= rest[n] && rest[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(rest[:n], 8, 32)
		b.WriteRune(rune(v))
		return n, nil
	case 'x', 'u', 'U':
		digits := 2
		if c == 'u' {
			digits = 4
		} else if c == 'U' {
			digits = 8
		}
		if len(rest) < 1+digits {
			return 0, errors.New("truncated escape")
		}
		v, err := strconv.ParseUint(rest[1:1+digits], 16, 32)
		if err != nil {
			return 0, errors.New("truncated escape")
		}
		if v > utf8.MaxRune {
			return 0, errors.New("illegal Unicode character")
		}
		r := rune(v)
		if 0xd800 <= r && r <= 0xdfff {
			return 0, errors.New("lone surrogate")
		}
		b.WriteRune(r)
		return 1 + digits, nil
	case 'N':
		return 0, errors.New(`\N{name} escapes are not supported`)
	}
	b.WriteByte('\\')
	return 0, nil
}
