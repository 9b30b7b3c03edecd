"""openstack_image: one OpenStack service image for one release.

The macro declares:

- `<name>`: the image, an OCI image layout directory (readable by rules_oci's `oci_push`). Three
  hermetic actions, each one `citadel` subcommand with explicit paths: `citadel venv --lock
  --wheel...` (the locked files from `wheels`, the hub of a `citadel.lock` extension tag),
  `citadel image` on the release's base (an `oci.pull` pinned by digest), and `citadel sbom` for
  the `sbom` output group (SPDX 2.3 and CycloneDX 1.6).
- `<name>.lock`: a `bazel run` target that re-resolves the committed lock file with `citadel
  lock` (resolving needs the package index, so it cannot be a hermetic action; the lock it writes
  is the hermetic input of every later stage).
- `<name>.scan`, when `vulndb` is given: a test that runs the vulnerability gate (`citadel scan`)
  on the image's SBOM with the release's `scan_policy`. It is tagged `external` (never cached):
  waivers expire with the date, which is `--//tools:scan_date` when set, else today.

`citadel build` runs the same stages from the same declarations outside Bazel; with the same
inputs and SOURCE_DATE_EPOCH (0 here, citadel build's default) both give the same digest.
"""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load(":release.bzl", "ReleaseInfo")

ImageInfo = provider(
    doc = "An image declaration: its release, root packages, lock and runtime user.",
    fields = {
        "release": "ReleaseInfo of the release",
        "packages": "list of PEP 508 root requirements",
        "pins": "list of name==version pins for packages the constraints leave unpinned",
        "lock": "File: the committed lock file",
        "user": "string: runtime user name",
        "uid": "int: runtime uid",
        "gid": "int: runtime gid",
        "entrypoint": "list of strings: the image config's entrypoint",
        "cmd": "list of strings: the image config's cmd",
        "env": "list of NAME=value strings added to the environment after PATH",
        "layout": "File (directory): the OCI image layout",
        "sbom": "File: the CycloneDX SBOM of the image",
    },
)

_PREFIX = "/var/lib/openstack"

def _single_directory(target, what):
    files = target[DefaultInfo].files.to_list()
    if len(files) != 1:
        fail("%s %s: want one OCI layout directory, got %d files" % (what, target.label, len(files)))
    return files[0]

