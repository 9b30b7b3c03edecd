// Package image assembles a service image (stage 5): a verified base image, a layer adding the
// service user, and the venv layers of `citadel venv`, with the image config, as a
// deterministic OCI image that WriteLayout writes as an OCI image layout.
package image

import (
	"context"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/citadel-build/citadel/internal/venv"
)

// Config describes the image built on the base.
type Config struct {
	User, Group string // runtime user and group, e.g. horizon; Group defaults to User
	UID, GID    int    // their ids, e.g. 42424
	// Prefix is the venv root, e.g. /var/lib/openstack; PythonVersion the lock's target, e.g.
	// 3.11.2; Interpreter the base interpreter the venv links to, e.g. /usr/bin/python3.11.
	// Empty ones are taken from the venv's manifest; given ones must agree with it.
	Prefix, PythonVersion, Interpreter string
	Entrypoint, Cmd                    []string
	// Env is added after PATH, which is Prefix/bin followed by the base's PATH; a variable of the
	// base is replaced by one of the same name here.
	Env []string
	// Labels are written as config labels (over the base's) and as manifest annotations.
	Labels map[string]string
	Epoch  int64 // SOURCE_DATE_EPOCH: the config's creation time and the history's
}

// defaultPath is the PATH of a base that sets none (Docker's and runc's default).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Assemble builds the image: base, a layer adding the service user (if the base lacks it), then
// the venv's layers from venvDir (manifest.json and its layer blobs), and the config. It first
// checks that the base has the interpreter the venv links to at the venv's Python minor version.
// The result depends only on the inputs: the same inputs give the same manifest digest.
func Assemble(ctx context.Context, base v1.Image, venvDir string, cfg Config) (v1.Image, error) {
	m, err := venv.ReadManifest(filepath.Join(venvDir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	if err := cfg.complete(m, venvDir); err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	fs, err := readBase(ctx, base, wantedFile)
	if err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	if err := checkPython(fs, cfg.Interpreter, cfg.PythonVersion); err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	created := v1.Time{Time: time.Unix(cfg.Epoch, 0).UTC()}

	acct := account{user: cfg.User, group: cfg.Group, uid: cfg.UID, gid: cfg.GID, home: path.Join("/var/lib", cfg.User), shell: "/usr/sbin/nologin"}
	files, err := userFiles(fs, acct)
	if err != nil {
		return nil, fmt.Errorf("assemble image: add user %s (%d:%d): %w", cfg.User, cfg.UID, cfg.GID, err)
	}
	var adds []mutate.Addendum
	if len(files) > 0 {
		data, err := writeUserLayer(files, cfg.Epoch)
		if err != nil {
			return nil, fmt.Errorf("assemble image: user layer: %w", err)
		}
		l, err := userLayer(data)
		if err != nil {
			return nil, fmt.Errorf("assemble image: user layer: %w", err)
		}
		adds = append(adds, mutate.Addendum{Layer: l, MediaType: types.OCILayer, History: v1.History{
			Created: created, CreatedBy: fmt.Sprintf("citadel image: user %s:%s %d:%d home %s", cfg.User, cfg.Group, cfg.UID, cfg.GID, acct.home)}})
	}
	venvAdds, err := venvAddenda(venvDir, m, created)
	if err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	adds = append(adds, venvAdds...)

	img, err := ociBase(base)
	if err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	if img, err = mutate.Append(img, adds...); err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("assemble image: config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.Created = created
	cf.Config.User = fmt.Sprintf("%d:%d", cfg.UID, cfg.GID)
	if cf.Config.Env, err = env(cf.Config.Env, path.Join(cfg.Prefix, "bin"), cfg.Env); err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	cf.Config.Entrypoint = slices.Clone(cfg.Entrypoint)
	cf.Config.Cmd = slices.Clone(cfg.Cmd)
	labels := maps.Clone(cf.Config.Labels)
	if labels == nil && len(cfg.Labels) > 0 {
		labels = map[string]string{}
	}
	maps.Copy(labels, cfg.Labels)
	cf.Config.Labels = labels
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, fmt.Errorf("assemble image: %w", err)
	}
	if len(cfg.Labels) > 0 {
		img = mutate.Annotations(img, maps.Clone(cfg.Labels)).(v1.Image)
	}
	return img, nil
}

// complete fills the venv fields from the manifest and checks the rest.
func (c *Config) complete(m *venv.Manifest, dir string) error {
	for _, f := range []struct {
		name     string
		field    *string
		manifest string
	}{
		{"prefix", &c.Prefix, m.Prefix},
		{"python version", &c.PythonVersion, m.PythonVersion},
		{"interpreter", &c.Interpreter, m.Interpreter},
	} {
		switch {
		case *f.field == "":
			*f.field = f.manifest
		case *f.field != f.manifest:
			return fmt.Errorf("%s %q, but the venv in %s was built for %q", f.name, *f.field, dir, f.manifest)
		}
	}
	if c.Group == "" {
		c.Group = c.User
	}
	if !validName(c.User) || !validName(c.Group) {
		return fmt.Errorf("user %q, group %q: want names of lowercase letters, digits, '-' and '_', starting with a letter or '_'", c.User, c.Group)
	}
	if c.UID <= 0 || c.GID <= 0 {
		return fmt.Errorf("user %s: uid %d, gid %d: want ids above 0 (the service does not run as root)", c.User, c.UID, c.GID)
	}
	return nil
}

func validName(s string) bool {
	if s == "" || len(s) > 32 || !(s[0] == '_' || s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// env returns the image's environment: PATH with bin first, then the base's other variables,
// each replaced by the one of the same name in extra, then extra's new ones in order.
func env(base []string, bin string, extra []string) ([]string, error) {
	basePath := defaultPath
	var names []string
	vals := map[string]string{}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		if k == "PATH" {
			basePath = v
			continue
		}
		if _, ok := vals[k]; !ok {
			names = append(names, k)
		}
		vals[k] = v
	}
	for _, kv := range extra {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("environment variable %q: want NAME=value", kv)
		}
		if k == "PATH" {
			return nil, fmt.Errorf("environment variable %q: PATH is set from the venv prefix and the base", kv)
		}
		if _, ok := vals[k]; !ok {
			names = append(names, k)
		}
		vals[k] = v
	}
	out := []string{"PATH=" + bin + ":" + basePath}
	for _, k := range names {
		out = append(out, k+"="+vals[k])
	}
	return out, nil
}

// ociBase is the base with a Docker manifest turned into an OCI one, as the added layers are
// OCI layers. Its layers are not copied here: readBase has checked them against their digests.
func ociBase(base v1.Image) (v1.Image, error) {
	mt, err := base.MediaType()
	if err != nil {
		return nil, fmt.Errorf("base media type: %w", err)
	}
	switch mt {
	case types.OCIManifestSchema1:
		return base, nil
	case types.DockerManifestSchema2:
		img := mutate.MediaType(base, types.OCIManifestSchema1)
		return mutate.ConfigMediaType(img, types.OCIConfigJSON), nil
	}
	return nil, fmt.Errorf("base manifest media type %q: want an OCI or Docker schema 2 image manifest", mt)
}
