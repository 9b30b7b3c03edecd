// Package coremetadata parses Python core metadata (METADATA, PKG-INFO;
// versions 1.0 to 2.4) the way pip and packaging.metadata.parse_email read
// it, tolerating the malformed files found on PyPI.
package coremetadata

import (
	"errors"
	"fmt"
	"strings"
)

// Field is one header of the metadata file, name as written, value decoded.
type Field struct{ Name, Value string }

// Metadata holds the core metadata fields a resolver and an image builder
// need. Values are kept as written: continuation lines keep their line breaks
// and indentation, and nothing is trimmed except what the email format
// itself strips (spaces after the colon, the final line break).
//
// Where a single-use field appears more than once the first value is used, as
// pip's email.message.Message.get does; packaging.metadata.parse_email
// instead moves every copy to its "unparsed" mapping. Bytes that are not
// UTF-8 are replaced with U+FFFD as Python's "replace" error handler does,
// where parse_email would move the field (or body) to "unparsed" and pip
// would fail to read the file.
type Metadata struct {
	MetadataVersion, Name, Version, Summary, RequiresPython, License, LicenseExpression string

	RequiresDist, ProvidesExtra, Classifiers, LicenseFiles []string // in file order

	// Description is the message body, or, when the body is empty, the
	// Description header (metadata 1.x style). When both are present the body
	// wins, even one with bad UTF-8; parse_email then reports both as
	// unparsed, or keeps the header if the body is not UTF-8.
	Description string

	// Fields lists every header in file order, including ones not mapped
	// above (Author, Project-URL, Home-page, unknown fields ...).
	Fields []Field
}

// ErrMissingField reports metadata without a Name or Version.
var ErrMissingField = errors.New("missing required field")

// Parse reads a METADATA or PKG-INFO file. It fails only when Name or
// Version is absent or blank, naming which.
func Parse(data []byte) (*Metadata, error) {
	raw, body := splitMessage(data)
	m := &Metadata{Fields: make([]Field, len(raw))}
	for i, f := range raw {
		m.Fields[i] = Field{Name: f.name, Value: decodeUTF8(f.value)}
	}
	m.MetadataVersion, _ = m.Get("Metadata-Version")
	m.Name, _ = m.Get("Name")
	m.Version, _ = m.Get("Version")
	m.Summary, _ = m.Get("Summary")
	m.RequiresPython, _ = m.Get("Requires-Python")
	m.License, _ = m.Get("License")
	m.LicenseExpression, _ = m.Get("License-Expression")
	m.RequiresDist = m.GetAll("Requires-Dist")
	m.ProvidesExtra = m.GetAll("Provides-Extra")
	m.Classifiers = m.GetAll("Classifier")
	m.LicenseFiles = m.GetAll("License-File")
	m.Description = decodeUTF8(body)
	if m.Description == "" {
		m.Description, _ = m.Get("Description")
	}
	var missing []string
	if strings.TrimSpace(m.Name) == "" {
		missing = append(missing, "Name")
	}
	if strings.TrimSpace(m.Version) == "" {
		missing = append(missing, "Version")
	}
	if missing != nil {
		if m.Name != "" {
			return nil, fmt.Errorf("parse core metadata of %q: %w %s", m.Name, ErrMissingField, strings.Join(missing, " and "))
		}
		return nil, fmt.Errorf("parse core metadata: %w %s", ErrMissingField, strings.Join(missing, " and "))
	}
	return m, nil
}

// Get returns the first value of the named header, matching the name
// without regard to ASCII case.
func (m *Metadata) Get(name string) (string, bool) {
	for _, f := range m.Fields {
		if equalFoldASCII(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// GetAll returns every value of the named header in file order, or nil.
func (m *Metadata) GetAll(name string) []string {
	var out []string
	for _, f := range m.Fields {
		if equalFoldASCII(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// equalFoldASCII compares header names as Python's str.lower() does for
// ASCII; header names cannot hold anything else. strings.EqualFold would also
// fold e.g. "K" (KELVIN SIGN) into "k".
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
