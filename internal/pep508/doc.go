// Package pep508 parses PEP 508 dependency specifiers (requirements) and
// evaluates their environment markers, agreeing exactly with pypa/packaging
// 26.3 (packaging.requirements.Requirement, packaging.markers.Marker) as
// vendored by pip, so the resolver selects the same dependencies pip would.
package pep508
