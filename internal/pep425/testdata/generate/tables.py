"""Regenerate tables_test.go with the reference Python (packaging 26.3).

    /tmp/pyref/bin/python testdata/generate/tables.py SIMPLE_DIR | gofmt > tables_test.go

SIMPLE_DIR holds <project>.json, each the project's page of the PyPI simple
API fetched as JSON (Accept: application/vnd.pypi.simple.v1+json), for
bcrypt cffi charset-normalizer cryptography django greenlet grpcio horizon
keystoneauth1 lxml markupsafe msgpack netifaces numpy orjson oslo-config
pillow psutil psycopg2-binary pynacl pyopenssl python-keystoneclient pyyaml
requests simplejson six ujson wrapt zope-interface (58,335 wheel names). A
deterministic sample of their wheel names (one per project and tag shape,
plus names with build tags), of their tag sets and of their sdist names,
with the hand-written edge cases below, is run through packaging.utils /
packaging.tags / packaging.version and written out as Go literals.
"""

import json
import os
import random
import re
import sys

import packaging
from packaging.tags import parse_tag
from packaging.utils import parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

assert packaging.__version__ == "26.3", packaging.__version__

EDGE_WHEELS = [
    "cryptography-41.0.4-cp37-abi3-manylinux_2_28_x86_64.whl",
    "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "lxml-4.9.3-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.manylinux_2_24_x86_64.whl",
    "PyYAML-6.0.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "greenlet-3.0.3-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    "six-1.16.0-py2.py3-none-any.whl",
    "requests-2.31.0-py3-none-any.whl",
    "oslo.config-9.2.0-py3-none-any.whl",
    "oslo_config-9.2.0-py3-none-any.whl",
    "python_keystoneclient-5.2.0-py3-none-any.whl",
    "zope.interface-6.1-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "Django-3.2.16-py3-none-any.whl",
    "pyOpenSSL-23.2.0-py3-none-any.whl",
    "cffi-1.0.2-2-cp27-none-win32.whl",
    "numpy-1.13.3-2-cp36-none-win32.whl",
    "foo-1.0-1-py3-none-any.whl",
    "foo-1.0-00-py3-none-any.whl",
    "foo-1.0-123abc-py3-none-any.whl",
    "foo-1.0-1_2.x-py3-none-any.whl",
    "foo-1.0-9223372036854775807-py3-none-any.whl",
    "foo-1.0-abc-py3-none-any.whl",
    "foo-1.0-_1-py3-none-any.whl",
    "foo-1.0--py3-none-any.whl",
    "foo-1.0-\u0661-py3-none-any.whl",
    "foo-1.0-1\nx-py3-none-any.whl",
    "foo-1.0-py3-none-any",
    "foo-1.0-py3-none-any.WHL",
    "foo-1.0-py3-none-any.whl.whl",
    "foo-1.0-py3-none-any.zip",
    "foo-1.0-py3-none.whl",
    "foo-py3-none-any.whl",
    "foo-1.0-1-2-py3-none-any.whl",
    "foo-bar-1.0-py3-none-any.whl",
    "foo_bar-1.0-py3-none-any.whl",
    "foo__bar-1.0-py3-none-any.whl",
    "foo.bar-1.0-py3-none-any.whl",
    "foo..bar-1.0-py3-none-any.whl",
    ".foo-1.0-py3-none-any.whl",
    "_foo-1.0-py3-none-any.whl",
    "foo_-1.0-py3-none-any.whl",
    "-1.0-py3-none-any.whl",
    "foo bar-1.0-py3-none-any.whl",
    "foo+bar-1.0-py3-none-any.whl",
    "f\u00f6\u00f6-1.0-py3-none-any.whl",
    "\u0444\u0443-1.0-py3-none-any.whl",
    "\u2167-1.0-py3-none-any.whl",
    "foo\u00b7-1.0-py3-none-any.whl",
    "foo-1.0.0.0.0-py3-none-any.whl",
    "foo-v1.0-py3-none-any.whl",
    "foo-V1.0-py3-none-any.whl",
    "foo-1!2.0-py3-none-any.whl",
    "foo-1.0+local.7-py3-none-any.whl",
    "foo-1.0+local_7-py3-none-any.whl",
    "foo-1.0.post1.dev2-py3-none-any.whl",
    "foo-1.0a1-py3-none-any.whl",
    "foo-1.0.ALPHA.1-py3-none-any.whl",
    "foo-1.0c1-py3-none-any.whl",
    "foo-1.0preview2-py3-none-any.whl",
    "foo-1.0rev3-py3-none-any.whl",
    "foo-1.0r-py3-none-any.whl",
    "foo- 1.0-py3-none-any.whl",
    "foo-1.0 -py3-none-any.whl",
    "foo-\u30001.0\u00a0-py3-none-any.whl",
    "foo-1.0\x1c-py3-none-any.whl",
    "foo-1.0\n-py3-none-any.whl",
    "foo-1..0-py3-none-any.whl",
    "foo-.1-py3-none-any.whl",
    "foo-1.0.-py3-none-any.whl",
    "foo-latest-py3-none-any.whl",
    "foo-1.0+-py3-none-any.whl",
    "foo-1.0+\u017f-py3-none-any.whl",
    "foo-\u0661.0-py3-none-any.whl",
    "foo-1.0-py2.py3-none-any.whl",
    "foo-1.0-py3.py2-none-any.whl",
    "foo-1.0-py3.py3-none-any.whl",
    "foo-1.0-PY3-NONE-ANY.whl",
    "foo-1.0-Py3.py3-none-any.whl",
    "foo-1.0-py2.py3-none.abi3-any.linux_x86_64.whl",
    "foo-1.0-py3..py2-none-any.whl",
    "foo-1.0-.py3-none-any.whl",
    "foo-1.0-py3.-none-any.whl",
    "foo-1.0-py3-.-any.whl",
    "foo-1.0-py3-none-.whl",
    "foo-1.0-3py-none-any.whl",
    "foo-1.0-_py-none-any.whl",
    "foo-1.0-py$-none-any.whl",
    "foo-1.0-py3-none$-any!.whl",
    "foo-1.0-\u00e9py-none-any.whl",
    "foo-1.0-\u0130py-none-any.whl",
    "foo-1.0-py3-ABI3-ANY\u03a3.whl",
    "foo-1.0-cp311-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "foo-1.0-cp27-cp27mu-manylinux1_x86_64.whl",
    "foo-1.0-pp39-pypy39_pp73-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "foo-1.0-cp313-cp313t-musllinux_1_2_aarch64.whl",
    "foo-1.0-cp315-abi3t-manylinux_2_34_x86_64.whl",
    "foo-1.0-graalpy311-graalpy242_311_native-manylinux_2_28_x86_64.whl",
]

