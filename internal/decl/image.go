package decl

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/citadel-build/citadel/internal/pep508"
	"github.com/citadel-build/citadel/internal/workspace"
)

const imageSymbol = defsBzl + "%openstack_image"

// imageAttrs are the arguments of openstack_image: the macro's parameters and the common ones.
var imageAttrs = []string{"name", "release", "packages", "lock", "user", "uid", "gid", "wheels", "pins", "entrypoint", "cmd", "env",
	"wheelhouse", "wheelhouse_wheels", "vulndb", "visibility", "tags"}

// Image is one declared service image for one release.
type Image struct {
	Label    workspace.Label
	Release  *Release
	Packages []string // PEP 508 root requirements
	Pins     []string // name==version for packages the constraints do not pin
	LockFile string   // workspace-relative path of the committed lock
	User     string
	UID, GID int64
	// Entrypoint and Cmd are the image config's; Env holds NAME=value entries added after PATH.
	Entrypoint, Cmd, Env []string
	// VulnDB are the @repo//file labels of the OSV snapshots citadel scan uses by default.
	// (wheels, wheelhouse and wheelhouse_wheels are Bazel's inputs; citadel fetches by itself.)
	VulnDB []string
	Where  string
}

// LoadImage reads the image declared at label and the release it names.
func LoadImage(ctx context.Context, ws *workspace.Workspace, label workspace.Label) (*Image, error) {
	c, err := ws.Target(ctx, label)
	if err != nil {
		return nil, err
	}
	if c.Symbol != imageSymbol {
		return nil, fmt.Errorf("%s: %s is a %s, not an openstack_image loaded from %s", c.Where(), label, c.Callee, defsBzl)
	}
	img := &Image{Label: label, Where: c.Where()}
	errs := []error{checkAttrs(c, imageAttrs...)}
	releaseLabel, err := required(c, "release")
	errs = append(errs, err)
	lock, err := required(c, "lock")
	errs = append(errs, err)
	img.LockFile = path.Join(label.Pkg, lock)
	if strings.Contains(lock, ":") || strings.HasPrefix(lock, "/") || !strings.HasSuffix(lock, ".json") {
		errs = append(errs, fmt.Errorf("%s: lock %q: want a .json file in this package", c.Where(), lock))
	}
	img.User, err = required(c, "user")
	errs = append(errs, err)
	if wheels, err := required(c, "wheels"); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, checkWheels(ctx, ws, c, wheels, img.LockFile))
	}
	for _, id := range []struct {
		attr string
		dst  *int64
	}{{"uid", &img.UID}, {"gid", &img.GID}} {
		attr := id.attr
		n, ok, err := c.Int(attr)
		switch {
		case err != nil:
			errs = append(errs, err)
		case !ok:
			errs = append(errs, fmt.Errorf("%s: %s: missing %s", c.Where(), c.Callee, attr))
		case n <= 0 || n >= 1<<31:
			errs = append(errs, fmt.Errorf("%s: %s = %d: want a non-root id below 2^31", c.Where(), attr, n))
		}
		*id.dst = n
	}
	img.Packages, _, err = c.StringList("packages")
	errs = append(errs, err)
	if err == nil && len(img.Packages) == 0 {
		errs = append(errs, fmt.Errorf("%s: packages: want at least one root requirement", c.Where()))
	}
	img.Pins, _, err = c.StringList("pins")
	errs = append(errs, err)
	for _, f := range []struct {
		attr string
		dst  *[]string
	}{{"entrypoint", &img.Entrypoint}, {"cmd", &img.Cmd}, {"env", &img.Env}, {"vulndb", &img.VulnDB}} {
		*f.dst, _, err = c.StringList(f.attr)
		errs = append(errs, err)
	}
	for _, kv := range img.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" || k == "PATH" {
			errs = append(errs, fmt.Errorf("%s: env %q: want NAME=value (PATH is set from the venv)", c.Where(), kv))
		}
	}
	for _, p := range append(slices.Clone(img.Packages), img.Pins...) {
		if _, err := pep508.ParseRequirement(p); err != nil {
			errs = append(errs, fmt.Errorf("%s: packages: %q: %w", c.Where(), p, err))
		}
	}
	if releaseLabel != "" {
		rl, err := workspace.ParseLabel(releaseLabel, label.Pkg)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: release: %w", c.Where(), err))
		} else if img.Release, err = LoadRelease(ctx, ws, rl); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("image %s: %w", label, err)
	}
	return img, nil
}

var hubFiles = regexp.MustCompile(`^@([A-Za-z0-9_.~-]+)//:files$`)

// checkWheels checks that wheels names the hub of a citadel.lock tag in MODULE.bazel for this
// image's lock, so Bazel installs the same files citadel build fetches.
func checkWheels(ctx context.Context, ws *workspace.Workspace, c *workspace.Call, wheels, lockFile string) error {
	m := hubFiles.FindStringSubmatch(wheels)
	if m == nil {
		return fmt.Errorf("%s: wheels %q: want @HUB//:files, the hub of a citadel.lock tag in MODULE.bazel", c.Where(), wheels)
	}
	tag, err := ws.Repo(ctx, m[1])
	if err != nil {
		return fmt.Errorf("%s: wheels %q: %w", c.Where(), wheels, err)
	}
	lock, _, err := tag.String("lock")
	if err != nil {
		return err
	}
	l, err := workspace.ParseLabel(lock, "")
	if tag.Callee != "citadel.lock" || err != nil || path.Join(l.Pkg, l.Name) != lockFile {
		return fmt.Errorf("%s: wheels %q: %s must be citadel.lock(name = %q, lock = \"//%s:%s\")", c.Where(), wheels, tag.Where(), m[1], path.Dir(lockFile), path.Base(lockFile))
	}
	return nil
}
