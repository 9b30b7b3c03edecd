package jsonfile

import (
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	type doc struct {
		Req string `json:"req"`
	}
	b, err := Marshal(doc{Req: "cryptography<39"})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "{\n  \"req\": \"cryptography<39\"\n}\n" {
		t.Errorf("Marshal = %q", b)
	}
	var d doc
	if err := Unmarshal("f.json", b, &d); err != nil || d.Req != "cryptography<39" {
		t.Errorf("Unmarshal = %+v, %v", d, err)
	}
	for _, bad := range []string{`{"reqs":"x"}`, `{"req":"x"} {}`, `[`} {
		if err := Unmarshal("f.json", []byte(bad), &d); err == nil || !strings.HasPrefix(err.Error(), "f.json: ") {
			t.Errorf("Unmarshal(%s) = %v, want an error naming f.json", bad, err)
		}
	}
}