EDGE_TAGS = [
    "py3-none-any", "py2.py3-none-any", "PY3-None-Any", "cp311-cp311-linux_x86_64",
    "cp311-abi3.none-manylinux_2_17_x86_64.manylinux2014_x86_64",
    "py3.py2-none-any", "py3.py3-none-any", "py3-none", "py3-none-any-extra", "py3",
    "", "-", "--", "py3--any", "py3-none-", "-none-any", "py3.-none-any", ".py3-none-any",
    "3py-none-any", "_-_-_", "a-b-c", "A.B-C.D-E.F", "py\u0130-none-any",
    "\u00e9-\u0130-\u03a3", "x\u03a3-a\u03a3b-\u03a3", "py3-n\u00f6ne-\u2167",
    "py$-none-any", "py 3-none-any", "py3-none-any ", "py3-none-any\n",
    "cp311.cp312-cp311.cp312-linux_x86_64.linux_aarch64",
    "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.manylinux_2_28_x86_64",
    "pp310-pypy310_pp73-manylinux_2_17_aarch64.manylinux2014_aarch64",
    "cp37-cp37m-musllinux_1_1_x86_64", "cp313-cp313t-win_amd64",
    "cp38-cp38-macosx_10_9_x86_64.macosx_11_0_universal2",
    "py3-none-macosx_11_0_arm64", "\u2167-none-any", "\u00b7x-none-any", "x\u00b7-none-any",
    "_\u0e33-none-any", "\u0e33-none-any", "x\u037a-none-any",
]

