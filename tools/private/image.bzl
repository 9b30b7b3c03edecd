"""openstack_image: one OpenStack service image for one release.

The macro declares the image target and `<name>.lock`, a `bazel run` target that re-resolves the
committed lock file with `citadel lock` (resolving needs the package index, so it cannot be a
hermetic action; the lock it writes is the hermetic input of every later stage).
"""

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
    },
)

def _openstack_image_impl(ctx):
    return [
        DefaultInfo(files = depset([ctx.file.lock])),
        ImageInfo(
            release = ctx.attr.release[ReleaseInfo],
            packages = ctx.attr.packages,
            pins = ctx.attr.pins,
            lock = ctx.file.lock,
            user = ctx.attr.user,
            uid = ctx.attr.uid,
            gid = ctx.attr.gid,
            entrypoint = ctx.attr.entrypoint,
            cmd = ctx.attr.cmd,
            env = ctx.attr.env,
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

def openstack_image(name, release, packages, lock, user, uid, gid, pins = [], entrypoint = [], cmd = [], env = [], **kwargs):
    """Declares an OpenStack service image.

    Args:
      name: the release name, e.g. "2024.1"; the image is //images/<service>:<name>.
      release: the openstack_release target, e.g. "//releases/2024.1".
      packages: root PEP 508 requirements with extras, e.g. ["keystone[memcache]==25.0.0"].
        A root the release's constraints pin takes that pin; any other root must pin itself.
      pins: name==version pins for dependencies the constraints leave unpinned, e.g. certifi.
      lock: the committed lock file, e.g. "2024.1.lock.json".
      user: the runtime user name.
      uid: the runtime uid.
      gid: the runtime gid.
      entrypoint: the image's entrypoint.
      cmd: the image's command.
      env: NAME=value entries added to the image's environment after PATH.
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
        **kwargs
    )
    _lock_update(
        name = name + ".lock",
        image = "//%s:%s" % (native.package_name(), name),
        tags = ["manual"],
    )
