package coremetadata

import (
	"os"
	"testing"
)

func TestLicenseSummary(t *testing.T) {
	cases := []struct {
		name string
		m    Metadata
		want string
	}{
		{"expression wins", Metadata{LicenseExpression: " Apache-2.0 OR MIT ", License: "Apache 2.0", Classifiers: []string{"License :: OSI Approved :: MIT License"}}, "Apache-2.0 OR MIT"},
		{"blank expression ignored", Metadata{LicenseExpression: "  ", License: "MIT"}, "MIT"},
		{"one-line license trimmed", Metadata{License: "  BSD-3-Clause \n"}, "BSD-3-Clause"},
		{"license beats classifiers", Metadata{License: "Apache License, Version 2.0", Classifiers: []string{"License :: OSI Approved :: Apache Software License"}}, "Apache License, Version 2.0"},
		{"UNKNOWN skipped", Metadata{License: "UNKNOWN", Classifiers: []string{"License :: OSI Approved :: BSD License"}}, "BSD License"},
		{"unknown any case", Metadata{License: "Unknown"}, ""},
		{"multi-line license skipped", Metadata{License: "Copyright (c) 2005\n        All rights reserved.", Classifiers: []string{"License :: OSI Approved :: BSD License"}}, "BSD License"},
		{"CR counts as a line break", Metadata{License: "MIT\r  text"}, ""},
		{"multi-line license, no classifiers", Metadata{License: "line one\nline two"}, ""},
		{"classifiers joined in order", Metadata{Classifiers: []string{"Programming Language :: Python", "License :: OSI Approved :: Apache Software License", "License :: OSI Approved :: BSD License"}}, "Apache Software License, BSD License"},
		{"classifier repeats dropped", Metadata{Classifiers: []string{"License :: OSI Approved :: MIT License", "License :: OSI Approved :: MIT License"}}, "MIT License"},
		{"short classifier", Metadata{Classifiers: []string{"License :: Public Domain", "License :: OSI Approved"}}, "Public Domain, OSI Approved"},
		{"spacing tolerated", Metadata{Classifiers: []string{"License::Freeware"}}, "Freeware"},
		{"not a license classifier", Metadata{Classifiers: []string{"Licensed :: Foo", "Topic :: License :: Bar", "License"}}, ""},
		{"nothing", Metadata{}, ""},
	}
	for _, c := range cases {
		if got := c.m.LicenseSummary(); got != c.want {
			t.Errorf("%s: LicenseSummary() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLicenseSummaryReal(t *testing.T) {
	cases := []struct{ file, want string }{
		{"Babel-1.3.tar.gz.PKG-INFO", "BSD"},
		{"Django-1.4.tar.gz.PKG-INFO", "BSD License"},
		{"Django-3.2.22-py3-none-any.whl.METADATA", "BSD-3-Clause"},
		{"Django-3.2.22.tar.gz.PKG-INFO", "BSD-3-Clause"},
		{"MarkupSafe-2.1.3-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.METADATA", "BSD-3-Clause"},
		{"PyYAML-6.0.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.METADATA", "MIT"},
		{"Routes-1.13.tar.gz.PKG-INFO", "BSD License"},
		{"attrs-25.1.0-py3-none-any.whl.METADATA", "MIT"},
		{"bcrypt-4.1.2-cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.METADATA", "Apache-2.0"},
		{"cryptography-41.0.4-cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.METADATA", "Apache-2.0 OR BSD-3-Clause"},
		{"cryptography-41.0.4.tar.gz.PKG-INFO", "Apache-2.0 OR BSD-3-Clause"},
		{"debtcollector-2.5.0.tar.gz.PKG-INFO", "Apache Software License"},
		{"horizon-23.1.1-py3-none-any.whl.METADATA", "Apache Software License"},
		{"horizon-23.1.1.tar.gz.PKG-INFO", "Apache Software License"},
		{"keystoneauth1-5.3.0-py3-none-any.whl.METADATA", "Apache Software License"},
		{"keystoneauth1-5.3.0.tar.gz.PKG-INFO", "Apache Software License"},
		{"kombu-3.0.37-py2.py3-none-any.whl.METADATA", "BSD License"},
		{"netaddr-0.7.19-py2.py3-none-any.whl.METADATA", "BSD License"},
		{"netifaces-0.11.0.tar.gz.PKG-INFO", "MIT License"},
		{"numpy-1.26.4-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.METADATA", "BSD License"},
		{"oslo.config-1.2.1.tar.gz.PKG-INFO", "Apache Software License"},
		{"oslo.config-9.2.0-py3-none-any.whl.METADATA", "Apache Software License"},
		{"oslo.config-9.2.0.tar.gz.PKG-INFO", "Apache Software License"},
		{"packaging-24.2-py3-none-any.whl.METADATA", "Apache Software License, BSD License"},
		{"pbr-0.5.21.tar.gz.PKG-INFO", "Apache Software License"},
		{"psycopg2_binary-2.9.9-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.METADATA", "LGPL with exceptions"},
		{"pyOpenSSL-23.2.0-py3-none-any.whl.METADATA", "Apache License, Version 2.0"},
		{"python-keystoneclient-0.4.1.tar.gz.PKG-INFO", "Apache Software License"},
		{"python-novaclient-18.4.0.tar.gz.PKG-INFO", "Apache License, Version 2.0"},
		{"python_keystoneclient-5.2.0-py3-none-any.whl.METADATA", "Apache Software License"},
		{"requests-2.31.0-py3-none-any.whl.METADATA", "Apache 2.0"},
		{"requests-2.31.0.tar.gz.PKG-INFO", "Apache 2.0"},
		{"six-1.16.0-py2.py3-none-any.whl.METADATA", "MIT"},
		{"six-1.16.0.tar.gz.PKG-INFO", "MIT"},
		{"six-1.9.0-py2.py3-none-any.whl.METADATA", "MIT"},
		{"urllib3-2.3.0-py3-none-any.whl.METADATA", "MIT License"},
	}
	for _, c := range cases {
		data, err := os.ReadFile("testdata/real/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if got := m.LicenseSummary(); got != c.want {
			t.Errorf("%s: LicenseSummary() = %q, want %q", c.file, got, c.want)
		}
	}
}
