#!/usr/bin/env bash
# Image builds: `citadel build` against the method it replaces, a buildah build of a Containerfile
# FROM the same base that creates the venv and runs `pip install -c <patched constraints> horizon`
# from a local wheel directory (buildah --storage-driver vfs --isolation chroot, as root), side by
# side in one hyperfine run, warm wheel caches, no push. Three cases: a cold build; a rebuild
# after bumping one override (urllib3 1.26.19 -> 1.26.20), buildah keeping its layer cache of the
# first build; and the size of the two images, each written as an OCI layout.
# Usage: bash bench/build.sh   (//images/horizon:2024.1); needs hyperfine, buildah, skopeo.
# CITADEL_BENCH_BASE=DIR reuses a bookworm layout built by tools/debian-base.sh;
# CITADEL_BENCH_RUNS=N sets hyperfine's runs (default 3; 0 skips the timings, for sizes only).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_setup //images/horizon:2024.1
runs=${CITADEL_BENCH_RUNS:-3}

# The base, also under a path buildah accepts as an image name (lowercase, no dot-directories).
bench_base "$work/base"
baselink=/tmp/citadel-bench-base.$$
ln -sfn "$work/base" "$baselink"
trap 'rm -rf "$work" "$baselink"' EXIT

# A copy of the workspace with urllib3 bumped, re-locked, so both builds of the bump are ready.
bumped=$work/bumped
mkdir -p "$bumped"
cp MODULE.bazel BUILD.bazel WORKSPACE "$bumped/"
cp -r releases images tools "$bumped/"
sed -i '/package = "urllib3"/,/version =/s/version = "1.26.19"/version = "1.26.20"/' "$bumped/releases/2024.1/BUILD.bazel"
grep -q '"1.26.20"' "$bumped/releases/2024.1/BUILD.bazel" || { echo "bench: the urllib3 override of releases/2024.1 was not found" >&2; exit 1; }
"$citadel" --workspace "$bumped" --cache-dir "$PWD/.cache/citadel" lock "$image" --distdir ../shared/data --index-url "$index" >&2

# Wheels of both locks; buildah's context gets real files, a bind mount cannot follow symlinks.
bench_wheels "$PWD" "$work/orig"
bench_wheels "$bumped" "$work/bump"
for v in orig bump; do
  ctx=$work/ctx-$v
  mkdir -p "$ctx/wheels"
  cp -L "$work/$v"/wheels/*.whl "$ctx/wheels/"
  .cache/py/bin/python -m pip download --quiet --no-deps --only-binary=:all: -d "$ctx/wheels" pip==26.3
  ws=$PWD; [[ $v == bump ]] && ws=$bumped
  "$citadel" --workspace "$ws" constraints patch //releases/2024.1 --distdir ../shared/data --offline -o "$ctx/constraints.txt"
  cat >"$ctx/Containerfile" <<EOF
FROM oci:$baselink:bookworm
COPY constraints.txt /tmp/constraints.txt
RUN --mount=type=bind,source=wheels,target=/wheels \\
    python3 -m venv --without-pip /var/lib/openstack && \\
    /var/lib/openstack/bin/python /wheels/pip-26.3-py3-none-any.whl/pip install --no-cache-dir --no-index \\
      --find-links /wheels -c /tmp/constraints.txt horizon certifi==2024.7.4 && \\
    groupadd -g 42424 horizon && useradd -u 42424 -g 42424 -d /var/lib/horizon -M -s /usr/sbin/nologin horizon
USER 42424:42424
ENV PATH=/var/lib/openstack/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EOF
done

b="buildah --storage-driver vfs --root $work/storage --runroot $work/run"
buildah_cmd() { # context, OCI layout to write
  echo "$b bud --quiet --layers --isolation chroot -f $1/Containerfile -t horizon $1 >/dev/null && $b push --quiet horizon oci:$2:2024.1"
}
citadel_cmd() { # workspace, wheelhouse, OCI layout to write
  echo "$citadel --workspace $1 --cache-dir $PWD/.cache/citadel build $image --offline --distdir ../shared/data --base oci:$work/base:bookworm --wheelhouse $2 -o $3 --no-revision"
}

if ((runs > 0)); then
echo "== cold build"
hyperfine --runs "$runs" --export-markdown "$work/cold.md" \
  --prepare "rm -rf $work/storage $work/run $work/out-*" \
  -n "citadel build (cold)" "$(citadel_cmd "$PWD" "$work/orig/wheelhouse" "$work/out-citadel")" \
  -n "buildah bud + push oci: (cold)" "$(buildah_cmd "$work/ctx-orig" "$work/out-buildah")"

echo "== rebuild after bumping urllib3"
# buildah keeps the layer cache of the first build (a snapshot of its storage, restored before
# each run); citadel has no cache besides the wheels.
rm -rf "$work/storage" "$work/run"
bash -c "$(buildah_cmd "$work/ctx-orig" "$work/out-buildah-orig")"
cp -a "$work/storage" "$work/storage.orig"
hyperfine --runs "$runs" --export-markdown "$work/bump.md" \
  --prepare "rm -rf $work/storage $work/out-bump-* && cp -a $work/storage.orig $work/storage" \
  -n "citadel build (bump)" "$(citadel_cmd "$bumped" "$work/bump/wheelhouse" "$work/out-bump-citadel")" \
  -n "buildah bud + push oci: (bump, layer cache)" "$(buildah_cmd "$work/ctx-bump" "$work/out-bump-buildah")"
cat "$work/cold.md" "$work/bump.md"
fi

# Sizes, digests, and what the bump changed, from the manifests (untimed builds: hyperfine's
# --prepare removed the timed runs' outputs).
for out in orig again; do
  bash -c "$(citadel_cmd "$PWD" "$work/orig/wheelhouse" "$work/out-citadel-$out")" >/dev/null
  rm -rf "$work/storage" "$work/run" && bash -c "$(buildah_cmd "$work/ctx-orig" "$work/out-buildah-$out")"
done
bash -c "$(citadel_cmd "$bumped" "$work/bump/wheelhouse" "$work/out-citadel-bump")" >/dev/null
bash -c "$(buildah_cmd "$work/ctx-bump" "$work/out-buildah-bump")" # on the layer cache of "again"
.cache/py/bin/python - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
def manifest(layout):
    idx = json.load(open(os.path.join(layout, "index.json")))
    d = idx["manifests"][0]["digest"]
    return d, json.load(open(os.path.join(layout, "blobs", *d.split(":"))))
def layers(layout):
    return [(l["digest"], l["size"]) for l in manifest(layout)[1]["layers"]]
for tool in ["citadel", "buildah"]:
    orig, again, bump = f"out-{tool}-orig", f"out-{tool}-again", f"out-{tool}-bump"
    # The bump is compared with "again", whose layer cache buildah rebuilt it on.
    o, b = layers(os.path.join(work, again)), layers(os.path.join(work, bump))
    total = sum(s for _, s in o)
    old = {d for d, _ in o}
    changed = sum(s for d, s in b if d not in old)
    same = manifest(os.path.join(work, orig))[0] == manifest(os.path.join(work, again))[0]
    print(f"{tool}: {len(o)} layers, {total/1e6:.1f} MB compressed; built twice: {'same digest' if same else 'different digests'}; "
          f"after the bump {changed/1e6:.2f} MB of {sum(s for _, s in b)/1e6:.1f} MB in new layers")
PY
