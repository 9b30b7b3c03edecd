# Shared set-up of the benchmarks: sourced by bench/*.sh from the repository root.

# bench_setup IMAGE: sets service, release, lockfile, work (removed on exit), index and
# citadel (a freshly built binary); makes sure the pinned Python tools are in .cache/py.
bench_setup() {
  image=$1
  service=${image#//images/}; service=${service%%:*}; release=${image##*:}
  lockfile=images/$service/$release.lock.json
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  [[ -x .cache/py/bin/uv ]] || { python3 -m venv .cache/py; .cache/py/bin/python -m pip install --quiet pip==26.3 wheel==0.48.0 uv==0.13.9; }
  index=${CITADEL_TEST_INDEX_URL:-$(.cache/py/bin/python -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)')}
  export PIP_INDEX_URL=$index
  go build -o "$work/citadel" ./cmd/citadel
  citadel=$work/citadel
}

# bench_wheels WORKSPACE DIR: fills the wheel cache for IMAGE of WORKSPACE, builds its
# needs_build sdists once into DIR/wheelhouse, and links every locked wheel into DIR/wheels under
# its file name (-L copies them where a container needs real files).
bench_wheels() {
  local ws=$1 dir=$2 cache=$PWD/.cache/citadel
  mkdir -p "$dir"
  echo "setuptools<82" >"$dir/bc.txt"
  "$citadel" --workspace "$ws" --cache-dir "$cache" fetch "$image" >&2
  "$citadel" --workspace "$ws" --cache-dir "$cache" wheelhouse "$image" -o "$dir/wheelhouse" \
    --python "$PWD/.cache/py/bin/python" --build-constraint "$dir/bc.txt" >&2
  mkdir -p "$dir/wheels"
  .cache/py/bin/python - "$ws/$lockfile" "$cache" "$dir/wheels" "$dir/wheelhouse" <<'PY'
import json, os, sys
lock, cache, out, wh = sys.argv[1:]
built = {w["sdist_sha256"]: w["filename"] for w in json.load(open(os.path.join(wh, "wheelhouse.json")))["wheels"]}
for p in json.load(open(lock))["packages"]:
    if p.get("needs_build"):
        src, name = os.path.join(wh, built[p["sha256"]]), built[p["sha256"]]
    else:
        src, name = os.path.join(cache, "sha256", p["sha256"][:2], p["sha256"]), p["filename"]
    dst = os.path.join(out, name)
    if not os.path.lexists(dst):
        os.symlink(src, dst)
PY
}

# bench_base DIR: a Debian bookworm base layout at DIR, built by tools/debian-base.sh unless
# $CITADEL_BENCH_BASE names one already built.
bench_base() {
  if [[ -n ${CITADEL_BENCH_BASE:-} ]]; then
    cp -a "$CITADEL_BENCH_BASE" "$1"
  else
    bash tools/debian-base.sh "$1" >&2
  fi
}
