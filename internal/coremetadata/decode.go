package coremetadata

import (
	"strings"
	"unicode/utf8"
)

// decodeUTF8 is Python's bytes.decode("utf-8", "replace"): each maximal
// subpart of an ill-formed sequence becomes one U+FFFD (Unicode's
// recommended practice), so "\xe2\x82" gives one replacement and
// "\xff\xfe" two.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError || size > 1 {
			s.Write(b[:size])
			b = b[size:]
			continue
		}
		s.WriteRune(utf8.RuneError)
		b = b[maximalSubpart(b):]
	}
	return s.String()
}

// maximalSubpart is how many bytes of the ill-formed sequence at the start
// of b one replacement character stands for: the lead byte plus the
// continuation bytes that could still have completed it.
func maximalSubpart(b []byte) int {
	lead := b[0]
	var n int
	lo, hi := byte(0x80), byte(0xbf) // allowed range of the second byte
	switch {
	case 0xc2 <= lead && lead <= 0xdf:
		n = 2
	case lead == 0xe0:
		n, lo = 3, 0xa0
	case lead == 0xed:
		n, hi = 3, 0x9f
	case 0xe1 <= lead && lead <= 0xef:
		n = 3
	case lead == 0xf0:
		n, lo = 4, 0x90
	case lead == 0xf4:
		n, hi = 4, 0x8f
	case 0xf1 <= lead && lead <= 0xf3:
		n = 4
	default:
		return 1
	}
	i := 1
	for ; i < n && i < len(b); i++ {
		c := b[i]
		if i == 1 && (c < lo || c > hi) || i > 1 && (c < 0x80 || c > 0xbf) {
			break
		}
	}
	return i
}
