package coremetadata

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type syntheticCase struct {
	name      string
	in        string
	deviation string // why Parse knowingly differs from parse_email here
	err       bool
	packaging string // parse_email(in) as JSON [raw, unparsed]
	want      string // the fields Parse must return, as JSON
}

func TestParseSynthetic(t *testing.T) {
	if len(syntheticCases) < 100 {
		t.Fatalf("only %d cases", len(syntheticCases))
	}
	for _, c := range syntheticCases {
		t.Run(c.name, func(t *testing.T) {
			var packaging [2]map[string]any
			if err := json.Unmarshal([]byte(c.packaging), &packaging); err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			m, err := Parse([]byte(c.in))
			if c.err {
				if !errors.Is(err, ErrMissingField) {
					t.Fatalf("Parse = %+v, %v; want ErrMissingField", m, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareFields(t, fieldsOf(m), expectedFile{First: want})
			raw := packaging[0]
			for k, v := range raw {
				agrees := reflect.DeepEqual(want[k], v) || v == ""
				if c.deviation == "" && !agrees {
					t.Errorf("table inconsistent: %s is %q, parse_email %q", k, want[k], v)
				}
			}
			if c.deviation != "" && reflect.DeepEqual(fieldsOf(m)["description"], raw["description"]) {
				t.Errorf("deviation %q no longer shows", c.deviation)
			}
		})
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Name: a\n", "missing required field Version"},
		{"Version: 1\n", "missing required field Name"},
		{"Summary: s\n", "missing required field Name and Version"},
		{"Name: oslo.config\nVersion:  \n", `"oslo.config": missing required field Version`},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error %v, want it to mention %q", c.in, err, c.want)
		}
	}
}

func TestParseFieldsAndGet(t *testing.T) {
	m, err := Parse([]byte("Name: a\nVersion: 1\nauthor: X\nProject-URL: Docs, https://d\nPROJECT-URL: Src, https://s\n\nbody"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{"Name", "a"}, {"Version", "1"}, {"author", "X"}, {"Project-URL", "Docs, https://d"}, {"PROJECT-URL", "Src, https://s"}}
	if !reflect.DeepEqual(m.Fields, want) {
		t.Errorf("Fields = %q, want %q", m.Fields, want)
	}
	if v, ok := m.Get("AUTHOR"); !ok || v != "X" {
		t.Errorf("Get(AUTHOR) = %q, %v", v, ok)
	}
	if v, ok := m.Get("Maintainer"); ok || v != "" {
		t.Errorf("Get(Maintainer) = %q, %v", v, ok)
	}
	if got := m.GetAll("project-url"); !reflect.DeepEqual(got, []string{"Docs, https://d", "Src, https://s"}) {
		t.Errorf("GetAll(project-url) = %q", got)
	}
	if got := m.GetAll("K"); got != nil {
		t.Errorf("GetAll(K) = %q", got)
	}
	bad, err := Parse([]byte("Name: a\nVersion: 1\nAuthor: J\xfcrgen\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := bad.Get("Author"); v != "J\ufffdrgen" {
		t.Errorf("Get(Author) of latin-1 bytes = %q", v)
	}
	// Header names fold ASCII only, as Python's str.lower on them does.
	m2, _ := Parse([]byte("Name: a\nVersion: 1\nKeywords: x\n"))
	if _, ok := m2.Get("\u212aeywords"); ok {
		t.Error("KELVIN SIGN matched K")
	}
}

func TestDecodeUTF8(t *testing.T) {
	// Expected strings are Python's bytes.decode("utf-8", "replace").
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"caf\xe9", "caf\ufffd"},
		{"\xff\xfe", "\ufffd\ufffd"},
		{"a\xe2\x82b", "a\ufffdb"},
		{"a\xf0\x9f\x98", "a\ufffd"},
		{"a\xed\xa0\x80b", "a\ufffd\ufffd\ufffdb"},
		{"a\xc0\xafb", "a\ufffd\ufffdb"},
		{"a\xf4\x90\x80\x80b", "a\ufffd\ufffd\ufffd\ufffdb"},
		{"\x80\x80\xbf", "\ufffd\ufffd\ufffd"},
		{"\xe0\x80\x80", "\ufffd\ufffd\ufffd"},
		{"\xe0\xa0", "\ufffd"},
		{"\xf0\x9fx", "\ufffdx"},
		{"\xf1\x80\x80", "\ufffd"},
		{"\xf4\x8f\xbf", "\ufffd"},
		{"x\xc3", "x\ufffd"},
		{"\xc3\xa9\xc3", "\u00e9\ufffd"},
		{"\xf5\x80", "\ufffd\ufffd"},
		{"\xef\xbf\xbd", "\ufffd"},
	}
	for _, c := range cases {
		if got := decodeUTF8([]byte(c.in)); got != c.want {
			t.Errorf("decodeUTF8(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
