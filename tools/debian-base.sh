#!/usr/bin/env bash
# Builds a Debian base image (default: bookworm, variant minbase, plus python3) with mmdebstrap
# and writes it as a one-layer OCI image layout; prints the manifest digest on stdout.
#
#   tools/debian-base.sh OUTDIR [--suite bookworm] [--include python3,...] [--variant minbase] [--identity-file FILE]
#   tools/debian-base.sh --identity [--suite ...] [--include ...] [--variant ...]
#
# --identity builds nothing: it prints what the image depends on besides this script and
# tools/ocibase (options, SOURCE_DATE_EPOCH, each apt source and the sha256 of its Packages
# indexes). --identity-file writes the identity of what was built. internal/testenv/rootfs keys
# its cache of built bases by it.
#
# Apt sources: $CITADEL_DEBIAN_SOURCES if set (one-line entries "deb [opts] URI SUITE COMPONENT...",
# one per line, used verbatim; to rebuild an old base, point it at a snapshot mirror with
# [check-valid-until=no]), else the Debian entries of this machine's apt configuration
# (/etc/apt/sources.list, sources.list.d/*.list and *.sources) for its own release and that
# release's -updates and -security suites, re-pointed at --suite, component main. No mirror is
# built in. The host's apt must trust Debian's archive keys (debian-archive-keyring). Run as root
# (otherwise mmdebstrap's unshare mode needs subordinate ids for the user).
#
# Reproducibility: two builds give the same manifest digest when they have the same
#   - package set, i.e. the same Packages indexes on the mirror (the -security and -updates suites
#     move several times a week, so "same" means the same day or a snapshot mirror); a build
#     fails if the mirror changes while it runs;
#   - SOURCE_DATE_EPOCH (default: the newest Date of the sources' Release files), which clamps
#     every mtime in the layer and is the image's created time;
#   - options and mirror URLs (they are written into /etc/apt/sources.list), this script,
#     tools/ocibase and the Go toolchain (the gzip stream; the layer's diff_id does not depend
#     on it);
#   - mmdebstrap and GNU tar versions (tar writes the layer).
# Nothing else of the host matters: mmdebstrap sorts the tarball, uses numeric owners, clamps
# mtimes and removes dpkg/apt logs, the ldconfig aux-cache and apt's lists and caches; this script
# fixes umask, locale and time zone, and drops /etc/hostname and /etc/resolv.conf (copied from
# the host; container runtimes provide their own) and /dev (device nodes; runtimes mount their
# own).
set -euo pipefail

usage() {
  sed -n '5,6s/^# *//p' "$0" >&2
  exit 2
}

suite=bookworm
include=python3
variant=minbase
out=
identity_only=false
identity_file=
while (($#)); do
  case $1 in
  --suite) suite=${2:?}; shift 2 ;;
  --include) include=${2:?}; shift 2 ;;
  --variant) variant=${2:?}; shift 2 ;;
  --identity) identity_only=true; shift ;;
  --identity-file) identity_file=${2:?}; shift 2 ;;
  -h | --help) usage ;;
  -*) echo "debian-base: unknown option $1" >&2; usage ;;
  *) [[ -z $out ]] || usage; out=$1; shift ;;
  esac
done
$identity_only || [[ -n $out ]] || usage

arch=$(dpkg --print-architecture)
case $arch in
amd64 | arm64) ;;
*) echo "debian-base: architecture $arch is not supported (amd64, arm64)" >&2; exit 1 ;;
esac

