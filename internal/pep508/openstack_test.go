package pep508

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/testutil"
)

// pipComment is pip's requirements-file comment rule.
var pipComment = regexp.MustCompile(`(^|\s+)#.*$`)

// TestOpenStackRequirementFiles parses every requirement line of horizon's
// requirements and the OpenStack upper-constraints files and compares with
// the packaging 26.3 output recorded in the .golden files.
func TestOpenStackRequirementFiles(t *testing.T) {
	shared := testutil.SharedData(t)
	files := map[string]string{
		"horizon-23.1.1-requirements": "openstack/horizon/23.1.1-requirements.txt",
		"upper-constraints-2023.1":    "openstack/requirements/2023.1/upper-constraints.txt",
		"upper-constraints-2023.2":    "openstack/requirements/2023.2/upper-constraints.txt",
		"upper-constraints-2024.1":    "openstack/requirements/2024.1/upper-constraints.txt",
	}
	for name, rel := range files {
		file := filepath.Join(shared, rel)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		golden, err := os.ReadFile(filepath.Join("testdata", "openstack", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(strings.TrimSuffix(string(golden), "\n"), "\n")
		n := 0
		for line := range strings.Lines(string(data)) {
			line = strings.TrimSpace(pipComment.ReplaceAllString(strings.TrimRight(line, "\n"), ""))
			if line == "" {
				continue
			}
			if n >= len(want) {
				t.Fatalf("%s: more requirement lines than golden lines", file)
			}
			wantStr, wantEval, _ := strings.Cut(want[n], "\t")
			n++
			r, err := ParseRequirement(line)
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			if got := r.String(); got != wantStr {
				t.Errorf("%s: %q.String() = %q, want %q", file, line, got, wantStr)
			}
			if got := evalLetters(r.Marker); got != wantEval {
				t.Errorf("%s: %q evaluates to %q, want %q", file, line, got, wantEval)
			}
		}
		if n != len(want) {
			t.Errorf("%s: %d requirement lines, golden has %d", file, n, len(want))
		}
	}
}

func evalLetters(m *Marker) string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	for _, e := range evalEnvs {
		if m.Evaluate(e.env) {
			b.WriteByte('T')
		} else {
			b.WriteByte('F')
		}
	}
	return b.String()
}
