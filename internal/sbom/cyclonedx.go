package sbom

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// CycloneDX writes the document as CycloneDX 1.6 JSON: the image as metadata.component (a
// container, depending on the root packages), the operating system and every package as
// components with purls, hashes, licenses and properties, the dependency graph, and each
// constraints override's advisories as vulnerabilities the override resolved.
func CycloneDX(d *Document) ([]byte, error) {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = "urn:uuid:" + d.serial("cyclonedx").String()
	bom.Metadata = &cdx.Metadata{
		Timestamp: d.Created.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{
			{Type: cdx.ComponentTypeApplication, Name: "citadel", Version: d.toolVersion()},
		}},
		Component: &cdx.Component{
			BOMRef: "image", Type: cdx.ComponentTypeContainer, Name: d.name(), Version: d.Image.Digest,
			PackageURL: d.imagePurl(), Properties: d.imageProperties(),
		},
	}
	var comps []cdx.Component
	if d.OS != nil {
		comps = append(comps, cdx.Component{BOMRef: "os", Type: cdx.ComponentTypeOS, Name: d.OS.ID, Version: d.OS.VersionID, Description: d.OS.PrettyName})
	}
	roots := []string{}
	deps := []cdx.Dependency{}
	for _, p := range d.Packages {
		c := cdx.Component{BOMRef: p.Ref, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.Purl}
		if p.SHA256 != "" {
			c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: p.SHA256}}
		}
		switch {
		case p.License == "":
		case spdxExpression(p.License):
			c.Licenses = &cdx.Licenses{{Expression: p.License}}
		default:
			c.Licenses = &cdx.Licenses{{License: &cdx.License{Name: p.License}}}
		}
		if p.Supplier != "" {
			c.Supplier = &cdx.OrganizationalEntity{Name: p.Supplier}
		}
		var props []cdx.Property
		add := func(name, value string) {
			if value != "" {
				props = append(props, cdx.Property{Name: name, Value: value})
			}
		}
		add("citadel:filename", p.Filename)
		if p.Type == TypeDeb {
			add("citadel:deb:source", p.Source)
			add("citadel:deb:source_version", p.SourceVersion)
			add("citadel:deb:arch", p.Arch)
		}
		if p.Root {
			add("citadel:root", "true")
			roots = append(roots, p.Ref)
		}
		if p.NeedsBuild {
			add("citadel:built_from_sdist", "true")
		}
		if len(props) > 0 {
			c.Properties = &props
		}
		comps = append(comps, c)
		deps = append(deps, cdx.Dependency{Ref: p.Ref, Dependencies: &p.DependsOn})
	}
	bom.Components = &comps
	deps = append([]cdx.Dependency{{Ref: "image", Dependencies: &roots}}, deps...)
	bom.Dependencies = &deps
	if vulns := d.resolvedVulnerabilities(); len(vulns) > 0 {
		bom.Vulnerabilities = &vulns
	}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return nil, fmt.Errorf("write CycloneDX of %s: %w", d.Image.Label, err)
	}
	return buf.Bytes(), nil
}

func (d *Document) imageProperties() *[]cdx.Property {
	var props []cdx.Property
	for _, kv := range [][2]string{
		{"citadel:image", d.Image.Label},
		{"citadel:openstack:release", d.Image.Release},
		{"citadel:version", d.Image.Version},
		{"citadel:base:name", d.Image.BaseName},
		{"citadel:base:digest", d.Image.BaseDigest},
		{"citadel:lock:sha256", d.Image.LockSHA256},
	} {
		if kv[1] != "" {
			props = append(props, cdx.Property{Name: kv[0], Value: kv[1]})
		}
	}
	return &props
}

// resolvedVulnerabilities are the advisories the constraints overrides fix, as resolved
// vulnerabilities of the package versions the overrides installed.
func (d *Document) resolvedVulnerabilities() []cdx.Vulnerability {
	var out []cdx.Vulnerability
	for _, o := range d.Overrides {
		ref, ok := d.ref(TypePyPI, o.Package, o.To)
		if !ok {
			continue
		}
		for _, id := range o.Advisories {
			out = append(out, cdx.Vulnerability{
				BOMRef: "override-" + id + "-" + ref,
				ID:     id,
				Analysis: &cdx.VulnerabilityAnalysis{
					State:  cdx.IASResolved,
					Detail: o.describe(),
				},
				Affects: &[]cdx.Affects{{Ref: ref}},
			})
		}
	}
	slices.SortFunc(out, func(a, b cdx.Vulnerability) int { return strings.Compare(a.BOMRef, b.BOMRef) })
	return out
}

func (d *Document) toolVersion() string {
	_, v, _ := cutLast(d.Tool, "-")
	return v
}