def _openstack_image_impl(ctx):
    release = ctx.attr.release[ReleaseInfo]
    if not release.base:
        fail("%s: release has no base image: set base = \"@REPO\" (an oci.pull pinned by digest) in its openstack_release" % ctx.label)
    base = _single_directory(release.base, "base")
    env = {"SOURCE_DATE_EPOCH": "0"}

    venv = ctx.actions.declare_directory(ctx.label.name + ".venv")
    args = ctx.actions.args()
    args.add_all(["venv", "--lock", ctx.file.lock, "--prefix", _PREFIX, "-o", venv.path])
    args.add_all(ctx.files.wheels, before_each = "--wheel")
    inputs = [ctx.file.lock] + ctx.files.wheels
    if ctx.file.wheelhouse:
        args.add("--wheelhouse", ctx.file.wheelhouse.dirname)
        inputs += [ctx.file.wheelhouse] + ctx.files.wheelhouse_wheels
    ctx.actions.run(
        executable = ctx.executable._citadel,
        arguments = [args],
        inputs = inputs,
        outputs = [venv],
        env = env,
        mnemonic = "CitadelVenv",
        progress_message = "Installing the locked wheels of %{label} into venv layers",
    )

    layout = ctx.actions.declare_directory(ctx.label.name)
    args = ctx.actions.args()
    args.add_all(["image", "--base", "oci:" + base.path, "--venv", venv.path, "-o", layout.path])
    args.add_all(["--user", ctx.attr.user, "--uid", str(ctx.attr.uid), "--gid", str(ctx.attr.gid), "--tag", ctx.label.name])

    # The labels citadel build sets: the base's name comes from its oci.pull in MODULE.bazel.
    args.add_all(["--image-label", "//%s:%s" % (ctx.label.package, ctx.label.name), "--release", release.name])
    args.add_all(["--lock", ctx.file.lock, "--report", release.report, "--module", ctx.file._module, "--base-repo", release.base.label.name])
    args.add_all(ctx.attr.entrypoint, before_each = "--entrypoint")
    args.add_all(ctx.attr.cmd, before_each = "--cmd")
    args.add_all(ctx.attr.env, before_each = "--env")
    ctx.actions.run(
        executable = ctx.executable._citadel,
        arguments = [args],
        inputs = [base, venv, ctx.file.lock, release.report, ctx.file._module],
        outputs = [layout],
        env = env,
        mnemonic = "CitadelImage",
        progress_message = "Assembling the image %{label}",
    )

    sboms = []
    for fmt, ext in [("spdx-json", ".spdx.json"), ("cyclonedx-json", ".cdx.json")]:
        out = ctx.actions.declare_file(ctx.label.name + ext)
        ctx.actions.run(
            executable = ctx.executable._citadel,
            arguments = ["sbom", "--image", "oci:" + layout.path, "--lock", ctx.file.lock.path, "--format", fmt, "-o", out.path],
            inputs = [layout, ctx.file.lock],
            outputs = [out],
            mnemonic = "CitadelSBOM",
            progress_message = "Writing the %s SBOM of %%{label}" % fmt,
        )
        sboms.append(out)

    return [
        DefaultInfo(files = depset([layout])),
        OutputGroupInfo(sbom = depset(sboms), venv = depset([venv])),
        ImageInfo(
            release = release,
            packages = ctx.attr.packages,
            pins = ctx.attr.pins,
            lock = ctx.file.lock,
            user = ctx.attr.user,
            uid = ctx.attr.uid,
            gid = ctx.attr.gid,
            entrypoint = ctx.attr.entrypoint,
            cmd = ctx.attr.cmd,
            env = ctx.attr.env,
            layout = layout,
            sbom = sboms[1],
        ),
    ]

_openstack_image = rule(
    implementation = _openstack_image_impl,
    attrs = {
        "release": attr.label(mandatory = True, providers = [ReleaseInfo]),
        "packages": attr.string_list(mandatory = True, allow_empty = False),
        "pins": attr.string_list(),
        "lock": attr.label(mandatory = True, allow_single_file = [".json"]),
        "user": attr.string(mandatory = True),
        "uid": attr.int(mandatory = True),
        "gid": attr.int(mandatory = True),
        "entrypoint": attr.string_list(),
        "cmd": attr.string_list(),
        "env": attr.string_list(),
        "wheels": attr.label(mandatory = True, doc = "the locked files: @HUB//:files of a citadel.lock tag in MODULE.bazel"),
        "wheelhouse": attr.label(allow_single_file = ["wheelhouse.json"], doc = "wheelhouse.json of wheels built from the lock's needs_build sdists (citadel wheelhouse)"),
        "wheelhouse_wheels": attr.label_list(allow_files = [".whl"], doc = "the wheels wheelhouse.json lists"),
        "_module": attr.label(default = "//:MODULE.bazel", allow_single_file = True),
        "_citadel": attr.label(default = "//cmd/citadel", executable = True, cfg = "exec"),
    },
)

def _scan_test_impl(ctx):
    image = ctx.attr.image[ImageInfo]
    policy = ctx.actions.declare_file(ctx.label.name + ".policy.json")
    ctx.actions.write(policy, image.release.scan_policy)
    date = ctx.attr._scan_date[BuildSettingInfo].value
    args = ["scan", "--sbom", image.sbom.short_path, "--policy", policy.short_path]
    for db in ctx.files.vulndb:
        args += ["--db", db.short_path]
    if date:
        args += ["--now", date]
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = script,
        is_executable = True,
        content = "#!/bin/sh\nexec \"%s\" %s \"$@\"\n" % (ctx.executable._citadel.short_path, " ".join(["'%s'" % a for a in args])),
    )
    runfiles = ctx.runfiles(files = [ctx.executable._citadel, image.sbom, policy] + ctx.files.vulndb)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

