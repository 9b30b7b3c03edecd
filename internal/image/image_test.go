package image

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// goldenDigest guards the image format: the synthetic base of baseLayer("11") plus a skeleton
// venv for 3.11.2 with testConfig. It changes only when the output format (or the venv
// skeleton, or the gzip implementation pinned by go.mod) changes.
const goldenDigest = "sha256:1a617ecfab9367c509b47657753f85a13ea6a2c16b2fd813f7b45f127c306553"

func TestAssembleIsDeterministic(t *testing.T) {
	ctx := context.Background()
	venvDir := skeletonVenv(t, "3.11.2")
	var digests []string
	for range 2 {
		base := syntheticImage(t, baseLayer(t, "11"))
		img, err := Assemble(ctx, base, venvDir, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d.String())
	}
	if digests[0] != digests[1] {
		t.Fatalf("two assemblies differ: %s, %s", digests[0], digests[1])
	}
	if digests[0] != goldenDigest {
		t.Errorf("digest %s, want golden %s", digests[0], goldenDigest)
	}
}

func TestAssembleConfig(t *testing.T) {
	venvDir := skeletonVenv(t, "3.11.2")
	img, err := Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), venvDir, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.User != "42424:42424" {
		t.Errorf("User %q", c.User)
	}
	wantEnv := []string{"PATH=/var/lib/openstack/bin:/usr/sbin:/usr/bin", "LANG=en_US.UTF-8", "OS_SERVICE=horizon"}
	if !slices.Equal(c.Env, wantEnv) {
		t.Errorf("Env %q, want %q", c.Env, wantEnv)
	}
	if !slices.Equal(c.Entrypoint, []string{"/var/lib/openstack/bin/horizon"}) || !slices.Equal(c.Cmd, []string{"--help"}) {
		t.Errorf("Entrypoint %q Cmd %q", c.Entrypoint, c.Cmd)
	}
	if c.Labels["io.citadel.release"] != "2024.1" {
		t.Errorf("Labels %v", c.Labels)
	}
	if cf.Created.Unix() != 1700000000 || cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("created %v, platform %s/%s", cf.Created, cf.OS, cf.Architecture)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Annotations["org.opencontainers.image.source"] != "https://example.invalid/citadel" {
		t.Errorf("annotations %v", m.Annotations)
	}
	// base layer, user layer, skeleton layer; one history entry each.
	if len(m.Layers) != 3 || len(cf.History) != 3 || len(cf.RootFS.DiffIDs) != 3 {
		t.Fatalf("%d layers, %d history entries, %d diff IDs; want 3", len(m.Layers), len(cf.History), len(cf.RootFS.DiffIDs))
	}
	for _, h := range cf.History[1:] {
		if h.Created.Unix() != 1700000000 {
			t.Errorf("history %q created %v", h.CreatedBy, h.Created)
		}
	}
	if got := cf.History[1].CreatedBy; got != "citadel image: user horizon:horizon 42424:42424 home /var/lib/horizon" {
		t.Errorf("history[1] %q", got)
	}
	if got := cf.History[2].CreatedBy; got != "citadel venv: skeleton /var/lib/openstack (python 3.11.2)" {
		t.Errorf("history[2] %q", got)
	}

	// The venv layer is the blob citadel venv wrote.
	vm, err := os.ReadDir(venvDir)
	if err != nil {
		t.Fatal(err)
	}
	var blob string
	for _, e := range vm {
		if strings.HasSuffix(e.Name(), ".tar.gz") {
			blob = "sha256:" + strings.TrimSuffix(e.Name(), ".tar.gz")
		}
	}
	if m.Layers[2].Digest.String() != blob {
		t.Errorf("venv layer %s, want the blob %s", m.Layers[2].Digest, blob)
	}

	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	hdrs, data := layerFiles(t, layers[1])
	wantNames := []string{"etc/", "etc/group", "etc/gshadow", "etc/passwd", "etc/shadow", "var/", "var/lib/", "var/lib/horizon/"}
	if got := sortedNames(hdrs); !slices.Equal(got, wantNames) {
		t.Fatalf("user layer entries %q, want %q", got, wantNames)
	}
	for name, want := range map[string]string{
		"etc/passwd":  basePasswd + "horizon:x:42424:42424::/var/lib/horizon:/usr/sbin/nologin\n",
		"etc/group":   baseGroup + "horizon:x:42424:\n",
		"etc/shadow":  baseShadow + "horizon:!::0:99999:7:::\n",
		"etc/gshadow": "root:*::\nshadow:*::\nhorizon:!::\n",
	} {
		if data[name] != want {
			t.Errorf("%s:\n%s\nwant\n%s", name, data[name], want)
		}
	}
	for name, want := range map[string][3]int64{
		"etc/passwd": {0o644, 0, 0}, "etc/group": {0o644, 0, 0},
		"etc/shadow": {0o640, 0, 42}, "etc/gshadow": {0o640, 0, 42},
		"var/lib/horizon/": {0o755, 42424, 42424},
	} {
		h := hdrs[name]
		if got := [3]int64{h.Mode, int64(h.Uid), int64(h.Gid)}; got != want {
			t.Errorf("%s mode/uid/gid %o/%d/%d, want %o/%d/%d", name, got[0], got[1], got[2], want[0], want[1], want[2])
		}
	}
}

