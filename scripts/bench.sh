#!/bin/sh
# bench.sh — `make bench`: what abicheck costs next to the unavoidable cost
# of reading an image, measured, and written to docs/PERFORMANCE.md.
#
# For each bench image (built from the cached debootstrap fixtures by
# scripts/fixtures.sh, never committed) it times, BENCH_RUNS times each
# (min and median reported, peak RSS from /usr/bin/time):
#   a) decompression only: the layer blobs through `tar -xzf` into tmpfs;
#   b) abicheck scan --reach, cold analysis cache (a fresh --cache-dir);
#   c) the same, warm cache (the entries a cold run left);
#   d) the script a user would write instead: extract the layers, then
#      `readelf -d` + `objdump -d | grep syscall` over every ELF file with
#      xargs -P$(nproc).
# Environment: ABICHECK (binary, default ./abicheck), BENCH_RUNS (3),
# BENCH_OUT (docs/PERFORMANCE.md), FIXTURES.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "$(dirname "${ABICHECK:-./abicheck}")" && pwd)/$(basename "${ABICHECK:-./abicheck}")
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$here/../docs/PERFORMANCE.md}
NPROC=$(nproc)
SHM=/dev/shm
[ -w "$SHM" ] || SHM=${TMPDIR:-/tmp}
W=$(mktemp -d "$SHM/abicheck-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
ROWS="$W/rows"
: > "$ROWS"

# measure LABEL PREP CMD : runs PREP (untimed) then CMD (timed, sh -c)
# RUNS times; appends "LABEL min median maxrss_kb" to ROWS.
measure() {
	label=$1 prep=$2 cmd=$3
	: > "$W/times"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		sh -c "$prep"
		/usr/bin/time -f "%e %M" -o "$W/t" sh -c "$cmd" > /dev/null 2> "$W/err" ||
			{ echo "bench: '$label' failed: $(head -c 300 "$W/err")" >&2; exit 1; }
		cat "$W/t" >> "$W/times"
		i=$((i + 1))
	done
	sort -n "$W/times" | awk -v l="$label" '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END { printf "%s %.2f %.2f %d\n", l, t[1], t[int((NR + 1) / 2)], rss }' >> "$ROWS"
}

# The layer blobs of an OCI layout, in order (the manifest's layers).
layers() {
	m=$(jq -r '.manifests[0].digest' "$1/index.json" | sed 's/sha256://')
	jq -r '.layers[].digest' "$1/blobs/sha256/$m" | sed "s|sha256:|$1/blobs/sha256/|"
}

# cold_warm NAME IMAGE-REF [CMD] : rows b and c of CMD (default
# `scan IMAGE --reach -o json`; "check" for the main job, `abicheck IMAGE
# -o json` against the live kernel and docker's newest filter).
cold_warm() {
	C="$W/cache"
	rm -rf "$C"
	case ${3:-scan} in
	check) run="'$BIN' '$2' -o json --fail-on never --cache-dir '$C'" ;;
	*) run="'$BIN' scan '$2' --reach -o json --cache-dir '$C'" ;;
	esac
	measure "$1:b" "rm -rf '$C'" "$run"
	measure "$1:c" "[ -d '$C' ] || $run > /dev/null" "$run"
}

bench_image() { # NAME OCI-LAYOUT-DIR IMAGE-REF
	name=$1 layout=$2 ref=$3
	L=$(layers "$layout" | tr '\n' ' ')
	X="$W/x"
	summary=$("$BIN" inspect "$ref" -o json | jq -r '"\(.summary.elf_files) \(.summary.elf_bytes)"')
	image_bytes=$(du -cb $L | tail -1 | cut -f1)
	measure "$name:a" "rm -rf '$X'; mkdir -p '$X'" \
		"for l in $L; do tar -xzf \"\$l\" -C '$X'; done"
	cold_warm "$name" "$ref" check
	cold_warm "$name scan --reach" "$ref"
	measure "$name:d" "rm -rf '$X'; mkdir -p '$X'" \
		"for l in $L; do tar -xzf \"\$l\" -C '$X'; done
		 find '$X' -type f -size +63c -print0 |
		 xargs -0 -r -n 16 -P $NPROC perl -e 'for (@ARGV) { open F, \"<\", \$_ or next;
			read F, \$m, 4; print \"\$_\\0\" if \$m eq \"\\x7fELF\" }' |
		 xargs -0 -r -n 8 -P $NPROC sh -c 'for f; do readelf -d \"\$f\" > /dev/null 2>&1;
			objdump -d \"\$f\" 2>/dev/null | grep -c syscall > /dev/null; done; true' sh"
	echo "$name $summary $image_bytes" >> "$W/images"
}

