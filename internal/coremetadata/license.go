package coremetadata

import "strings"

// LicenseSummary gives a one-line license for reports. The rule, first match
// wins:
//  1. License-Expression (metadata 2.4, SPDX), trimmed;
//  2. License, trimmed, when it is a single line and not setuptools'
//     placeholder "UNKNOWN" (any case);
//  3. the "License ::" classifiers, each reduced to its last " :: " segment
//     (e.g. "Apache Software License"), without repeats, joined by ", " in
//     file order;
//  4. otherwise "" (for instance a License holding a full license text and no
//     classifiers).
func (m *Metadata) LicenseSummary() string {
	if e := strings.TrimSpace(m.LicenseExpression); e != "" {
		return e
	}
	if l := strings.TrimSpace(m.License); l != "" && !strings.ContainsAny(l, "\r\n") && !strings.EqualFold(l, "UNKNOWN") {
		return l
	}
	var names []string
	seen := map[string]bool{}
	for _, c := range m.Classifiers {
		parts := strings.Split(c, "::")
		if len(parts) < 2 || strings.TrimSpace(parts[0]) != "License" {
			continue
		}
		name := strings.TrimSpace(parts[len(parts)-1])
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}
