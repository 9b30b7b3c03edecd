package pipeline

import (
	"context"
	"fmt"
	"os"

	"github.com/citadel-build/citadel/internal/audit"
	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/workspace"
)

// AuditInput names the release whose upstream pins are audited.
type AuditInput struct {
	Workspace       *workspace.Workspace
	Label           workspace.Label
	ConstraintsFile string // audit this file instead of the release's pinned upstream
	DBs             []string
}

// Audit matches the release's upstream constraint pins (before its overrides) against the
// vulnerability databases and proposes overrides, noting those the release already has.
func Audit(ctx context.Context, in AuditInput, f *fetch.Fetcher) ([]audit.Proposal, *decl.Release, error) {
	rel, err := decl.LoadRelease(ctx, in.Workspace, in.Label)
	if err != nil {
		return nil, nil, err
	}
	path, name := in.ConstraintsFile, in.ConstraintsFile
	if path == "" {
		name = "upper-constraints of " + rel.Label.String()
		if path, err = f.Fetch(ctx, fetch.Want{Name: name, URL: rel.Constraints.URL, SHA256: rel.Constraints.SHA256}); err != nil {
			return nil, nil, fmt.Errorf("release %s: %w (pass --distdir with a copy of the file, or --constraints)", rel.Label, err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("release %s: %w", rel.Label, err)
	}
	file, err := constraints.Parse(name, data)
	if err != nil {
		return nil, nil, fmt.Errorf("release %s: %w", rel.Label, err)
	}
	db, err := LoadDB(ctx, in.Workspace, in.DBs, f)
	if err != nil {
		return nil, nil, err
	}
	props, err := audit.Audit(db, file, rel.Overrides)
	if err != nil {
		return nil, nil, fmt.Errorf("release %s: %w", rel.Label, err)
	}
	return props, rel, nil
}