FIXDIR=$("$here/fixtures.sh" images)
: > "$W/images"
bench_image minbase "$FIXDIR/oci-gzip" "oci:$FIXDIR/oci-gzip:minbase"
# The same content without decompression: the unpacked rootfs, and the
# uncompressed layer of a docker-archive.
ROOTFS=$("$here/fixtures.sh" rootfs)
cold_warm "minbase as dir:" "dir:$ROOTFS"
cold_warm "minbase as docker-archive (uncompressed)" "docker-archive:$FIXDIR/docker.tar"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
{
cat <<HDR
# Performance

Measured by \`make bench\` (scripts/bench.sh); rewritten by every run, so
the figures below are the last run's, on the machine it names.  Nothing in
\`make test\` asserts a time.

- **Machine:** $NPROC cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GB RAM,
  $(uname -sr), tmpfs for extraction.
- **Binary:** \`$(basename "$BIN")\` built with the Makefile's release flags
  (\`-O2\`), abicheck $("$BIN" --version | cut -d' ' -f2).
- **Runs:** each figure is the min / median of $RUNS runs; RSS is the peak
  over the runs (\`/usr/bin/time -f %M\`).

## Commands

| | what | command |
|---|---|---|
| a | decompression only | \`tar -xzf LAYER -C /dev/shm/x\` for each layer blob |
| b | cold, the main job | \`abicheck IMAGE -o json --fail-on never --cache-dir EMPTY\` (every program judged against this machine's kernel, docker's newest filter) |
| c | warm, the main job | the same, with the entries a cold run left |
| b', c' | cold / warm analysis alone | \`abicheck scan IMAGE --reach -o json\` (every file's sites and every program's reach, a 35 MB document) |
| d | the script a user would write | extract (a), then \`readelf -d\` + \`objdump -d \| grep -c syscall\` over every ELF file, \`xargs -P$NPROC\` |

## Results

| image | ELF files | ELF bytes | layer bytes | a: decompress | b: cold | c: warm | d: script | b/a | c/a | d/b | b/c | peak RSS b / c |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
HDR
while read -r name files ebytes lbytes; do
	awk -v n="$name" -v f="$files" -v eb="$ebytes" -v lb="$lbytes" '
		$1 == n ":a" { a = $2; am = $3 } $1 == n ":b" { b = $2; bm = $3; br = $4 }
		$1 == n ":c" { c = $2; cm = $3; cr = $4 } $1 == n ":d" { d = $2; dm = $3 }
		END {
			printf "| %s | %d | %.1f MB | %.1f MB | %.2f / %.2f s | %.2f / %.2f s | %.2f / %.2f s | %.2f / %.2f s | %.2f | %.2f | %.1f | %.1f | %d / %d MB |\n",
				n, f, eb / 1e6, lb / 1e6, a, am, b, bm, c, cm, d, dm,
				bm / am, cm / am, dm / bm, bm / cm, br / 1024, cr / 1024
		}' "$ROWS"
done < "$W/images"
cat <<MID

\`scan --reach\` (b', c') on the same image, and on its content without
decompression:

| source | b: cold | c: warm | b/c | peak RSS b / c |
|---|---|---|---|---|
MID
grep -v '^minbase:' "$ROWS" | sed 's/ scan --reach:/ (gzip OCI):/' | awk '
	{ split($0, f, ":"); l = f[1]; n = split($0, w, " ")
	  if (w[n - 3] ~ /b$/ || $0 ~ /:b /) { b[l] = w[n - 2]; bm[l] = w[n - 1]; br[l] = w[n]; order[++k] = l }
	  else { c[l] = w[n - 2]; cm[l] = w[n - 1]; cr[l] = w[n] } }
	END { for (i = 1; i <= k; i++) { l = order[i]
		printf "| %s | %.2f / %.2f s | %.2f / %.2f s | %.1f | %d / %d MB |\n", l, b[l], bm[l],
			c[l], cm[l], bm[l] / cm[l], br[l] / 1024, cr[l] / 1024 } }'
cat <<TAIL

Ratios use the medians.  b/c is the warm-cache speed-up: the cache keeps
each file's site analysis (keyed by its sha256), each program's reach
result (keyed by the contents of its whole load closure), and each layer
of an archive image as a record of its members plus its ELF bodies
(keyed by the sha256 of the blob's bytes, `images/layercache.h`), so a
warm run hashes the blobs (no decompression), replays the records and
writes the report.  A gzipped `docker save` (docker.tar.gz) still has to
be inflated once per run to find its blobs, so it is not a row here.
TAIL
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