# host_entries prints "URI<TAB>SUITE<TAB>COMPONENTS" for each enabled binary ("deb") entry of
# this machine's apt configuration, in the order apt reads it.
host_entries() {
  local f files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && files+=("$f"); done
  ((${#files[@]})) && awk '
    { sub(/#.*/, ""); sub(/\[[^]]*\]/, "") }
    $1 == "deb" && NF >= 4 {
      comps = $4; for (i = 5; i <= NF; i++) comps = comps " " $i
      print $2 "\t" $3 "\t" comps
    }' "${files[@]}"
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk '
      function flush(  n, m, i, j, U, S) {
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") {
          n = split(uris, U, /[ \t]+/); m = split(suites, S, /[ \t]+/)
          for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (U[i] != "" && S[j] != "") print U[i] "\t" S[j] "\t" comps
        }
        types = uris = suites = comps = enabled = key = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ {
        if (key == "uris") uris = uris " " $0; else if (key == "suites") suites = suites " " $0
        else if (key == "components") comps = comps " " $0
        next
      }
      {
        key = tolower(substr($0, 1, index($0, ":") - 1)); v = substr($0, index($0, ":") + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", v)
        if (key == "types") types = v; else if (key == "uris") uris = v; else if (key == "suites") suites = v
        else if (key == "components") comps = v; else if (key == "enabled") enabled = v
      }
      END { flush() }' "$f"
  done
}

# sources prints the one-line apt entries the image is built from.
sources() {
  if [[ -n ${CITADEL_DEBIAN_SOURCES:-} ]]; then
    printf '%s\n' "$CITADEL_DEBIAN_SOURCES" | sed '/^[[:space:]]*$/d'
    return
  fi
  local codename
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n $codename ]] || { echo "debian-base: no VERSION_CODENAME in /etc/os-release; set CITADEL_DEBIAN_SOURCES" >&2; return 1; }
  host_entries | awk -F '\t' -v host="$codename" -v want="$suite" '
    ($2 == host || $2 == host "-updates" || $2 == host "-security") && (" " $3 " ") ~ / main / {
      line = "deb " $1 " " want substr($2, length(host) + 1) " main"
      if (!seen[line]++) print line
    }' | grep . || {
    echo "debian-base: the apt configuration has no Debian entry for $codename (main); set CITADEL_DEBIAN_SOURCES" >&2
    return 1
  }
}

# packages_hashes prints "packages COMPONENT/binary-ARCH SHA256" for each uncompressed Packages
# index for $arch that an InRelease file lists.
packages_hashes() {
  awk -v arch="$arch" '
    /^[A-Za-z]/ { sha = ($1 == "SHA256:") }
    sha && $3 ~ ("^[^/]+/binary-" arch "/Packages$") { sub("/Packages$", "", $3); print "packages " $3 " " $1 }' "$1"
}

# release_identity prints, for an InRelease file and the components used from it, the Date as
# epoch seconds and the sha256 of each component's Packages index.
release_identity() {
  local file=$1 date comp line
  shift
  date=$(sed -n 's/^Date: //p' "$file")
  [[ -n $date ]] || { echo "debian-base: no Date in $file" >&2; return 1; }
  echo "date $(date -u -d "$date" +%s)"
  for comp in "$@"; do
    line=$(packages_hashes "$file" | awk -v c="$comp/binary-$arch" '$2 == c')
    [[ -n $line ]] || { echo "debian-base: $file lists no $comp/binary-$arch/Packages" >&2; return 1; }
    echo "$line"
  done
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/debian-base.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/release" "$tmp/built"

# Look at each source's InRelease now: it gives the default SOURCE_DATE_EPOCH and the package
# set the build must see.
srcs=$(sources)
mapfile -t src_lines <<<"$srcs"
expected=()
n=0
for line in "${src_lines[@]}"; do
  read -r -a words <<<"${line/\[*\]/}"
  [[ ${words[0]} == deb && ${#words[@]} -ge 4 ]] || { echo "debian-base: bad apt entry: $line" >&2; exit 1; }
  n=$((n + 1))
  /usr/lib/apt/apt-helper -o "APT::Sandbox::User=$(id -un)" download-file \
    "${words[1]%/}/dists/${words[2]}/InRelease" "$tmp/release/$n" >/dev/null ||
    { echo "debian-base: cannot download the InRelease of: $line" >&2; exit 1; }
  ident=$(release_identity "$tmp/release/$n" "${words[@]:3}")
  expected+=("$ident")
done
if [[ -z ${SOURCE_DATE_EPOCH:-} ]]; then
  SOURCE_DATE_EPOCH=$(printf '%s\n' "${expected[@]}" | awk '$1 == "date" && $2 > max { max = $2 } END { print max }')
fi
export SOURCE_DATE_EPOCH

identity() {
  echo "variant $variant"
  echo "suite $suite"
  echo "include $include"
  echo "architecture $arch"
  echo "source_date_epoch $SOURCE_DATE_EPOCH"
  local i
  for i in "${!src_lines[@]}"; do
    echo "source ${src_lines[i]}"
    grep '^packages ' <<<"${expected[i]}"
  done
}
if $identity_only; then
  identity
  exit 0
fi

out=$(realpath -m "$out")
[[ -z $identity_file ]] || identity_file=$(realpath -m "$identity_file")
if [[ -e $out ]] && [[ -n $(ls -A "$out") ]]; then
  echo "debian-base: $out exists and is not empty" >&2
  exit 1
fi
identity | sed 's/^/debian-base: /' >&2

# umask, locale and time zone reach maintainer scripts; fix them so the host's do not leak in.
umask 022
# shellcheck disable=SC2016 # "$1" is the chroot, expanded by mmdebstrap's hook shell
LC_ALL=C.UTF-8 TZ=UTC mmdebstrap \
  --variant="$variant" --architectures="$arch" --include="$include" --format=tar \
  --skip=output/dev \
  --customize-hook='rm -f "$1/etc/hostname" "$1/etc/resolv.conf"' \
  --customize-hook='cp "$1"/var/lib/apt/lists/*_InRelease '"$(printf %q "$tmp/built")/" \
  "$suite" "$tmp/rootfs.tar" "${src_lines[@]}" >&2

# The package set mmdebstrap installed from must be the one looked at above.
missing=$(comm -23 <(printf '%s\n' "${expected[@]}" | grep '^packages ' | sort -u) <(
  for f in "$tmp"/built/*; do packages_hashes "$f"; done | sort -u
))
if [[ -n $missing ]]; then
  echo "debian-base: the mirror changed during the build; not installed from: $missing" >&2
  exit 1
fi

cd "$(dirname "$0")/.."
go run ./tools/ocibase -layer "$tmp/rootfs.tar" -out "$tmp/layout" -created "$SOURCE_DATE_EPOCH" \
  -arch "$arch" -ref "$suite" -created-by "tools/debian-base.sh --suite $suite --variant $variant --include $include"
mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv "$tmp/layout" "$out"
[[ -z $identity_file ]] || identity >"$identity_file"
