package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
)

// maxSBOM bounds an SBOM read (a large image's CycloneDX is a few MiB).
const maxSBOM = 256 << 20

// Read parses an SBOM in SPDX 2.x JSON or CycloneDX JSON (any tool's): the packages identified
// by pypi or deb purls, the operating system (CycloneDX operating-system component, SPDX
// OPERATING_SYSTEM package) and the described container image's name and digest where given.
// name says which file it is, in errors.
func Read(name string, data []byte) (doc *Document, err error) {
	if len(data) > maxSBOM {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", name, len(data), maxSBOM)
	}
	var probe struct {
		BOMFormat   string `json:"bomFormat"`
		SPDXVersion string `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: not a JSON SBOM: %w", name, err)
	}
	var d *Document
	// The SBOM libraries panic on some malformed documents (tools-golang on a null package in
	// SPDX 2.2, found by FuzzRead); that is bad input, not a crash.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: malformed SBOM: %v", name, r)
		}
	}()
	switch {
	case probe.BOMFormat == "CycloneDX":
		d, err = readCycloneDX(data)
	case strings.HasPrefix(probe.SPDXVersion, "SPDX-2."):
		d, err = readSPDX(data)
	default:
		return nil, fmt.Errorf("%s: want CycloneDX JSON (bomFormat CycloneDX) or SPDX 2.x JSON (spdxVersion SPDX-2.x)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sortPackages(d.Packages)
	return d, nil
}

func readCycloneDX(data []byte) (*Document, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, err
	}
	d := &Document{}
	seen := map[string]bool{}
	var walk func(cs *[]cdx.Component) error
	walk = func(cs *[]cdx.Component) error {
		if cs == nil {
			return nil
		}
		for _, c := range *cs {
			if c.Type == cdx.ComponentTypeOS && d.OS == nil {
				d.OS = &OS{ID: strings.ToLower(c.Name), VersionID: c.Version, PrettyName: c.Description}
			}
			if err := d.addPurl(c.PackageURL, c.BOMRef, seen); err != nil {
				return fmt.Errorf("component %q: %w", c.BOMRef, err)
			}
			if err := walk(c.Components); err != nil {
				return err
			}
		}
		return nil
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		mc := bom.Metadata.Component
		d.Image.Name, d.Image.Label = mc.Name, mc.Name
		if strings.HasPrefix(mc.Version, "sha256:") {
			d.Image.Digest = mc.Version
		}
	}
	if err := walk(bom.Components); err != nil {
		return nil, err
	}
	return d, nil
}

func readSPDX(data []byte) (*Document, error) {
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	d := &Document{}
	seen := map[string]bool{}
	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		switch p.PrimaryPackagePurpose {
		case "OPERATING_SYSTEM", "OPERATING-SYSTEM":
			if d.OS == nil {
				d.OS = &OS{ID: strings.ToLower(p.PackageName), VersionID: p.PackageVersion, PrettyName: p.PackageDescription}
			}
		case "CONTAINER":
			if d.Image.Digest == "" && strings.HasPrefix(p.PackageVersion, "sha256:") {
				d.Image.Name, d.Image.Label, d.Image.Digest = p.PackageName, p.PackageName, p.PackageVersion
			}
		}
		for _, ref := range p.PackageExternalReferences {
			if ref == nil || ref.RefType != common.TypePackageManagerPURL {
				continue
			}
			if err := d.addPurl(ref.Locator, string(p.PackageSPDXIdentifier), seen); err != nil {
				return nil, fmt.Errorf("package %q: %w", p.PackageSPDXIdentifier, err)
			}
		}
	}
	if doc.DocumentName != "" && d.Image.Label == "" {
		d.Image.Label = doc.DocumentName
	}
	return d, nil
}

// addPurl adds the package a pypi or deb purl names, once; other purls are not scanned.
func (d *Document) addPurl(purl, ref string, seen map[string]bool) error {
	if purl == "" || seen[purl] {
		return nil
	}
	p, distro, ok, err := FromPurl(purl)
	if err != nil || !ok {
		return err
	}
	seen[purl] = true
	p.Ref, p.Release = ref, distro
	d.Packages = append(d.Packages, p)
	return nil
}
