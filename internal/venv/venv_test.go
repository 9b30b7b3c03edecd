package venv

import (
	"strings"
	"testing"

	"github.com/citadel-build/citadel/internal/layer"
)

func pkg(name string, size int64) installed {
	return installed{pkg: Package{Name: name, Version: "1"}, size: size, files: []layer.File{{Path: "/p/" + name, Size: size}}}
}

func TestPlanGivesLargePackagesTheirOwnLayers(t *testing.T) {
	cfg := Config{Prefix: "/var/lib/openstack", PythonVersion: "3.11.2", Layers: 5}
	if err := cfg.defaults(); err != nil {
		t.Fatal(err)
	}
	inst := []installed{pkg("a", 10), pkg("big", 5<<20), pkg("bigger", 9<<20), pkg("biggest", 20<<20), pkg("huge", 30<<20), pkg("z", 1<<20-1)}
	var got []string
	for _, g := range plan(cfg, inst) {
		got = append(got, g.role+":"+strings.Join(names(g.pkgs), ","))
	}
	// Budget 5 = skeleton + 3 own layers + shared: the three largest keep their own layers.
	want := "skeleton: package:bigger==1 package:biggest==1 package:huge==1 shared:a==1,big==1,z==1"
	if strings.Join(got, " ") != want {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, " "), want)
	}
}

// A package's own layer does not depend on the other packages of the image.
func TestPlanIsLocalToEachPackage(t *testing.T) {
	cfg := Config{Prefix: "/var/lib/openstack", PythonVersion: "3.11.2"}
	if err := cfg.defaults(); err != nil {
		t.Fatal(err)
	}
	one := plan(cfg, []installed{pkg("django", 8<<20), pkg("x", 1)})
	two := plan(cfg, []installed{pkg("django", 8<<20), pkg("cryptography", 4<<20), pkg("y", 2), pkg("w", 3)})
	if len(one[1].files) != 1 || one[1].files[0].Path != "/p/django" || len(two[2].files) != 1 || two[2].files[0].Path != "/p/django" {
		t.Errorf("django's layer differs between images: %+v / %+v", one[1].files, two[2].files)
	}
}

func TestSkeletonMatchesVenv(t *testing.T) {
	cfg := Config{Prefix: "/var/lib/openstack", PythonVersion: "3.11.2"}
	if err := cfg.defaults(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range skeleton(cfg) {
		got = append(got, f.Path+" -> "+f.Symlink)
	}
	want := []string{
		"/var/lib/openstack/pyvenv.cfg -> ", "/var/lib/openstack/bin -> ", "/var/lib/openstack/bin/python -> python3",
		"/var/lib/openstack/bin/python3 -> /usr/bin/python3", "/var/lib/openstack/bin/python3.11 -> python3",
		"/var/lib/openstack/include/python3.11 -> ", "/var/lib/openstack/lib/python3.11/site-packages -> ", "/var/lib/openstack/lib64 -> lib",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("skeleton:\n%s", strings.Join(got, "\n"))
	}
	rc, _ := skeleton(cfg)[0].Open()
	buf := new(strings.Builder)
	b := make([]byte, 512)
	n, _ := rc.Read(b)
	buf.Write(b[:n])
	const cfgText = "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\nexecutable = /usr/bin/python3.11\ncommand = /usr/bin/python3 -m venv /var/lib/openstack\n"
	if buf.String() != cfgText {
		t.Errorf("pyvenv.cfg:\n%s", buf.String())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Prefix: "/x", PythonVersion: "3.11"},
		{Prefix: "x", PythonVersion: "3.11.2"},
		{Prefix: "/x", PythonVersion: "3.11.2", Layers: 2},
	} {
		if err := c.defaults(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
