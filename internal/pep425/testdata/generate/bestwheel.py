"""Regenerate testdata/wheels/*.txt and bestwheel_table_test.go (packaging 26.3, pip 26.3).

    /tmp/pyref/bin/python testdata/generate/bestwheel.py SIMPLE_DIR testdata/wheels | gofmt > bestwheel_table_test.go

SIMPLE_DIR holds <project>.json, each the project's page of the PyPI simple
API fetched as JSON (Accept: application/vnd.pypi.simple.v1+json).
For each release below, its file names are written to testdata/wheels, one per
line. Then, for each target of testdata/generate/tags.py, the file pip 26.3
would pick is found with pip's own PackageFinder (only-binary, that release
pinned with ==, TargetPython with the target's full platform list, so pip's
tag list equals sys_tags() on the target), reading a local simple index built
from exactly those file names (with their data-requires-python and yanked
state). The same choice is recomputed with
packaging.tags.create_compatible_tags_selector and the build-tag tie rule and
asserted equal before it is written out.
"""

import html
import json
import os
import sys
import tempfile

import packaging
from packaging.tags import create_compatible_tags_selector
from packaging.utils import parse_wheel_filename
from pip._internal.index.collector import LinkCollector
from pip._internal.index.package_finder import PackageFinder
from pip._internal.models.format_control import FormatControl
from pip._internal.models.search_scope import SearchScope
from pip._internal.models.selection_prefs import SelectionPreferences
from pip._internal.models.target_python import TargetPython
from pip._internal.network.session import PipSession
from pip._vendor.packaging.specifiers import SpecifierSet
import pip

sys.path.insert(0, os.path.dirname(__file__))
import tags as tagsgen  # noqa: E402

assert packaging.__version__ == "26.3" and pip.__version__ == "26.3"

RELEASES = [
    ("cryptography", "41.0.4"), ("cryptography", "42.0.4"), ("lxml", "4.9.3"),
    ("lxml", "5.1.0"), ("markupsafe", "2.1.3"), ("markupsafe", "2.1.5"),
    ("pyyaml", "6.0.1"), ("numpy", "1.26.4"), ("greenlet", "3.0.3"),
    ("psycopg2-binary", "2.9.9"), ("cffi", "1.16.0"), ("netifaces", "0.11.0"),
    ("zope-interface", "6.1"), ("bcrypt", "4.1.2"), ("pillow", "10.2.0"),
    ("orjson", "3.9.15"), ("simplejson", "3.19.2"), ("wrapt", "1.16.0"),
    ("psutil", "5.9.8"), ("charset-normalizer", "3.3.2"), ("six", "1.16.0"),
    ("requests", "2.31.0"), ("grpcio", "1.60.0"), ("msgpack", "1.0.7"),
    ("ujson", "5.9.0"), ("pynacl", "1.5.0"),
]


def release_files(simple_dir, project, version):
    page = json.load(open(os.path.join(simple_dir, project + ".json")))
    out = []
    for f in page["files"]:
        fn = f["filename"]
        try:
            if fn.endswith(".whl"):
                v = str(parse_wheel_filename(fn)[1])
            else:
                v = fn.rsplit("-", 1)[1].removesuffix(".tar.gz").removesuffix(".zip")
        except (ValueError, IndexError):
            continue
        if v == version:
            out.append(f)
    assert out, (project, version)
    return sorted(out, key=lambda f: f["filename"])


def write_index(root, project, files):
    os.makedirs(os.path.join(root, project), exist_ok=True)
    with open(os.path.join(root, project, "index.html"), "w") as out:
        out.write("<html><body>\n")
        for f in files:
            attrs = ""
            if f.get("requires-python"):
                attrs += f' data-requires-python="{html.escape(f["requires-python"])}"'
            if f.get("yanked"):
                attrs += ' data-yanked=""'
            out.write(f'<a href="https://files.example/{f["filename"]}"{attrs}>{f["filename"]}</a>\n')
        out.write("</body></html>\n")


def pip_choice(root, project, version, minor, platforms):
    collector = LinkCollector(
        session=PipSession(),
        search_scope=SearchScope.create(find_links=[], index_urls=["file://" + root], no_index=False),
    )
    target = TargetPython(platforms=platforms, py_version_info=(3, minor), implementation="cp")
    finder = PackageFinder.create(
        link_collector=collector,
        selection_prefs=SelectionPreferences(allow_yanked=True, format_control=FormatControl(set(), {":all:"})),
        target_python=target,
    )
    best = finder.find_best_candidate(project, SpecifierSet("==" + version)).best_candidate
    return best.link.filename if best else ""


def packaging_choice(files, supported):
    things = []
    for f in files:
        try:
            _, _, build, tags = parse_wheel_filename(f["filename"])
        except ValueError:
            continue
        things.append((f["filename"], build, tags))
    ranked = list(create_compatible_tags_selector(supported)([(t, t[2]) for t in things]))
    if not ranked:
        return ""
    rank = {str(t): i for i, t in reversed(list(enumerate(supported)))}
    best = min(min(rank[str(t)] for t in x[2] if str(t) in rank) for x in ranked)
    tied = [x for x in ranked if min(rank[str(t)] for t in x[2] if str(t) in rank) == best]
    top = max(x[1] for x in tied)
    return min(x[0] for x in tied if x[1] == top)


def main(simple_dir, outdir):
    root = tempfile.mkdtemp()
    print("// Code generated by testdata/generate/bestwheel.py with packaging 26.3 and pip 26.3; DO NOT EDIT.")
    print()
    print("package pep425")
    print()
    print("// bestWheelCases: the file pip 26.3's PackageFinder picks (only-binary, release")
    print("// pinned, TargetPython with the target's platforms) from testdata/wheels/<release>.txt.")
    print("var bestWheelCases = []struct{ release, target, want string }{")
    for project, version in RELEASES:
        files = release_files(simple_dir, project, version)
        release = f"{project}-{version}"
        with open(os.path.join(outdir, release + ".txt"), "w") as out:
            for f in files:
                out.write(f["filename"] + "\n")
        write_index(root, project, files)
        for name, minor, arch, libc, libc_version in tagsgen.TARGETS:
            supported = tagsgen.target_tags(minor, arch, libc, libc_version)
            platforms = list(dict.fromkeys(t.platform for t in supported if t.platform != "any"))
            want = pip_choice(root, project, version, minor, platforms)
            by_tags = packaging_choice(files, supported)
            # pip drops files whose data-requires-python excludes the target;
            # BestWheel is not told about Requires-Python, so skip those.
            if want == "" and by_tags and any(f.get("requires-python") for f in files):
                continue
            assert want == by_tags, (release, name, want, by_tags)
            print(f'\t{{"{release}", "{name}", "{want}"}},')
    print("}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