EDGE_VERSIONS = [
    "1.0", "41.0.4", "1!2.0", "1.0a1", "1.0.alpha.1", "1.0-alpha-1", "1.0_a_1", "1.0b2",
    "1.0beta2", "1.0c3", "1.0rc3", "1.0pre4", "1.0preview4", "1.0.post1", "1.0-1", "1.0-r1",
    "1.0rev1", "1.0post", "1.0.dev0", "1.0dev", "1.0.dev", "1.0+abc.5", "1.0+ABC-5_x",
    "v1.0", "V1.0", " 1.0 ", "\t1.0\n", "\u00a01.0\u3000", "\x1c1.0\x1f", "1.0\u2028",
    "", " ", "1", "0", "00", "01.02", "1.", ".1", "1..0", "1.0.", "a1.0", "1.0+", "1.0+.",
    "1.0+a..b", "1.0+a-", "1.0+_a", "1.0.post1.dev2", "1.0a1.post2.dev3+local.4",
    "1.0-", "1.0--1", "1.0a-1", "1.0a.-1", "1.0a1-1", "1.0.-1", "1.0_post1", "1.0.post.1",
    "1.0post.1", "1.0a", "1.0a.", "1.0a.dev", "1.0rc-dev", "1.0.r", "1.0r", "1.0.dev.1",
    "1.0dev-1", "1!", "!1.0", "1!!1", "1.0!", "1.0a1b2", "1.0.post1.post2", "1.0dev1dev2",
    "1.0\u017f", "1.0+\u212a", "1.0-\u0661", "\u0661.0", "1,0", "1.0 1", "1.0_", "1.0.x",
    "2023.10.0", "0.0.0.0.0.0.1", "9223372036854775808", "1.0RC1", "1.0Post1", "1.0DEV",
    "1.0.0-beta.1", "1.0.0-rc.1+build.1", "23.1.1", "3.2.22", "2.31.0", "9.2.0", "5.2.0",
    "1.0~1", "latest", "dev", "1.0-dev", "1.0-post", "1.0c", "1.0.c1", "1.0-c-1",
]

EDGE_SDISTS = [
    "oslo.config-9.2.0.tar.gz", "Django-3.2.16.tar.gz", "python-keystoneclient-5.2.0.tar.gz",
    "pyOpenSSL-23.2.0.tar.gz", "zope.interface-6.1.tar.gz", "cryptography-41.0.4.tar.gz",
    "horizon-23.1.1.tar.gz", "keystoneauth1-5.3.0.tar.gz", "MarkupSafe-2.1.3.tar.gz",
    "PyYAML-6.0.1.tar.gz", "netifaces-0.11.0.tar.gz", "foo-1.0.zip", "foo-bar-1.0.zip",
    "foo-bar-baz-1.0rc1.tar.gz", "foo_bar-1.0.post1.tar.gz", "foo-1.0.tar.bz2", "foo-1.0.tgz",
    "foo-1.0.tar", "foo-1.0.TAR.GZ", "foo-1.0.ZIP", "foo-1.0.tar.gz.tar.gz", "foo.tar.gz",
    "-1.0.tar.gz", "foo-.tar.gz", "foo-bar.tar.gz", "foo-1.0-1.tar.gz", "foo--1.0.tar.gz",
    "foo bar-1.0.tar.gz", "f\u00f6\u00f6-1.0.tar.gz", "foo__bar-1.0.tar.gz", "_-1.0.tar.gz",
    "foo-v1.0.tar.gz", "foo-1!1.0.tar.gz", "foo-1.0+local.tar.gz", "foo- 1.0.tar.gz",
    "foo-1.0 .zip", "foo-1.0a.tar.gz", "foo-latest.tar.gz", "foo-1..0.tar.gz", ".tar.gz",
    "-.tar.gz", "foo-1.0-.tar.gz", "foo-1.0.dev0.zip", "a-1.zip", "\u0444-1.zip", "1-1.zip",
    "foo\n-1.0.zip", "foo-\u0661.zip",
]


