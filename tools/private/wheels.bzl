"""citadel.lock: the files of committed lock files as Bazel repositories, pinned by sha256.

A lock records each file's name, sha256 and size but no URL, so it serves any mirror. This module
extension finds each file on the package index (the simple API, PEP 691 JSON) by name and sha256
and declares it as an `http_file` with that sha256; a hub repository `@NAME` has the filegroup
`@NAME//:files` of all of them. The index is the tag's `index_url`, else $PIP_INDEX_URL or
$UV_DEFAULT_INDEX, as pip and uv users configure it (no index is built in). Since every file is
pinned by hash, the extension is reproducible: the lock file is its only input that matters.
"""

load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_file")

_PEP691 = "application/vnd.pypi.simple.v1+json"

def _repo_name(prefix, project):
    return prefix + "_" + project.replace("-", "_").replace(".", "_")

def _absolute(url, page):
    """Resolves a file URL of a simple-API page against the page's URL (RFC 3986, the common cases)."""
    if "://" in url:
        return url
    scheme, rest = page.split("://", 1)
    host = rest.split("/", 1)[0]
    if url.startswith("//"):
        return scheme + ":" + url
    if url.startswith("/"):
        return scheme + "://" + host + url
    return page.rsplit("/", 1)[0] + "/" + url

def _index_url(mctx, tag):
    url = tag.index_url or mctx.getenv("PIP_INDEX_URL") or mctx.getenv("UV_DEFAULT_INDEX")
    if not url:
        fail("citadel.lock(name = %r): no package index: give index_url or set PIP_INDEX_URL" % tag.name)
    return url.rstrip("/")

def _hub_impl(rctx):
    rctx.file("BUILD.bazel", content = "\n".join([
        "# The files of %s, found on the index by sha256." % rctx.attr.lock,
        "filegroup(",
        "    name = \"files\",",
        "    srcs = [",
    ] + ["        \"%s\"," % f for f in rctx.attr.files] + [
        "    ],",
        "    visibility = [\"//visibility:public\"],",
        ")",
        "",
    ]))

_hub = repository_rule(
    implementation = _hub_impl,
    attrs = {
        "files": attr.string_list(doc = "labels of the http_file repositories' files"),
        "lock": attr.string(doc = "the lock file, for the BUILD file's comment"),
    },
)

def _lock_impl(mctx):
    for mod in mctx.modules:
        for tag in mod.tags.lock:
            lock = json.decode(mctx.read(mctx.path(tag.lock)))
            index = _index_url(mctx, tag)
            files = []
            for pkg in lock["packages"]:
                page = "%s/%s/" % (index, pkg["name"])
                out = "pages/%s/%s.json" % (tag.name, pkg["name"])
                mctx.download(url = page, output = out, headers = {"Accept": _PEP691})
                project = json.decode(mctx.read(out))
                url = None
                for f in project.get("files", []):
                    if f.get("filename") == pkg["filename"] and f.get("hashes", {}).get("sha256") == pkg["sha256"]:
                        url = _absolute(f["url"], page)
                if not url:
                    fail("%s: %s %s: %s with sha256 %s is not on %s" % (tag.lock, pkg["name"], pkg["version"], pkg["filename"], pkg["sha256"], page))
                repo = _repo_name(tag.name, pkg["name"])
                http_file(name = repo, urls = [url], sha256 = pkg["sha256"], downloaded_file_path = pkg["filename"])
                files.append("@%s//file" % repo)
            _hub(name = tag.name, files = files, lock = str(tag.lock))
    return mctx.extension_metadata(reproducible = True)

citadel = module_extension(
    implementation = _lock_impl,
    doc = "Declares the files of committed lock files as repositories pinned by sha256.",
    tag_classes = {
        "lock": tag_class(
            doc = "One lock file: @NAME//:files are its files.",
            attrs = {
                "name": attr.string(mandatory = True, doc = "the hub repository, e.g. horizon_2024_1_wheels"),
                "lock": attr.label(mandatory = True, allow_single_file = [".json"], doc = "the committed lock file"),
                "index_url": attr.string(doc = "simple-API index (default: $PIP_INDEX_URL, then $UV_DEFAULT_INDEX)"),
            },
        ),
    },
)
