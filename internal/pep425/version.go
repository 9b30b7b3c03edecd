package pep425

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// versionPattern is PEP 440's grammar as packaging.version accepts it.
// packaging compiles its pattern with possessive quantifiers and
// case-insensitive ASCII-only groups; input is checked for ASCII first, so
// RE2's Unicode case folding (e.g. "K" KELVIN SIGN for "k") cannot widen it.
var versionPattern = regexp.MustCompile(`^(?i)v?` +
	`(?:[0-9]+!)?` +
	`[0-9]+(?:\.[0-9]+)*` +
	`(?:[._-]?(?:alpha|a|beta|b|preview|pre|c|rc)[._-]?[0-9]*)?` +
	`(?:-[0-9]+|[._-]?(?:post|rev|r)[._-]?[0-9]*)?` +
	`(?:[._-]?dev[._-]?[0-9]*)?` +
	`(?:\+[a-z0-9]+(?:[._-][a-z0-9]+)*)?$`)

// validVersion reports whether packaging.version.Version(s) would succeed.
// Only validity matters here: wheel and sdist filenames keep the version text
// as written, and comparing versions is the version package's job.
func validVersion(s string) bool {
	s = strings.TrimFunc(s, pyIsSpace)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return versionPattern.MatchString(s)
}
