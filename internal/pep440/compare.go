package pep440

import (
	"cmp"
	"strings"
)

// Compare returns -1, 0 or 1 as v sorts before, equal to or after o under
// PEP 440 ordering (epoch, release with trailing zeros ignored, then
// dev < a < b < rc < final < post, then local labels).
func (v Version) Compare(o Version) int {
	if c := v.comparePublic(o); c != 0 {
		return c
	}
	return compareLocal(v.local, o.local)
}

// Equal reports whether v and o are the same version (1.0 equals 1.0.0).
func (v Version) Equal(o Version) bool { return v.Compare(o) == 0 }

// comparePublic is Compare ignoring both local segments.
func (v Version) comparePublic(o Version) int {
	if c := cmp.Compare(v.epoch, o.epoch); c != 0 {
		return c
	}
	if c := compareRelease(v.release, o.release); c != 0 {
		return c
	}
	a, b := v.suffixKey(), o.suffixKey()
	for i := range a {
		if c := cmp.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// compareRelease compares release segments as if padded with zeros, which is
// equivalent to comparing them with trailing zeros stripped.
func compareRelease(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// suffixKey ranks the pre/post/dev segments as
// (pre rank, pre number, has post, post number, has no dev, dev number).
// A bare dev release (no pre, no post) ranks below every alpha.
func (v Version) suffixKey() [6]int {
	preRank := 3 // final: after rc
	switch {
	case v.preKind != preNone:
		preRank = v.preKind - 1
	case !v.hasPost && v.hasDev:
		preRank = -1
	}
	var key [6]int
	key[0], key[1] = preRank, v.preNum
	if v.hasPost {
		key[2], key[3] = 1, v.postNum
	}
	if v.hasDev {
		key[5] = v.devNum
	} else {
		key[4] = 1
	}
	return key
}

// compareLocal orders local labels: none sorts first; parts compare
// pairwise with strings before numbers; a shorter label that is a prefix of a
// longer one sorts first.
func compareLocal(a, b []localPart) int {
	if a == nil || b == nil {
		return cmp.Compare(boolInt(a != nil), boolInt(b != nil))
	}
	for i := range min(len(a), len(b)) {
		if c := comparePart(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func comparePart(a, b localPart) int {
	switch {
	case a.numeric != b.numeric:
		return cmp.Compare(boolInt(a.numeric), boolInt(b.numeric))
	case a.numeric:
		// Digits carry no leading zeros, so longer means larger.
		if c := cmp.Compare(len(a.text), len(b.text)); c != 0 {
			return c
		}
	}
	return strings.Compare(a.text, b.text)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
