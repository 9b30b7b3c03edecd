"""Regenerate testdata/tags/*.txt with the reference Python (packaging 26.3).

    /tmp/pyref/bin/python testdata/generate/tags.py testdata/tags

Each file is what packaging.tags.sys_tags() yields on the named CPython/Linux
machine, one tag per line. sys_tags() only probes the running host, so the
host probes are replaced by the target's facts and the two halves of sys_tags
are then called with explicit arguments:

  * sysconfig.get_platform -> "linux-<arch>"
  * packaging._manylinux._get_glibc_version -> target glibc, or (-1, -1) on musl
  * packaging._musllinux._get_musl_version -> target musl, or None on glibc
  * packaging._manylinux._get_manylinux_module -> None (no _manylinux override)
  * packaging._manylinux._have_compatible_abi: i686/armv7l are taken as
    matching (packaging reads the running interpreter's ELF header there)
  * platforms = list(packaging.tags._linux_platforms(is_32bit=False))
  * cpython_tags(python_version=(3, minor), platforms=platforms) with ABIs
    derived by packaging from this (non-debug, GIL) CPython build's config,
    then compatible_tags(python_version=(3, minor), interpreter="cp3<minor>",
    platforms=platforms), exactly as sys_tags chains them.
"""

import os
import sys
import sysconfig

import packaging
import packaging._manylinux as manylinux
import packaging._musllinux as musllinux
import packaging.tags as tags

assert packaging.__version__ == "26.3", packaging.__version__

TARGETS = [
    # name, python minor, arch, libc, libc version
    ("cp310-x86_64-glibc2.35", 10, "x86_64", "glibc", (2, 35)),
    ("cp311-x86_64-glibc2.36", 11, "x86_64", "glibc", (2, 36)),
    ("cp311-aarch64-glibc2.36", 11, "aarch64", "glibc", (2, 36)),
    ("cp312-x86_64-musl1.2", 12, "x86_64", "musl", (1, 2)),
    ("cp311-aarch64-musl1.2", 11, "aarch64", "musl", (1, 2)),
    ("cp37-x86_64-glibc2.17", 7, "x86_64", "glibc", (2, 17)),
    ("cp36-x86_64-glibc2.12", 6, "x86_64", "glibc", (2, 12)),
    ("cp38-i686-glibc2.28", 8, "i686", "glibc", (2, 28)),
    ("cp39-armv7l-glibc2.31", 9, "armv7l", "glibc", (2, 31)),
    ("cp312-ppc64le-glibc2.34", 12, "ppc64le", "glibc", (2, 34)),
    ("cp313-s390x-glibc2.39", 13, "s390x", "glibc", (2, 39)),
    ("cp311-aarch64-glibc2.12", 11, "aarch64", "glibc", (2, 12)),
    ("cp311-riscv64-musl1.1", 11, "riscv64", "musl", (1, 1)),
    ("cp311-x86_64-glibc3.1", 11, "x86_64", "glibc", (3, 1)),
    ("cp311-sparc64-glibc2.36", 11, "sparc64", "glibc", (2, 36)),
]

_orig_have_compatible_abi = manylinux._have_compatible_abi


def target_tags(minor, arch, libc, libc_version):
    sysconfig.get_platform = lambda: f"linux-{arch}"
    if libc == "glibc":
        manylinux._get_glibc_version = lambda: manylinux._GLibCVersion(*libc_version)
        musllinux._get_musl_version = lambda executable: None
    else:
        manylinux._get_glibc_version = lambda: manylinux._GLibCVersion(-1, -1)
        musllinux._get_musl_version = lambda executable: musllinux._MuslVersion(
            *libc_version
        )
    manylinux._get_manylinux_module = lambda: None
    manylinux._have_compatible_abi = lambda executable, archs: (
        "i686" in archs or "armv7l" in archs or _orig_have_compatible_abi(executable, archs)
    )
    platforms = list(tags._linux_platforms(is_32bit=False))
    version = (3, minor)
    out = list(tags.cpython_tags(python_version=version, platforms=platforms))
    out += tags.compatible_tags(
        python_version=version, interpreter=f"cp3{minor}", platforms=platforms
    )
    return out


def main(outdir):
    for name, minor, arch, libc, version in TARGETS:
        with open(os.path.join(outdir, name + ".txt"), "w") as f:
            for tag in target_tags(minor, arch, libc, version):
                f.write(f"{tag}\n")


if __name__ == "__main__":
    main(sys.argv[1])
