// Package jsonfile reads and writes the JSON files Citadel commits and exchanges (lock files,
// reports, manifests): indented, with a final newline and without HTML escaping on write, so
// requirement strings such as "cryptography<39" stay readable; strict on read, so a misspelt
// field is an error instead of a silently ignored value.
package jsonfile

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Marshal renders v as indented JSON with a final newline.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Unmarshal decodes one JSON value into v, rejecting unknown fields and trailing data; errors
// name the file.
func Unmarshal(name string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: trailing data after the JSON value", name)
	}
	return nil
}