_openstack_image_scan = rule(
    implementation = _scan_test_impl,
    test = True,
    attrs = {
        "image": attr.label(mandatory = True, providers = [ImageInfo]),
        "vulndb": attr.label_list(allow_files = True, mandatory = True, doc = "OSV snapshots (all.zip), pinned by sha256 in MODULE.bazel"),
        "_scan_date": attr.label(default = "//tools:scan_date"),
        "_citadel": attr.label(default = "//cmd/citadel", executable = True, cfg = "exec"),
    },
)

def _lock_update_impl(ctx):
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        output = script,
        is_executable = True,
        content = "#!/bin/sh\nset -eu\ncitadel=\"$PWD/{citadel}\"\ncd \"$BUILD_WORKSPACE_DIRECTORY\"\nexec \"$citadel\" lock {image} \"$@\"\n".format(
            citadel = ctx.executable._citadel.short_path,
            image = ctx.attr.image,
        ),
    )
    return [DefaultInfo(executable = script, runfiles = ctx.runfiles(files = [ctx.executable._citadel]))]

_lock_update = rule(
    implementation = _lock_update_impl,
    executable = True,
    attrs = {
        "image": attr.string(mandatory = True),
        "_citadel": attr.label(default = "//cmd/citadel", executable = True, cfg = "exec"),
    },
)

def openstack_image(
        name,
        release,
        packages,
        lock,
        user,
        uid,
        gid,
        wheels,
        pins = [],
        entrypoint = [],
        cmd = [],
        env = [],
        wheelhouse = None,
        wheelhouse_wheels = [],
        vulndb = [],
        **kwargs):
    """Declares an OpenStack service image.

    Args:
      name: the release name, e.g. "2024.1"; the image is //images/<service>:<name>.
      release: the openstack_release target, e.g. "//releases/2024.1".
      packages: root PEP 508 requirements with extras, e.g. ["keystone[memcache]==25.0.0"].
        A root the release's constraints pin takes that pin; any other root must pin itself.
      lock: the committed lock file, e.g. "2024.1.lock.json".
      user: the runtime user name.
      uid: the runtime uid.
      gid: the runtime gid.
      wheels: the locked files, "@HUB//:files" of a citadel.lock tag naming this lock.
      pins: name==version pins for dependencies the constraints leave unpinned, e.g. certifi.
      entrypoint: the image's entrypoint.
      cmd: the image's command.
      env: NAME=value entries added to the image's environment after PATH.
      wheelhouse: wheelhouse.json of wheels built from the lock's needs_build sdists.
      wheelhouse_wheels: the wheels the wheelhouse lists.
      vulndb: OSV snapshots pinned in MODULE.bazel (@REPO//file); declares the <name>.scan test.
      **kwargs: common attributes (visibility, tags).
    """
    _openstack_image(
        name = name,
        release = release,
        packages = packages,
        pins = pins,
        lock = lock,
        user = user,
        uid = uid,
        gid = gid,
        entrypoint = entrypoint,
        cmd = cmd,
        env = env,
        wheels = wheels,
        wheelhouse = wheelhouse,
        wheelhouse_wheels = wheelhouse_wheels,
        **kwargs
    )
    _lock_update(
        name = name + ".lock",
        image = "//%s:%s" % (native.package_name(), name),
        tags = ["manual"],
    )
    if vulndb:
        _openstack_image_scan(
            name = name + ".scan",
            image = ":" + name,
            vulndb = vulndb,
            tags = ["external"],
        )
