"""openstack_release: one OpenStack release's patched upper-constraints and target environment.

The overrides are typed: `override.pin`, `override.remove` and `override.add` return JSON strings
whose schema `citadel constraints patch --overrides` reads. `citadel` decodes the same calls from
the BUILD file with buildtools, so both executors see one declaration.
"""

ReleaseInfo = provider(
    doc = "An OpenStack release: patched constraints and the target the images are built for.",
    fields = {
        "constraints": "File: the patched upper-constraints.txt",
        "name": "string: the release name, e.g. 2024.1",
        "report": "File: JSON report of each override applied",
        "python_version": "string: target CPython version, e.g. 3.11.2",
        "platform": "string: target wheel platform, e.g. manylinux_2_36_x86_64",
        "base": "Target or None: the base image (rules_oci oci.pull), pinned by digest",
        "scan_policy": "string: the vulnerability gate's policy, JSON (scan.policy)",
    },
)

def _pin(package, expect, version, reason, advisories = [], marker = None, downgrade = False):
    """Replaces the upstream pin `expect` of `package` with `version`.

    Args:
      package: distribution name as in upper-constraints (any PEP 503 spelling).
      expect: the pin upstream must have now; anything else is an error, never a silent no-op.
      version: the new pin; must be greater than `expect` unless `downgrade` is True.
      reason: why, for reviewers and the report.
      advisories: CVE / GHSA / PYSEC ids this fixes.
      marker: only the line with this environment marker; None targets every line of the package.
      downgrade: allow `version` lower than `expect`.

    Returns:
      The override, JSON-encoded.
    """
    return json.encode({
        "op": "pin",
        "package": package,
        "expect": expect,
        "version": version,
        "reason": reason,
        "advisories": advisories,
        "marker": marker or "",
        "downgrade": downgrade,
    })

def _remove(package, reason, expect = None, marker = None):
    """Removes `package` (every line, or the one with `marker`) from the constraints."""
    return json.encode({
        "op": "remove",
        "package": package,
        "expect": expect or "",
        "reason": reason,
        "marker": marker or "",
    })

def _add(requirement, reason, advisories = []):
    """Appends a PEP 508 requirement line, e.g. "setuptools<82", for a package upstream does not pin."""
    return json.encode({
        "op": "add",
        "requirement": requirement,
        "reason": reason,
        "advisories": advisories,
    })

override = struct(
    pin = _pin,
    remove = _remove,
    add = _add,
)

def _openstack_release_impl(ctx):
    overrides = ctx.actions.declare_file(ctx.label.name + ".overrides.json")
    ctx.actions.write(overrides, "[" + ",".join(ctx.attr.overrides) + "]")
    patched = ctx.actions.declare_file(ctx.label.name + ".constraints.txt")
    report = ctx.actions.declare_file(ctx.label.name + ".report.json")

    args = ctx.actions.args()
    args.add_all(["constraints", "patch"])
    args.add("--release-name", ctx.label.name)
    args.add("--constraints", ctx.file.constraints)
    args.add("--overrides", overrides)
    args.add("-o", patched)
    args.add("--report", report)
    ctx.actions.run(
        executable = ctx.executable._citadel,
        arguments = [args],
        inputs = [ctx.file.constraints, overrides],
        outputs = [patched, report],
        mnemonic = "CitadelConstraints",
        progress_message = "Patching upper-constraints of %{label}",
    )
    return [
        DefaultInfo(files = depset([patched])),
        OutputGroupInfo(report = depset([report])),
        ReleaseInfo(
            name = ctx.label.name,
            constraints = patched,
            report = report,
            python_version = ctx.attr.python_version,
            platform = ctx.attr.platform,
            base = ctx.attr.base,
            scan_policy = ctx.attr.scan_policy,
        ),
    ]

openstack_release = rule(
    implementation = _openstack_release_impl,
    doc = "Patches one release's upstream upper-constraints with typed overrides.",
    attrs = {
        "constraints": attr.label(
            allow_single_file = True,
            mandatory = True,
            doc = "Upstream upper-constraints.txt, pinned by sha256 in MODULE.bazel (an http_file).",
        ),
        "overrides": attr.string_list(
            doc = "override.pin / override.remove / override.add entries.",
        ),
        "python_version": attr.string(
            mandatory = True,
            doc = "Target CPython version, major.minor.micro.",
        ),
        "platform": attr.string(
            mandatory = True,
            doc = "Target wheel platform tag, e.g. manylinux_2_36_x86_64.",
        ),
        "base": attr.label(
            doc = "Base image: an oci.pull repository pinned by digest in MODULE.bazel, e.g. @debian_bookworm.",
        ),
        "scan_policy": attr.string(
            default = "{\"severity\": \"HIGH\", \"ignore_unfixed\": false, \"waivers\": []}",
            doc = "The vulnerability gate: scan.policy(severity, ignore_unfixed, waivers).",
        ),
        "_citadel": attr.label(
            default = "//cmd/citadel",
            executable = True,
            cfg = "exec",
        ),
    },
)