def go(s):
    """A Go string literal for s."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F or (0x80 <= o < 0xA0) or ch in "\u00a0\u2028\u3000\u00b7\u0307":
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


PROJECTS = (
    "bcrypt cffi charset-normalizer cryptography django greenlet grpcio horizon "
    "keystoneauth1 lxml markupsafe msgpack netifaces numpy orjson oslo-config "
    "pillow psutil psycopg2-binary pynacl pyopenssl python-keystoneclient pyyaml "
    "requests simplejson six ujson wrapt zope-interface"
).split()


def real_files(simple_dir):
    names = set()
    for project in PROJECTS:
        with open(os.path.join(simple_dir, project + ".json")) as f:
            names.update(x["filename"] for x in json.load(f)["files"])
    return sorted(names)


def sample_real(real):
    shapes = {}
    for f in real:
        parts = f[:-4].split("-")
        key = (parts[0].lower(), re.sub(r"\d+", "N", "-".join(parts[-3:])))
        shapes.setdefault(key, []).append(f)
    rnd = random.Random(425)
    keys = sorted(shapes)
    picked = sorted(rnd.choice(shapes[k]) for k in rnd.sample(keys, 120))
    picked += sorted(f for f in real if f[:-4].count("-") == 5)[:20]
    return picked


def sample_real_tags(real):
    tagsets = sorted({"-".join(f[:-4].split("-")[-3:]) for f in real if f.endswith(".whl")})
    return random.Random(426).sample(tagsets, 70)


def sample_real_sdists(real):
    sdists = sorted(f for f in real if f.endswith((".tar.gz", ".zip")))
    return random.Random(427).sample(sdists, 70)


def wheels(names):
    print("// wheelFilenameCases were generated with packaging 26.3 by")
    print("// testdata/generate/tables.py: parse_wheel_filename(fn) -> validity,")
    print("// canonical name, build tag tuple and the sorted str() of the tag set.")
    print("var wheelFilenameCases = []wheelFilenameCase{")
    seen = set()
    for fn in names:
        if fn in seen:
            continue
        seen.add(fn)
        try:
            name, _, build, tags = parse_wheel_filename(fn)
        except ValueError:
            print(f"\t{{fn: {go(fn)}}},")
            continue
        b = f"hasBuild: true, buildNumber: {build[0]}, buildSuffix: {go(build[1])}, " if build else ""
        ts = ", ".join(go(str(t)) for t in sorted(tags, key=str))
        print(f"\t{{fn: {go(fn)}, ok: true, name: {go(name)}, {b}tags: []string{{{ts}}}}},")
    print("}")
    print()


def tag_cases(extra):
    print("// parseTagCases were generated with packaging 26.3 by")
    print("// testdata/generate/tables.py: sorted(str(t) for t in parse_tag(s)), nil on error.")
    print("var parseTagCases = []parseTagCase{")
    for s in EDGE_TAGS + extra:
        try:
            tags = sorted(str(t) for t in parse_tag(s))
        except ValueError:
            print(f"\t{{s: {go(s)}}},")
            continue
        print(f"\t{{s: {go(s)}, ok: true, tags: []string{{{', '.join(go(t) for t in tags)}}}}},")
    print("}")
    print()


def version_cases():
    print("// versionCases were generated with packaging 26.3 by")
    print("// testdata/generate/tables.py: whether packaging.version.Version(s) succeeds.")
    print("var versionCases = []struct {")
    print("\ts  string")
    print("\tok bool")
    print("}{")
    for s in EDGE_VERSIONS:
        try:
            Version(s)
            ok = True
        except ValueError:
            ok = False
        print(f"\t{{{go(s)}, {'true' if ok else 'false'}}},")
    print("}")
    print()


def sdist_cases(extra):
    print("// sdistCases were generated with packaging 26.3 by")
    print("// testdata/generate/tables.py: parse_sdist_filename(fn) -> validity and canonical name.")
    print("var sdistCases = []struct {")
    print("\tfn, name string")
    print("\tok       bool")
    print("}{")
    for fn in EDGE_SDISTS + extra:
        try:
            name, _ = parse_sdist_filename(fn)
            print(f"\t{{{go(fn)}, {go(name)}, true}},")
        except ValueError:
            print(f'\t{{{go(fn)}, "", false}},')
    print("}")


def main():
    print("// Code generated by testdata/generate/tables.py with packaging 26.3; DO NOT EDIT.")
    print()
    print("package pep425")
    print()
    real = real_files(sys.argv[1])
    wheels(EDGE_WHEELS + sample_real([f for f in real if f.endswith(".whl")]))
    tag_cases(sample_real_tags(real))
    version_cases()
    sdist_cases(sample_real_sdists(real))


if __name__ == "__main__":
    main()
