package dpkg

import (
	"cmp"
	"fmt"
	"strings"

	debversion "github.com/knqyf263/go-deb-version"
)

// CheckVersion checks that v is a Debian version: [epoch:]upstream[-revision].
func CheckVersion(v string) error {
	if _, err := debversion.NewVersion(v); err != nil {
		return fmt.Errorf("version %q: %w", v, err)
	}
	return nil
}

// Compare orders two Debian versions as dpkg --compare-versions does; an invalid version is an
// error naming it.
func Compare(a, b string) (int, error) {
	va, err := debversion.NewVersion(a)
	if err != nil {
		return 0, fmt.Errorf("version %q: %w", a, err)
	}
	vb, err := debversion.NewVersion(b)
	if err != nil {
		return 0, fmt.Errorf("version %q: %w", b, err)
	}
	// The library returns a signed distance; callers want -1, 0 or 1.
	return cmp.Compare(va.Compare(vb), 0), nil
}

// UpstreamVersion is the upstream part of a Debian version, without epoch, revision or the
// distribution's suffixes: "3.11.2-6+deb12u6" -> "3.11.2".
func UpstreamVersion(v string) string {
	if _, after, ok := strings.Cut(v, ":"); ok {
		v = after
	}
	if i := strings.LastIndex(v, "-"); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexAny(v, "+~"); i >= 0 {
		v = v[:i]
	}
	return v
}
