"""Public API of Citadel's Bazel rules.

Each rule is thin: it declares inputs and outputs and runs one `citadel` subcommand, the same
subcommand `citadel build` runs outside Bazel.
"""

load("//tools/private:image.bzl", _ImageInfo = "ImageInfo", _openstack_image = "openstack_image")
load("//tools/private:release.bzl", _ReleaseInfo = "ReleaseInfo", _openstack_release = "openstack_release", _override = "override")
load("//tools/private:scan.bzl", _scan = "scan")

openstack_release = _openstack_release
openstack_image = _openstack_image
override = _override
scan = _scan
ReleaseInfo = _ReleaseInfo
ImageInfo = _ImageInfo
