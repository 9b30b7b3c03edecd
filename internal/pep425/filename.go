package pep425

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

var (
	// ErrInvalidWheelFilename reports a name packaging.utils.parse_wheel_filename rejects.
	ErrInvalidWheelFilename = errors.New("invalid wheel filename")
	// ErrInvalidSdistFilename reports a name packaging.utils.parse_sdist_filename rejects.
	ErrInvalidSdistFilename = errors.New("invalid sdist filename")
)

// WheelFilename is a parsed wheel filename (PEP 427, build tags per PEP 491).
// Name, Version, BuildTag and TagSet keep the file's own spelling, so String
// gives back the filename; normalising names and versions is left to the
// PEP 503 and PEP 440 code that compares them.
type WheelFilename struct {
	Name    string // distribution name as in the file, e.g. "PyYAML" or "oslo_config"
	Version string // version as in the file, e.g. "41.0.4"
	// BuildNumber is the leading digits of the build tag as a number.
	BuildNumber int
	// BuildTag is the whole build component as in the file, e.g. "1" or "2foo";
	// empty when HasBuild is false.
	BuildTag string
	HasBuild bool
	TagSet   string // compressed tag set as in the file, e.g. "py2.py3-none-any"
	Tags     []Tag  // TagSet expanded as ParseTag does
}

// String returns the filename that was parsed.
func (w WheelFilename) String() string {
	var b strings.Builder
	b.WriteString(w.Name)
	b.WriteByte('-')
	b.WriteString(w.Version)
	if w.HasBuild {
		b.WriteByte('-')
		b.WriteString(w.BuildTag)
	}
	b.WriteByte('-')
	b.WriteString(w.TagSet)
	b.WriteString(".whl")
	return b.String()
}

// BuildSuffix is what follows the build number in the build tag, the second
// item of packaging's (number, suffix) build tag. Like packaging's `(\d+)(.*)`
// match it stops at a newline.
func (w WheelFilename) BuildSuffix() string {
	s := strings.TrimLeft(w.BuildTag, "0123456789")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// ParseWheelFilename parses "{name}-{version}[-{build}]-{tags}.whl", accepting
// and rejecting the same names as packaging.utils.parse_wheel_filename
// (without validate_order). A build number that does not fit in an int is
// rejected, where Python would accept it.
func ParseWheelFilename(fn string) (WheelFilename, error) {
	invalid := func(why string) (WheelFilename, error) {
		return WheelFilename{}, fmt.Errorf("parse wheel filename %q: %s: %w", fn, why, ErrInvalidWheelFilename)
	}
	stem, ok := strings.CutSuffix(fn, ".whl")
	if !ok {
		return invalid("extension must be .whl")
	}
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return invalid(fmt.Sprintf("want 4 or 5 dashes, got %d", dashes))
	}
	parts := strings.SplitN(stem, "-", dashes-1)
	w := WheelFilename{Name: parts[0], Version: parts[1], TagSet: parts[len(parts)-1]}
	if !validWheelName(w.Name) {
		return invalid(fmt.Sprintf("invalid project name %q", w.Name))
	}
	if !validVersion(w.Version) {
		return invalid(fmt.Sprintf("invalid version %q", w.Version))
	}
	if dashes == 5 {
		w.BuildTag, w.HasBuild = parts[2], true
		digits := w.BuildTag[:len(w.BuildTag)-len(strings.TrimLeft(w.BuildTag, "0123456789"))]
		if digits == "" {
			return invalid(fmt.Sprintf("build tag %q must start with a digit", w.BuildTag))
		}
		n, err := strconv.Atoi(digits)
		if err != nil {
			return invalid(fmt.Sprintf("build number %q out of range", digits))
		}
		w.BuildNumber = n
	}
	tags, err := ParseTag(w.TagSet)
	if err != nil {
		return WheelFilename{}, fmt.Errorf("parse wheel filename %q: %w: %w", fn, err, ErrInvalidWheelFilename)
	}
	w.Tags = tags
	return w, nil
}

// validWheelName is PEP 427's escaped-name rule as packaging checks it: one or
// more Python `\w` characters (Unicode letters and numbers, "_") or ".", and
// no "__".
func validWheelName(name string) bool {
	if name == "" || strings.Contains(name, "__") {
		return false
	}
	for _, r := range name {
		if r != '.' && r != '_' && !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// ParseSdistFilename splits "{name}-{version}.tar.gz" or ".zip" at the last
// dash, accepting and rejecting the same names as
// packaging.utils.parse_sdist_filename. Name and version are returned as
// written in the file (packaging normalises both).
func ParseSdistFilename(fn string) (name, version string, err error) {
	stem, ok := strings.CutSuffix(fn, ".tar.gz")
	if !ok {
		stem, ok = strings.CutSuffix(fn, ".zip")
	}
	if !ok {
		return "", "", fmt.Errorf("parse sdist filename %q: extension must be .tar.gz or .zip: %w", fn, ErrInvalidSdistFilename)
	}
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return "", "", fmt.Errorf("parse sdist filename %q: no dash between name and version: %w", fn, ErrInvalidSdistFilename)
	}
	name, version = stem[:i], stem[i+1:]
	if name == "" {
		return "", "", fmt.Errorf("parse sdist filename %q: empty project name: %w", fn, ErrInvalidSdistFilename)
	}
	if !validVersion(version) {
		return "", "", fmt.Errorf("parse sdist filename %q: invalid version %q: %w", fn, version, ErrInvalidSdistFilename)
	}
	return name, version, nil
}
