package sbom

import (
	"slices"
	"strings"
)

// spdxIDs are the SPDX license identifiers accepted as written in a package's metadata: the ones
// Python and Debian packages use. A declared license made only of these (with AND, OR, WITH and
// parentheses) is an SPDX expression; anything else is kept as the package's own text.
var spdxIDs = []string{
	"0BSD", "AFL-2.1", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-2.0",
	"BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSL-1.0", "CC-BY-4.0", "CC0-1.0",
	"CNRI-Python", "EPL-1.0", "EPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
	"HPND", "ISC", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
	"LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "OFL-1.1", "OpenSSL", "PSF-2.0", "Python-2.0",
	"Unlicense", "UPL-1.0", "W3C", "X11", "Zlib", "ZPL-2.1",
}

// spdxExceptions are the exception ids accepted after WITH.
var spdxExceptions = []string{"Classpath-exception-2.0", "LLVM-exception", "GCC-exception-3.1"}

// spdxExpression reports whether s is an SPDX license expression of known identifiers.
func spdxExpression(s string) bool {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "(", " ( "), ")", " ) ")
	tokens := strings.Fields(s)
	if len(tokens) == 0 {
		return false
	}
	depth, wantID, afterWith := 0, true, false
	for _, t := range tokens {
		switch {
		case t == "(":
			if !wantID {
				return false
			}
			depth++
		case t == ")":
			if wantID || depth == 0 {
				return false
			}
			depth--
		case t == "AND" || t == "OR":
			if wantID {
				return false
			}
			wantID = true
		case t == "WITH":
			if wantID {
				return false
			}
			wantID, afterWith = true, true
		default:
			if !wantID {
				return false
			}
			id := strings.TrimSuffix(t, "+")
			if afterWith {
				if !slices.Contains(spdxExceptions, t) {
					return false
				}
			} else if !slices.Contains(spdxIDs, id) && !strings.HasPrefix(id, "LicenseRef-") {
				return false
			}
			wantID, afterWith = false, false
		}
	}
	return !wantID && depth == 0
}
