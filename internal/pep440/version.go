// Package pep440 parses, normalises and orders PEP 440 versions and evaluates
// version specifiers, matching the behaviour of pypa/packaging 26.3 (as
// vendored by pip 26.3) so that the resolver agrees with pip.
package pep440

import (
	"strconv"
	"strings"
)

// Pre-release kinds, in PEP 440 order. preNone means no pre-release segment.
const (
	preNone = iota
	preAlpha
	preBeta
	preRC
)

func preLabel(kind int) string {
	switch kind {
	case preAlpha:
		return "a"
	case preBeta:
		return "b"
	case preRC:
		return "rc"
	}
	return ""
}

// Version is a parsed PEP 440 version. Values are immutable; obtain them from
// Parse or MustParse (the zero Version is not a valid version).
type Version struct {
	epoch   int
	release []int
	preKind int // preNone, preAlpha, preBeta or preRC
	preNum  int
	hasPost bool
	postNum int
	hasDev  bool
	devNum  int
	local   []localPart // nil when there is no local segment
}

// localPart is one dot-separated component of a local version label.
// Numeric parts keep their digits (leading zeros stripped) rather than an int
// because packaging accepts arbitrarily large local numbers.
type localPart struct {
	text    string
	numeric bool
}

// MustParse is like Parse but panics on invalid input. It is meant for tests
// and constants only.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the canonical normalised form, as str(Version(s)) does.
func (v Version) String() string {
	var b strings.Builder
	v.writePublic(&b, v.release)
	if v.local != nil {
		b.WriteByte('+')
		b.WriteString(v.Local())
	}
	return b.String()
}

// writePublic writes everything but the local segment, using release as the
// release segment so that callers can substitute a trimmed one.
func (v Version) writePublic(b *strings.Builder, release []int) {
	writeBase(b, v.epoch, release)
	if v.preKind != preNone {
		b.WriteString(preLabel(v.preKind))
		b.WriteString(strconv.Itoa(v.preNum))
	}
	if v.hasPost {
		b.WriteString(".post")
		b.WriteString(strconv.Itoa(v.postNum))
	}
	if v.hasDev {
		b.WriteString(".dev")
		b.WriteString(strconv.Itoa(v.devNum))
	}
}

func writeBase(b *strings.Builder, epoch int, release []int) {
	if epoch != 0 {
		b.WriteString(strconv.Itoa(epoch))
		b.WriteByte('!')
	}
	for i, n := range release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n))
	}
}

// canonical is packaging.utils.canonicalize_version: String with trailing
// zero release components removed (keeping at least one) when trim is set.
// Specifier equality is defined in terms of it.
func (v Version) canonical(trim bool) string {
	if !trim {
		return v.String()
	}
	end := len(v.release)
	for end > 1 && v.release[end-1] == 0 {
		end--
	}
	var b strings.Builder
	v.writePublic(&b, v.release[:end])
	if v.local != nil {
		b.WriteByte('+')
		b.WriteString(v.Local())
	}
	return b.String()
}

// Epoch returns the epoch (0 when none was written).
func (v Version) Epoch() int { return v.epoch }

// Release returns a copy of the release segment, trailing zeros included.
func (v Version) Release() []int { return append([]int(nil), v.release...) }

// IsPrerelease reports whether v has a pre-release or a development segment.
func (v Version) IsPrerelease() bool { return v.preKind != preNone || v.hasDev }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.hasPost }

// IsDevrelease reports whether v has a development segment.
func (v Version) IsDevrelease() bool { return v.hasDev }

// Local returns the normalised local label without the '+', or "" if none.
func (v Version) Local() string {
	parts := make([]string, len(v.local))
	for i, p := range v.local {
		parts[i] = p.text
	}
	return strings.Join(parts, ".")
}

// Public returns the normalised version without its local segment.
func (v Version) Public() string {
	var b strings.Builder
	v.writePublic(&b, v.release)
	return b.String()
}

// BaseVersion returns the epoch and release segment only, e.g. "1!2.0".
func (v Version) BaseVersion() string {
	var b strings.Builder
	writeBase(&b, v.epoch, v.release)
	return b.String()
}

// CompareStrings parses and orders two versions; a string that is not a PEP 440 version is an
// error naming it.
func CompareStrings(a, b string) (int, error) {
	va, err := Parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := Parse(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb), nil
}

// SameVersion compares two version strings as PEP 440 versions when both parse, and as text
// otherwise (an arbitrary-equality `===` pin need not be a PEP 440 version).
func SameVersion(a, b string) bool {
	va, err1 := Parse(a)
	vb, err2 := Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return va.Equal(vb)
}
