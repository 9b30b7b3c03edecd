package rootfs

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPythonInDebianBase is the package's end-to-end check: the real base, unpacked and run
// with runc as the images' runtime user.
func TestPythonInDebianBase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Debian base image; not in -short mode")
	}
	if os.Geteuid() != 0 {
		t.Skip("runc and mmdebstrap need root")
	}
	start := time.Now()
	layout := DebianBase(t)
	t.Logf("DebianBase: %s", time.Since(start).Round(time.Millisecond))

	layers, err := LayoutLayers(layout)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("base has %d layers, want 1", len(layers))
	}
	root := t.TempDir()
	start = time.Now()
	if err := Unpack(root, layers...); err != nil {
		t.Fatal(err)
	}
	t.Logf("Unpack: %s", time.Since(start).Round(time.Millisecond))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const user = "42424:42424"
	out, code, err := Run(ctx, root, user, nil, "python3", "-c", "import os, sys; print(sys.version); print(os.getuid(), os.getgid())")
	if err != nil || code != 0 {
		t.Fatalf("python3: exit %d, %v\n%s", code, err, out)
	}
	if !regexp.MustCompile(`^3\.11\.\d+ .*\n42424 42424\n$`).MatchString(out) {
		t.Fatalf("python3 printed %q, want 3.11.x and uid/gid 42424", out)
	}

	// The container has no network: only an unconfigured loopback.
	out, code, err = Run(ctx, root, user, nil, "python3", "-c", "import socket; print(sorted(n for _, n in socket.if_nameindex()))")
	if err != nil || code != 0 || strings.TrimSpace(out) != "['lo']" {
		t.Fatalf("interfaces: exit %d, %v, %q; want only lo", code, err, out)
	}

	out, code, err = RunDir(ctx, root, "/tmp", user, []string{"GREETING=hi"}, "sh", "-c", `echo "$GREETING from $(pwd)" >&2; exit 3`)
	if err != nil || code != 3 || out != "hi from /tmp\n" {
		t.Fatalf("sh: exit %d, %v, %q; want exit 3 and stderr captured", code, err, out)
	}

	if _, _, err := Run(ctx, root, user, nil, "no-such-command"); err == nil {
		t.Fatal("running a missing command is not an error")
	}

	short, cancelShort := context.WithTimeout(ctx, time.Second)
	defer cancelShort()
	if _, _, err := Run(short, root, user, nil, "sleep", "60"); err == nil {
		t.Fatal("a command outliving its context is not an error")
	}
}

func TestParseUser(t *testing.T) {
	for _, tc := range []struct {
		user     string
		uid, gid int
		ok       bool
	}{
		{"42424:42424", 42424, 42424, true},
		{"0:0", 0, 0, true},
		{"1000:100", 1000, 100, true},
		{"42424", 0, 0, false},
		{"horizon:horizon", 0, 0, false},
		{"-1:0", 0, 0, false},
		{"", 0, 0, false},
	} {
		uid, gid, err := parseUser(tc.user)
		if (err == nil) != tc.ok || uid != tc.uid || gid != tc.gid {
			t.Errorf("parseUser(%q) = %d, %d, %v", tc.user, uid, gid, err)
		}
	}
}
