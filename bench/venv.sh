#!/usr/bin/env bash
# Venv layers: `citadel venv` against installing the same locked wheels with uv and with pip into
# a fresh venv and packing it as a deterministic tar+gzip, side by side in one hyperfine run from
# a warm wheel cache. Also peak memory (GNU time) of each.
# Usage: bash bench/venv.sh [IMAGE]   (default //images/horizon:2024.1); needs hyperfine, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_setup "${1:-//images/horizon:2024.1}"
cache=$PWD/.cache/citadel

# Warm the wheel cache, build the wheelhouse once, and link every wheel under its file name.
bench_wheels "$PWD" "$work"

pack='tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$d" -cf - . | gzip -n -6 > "$d.tar.gz"'
citadel_cmd="$citadel --cache-dir $cache venv $image --offline --wheelhouse $work/wheelhouse -o $work/citadel-out"
uv_cmd="d=$work/uv-venv; rm -rf \$d \$d.tar.gz; .cache/py/bin/uv venv -q --python /usr/bin/python3.11 \$d && VIRTUAL_ENV=\$d .cache/py/bin/uv pip install -q --offline --no-deps --no-compile $work/wheels/*.whl && $pack"
pip_cmd="d=$work/pip-venv; rm -rf \$d \$d.tar.gz; /usr/bin/python3.11 -m venv --without-pip \$d && .cache/py/bin/python -m pip --isolated -q --python \$d/bin/python install --no-deps --no-compile --no-index $work/wheels/*.whl && $pack"

hyperfine --warmup 1 --runs 5 --export-markdown "$work/venv.md" \
  -n "citadel venv" "$citadel_cmd" -n "uv pip install + tar+gzip" "bash -c '$uv_cmd'" -n "pip install + tar+gzip" "bash -c '$pip_cmd'"
cat "$work/venv.md"
for name in citadel uv pip; do
  case $name in citadel) c=$citadel_cmd ;; uv) c="bash -c '$uv_cmd'" ;; pip) c="bash -c '$pip_cmd'" ;; esac
  /usr/bin/time -f "$name peak RSS: %M KiB" bash -c "$c" 2>&1 >/dev/null | tail -1
done
du -sb "$work/citadel-out" "$work/uv-venv.tar.gz" "$work/pip-venv.tar.gz"
