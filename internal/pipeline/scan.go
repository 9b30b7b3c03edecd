package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/osv"
	"github.com/citadel-build/citadel/internal/sbom"
	"github.com/citadel-build/citadel/internal/scan"
	"github.com/citadel-build/citadel/internal/workspace"
)

// ScanInput is what to scan and against what.
type ScanInput struct {
	Workspace *workspace.Workspace // may be nil with a PolicyFile
	Doc       *sbom.Document
	// Declared is the image's declaration when known: its release's policy applies, and SARIF
	// points at its lock. SBOMFile is the SBOM scanned, when the input was one.
	Declared   *decl.Image
	SBOMFile   string
	DBs        []string // OSV databases: paths (zip, JSON, directory) or @repo//file labels; default: the image's vulndb
	PolicyFile string   // JSON policy; else the release's, else decl.DefaultPolicy
	Now        time.Time
}

// Scan loads the databases (labels pinned by sha256 in MODULE.bazel, obtained through f),
// checks them against the positive controls, and scans the document under the policy.
func Scan(ctx context.Context, in ScanInput, f *fetch.Fetcher) (*scan.Report, error) {
	if len(in.DBs) == 0 && in.Declared != nil {
		in.DBs = in.Declared.VulnDB
	}
	db, err := LoadDB(ctx, in.Workspace, in.DBs, f)
	if err != nil {
		return nil, err
	}
	policy, err := scanPolicy(ctx, in)
	if err != nil {
		return nil, err
	}
	subject := scan.Subject{Image: in.Doc.Image.Label, Digest: in.Doc.Image.Digest, Name: in.Doc.Image.Name, Artifacts: map[string]string{}}
	switch {
	case in.SBOMFile != "":
		rel := in.SBOMFile
		if in.Workspace != nil {
			if r, err := filepath.Rel(in.Workspace.Root, in.SBOMFile); err == nil && !strings.HasPrefix(r, "..") {
				rel = filepath.ToSlash(r)
			}
		}
		subject.Artifacts[sbom.TypePyPI], subject.Artifacts[sbom.TypeDeb] = rel, rel
	case in.Declared != nil:
		subject.Artifacts[sbom.TypePyPI], subject.Artifacts[sbom.TypeDeb] = in.Declared.LockFile, "MODULE.bazel"
	}
	return scan.Scan(db, in.Doc, subject, policy, in.Now)
}

// LoadDB reads the OSV databases named by paths or by @repo//file labels of http_files pinned in
// MODULE.bazel (fetched by sha256 like every other input).
func LoadDB(ctx context.Context, ws *workspace.Workspace, names []string, f *fetch.Fetcher) (*osv.DB, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no vulnerability database: give --db with an OSV all.zip, a directory of OSV JSON, or an @repo//file label pinned in MODULE.bazel")
	}
	var paths []string
	for _, n := range names {
		if !strings.HasPrefix(n, "@") {
			paths = append(paths, n)
			continue
		}
		if ws == nil {
			return nil, fmt.Errorf("vulnerability database %s: a label needs a workspace", n)
		}
		u, err := decl.HTTPFile(ctx, ws, n)
		if err != nil {
			return nil, fmt.Errorf("vulnerability database %w", err)
		}
		p, err := f.Fetch(ctx, fetch.Want{Name: "vulnerability database " + n, URL: u.URL, SHA256: u.SHA256})
		if err != nil {
			return nil, fmt.Errorf("vulnerability database %s: %w", n, err)
		}
		paths = append(paths, p)
	}
	return osv.Load(paths...)
}

// scanPolicy is the policy file's, else the policy of the image's release: the declared one,
// or the one named by the SBOM's image label.
func scanPolicy(ctx context.Context, in ScanInput) (scan.Policy, error) {
	if in.PolicyFile != "" {
		data, err := os.ReadFile(in.PolicyFile)
		if err != nil {
			return scan.Policy{}, err
		}
		p, err := scan.ParsePolicy(in.PolicyFile, data)
		if err != nil {
			return scan.Policy{}, err
		}
		return *p, nil
	}
	if in.Declared != nil {
		return in.Declared.Release.Policy, nil
	}
	if in.Workspace != nil && strings.HasPrefix(in.Doc.Image.Label, "//images/") {
		if l, err := workspace.ParseLabel(in.Doc.Image.Label, ""); err == nil {
			if img, err := decl.LoadImage(ctx, in.Workspace, l); err == nil {
				return img.Release.Policy, nil
			}
		}
	}
	return decl.DefaultPolicy, nil
}

// ReadSBOM reads an SBOM file in either format.
func ReadSBOM(path string) (*sbom.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := sbom.Read(path, data)
	if err != nil {
		return nil, err
	}
	doc.Image.Name = cmp.Or(doc.Image.Name, filepath.Base(path))
	return doc, nil
}
