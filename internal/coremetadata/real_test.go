package coremetadata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// expectedFile is testdata/real/<file>.json, written with packaging 26.3 by
// testdata/generate/expected.py: parse_email's [raw, unparsed], and in First
// the fields parse_email left out of raw, read the way Parse documents.
type expectedFile struct {
	ParseEmail [2]map[string]any `json:"parse_email"`
	First      map[string]any    `json:"first"`
}

// fieldsOf maps m onto parse_email's raw keys, leaving out empty values as
// parse_email leaves out absent headers.
func fieldsOf(m *Metadata) map[string]any {
	out := map[string]any{}
	for k, v := range map[string]string{
		"metadata_version": m.MetadataVersion, "name": m.Name, "version": m.Version,
		"summary": m.Summary, "requires_python": m.RequiresPython, "license": m.License,
		"license_expression": m.LicenseExpression, "description": m.Description,
	} {
		if v != "" {
			out[k] = v
		}
	}
	for k, v := range map[string][]string{
		"requires_dist": m.RequiresDist, "provides_extra": m.ProvidesExtra,
		"classifiers": m.Classifiers, "license_files": m.LicenseFiles,
	} {
		if len(v) > 0 {
			list := make([]any, len(v))
			for i, s := range v {
				list[i] = s
			}
			out[k] = list
		}
	}
	return out
}

func TestRealMetadata(t *testing.T) {
	files, err := filepath.Glob("testdata/real/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".json") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(path + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want expectedFile
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			m, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			compareFields(t, fieldsOf(m), want)
		})
	}
	if n < 20 {
		t.Errorf("only %d real metadata files", n)
	}
}

// compareFields checks got against parse_email's raw fields plus the
// documented readings of the fields parse_email could not place.
func compareFields(t *testing.T, got map[string]any, want expectedFile) {
	t.Helper()
	all := map[string]any{}
	for k, v := range want.ParseEmail[0] {
		all[k] = v
	}
	for k, v := range want.First {
		all[k] = v
	}
	for k, v := range all {
		if v == "" {
			continue // an empty header: Metadata cannot tell it from an absent one
		}
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := all[k]; !ok {
			t.Errorf("%s: got %q, packaging has no such field", k, v)
		}
	}
}
