#!/usr/bin/env bash
# Lock resolution: `citadel lock` against `uv pip compile` with the same inputs (roots, patched
# constraints, image pins, target Python and platform, index), side by side in one hyperfine run.
# Warm: both caches filled by a warm-up run. Cold: both start from an empty cache every run.
# Usage: bash bench/lock.sh [IMAGE]   (default //images/horizon:2024.1); needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_setup "${1:-//images/horizon:2024.1}"

python_version=$(.cache/py/bin/python -c "import json,sys; print(json.load(open('$lockfile'))['inputs']['target']['python_version'].rsplit('.',1)[0])")
glibc=$(.cache/py/bin/python -c "import json; p=json.load(open('$lockfile'))['inputs']['target']['platform']; print(p.split('_')[1]+'_'+p.split('_')[2])")
.cache/py/bin/python -c "import json; l=json.load(open('$lockfile'))['inputs']; open('$work/roots.in','w').write('\n'.join(l['roots'])+'\n'); open('$work/pins.txt','w').write('\n'.join(l.get('pins',[]))+'\n')"
"$citadel" constraints patch "//releases/$release" --distdir ../shared/data --offline -o "$work/constraints.txt"
echo "setuptools<82" > "$work/build-constraints.txt"

citadel_cmd="$citadel lock $image --check --distdir ../shared/data --index-url $index"
uv="env -u PIP_FIND_LINKS .cache/py/bin/uv pip compile --quiet --python-version $python_version --python-platform x86_64-manylinux_$glibc -c $work/constraints.txt -c $work/pins.txt --build-constraint $work/build-constraints.txt --index-url $index $work/roots.in -o $work/uv.txt"

echo "== $image: warm caches"
hyperfine --warmup 1 --runs 5 --export-markdown "$work/warm.md" \
  -n "citadel lock (warm)" "$citadel_cmd --cache-dir $work/citadel-cache" \
  -n "uv pip compile (warm)" "$uv --cache-dir $work/uv-cache"
echo "== $image: cold caches"
hyperfine --runs 3 --export-markdown "$work/cold.md" \
  --prepare "rm -rf $work/citadel-cold $work/uv-cold" \
  -n "citadel lock (cold)" "$citadel_cmd --cache-dir $work/citadel-cold" \
  -n "uv pip compile (cold)" "$uv --cache-dir $work/uv-cold"
cat "$work/warm.md" "$work/cold.md"
echo "packages: citadel $(.cache/py/bin/python -c "import json; print(len(json.load(open('$lockfile'))['packages']))") in $lockfile; uv $(grep -c '==' "$work/uv.txt")"
