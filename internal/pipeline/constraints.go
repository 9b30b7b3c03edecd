// Package pipeline runs Citadel's stages for a declared target: it resolves labels, obtains the
// pinned inputs through the fetcher and hands explicit bytes to the stage packages. `citadel`
// subcommands and `citadel build` both go through it; Bazel actions call the stages with
// explicit paths instead.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/citadel-build/citadel/internal/constraints"
	"github.com/citadel-build/citadel/internal/decl"
	"github.com/citadel-build/citadel/internal/fetch"
	"github.com/citadel-build/citadel/internal/workspace"
)

// PatchInput says where the constraints and overrides come from. With a Label the release
// declaration supplies both; ConstraintsFile and OverridesFile replace either part.
type PatchInput struct {
	Workspace       *workspace.Workspace // needed with a Label
	Label           *workspace.Label
	ReleaseName     string // for messages when there is no Label
	ConstraintsFile string
	OverridesFile   string
}

// Patched is a patched constraints file and its report.
type Patched struct {
	Upstream *constraints.File // the upstream file, parsed, before the overrides
	Result   *constraints.Result
	Report   constraints.Report
	Release  *decl.Release // nil without a Label
}

// PatchConstraints runs stage 1.
func PatchConstraints(ctx context.Context, in PatchInput, f *fetch.Fetcher) (*Patched, error) {
	out := &Patched{}
	name := in.ReleaseName
	var ovs []constraints.Override
	var upstream constraints.Upstream
	var upstreamPath, upstreamName string
	if in.Label != nil {
		rel, err := decl.LoadRelease(ctx, in.Workspace, *in.Label)
		if err != nil {
			return nil, err
		}
		out.Release, name, ovs = rel, rel.Label.String(), rel.Overrides
		upstream = constraints.Upstream{URL: rel.Constraints.URL, SHA256: rel.Constraints.SHA256}
		if in.ConstraintsFile == "" {
			upstreamName = "upper-constraints of " + name
			upstreamPath, err = f.Fetch(ctx, fetch.Want{
				Name:   "upper-constraints of " + name,
				URL:    rel.Constraints.URL,
				SHA256: rel.Constraints.SHA256,
			})
			if err != nil {
				return nil, fmt.Errorf("release %s: %w (pass --distdir with a copy of the file, or --constraints)", name, err)
			}
		}
	}
	if name == "" {
		name = "(unnamed)"
	}
	if in.OverridesFile != "" {
		data, err := os.ReadFile(in.OverridesFile)
		if err != nil {
			return nil, fmt.Errorf("release %s: %w", name, err)
		}
		if ovs, err = constraints.DecodeOverrides(in.OverridesFile, data); err != nil {
			return nil, fmt.Errorf("release %s: %w", name, err)
		}
	}
	if in.ConstraintsFile != "" {
		upstreamPath, upstreamName, upstream = in.ConstraintsFile, in.ConstraintsFile, constraints.Upstream{}
	}
	if upstreamPath == "" {
		return nil, fmt.Errorf("release %s: no constraints: give a release label or --constraints FILE", name)
	}
	data, err := os.ReadFile(upstreamPath)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", name, err)
	}
	if upstream.SHA256 == "" {
		sum := sha256.Sum256(data)
		upstream.SHA256 = hex.EncodeToString(sum[:])
	}
	file, err := constraints.Parse(upstreamName, data)
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", name, err)
	}
	res, err := constraints.Apply(name, file, ovs)
	if err != nil {
		return nil, err
	}
	out.Upstream, out.Result = file, res
	out.Report = constraints.Report{Release: name, Upstream: upstream, PatchedSHA256: res.SHA256(), Changes: res.Changes}
	return out, nil
}
