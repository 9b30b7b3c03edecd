package testutil

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// moduleFile is the path of file in Go module mod@version, downloaded through the module proxy
// (the go command checks the module against the checksum database), after checking the file's
// sha256: schemas are test inputs pinned like any other, not copies kept in the repository.
func moduleFile(t testing.TB, mod, version, file, sha string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", mod+"@"+version)
	cmd.Dir = t.TempDir() // outside our module, so go.mod and go.sum are left alone
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s@%s: %v\n%s", mod, version, err, out)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s@%s: %v %s", mod, version, err, out)
	}
	p := filepath.Join(info.Dir, filepath.FromSlash(file))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
		t.Fatalf("%s: sha256 %x, want %s", p, sum, sha)
	}
	return p
}

// Schema is a compiled JSON schema.
type Schema struct {
	root      string
	resources map[string]string // URL -> file
}

// SARIFSchema is the OASIS SARIF 2.1.0 schema (errata 01), as grype v0.121.3 ships it.
func SARIFSchema(t testing.TB) Schema {
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	return Schema{url, map[string]string{url: moduleFile(t, "github.com/anchore/grype", "v0.121.3",
		"grype/presenter/sarif/testdata/sarif-schema-2.1.0.json", "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e")}}
}

// SPDXSchema is the SPDX 2.3 JSON schema, as syft v1.57.2 ships it.
func SPDXSchema(t testing.TB) Schema {
	const url = "http://spdx.org/rdf/terms/2.3"
	return Schema{url, map[string]string{url: moduleFile(t, "github.com/anchore/syft", "v1.57.2",
		"schema/spdx-json/spdx-schema-2.3.json", "c2e139546ef93597d3b1214d1d452369d0b536af6c6d6500dbd25c582034aa7c")}}
}

// CycloneDXSchema is the CycloneDX 1.6 JSON schema with the two schemas it refers to, as
// cyclonedx-go v0.12.0 ships them.
func CycloneDXSchema(t testing.TB) Schema {
	const mod, version, base = "github.com/CycloneDX/cyclonedx-go", "v0.12.0", "http://cyclonedx.org/schema/"
	return Schema{base + "bom-1.6.schema.json", map[string]string{
		base + "bom-1.6.schema.json":  moduleFile(t, mod, version, "schema/bom-1.6.schema.json", "3e92dddbc30cf7f6a02b80f0942b1a4cfd4fb1c26f1dfc4310afa9d613cafb93"),
		base + "spdx.schema.json":     moduleFile(t, mod, version, "schema/spdx.schema.json", "669315cee4265ad6d742e92d7afb062fb4847abe754d3ade544b7c40482d0a48"),
		base + "jsf-0.82.schema.json": moduleFile(t, mod, version, "schema/jsf-0.82.schemax.json", "a517f9e483e2252debd23d5c62edb72805b6d3932935a6ebb8196745052d2dc3"),
	}}
}

// ValidateJSON fails the test unless doc is valid against the schema.
func ValidateJSON(t testing.TB, s Schema, doc []byte) {
	t.Helper()
	if err := s.Validate(doc); err != nil {
		t.Fatalf("not valid against %s: %v", s.root, err)
	}
}

// Validate checks doc against the schema.
func (s Schema) Validate(doc []byte) error {
	c := jsonschema.NewCompiler()
	for url, file := range s.resources {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		v, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			return err
		}
		if err := c.AddResource(url, v); err != nil {
			return err
		}
	}
	sch, err := c.Compile(s.root)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
