package pep425

// Python's str semantics that packaging relies on, for the characters Go's
// unicode package and Python 3.11 (Unicode 14) agree on; characters new in
// Unicode 15 may be classified differently.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyLower lower-cases like Python's str.lower: the simple mapping except
// U+0130's full mapping and the final-sigma rule. Invalid UTF-8 bytes, which
// a Python str cannot hold, are kept as they are.
func pyLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte(s[i])
		case r == '\u0130':
			// Go's simple mapping would give a plain "i".
			b.WriteString("i\u0307")
		case r == '\u03a3' && finalSigma(s[:i], s[i+size:]):
			b.WriteRune('\u03c2')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	return b.String()
}

// finalSigma reports whether a capital sigma between before and after is in
// Unicode's Final_Sigma context: a cased letter before it and none after it,
// skipping case-ignorable characters both ways.
func finalSigma(before, after string) bool {
	for before != "" {
		r, size := utf8.DecodeLastRuneInString(before)
		before = before[:len(before)-size]
		if !caseIgnorable(r) {
			if !cased(r) {
				return false
			}
			for _, r := range after {
				if !caseIgnorable(r) {
					return !cased(r)
				}
			}
			return true
		}
	}
	return false
}

func cased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// wordBreakMid holds the Word_Break MidLetter, MidNumLet and Single_Quote
// characters, which Case_Ignorable includes.
var wordBreakMid = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x0027, 0x0027, 1}, {0x002e, 0x002e, 1}, {0x003a, 0x003a, 1}, {0x00b7, 0x00b7, 1},
		{0x0387, 0x0387, 1}, {0x055f, 0x055f, 1}, {0x05f4, 0x05f4, 1}, {0x2018, 0x2019, 1},
		{0x2024, 0x2024, 1}, {0x2027, 0x2027, 1}, {0xfe13, 0xfe13, 1}, {0xfe52, 0xfe52, 1},
		{0xfe55, 0xfe55, 1}, {0xff07, 0xff07, 1}, {0xff0e, 0xff0e, 1}, {0xff1a, 0xff1a, 1},
	},
	LatinOffset: 4,
}

func caseIgnorable(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk, wordBreakMid)
}

// isIdentifier mirrors Python's str.isidentifier: an XID_Start character or
// "_", then XID_Continue characters.
func isIdentifier(s string) bool {
	for i, r := range s {
		// An invalid byte decodes as U+FFFD, which is no identifier character.
		if i == 0 && r != '_' && !isXIDStart(r) {
			return false
		}
		if i > 0 && !isXIDContinue(r) {
			return false
		}
	}
	return s != ""
}

// nfkcUnstableStart and nfkcUnstableContinue are the code points that
// ID_Start / ID_Continue contain but XID_Start / XID_Continue drop, because
// their NFKC form would not be an identifier (UAX #31, section 5.1).
var (
	nfkcUnstableStart = &unicode.RangeTable{R16: []unicode.Range16{
		{0x037a, 0x037a, 1}, {0x0e33, 0x0e33, 1}, {0x0eb3, 0x0eb3, 1},
		{0x309b, 0x309c, 1}, {0xfc5e, 0xfc63, 1}, {0xfdfa, 0xfdfb, 1},
		{0xfe70, 0xfe7e, 2}, {0xff9e, 0xff9f, 1},
	}}
	nfkcUnstableContinue = &unicode.RangeTable{R16: []unicode.Range16{
		{0x037a, 0x037a, 1}, {0x309b, 0x309c, 1}, {0xfc5e, 0xfc63, 1},
		{0xfdfa, 0xfdfb, 1}, {0xfe70, 0xfe7e, 2},
	}}
)

func isIDStart(r rune) bool {
	return (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)) &&
		!unicode.Is(unicode.Pattern_Syntax, r) && !unicode.Is(unicode.Pattern_White_Space, r)
}

func isXIDStart(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return isIDStart(r) && !unicode.Is(nfkcUnstableStart, r)
}

func isXIDContinue(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	idContinue := isIDStart(r) ||
		(unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue) &&
			!unicode.Is(unicode.Pattern_Syntax, r) && !unicode.Is(unicode.Pattern_White_Space, r))
	return idContinue && !unicode.Is(nfkcUnstableContinue, r)
}

// pyIsSpace is Python's str.isspace, which is what `\s` means in packaging's
// str patterns: Go's White_Space set plus the ASCII separators U+001C-U+001F.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || 0x1c <= r && r <= 0x1f
}
