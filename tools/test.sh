#!/usr/bin/env bash
# The test command of the README: format and lint checks, then every Go test.
# Works on a fresh machine with Go: the Go tools it needs are installed into .cache/bin, pinned.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILDTOOLS_VERSION=v0.0.0-20260904073137-eaa4d125b423 # same as go.mod
GAZELLE_VERSION=v0.47.0                               # same as MODULE.bazel
export GOBIN="$PWD/.cache/bin"
[[ -x $GOBIN/buildifier ]] || GOFLAGS= go install "github.com/bazelbuild/buildtools/buildifier@$BUILDTOOLS_VERSION"
[[ -x $GOBIN/gazelle ]] || GOFLAGS= go install "github.com/bazelbuild/bazel-gazelle/cmd/gazelle@$GAZELLE_VERSION"
# The scanners the SBOM and scan acceptance tests compare against (several minutes to build on
# a fresh machine; kept in .cache/bin afterwards).
SYFT_VERSION=v1.57.2
OSV_SCANNER_VERSION=v2.5.1 # v2.6 needs a newer Go than the machine's
for t in "syft github.com/anchore/syft/cmd/syft@$SYFT_VERSION" "osv-scanner github.com/google/osv-scanner/v2/cmd/osv-scanner@$OSV_SCANNER_VERSION"; do
  read -r bin pkg <<<"$t"
  stamp=$GOBIN/.$bin.version
  if [[ ! -x $GOBIN/$bin || $(cat "$stamp" 2>/dev/null) != "$pkg" ]]; then
    GOFLAGS=-buildvcs=false go install "$pkg" && echo "$pkg" >"$stamp"
  fi
done
export CITADEL_TEST_SYFT=$GOBIN/syft CITADEL_TEST_OSV_SCANNER=$GOBIN/osv-scanner

# Python tools the acceptance tests compare against, pinned; and the package index pip uses by
# default (Citadel itself has no built-in index).
PY_TOOLS=(pip==26.3 wheel==0.48.0 uv==0.13.9)
if [[ ! -x .cache/py/bin/python ]] || ! .cache/py/bin/python -m pip freeze 2>/dev/null | grep -qx "uv==0.13.9"; then
  python3 -m venv .cache/py
  .cache/py/bin/python -m pip install --quiet --disable-pip-version-check "${PY_TOOLS[@]}"
fi
export CITADEL_TEST_PYTHON="$PWD/.cache/py/bin/python"
export CITADEL_TEST_INDEX_URL="${CITADEL_TEST_INDEX_URL:-$("$CITADEL_TEST_PYTHON" -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)')}"

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*'))
if [[ -n $bad ]]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== buildifier (format and lint of every Bazel file)"
"$GOBIN/buildifier" -mode=check -lint=warn -r .

echo "== gazelle (BUILD files of Go packages are up to date)"
"$GOBIN/gazelle" -mode=diff -repo_root=. -go_prefix=github.com/citadel-build/citadel >/dev/null

echo "== go test"
go test -count=1 -timeout 45m ./...