func TestAssembleRefusesAnotherPython(t *testing.T) {
	for _, tc := range []struct {
		name string
		base v1.Layer
		venv string
		want string
	}{
		{"other minor", baseLayer(t, "11"), "3.10.12", "venv for python 3.10 but base has python3.11 (3.11.2) only"},
		{"no interpreter", tarLayer(t, tf{name: "usr/lib/python3.11/"}, tf{name: "etc/passwd", data: basePasswd}), "3.11.2", "/usr/bin/python3.11 in the base: /usr/bin does not exist"},
		{"no python", tarLayer(t, tf{name: "etc/passwd", data: basePasswd}), "3.11.2", "base has no python3.X"},
		{"interpreter is a directory", tarLayer(t, tf{name: "usr/lib/python3.11/"}, tf{name: "usr/bin/python3.11/"}), "3.11.2", "is not a regular file"},
		{"python3 is another python", baseLayer(t, "11", tf{name: "usr/bin/python3.12", data: "ELF"}, tf{name: "usr/lib/python3.12/"}, tf{name: "usr/bin/python3 -> python3.12"}), "3.11.2",
			"venv's bin/python3 links to /usr/bin/python3, which is /usr/bin/python3.12 in the base"},
		{"symlink loop", baseLayer(t, "11", tf{name: "usr/bin/python3.11 -> python3"}), "3.11.2", "too many levels of symbolic links"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Assemble(context.Background(), syntheticImage(t, tc.base), skeletonVenv(t, tc.venv), testConfig())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestAssembleFollowsInterpreterSymlinks(t *testing.T) {
	// Merged /usr: /bin -> usr/bin, interpreter named through it and a relative link chain.
	base := baseLayer(t, "11", tf{name: "bin -> usr/bin"})
	cfg := testConfig()
	venvDir := filepath.Join(t.TempDir(), "venv")
	writeVenv(t, venvDir, "3.11.2", "/bin/python3.11")
	if _, err := Assemble(context.Background(), syntheticImage(t, base), venvDir, cfg); err != nil {
		t.Fatal(err)
	}
}

func TestAssembleUserCollisions(t *testing.T) {
	for _, tc := range []struct {
		name, passwd, group, want string
	}{
		{"uid taken", basePasswd + "other:x:42424:42424::/:/bin/sh\n", baseGroup + "horizon:x:42424:\n", "gives id 42424 to other, wanted for horizon"},
		{"name with other uid", basePasswd + "horizon:x:1000:42424::/:/bin/sh\n", baseGroup + "horizon:x:42424:\n", "has horizon with id 1000, want 42424"},
		{"gid taken", basePasswd, baseGroup + "staff2:x:42424:\n", "/etc/group gives id 42424 to staff2"},
		{"group with other gid", basePasswd, baseGroup + "horizon:x:50:\n", "/etc/group has horizon with id 50"},
		{"user with other primary group", basePasswd + "horizon:x:42424:0::/:/bin/sh\n", baseGroup + "horizon:x:42424:\n", "primary group 0, want 42424"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := tarLayer(t,
				tf{name: "etc/passwd", data: tc.passwd}, tf{name: "etc/group", data: tc.group},
				tf{name: "usr/bin/python3.11", data: "ELF"}, tf{name: "usr/bin/python3 -> python3.11"}, tf{name: "usr/lib/python3.11/"})
			_, err := Assemble(context.Background(), syntheticImage(t, base), skeletonVenv(t, "3.11.2"), testConfig())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestAssembleKeepsExistingUser(t *testing.T) {
	base := tarLayer(t,
		tf{name: "etc/passwd", data: basePasswd + "horizon:x:42424:42424::/var/lib/horizon:/usr/sbin/nologin"},
		tf{name: "etc/group", data: baseGroup + "horizon:x:42424:\n"},
		tf{name: "var/lib/horizon/"},
		tf{name: "usr/bin/python3.11", data: "ELF"}, tf{name: "usr/bin/python3 -> python3.11"}, tf{name: "usr/lib/python3.11/"})
	img, err := Assemble(context.Background(), syntheticImage(t, base), skeletonVenv(t, "3.11.2"), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 2 {
		t.Fatalf("%d layers, want base + skeleton (no user layer)", len(layers))
	}
}

func TestAssembleReadsAccountFilesThroughWhiteouts(t *testing.T) {
	py := []tf{{name: "usr/bin/python3.11", data: "ELF"}, {name: "usr/bin/python3 -> python3.11"}, {name: "usr/lib/python3.11/"}}
	lower := tarLayer(t, append([]tf{
		{name: "etc/passwd", data: basePasswd + "horizon:x:1000:1000::/:/bin/sh\n"},
		{name: "etc/group", data: baseGroup + "horizon:x:1000:\n"},
		{name: "etc/old/"}, {name: "etc/old/passwd", data: "x"},
	}, py...)...)
	for _, tc := range []struct {
		name   string
		layers []v1.Layer
		passwd string // the user layer's /etc/passwd; "" for an error
		err    string
	}{
		{"whiteout then new file in a later layer", []v1.Layer{lower,
			tarLayer(t, tf{name: "etc/.wh.passwd"}, tf{name: "etc/.wh.group"}),
			tarLayer(t, tf{name: "etc/passwd", data: "root:x:0:0::/root:/bin/sh\n"}, tf{name: "etc/group", data: "root:x:0:\n"}),
		}, "root:x:0:0::/root:/bin/sh\nhorizon:x:42424:42424::/var/lib/horizon:/usr/sbin/nologin\n", ""},
		{"opaque directory with new files in the same layer", []v1.Layer{lower,
			tarLayer(t, tf{name: "etc/"}, tf{name: "etc/.wh..wh..opq"}, tf{name: "etc/passwd", data: "root:x:0:0::/root:/bin/sh"}, tf{name: "etc/group", data: "root:x:0:\n"}),
		}, "root:x:0:0::/root:/bin/sh\nhorizon:x:42424:42424::/var/lib/horizon:/usr/sbin/nologin\n", ""},
		{"whiteout of the whole directory", []v1.Layer{lower, tarLayer(t, tf{name: ".wh.etc"})}, "", "base has no /etc/passwd or /etc/group"},
		{"no whiteout: lower user collides", []v1.Layer{lower}, "", "has horizon with id 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Assemble(context.Background(), syntheticImage(t, tc.layers...), skeletonVenv(t, "3.11.2"), testConfig())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			layers, err := img.Layers()
			if err != nil {
				t.Fatal(err)
			}
			_, data := layerFiles(t, layers[len(tc.layers)])
			if data["etc/passwd"] != tc.passwd {
				t.Fatalf("/etc/passwd:\n%s\nwant\n%s", data["etc/passwd"], tc.passwd)
			}
		})
	}
}

func TestAssembleVerifiesVenvLayers(t *testing.T) {
	// Another valid layer in place of the one the manifest names.
	venvDir := skeletonVenv(t, "3.11.2")
	other, err := filepath.Glob(filepath.Join(skeletonVenv(t, "3.12.1"), "*.tar.gz"))
	if err != nil || len(other) != 1 {
		t.Fatalf("blobs %v, %v", other, err)
	}
	swapped, err := filepath.Glob(filepath.Join(venvDir, "*.tar.gz"))
	if err != nil || len(swapped) != 1 {
		t.Fatalf("blobs %v, %v", swapped, err)
	}
	if err := os.Rename(other[0], swapped[0]); err != nil {
		t.Fatal(err)
	}
	_, err = Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), venvDir, testConfig())
	if err == nil || !strings.Contains(err.Error(), "blob does not match its descriptor") {
		t.Fatalf("error %v, want a venv layer mismatch", err)
	}
	t.Log(err)

	// A corrupt blob.
	venvDir = skeletonVenv(t, "3.11.2")
	blobs, err := filepath.Glob(filepath.Join(venvDir, "*.tar.gz"))
	if err != nil || len(blobs) != 1 {
		t.Fatalf("blobs %v, %v", blobs, err)
	}
	data, err := os.ReadFile(blobs[0])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(blobs[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), venvDir, testConfig())
	if err == nil || !strings.Contains(err.Error(), "venv layer 0") {
		t.Fatalf("error %v, want a venv layer mismatch", err)
	}
	t.Log(err)
}

func TestAssembleConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"root", func(c *Config) { c.UID = 0 }, "want ids above 0"},
		{"bad name", func(c *Config) { c.User = "Horizon" }, `user "Horizon"`},
		{"other prefix", func(c *Config) { c.Prefix = "/opt/venv" }, `prefix "/opt/venv", but the venv`},
		{"other python", func(c *Config) { c.PythonVersion = "3.11.9" }, `python version "3.11.9"`},
		{"PATH in Env", func(c *Config) { c.Env = []string{"PATH=/x"} }, "PATH is set from"},
		{"Env without =", func(c *Config) { c.Env = []string{"LANG"} }, `"LANG": want NAME=value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.edit(&cfg)
			_, err := Assemble(context.Background(), syntheticImage(t, baseLayer(t, "11")), skeletonVenv(t, "3.11.2"), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestAssembleTurnsDockerBaseIntoOCI(t *testing.T) {
	base := mutate.MediaType(syntheticImage(t, baseLayer(t, "11")), types.DockerManifestSchema2)
	base = mutate.ConfigMediaType(base, types.DockerConfigJSON)
	img, err := Assemble(context.Background(), base, skeletonVenv(t, "3.11.2"), testConfig())
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIManifestSchema1 || m.Config.MediaType != types.OCIConfigJSON {
		t.Fatalf("manifest %s, config %s; want OCI", m.MediaType, m.Config.MediaType)
	}
}
