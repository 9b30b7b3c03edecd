package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"
)

const noAssertion = "NOASSERTION"

// SPDX writes the document as SPDX 2.3 JSON: the image as the described CONTAINER package that
// CONTAINS every package, the operating system as an OPERATING_SYSTEM package, dependency edges
// as DEPENDS_ON, purls as PACKAGE-MANAGER references, wheel hashes as checksums, declared
// licenses as expressions or extracted LicenseRef texts, and each constraints override as an
// annotation on the package it changed.
func SPDX(d *Document) ([]byte, error) {
	created := d.Created.UTC().Format(time.RFC3339)
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      d.name(),
		DocumentNamespace: "urn:uuid:" + d.serial("spdx").String(),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: d.Tool}},
			Created:  created,
		},
	}
	image := d.imagePackage()
	doc.Packages = append(doc.Packages, image)
	rel := func(a, kind, b string) {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", a), RefB: common.MakeDocElementID("", b), Relationship: kind})
	}
	rel("DOCUMENT", common.TypeRelationshipDescribe, string(image.PackageSPDXIdentifier))
	if d.OS != nil {
		doc.Packages = append(doc.Packages, &spdx.Package{
			PackageName: d.OS.ID, PackageSPDXIdentifier: "os", PackageVersion: d.OS.VersionID,
			PackageDownloadLocation: noAssertion, PrimaryPackagePurpose: "OPERATING_SYSTEM",
			PackageDescription: d.OS.PrettyName, PackageLicenseConcluded: noAssertion, PackageLicenseDeclared: noAssertion,
			PackageCopyrightText: noAssertion,
		})
		rel(string(image.PackageSPDXIdentifier), common.TypeRelationshipContains, "os")
	}
	licenseRefs := map[string]string{} // text -> LicenseRef id
	for _, p := range d.Packages {
		sp := &spdx.Package{
			PackageName:             p.Name,
			PackageSPDXIdentifier:   common.ElementID(p.Ref),
			PackageVersion:          p.Version,
			PackageFileName:         p.Filename,
			PackageDownloadLocation: noAssertion,
			PackageHomePage:         p.Homepage,
			PackageLicenseConcluded: noAssertion,
			PackageLicenseDeclared:  licenseExpression(p.License, licenseRefs),
			PackageCopyrightText:    noAssertion,
			PrimaryPackagePurpose:   "LIBRARY",
			PackageExternalReferences: []*spdx.PackageExternalReference{
				{Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: p.Purl},
			},
		}
		if p.SHA256 != "" {
			sp.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: p.SHA256}}
		}
		if p.Supplier != "" {
			sp.PackageSupplier = supplier(p.Supplier)
		}
		if p.Type == TypeDeb {
			sp.PackageSourceInfo = fmt.Sprintf("built package from: %s %s", p.Source, p.SourceVersion)
		}
		var comments []string
		if p.Root {
			comments = append(comments, "a root package of the image")
		}
		if p.NeedsBuild {
			comments = append(comments, "installed from a wheel built from the locked sdist")
		}
		sp.PackageComment = strings.Join(comments, "; ")
		doc.Packages = append(doc.Packages, sp)
		rel(string(image.PackageSPDXIdentifier), common.TypeRelationshipContains, p.Ref)
		if p.Root {
			rel(string(image.PackageSPDXIdentifier), common.TypeRelationshipDependsOn, p.Ref)
		}
		for _, dep := range p.DependsOn {
			rel(p.Ref, common.TypeRelationshipDependsOn, dep)
		}
	}
	for _, text := range slices.Sorted(maps.Keys(licenseRefs)) {
		doc.OtherLicenses = append(doc.OtherLicenses, &spdx.OtherLicense{
			LicenseIdentifier: licenseRefs[text], ExtractedText: text, LicenseName: text,
			LicenseComment: "the license the package's metadata declares, which is not an SPDX expression",
		})
	}
	for _, o := range d.Overrides {
		ref, ok := d.ref(TypePyPI, o.Package, o.To)
		if !ok {
			continue
		}
		doc.Annotations = append(doc.Annotations, &spdx.Annotation{
			Annotator:                common.Annotator{AnnotatorType: "Tool", Annotator: d.Tool},
			AnnotationDate:           created,
			AnnotationType:           "OTHER",
			AnnotationSPDXIdentifier: common.MakeDocElementID("", ref),
			AnnotationComment:        o.describe(),
		})
	}
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf, spdxjson.Indent("  ")); err != nil {
		return nil, fmt.Errorf("write SPDX of %s: %w", d.Image.Label, err)
	}
	return buf.Bytes(), nil
}

// imagePackage is the image as an SPDX package; its checksum is the manifest digest.
func (d *Document) imagePackage() *spdx.Package {
	p := &spdx.Package{
		PackageName:             d.name(),
		PackageSPDXIdentifier:   "image",
		PackageVersion:          d.Image.Digest,
		PackageDownloadLocation: noAssertion,
		PrimaryPackagePurpose:   "CONTAINER",
		PackageLicenseConcluded: noAssertion,
		PackageLicenseDeclared:  noAssertion,
		PackageCopyrightText:    noAssertion,
		PackageExternalReferences: []*spdx.PackageExternalReference{
			{Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: d.imagePurl()},
		},
	}
	if hexDigest, ok := strings.CutPrefix(d.Image.Digest, "sha256:"); ok {
		p.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: hexDigest}}
	}
	var notes []string
	if d.Image.BaseDigest != "" {
		notes = append(notes, fmt.Sprintf("base image %s@%s", d.Image.BaseName, d.Image.BaseDigest))
	}
	if d.Image.LockSHA256 != "" {
		notes = append(notes, "lock sha256 "+d.Image.LockSHA256)
	}
	if d.Image.Release != "" {
		notes = append(notes, "OpenStack release "+d.Image.Release)
	}
	p.PackageComment = strings.Join(notes, "; ")
	return p
}

// licenseExpression is the declared license as SPDX: the text if it is an expression of known
// ids, else a LicenseRef whose extracted text is the declaration, NOASSERTION if there is none.
func licenseExpression(text string, refs map[string]string) string {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return noAssertion
	case spdxExpression(text):
		return text
	}
	if id, ok := refs[text]; ok {
		return id
	}
	sum := sha256.Sum256([]byte(text))
	id := "LicenseRef-" + hex.EncodeToString(sum[:6])
	refs[text] = id
	return id
}

// supplier turns a Debian Maintainer field, "Name <email>", into SPDX's "Name (email)": an
// Organization for teams and lists, a Person otherwise.
func supplier(maintainer string) *common.Supplier {
	name, email, ok := strings.Cut(maintainer, "<")
	name = strings.TrimSpace(name)
	if ok {
		name += " (" + strings.TrimSuffix(strings.TrimSpace(email), ">") + ")"
	}
	kind := "Person"
	if lower := strings.ToLower(maintainer); strings.Contains(lower, "maintainers") || strings.Contains(lower, "team") || strings.Contains(lower, "lists.") {
		kind = "Organization"
	}
	return &common.Supplier{SupplierType: kind, Supplier: name}
}
