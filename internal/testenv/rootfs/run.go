package rootfs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Run runs args in rootfs with runc, in "/", as user ("uid:gid", numeric) with env (a PATH is
// added if env has none), and returns the combined stdout and stderr and the exit code. The
// container has fresh namespaces, no network (a new network namespace with no interfaces
// configured) and runc's default capabilities. A non-zero exit is not an error; err reports runc
// failing, including a command that cannot be executed, and ctx ending.
func Run(ctx context.Context, rootfs string, user string, env []string, args ...string) (output string, exitCode int, err error) {
	return RunDir(ctx, rootfs, "/", user, env, args...)
}

// RunDir is Run with cwd, an absolute path inside the container, as the working directory.
func RunDir(ctx context.Context, rootfs, cwd, user string, env []string, args ...string) (output string, exitCode int, err error) {
	if len(args) == 0 {
		return "", -1, errors.New("run: no command")
	}
	uid, gid, err := parseUser(user)
	if err != nil {
		return "", -1, err
	}
	rootfs, err = filepath.Abs(rootfs)
	if err != nil {
		return "", -1, err
	}
	bundle, err := os.MkdirTemp("", "citadel-runc-")
	if err != nil {
		return "", -1, err
	}
	defer os.RemoveAll(bundle)
	config, err := json.MarshalIndent(runtimeConfig(rootfs, cwd, uid, gid, env, args), "", "\t")
	if err != nil {
		return "", -1, err
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), config, 0o644); err != nil {
		return "", -1, err
	}

	id := "citadel-" + strings.TrimPrefix(filepath.Base(bundle), "citadel-runc-")
	state := filepath.Join(bundle, "state")
	logFile := filepath.Join(bundle, "runc.log")
	runc := func(args ...string) []string {
		return append([]string{"--root", state, "--log", logFile, "--log-format", "json"}, args...)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "runc", runc("run", "--bundle", bundle, id)...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	// Killing runc would leave the container running: kill the container, runc then returns.
	cmd.Cancel = func() error { return exec.Command("runc", runc("kill", id, "KILL")...).Run() }
	cmd.WaitDelay = 10 * time.Second
	runErr := cmd.Run()
	// runc run removes the container when it exits; this is for when it was killed.
	_ = exec.Command("runc", runc("delete", "--force", id)...).Run()

	output = out.String()
	if ctx.Err() != nil {
		return output, -1, fmt.Errorf("run %q in %s: %w", args, rootfs, ctx.Err())
	}
	if msg := runcError(logFile); msg != "" {
		return output, -1, fmt.Errorf("run %q in %s: runc: %s", args, rootfs, msg)
	}
	var exit *exec.ExitError
	if errors.As(runErr, &exit) {
		return output, exit.ExitCode(), nil
	}
	if runErr != nil {
		return output, -1, fmt.Errorf("run %q in %s: %w", args, rootfs, runErr)
	}
	return output, 0, nil
}

func parseUser(user string) (uid, gid int, err error) {
	u, g, ok := strings.Cut(user, ":")
	if ok {
		uid, err = strconv.Atoi(u)
		if err == nil {
			gid, err = strconv.Atoi(g)
		}
	}
	if !ok || err != nil || uid < 0 || gid < 0 {
		return 0, 0, fmt.Errorf("user %q: want numeric uid:gid", user)
	}
	return uid, gid, nil
}

// runcError returns the messages runc logged at level error or above: its own failures, as
// opposed to the container's exit status.
func runcError(logFile string) string {
	data, err := os.ReadFile(logFile)
	if err != nil {
		return ""
	}
	var msgs []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var entry struct{ Level, Msg string }
		if json.Unmarshal(sc.Bytes(), &entry) == nil && (entry.Level == "error" || entry.Level == "fatal") {
			msgs = append(msgs, entry.Msg)
		}
	}
	return strings.Join(msgs, "; ")
}

// runtimeConfig is the OCI runtime config of `runc spec`, with the process, root and hostname
// set and the root file system writable.
func runtimeConfig(rootfs, cwd string, uid, gid int, env, args []string) map[string]any {
	if !hasPath(env) {
		env = append([]string{defaultPath}, env...)
	}
	caps := []string{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}
	return map[string]any{
		"ociVersion": "1.0.2",
		"process": map[string]any{
			"terminal":        false,
			"user":            map[string]any{"uid": uid, "gid": gid},
			"args":            args,
			"env":             env,
			"cwd":             cwd,
			"capabilities":    map[string]any{"bounding": caps, "effective": caps, "permitted": caps, "ambient": caps},
			"rlimits":         []any{map[string]any{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}},
			"noNewPrivileges": true,
		},
		"root":     map[string]any{"path": rootfs, "readonly": false},
		"hostname": "citadel",
		"mounts": []any{
			mount("/proc", "proc", "proc"),
			mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
			mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
			mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
			mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
			mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
			mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
		},
		"linux": map[string]any{
			"resources": map[string]any{"devices": []any{map[string]any{"allow": false, "access": "rwm"}}},
			"namespaces": []any{
				map[string]any{"type": "pid"},
				map[string]any{"type": "network"},
				map[string]any{"type": "ipc"},
				map[string]any{"type": "uts"},
				map[string]any{"type": "mount"},
			},
			"maskedPaths": []string{
				"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
				"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
			},
			"readonlyPaths": []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"},
		},
	}
}

func mount(destination, typ, source string, options ...string) map[string]any {
	m := map[string]any{"destination": destination, "type": typ, "source": source}
	if len(options) > 0 {
		m["options"] = options
	}
	return m
}

func hasPath(env []string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			return true
		}
	}
	return false
}
