package coremetadata

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// serialize writes m back as a metadata file: each field as "Name: value"
// (values keep their continuation lines), a blank line, then the body.
func serialize(m *Metadata, body string) []byte {
	var b strings.Builder
	for _, f := range m.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\n")
	}
	b.WriteString("\n" + body)
	return []byte(b.String())
}

func FuzzParseMetadata(f *testing.F) {
	for _, c := range syntheticCases {
		f.Add([]byte(c.in))
	}
	files, _ := filepath.Glob("testdata/real/*")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".json") && len(data) < 8192 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrMissingField) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if strings.TrimSpace(m.Name) == "" || strings.TrimSpace(m.Version) == "" {
			t.Fatalf("accepted blank Name %q or Version %q", m.Name, m.Version)
		}
		for _, fl := range m.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ": \t\r\n") || !utf8.ValidString(fl.Value) ||
				strings.HasSuffix(fl.Value, "\n") || strings.HasSuffix(fl.Value, "\r") {
				t.Fatalf("bad field %q", fl)
			}
		}
		if !utf8.ValidString(m.Description) || len(m.RequiresDist) != len(m.GetAll("requires-dist")) {
			t.Fatalf("inconsistent metadata %+v", m)
		}
		body := m.Description
		if _, ok := m.Get("Description"); ok && body == m.GetAll("Description")[0] {
			// The description may have come from the header, not the body;
			// writing it to the body as well would not change the result.
			body = ""
		}
		again, err := Parse(serialize(m, body))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("re-parse differs:\n got %+v\nwant %+v", again, m)
		}
	})
}
