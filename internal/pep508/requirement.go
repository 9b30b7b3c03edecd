package pep508

import (
	"fmt"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/pep440"
)

// Requirement is a parsed PEP 508 dependency specifier such as
// `oslo.config[fixtures]>=8.8.0; python_version >= "3.8"`.
type Requirement struct {
	// Name is the project name as written (compare with pep503.Equal).
	Name string
	// Extras are the requested extras as written, de-duplicated and sorted.
	Extras    []string
	Specifier pep440.SpecifierSet
	// URL is the direct reference after "@", or "".
	URL string
	// Marker is nil when the requirement has none.
	Marker *Marker
}

// ParseRequirement parses a PEP 508 requirement as
// packaging.requirements.Requirement does.
func ParseRequirement(s string) (Requirement, error) {
	r, err := parseRequirement(s)
	if err != nil {
		return Requirement{}, fmt.Errorf("parse requirement %q: %w", s, err)
	}
	return r, nil
}

func parseRequirement(s string) (Requirement, error) {
	var r Requirement
	sc := &scanner{src: s}
	sc.skipWS()
	n := sc.identifier()
	if n == 0 {
		return r, sc.fail("Expected package name at the start of dependency specifier")
	}
	r.Name = s[sc.pos : sc.pos+n]
	sc.pos += n
	sc.skipWS()
	extras, err := sc.extras()
	if err != nil {
		return r, err
	}
	slices.Sort(extras)
	r.Extras = slices.Compact(extras)
	sc.skipWS()
	spec, err := sc.requirementDetails(&r)
	if err != nil {
		return r, err
	}
	if !sc.atEnd() {
		return r, sc.fail("Expected end of dependency specifier")
	}
	// Like packaging, check the specifiers only once the syntax is known
	// to be right, so syntax errors are reported first.
	if r.Specifier, err = pep440.ParseSpecifierSet(spec); err != nil {
		return r, err
	}
	return r, nil
}

// requirementDetails parses what follows the name and extras: either
// "@" URL (WS marker)? or a specifier list and an optional marker. It sets
// r.URL and r.Marker and returns the specifier text.
func (s *scanner) requirementDetails(r *Requirement) (spec string, err error) {
	if s.peek('@') {
		s.pos++
		s.skipWS()
		n := s.url()
		if n == 0 {
			return "", s.fail("Expected URL after @")
		}
		urlStart := s.pos
		r.URL = s.src[urlStart : urlStart+n]
		s.pos += n
		// The URL token runs to the next space or tab, so only whitespace
		// or the end can follow it.
		s.skipWS()
		if !s.atEnd() {
			r.Marker, err = s.requirementMarker(urlStart, "semicolon (after URL and whitespace)")
		}
		return "", err
	}
	specStart := s.pos
	if spec, err = s.specifierClause(); err != nil {
		return "", err
	}
	s.skipWS()
	if !s.atEnd() {
		expected := "semicolon (after name with no version specifier)"
		if spec != "" {
			expected = "comma (within version specifier), semicolon (after version specifier)"
		}
		r.Marker, err = s.requirementMarker(specStart, expected)
	}
	return spec, err
}

// extras parses: ( "[" WS? ( IDENTIFIER ( WS? "," WS? IDENTIFIER )* )? WS? "]" )?.
func (s *scanner) extras() ([]string, error) {
	if !s.peek('[') {
		return nil, nil
	}
	open := s.pos
	s.pos++
	s.skipWS()
	var extras []string
	if n := s.identifier(); n > 0 {
		extras = append(extras, s.src[s.pos:s.pos+n])
		s.pos += n
		for {
			s.skipWS()
			if s.identifier() > 0 {
				return nil, s.fail("Expected comma between extra names")
			}
			if !s.peek(',') {
				break
			}
			s.pos++
			s.skipWS()
			n := s.identifier()
			if n == 0 {
				return nil, s.fail("Expected extra name after comma")
			}
			extras = append(extras, s.src[s.pos:s.pos+n])
			s.pos += n
		}
	}
	s.skipWS()
	if !s.peek(']') {
		return nil, s.failFrom(open, "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras")
	}
	s.pos++
	return extras, nil
}

// specifierClause parses an optionally parenthesised, comma-separated list
// of version specifiers and returns their text joined by commas.
func (s *scanner) specifierClause() (string, error) {
	open := -1
	if s.peek('(') {
		open = s.pos
		s.pos++
	}
	s.skipWS()
	spec, err := s.versionMany()
	if err != nil {
		return "", err
	}
	s.skipWS()
	if open >= 0 {
		if !s.peek(')') {
			return "", s.failFrom(open, "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier")
		}
		s.pos++
	}
	return spec, nil
}

// versionMany parses: ( SPECIFIER ( WS? "," WS? SPECIFIER )* )?, rejecting
// the ".*" and "+local" tails that the SPECIFIER token leaves behind when the
// operator does not allow them.
func (s *scanner) versionMany() (string, error) {
	var b strings.Builder
	for {
		n := s.specifier()
		if n == 0 {
			break
		}
		start := s.pos
		tok := s.src[start : start+n]
		b.WriteString(tok)
		s.pos += n
		if strings.HasPrefix(s.src[s.pos:], ".*") {
			msg := ".* suffix can only be used with `==` or `!=` operators"
			if strings.HasPrefix(tok, "!=") || (strings.HasPrefix(tok, "==") && !strings.HasPrefix(tok, "===")) {
				msg = ".* suffix cannot be used with pre-release, post-release, dev or local versions"
			}
			s.pos++
			return "", s.failFrom(start, msg)
		}
		if rest := s.src[s.pos:]; len(rest) > 1 && rest[0] == '+' && (('a' <= rest[1] && rest[1] <= 'z') || ('0' <= rest[1] && rest[1] <= '9')) {
			return "", s.failFrom(start, "Local version label can only be used with `==` or `!=` operators")
		}
		s.skipWS()
		if !s.peek(',') {
			break
		}
		b.WriteByte(',')
		s.pos++
		s.skipWS()
	}
	return b.String(), nil
}

// requirementMarker parses: ";" marker WS?. Without the semicolon the error
// spans from start (the URL or specifier) to here, as packaging reports it.
func (s *scanner) requirementMarker(start int, expected string) (*Marker, error) {
	if !s.peek(';') {
		return nil, s.failFrom(start, "Expected "+expected+" or end")
	}
	s.pos++
	list, err := s.markerList()
	if err != nil {
		return nil, err
	}
	s.skipWS()
	return &Marker{root: list}, nil
}

// String returns the requirement as packaging's str(Requirement) does: name
// as written, sorted extras, the normalised specifier set, " @ URL", and
// "; marker" (preceded by an extra space after a URL, so the URL does not
// swallow the semicolon).
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	b.WriteString(r.Specifier.String())
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
		if r.Marker != nil {
			b.WriteByte(' ')
		}
	}
	if r.Marker != nil {
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}
