package scan

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/openvex/go-vex/pkg/vex"

	"github.com/citadel-build/citadel/internal/sbom"
)

// vexNamespace is the UUID namespace of Citadel's OpenVEX document ids.
var vexNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:citadel:openvex"))

// OpenVEX writes the report as an OpenVEX document about the image: each waived finding as
// not_affected (the waiver's OpenVEX justification, else its text as the impact statement),
// each other finding as affected with the remedy as action statement, and each advisory a
// constraints override fixed as fixed. The document id and times derive from the image digest
// and the scan's date, so the same scan gives the same bytes.
func (r *Report) OpenVEX(w io.Writer, tool string) error {
	ts := r.now
	doc := vex.VEX{
		Metadata: vex.Metadata{
			Context:   vex.ContextLocator(),
			ID:        "urn:uuid:" + uuid.NewSHA1(vexNamespace, []byte(r.Subject.Image+"\x00"+r.Subject.Digest+"\x00"+r.Now)).String(),
			Author:    "citadel",
			Timestamp: &ts,
			Version:   1,
			Tooling:   tool,
		},
		Statements: []vex.Statement{},
	}
	product := func(purl string) []vex.Product {
		p := vex.Product{Component: vex.Component{ID: r.imagePurl()}}
		if purl != "" {
			p.Subcomponents = []vex.Subcomponent{{Component: vex.Component{ID: purl}}}
		}
		return []vex.Product{p}
	}
	for _, f := range r.Findings {
		st := vex.Statement{
			Vulnerability: vex.Vulnerability{Name: vex.VulnerabilityID(f.ID), Description: f.Summary, Aliases: aliases(f.IDs, f.ID)},
			Products:      product(f.Purl),
		}
		switch {
		case f.Status == StatusWaived && f.Waiver != nil:
			st.Status = vex.StatusNotAffected
			st.Justification = vex.Justification(f.Waiver.VEXJustification)
			st.ImpactStatement = fmt.Sprintf("%s (accepted by %s until %s)", f.Waiver.Justification, f.Waiver.Owner, f.Waiver.Expires)
		default:
			st.Status = vex.StatusAffected
			st.ActionStatement = help(f)
		}
		doc.Statements = append(doc.Statements, st)
	}
	for _, o := range r.Subject.Overrides {
		if o.To == "" {
			continue
		}
		purl := sbom.PyPIPurl(o.Package, o.To)
		for _, id := range o.Advisories {
			doc.Statements = append(doc.Statements, vex.Statement{
				Vulnerability: vex.Vulnerability{Name: vex.VulnerabilityID(id)},
				Products:      product(purl),
				Status:        vex.StatusFixed,
				StatusNotes:   fmt.Sprintf("constraints override: %s %s -> %s", o.Package, o.From, o.To),
			})
		}
	}
	slices.SortStableFunc(doc.Statements, func(a, b vex.Statement) int {
		return cmp.Or(strings.Compare(string(a.Vulnerability.Name), string(b.Vulnerability.Name)), strings.Compare(subject(a), subject(b)))
	})
	for i := range doc.Statements {
		doc.Statements[i].Timestamp = &ts
		if err := doc.Statements[i].Validate(); err != nil {
			return fmt.Errorf("OpenVEX statement %s: %w", doc.Statements[i].Vulnerability.Name, err)
		}
	}
	return doc.ToJSON(w)
}

func (r *Report) imagePurl() string { return sbom.ImagePurl(r.Subject.Name, r.Subject.Digest) }

func subject(s vex.Statement) string {
	if len(s.Products) == 0 || len(s.Products[0].Subcomponents) == 0 {
		return ""
	}
	return s.Products[0].Subcomponents[0].ID
}

func aliases(ids []string, primary string) []vex.VulnerabilityID {
	var out []vex.VulnerabilityID
	for _, id := range ids {
		if id != primary {
			out = append(out, vex.VulnerabilityID(id))
		}
	}
	return out
}
