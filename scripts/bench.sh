#!/bin/sh
# bench.sh — `make bench`: what abicheck costs next to the unavoidable cost
# of reading an image, measured, and written to docs/PERFORMANCE.md.
#
# The bench images (scripts/fixtures.sh bench-images: debootstrap trees of
# three sizes and an arm64 one, as one-layer gzip and zstd oci-archives,
# cached, never committed).  For each it times, BENCH_RUNS times each (min
# and median reported, peak RSS from /usr/bin/time):
#   a) decompression only: the layer blobs through `tar -xzf` (gzip) or
#      `zstd -dc | tar -x` (zstd) into tmpfs;
#   b) the main job, `abicheck IMAGE`, cold analysis cache (a fresh
#      --cache-dir);
#   c) the same, warm cache (the entries a cold run left);
#   d) the script a user would write instead: extract (a), then
#      `readelf -d` + `objdump -d | grep syscall` over every ELF file with
#      xargs -P$(nproc).
# Then b with -j 1 and -j $(nproc) over the three sizes (scaling), and the
# instruction count of one cold run under callgrind (BENCH_CALLGRIND=0
# skips it).
# Environment: ABICHECK (binary, default ./abicheck), BENCH_RUNS (3),
# BENCH_IMAGES (a subset of the images, for a quick look),
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

# extract LAYERS COMP DIR : the shell command decompressing LAYERS into DIR.
extract() {
	case $2 in
	zstd) echo "for l in $1; do zstd -qdc \"\$l\" | tar -x -C '$3'; done" ;;
	*) echo "for l in $1; do tar -xzf \"\$l\" -C '$3'; done" ;;
	esac
}

# bench_image NAME LAYOUT COMP [TOOLPREFIX] : rows a b c of the
# oci-archive beside the layout (LAYOUT.tar), d for gzip images (readelf
# and objdump named with TOOLPREFIX: aarch64-linux-gnu- for arm64), and
# the image's size.
bench_image() {
	name=$1 layout=$2 comp=$3 tp=${4:-}
	ref="oci-archive:$layout.tar"
	L=$(layers "$layout" | tr '\n' ' ')
	X="$W/x"
	summary=$("$BIN" inspect "$ref" -o json | jq -r '"\(.summary.elf_files) \(.summary.elf_bytes)"')
	image_bytes=$(du -cb $L | tail -1 | cut -f1)
	measure "$name:a" "rm -rf '$X'; mkdir -p '$X'" "$(extract "$L" "$comp" "$X")"
	tree_bytes=$(du -sb "$X" | cut -f1)
	cold_warm "$name" "$ref" check
	[ "$comp" = gzip ] && measure "$name:d" "rm -rf '$X'; mkdir -p '$X'" \
		"$(extract "$L" "$comp" "$X")
		 find '$X' -type f -size +63c -print0 |
		 xargs -0 -r -n 16 -P $NPROC perl -e 'for (@ARGV) { open F, \"<\", \$_ or next;
			read F, \$m, 4; print \"\$_\\0\" if \$m eq \"\\x7fELF\" }' |
		 xargs -0 -r -n 8 -P $NPROC sh -c 'for f; do ${tp}readelf -d \"\$f\" > /dev/null 2>&1;
			${tp}objdump -d \"\$f\" 2>/dev/null | grep -c syscall > /dev/null; done; true' sh"
	rm -rf "$X"
	echo "$name $summary $image_bytes $tree_bytes" >> "$W/images"
}

# scale NAME LAYOUT : the main job, cold, on 1 core and on all of them:
# -j sets the analysis threads, taskset the cores they all run on (the
# layer reader and the live probe are threads of their own).
scale() {
	C="$W/cache"
	for j in 1 "$NPROC"; do
		measure "$1:j$j" "rm -rf '$C'" \
			"taskset -c 0-$((j - 1)) '$BIN' 'oci-archive:$2.tar' -o json --fail-on never -j $j --cache-dir '$C'"
	done
}

BENCH=$("$here/fixtures.sh" bench-images)
: > "$W/images"
IMAGES=${BENCH_IMAGES:-minbase-gzip minbase-zstd build-gzip large-gzip large-zstd arm64-gzip arm64-zstd}
SCALED=$(for i in minbase-gzip build-gzip large-gzip; do case " $IMAGES " in *" $i "*) echo "$i" ;; esac; done)
for img in $IMAGES; do
	case $img in arm64-*) tp=aarch64-linux-gnu- ;; *) tp= ;; esac
	bench_image "$img" "$BENCH/$img" "${img##*-}" "$tp"
done
for img in $SCALED; do
	scale "$img" "$BENCH/$img"
done
# The analysis alone, on the minbase content with and without compression.
FIXDIR=$("$here/fixtures.sh" images)
ROOTFS=$("$here/fixtures.sh" rootfs)
cold_warm "minbase scan --reach (gzip oci-archive)" "oci-archive:$BENCH/minbase-gzip.tar"
cold_warm "minbase scan --reach as dir:" "dir:$ROOTFS"
cold_warm "minbase scan --reach as docker-archive (uncompressed)" "docker-archive:$FIXDIR/docker.tar"
# Instructions, not seconds: comparable across noisy machines.
IR=
if [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind > /dev/null; then
	rm -rf "$W/cache"
	valgrind --tool=callgrind --callgrind-out-file="$W/callgrind.out" "$BIN" \
		"oci-archive:$BENCH/minbase-gzip.tar" -o json --fail-on never -j 1 \
		--cache-dir "$W/cache" > /dev/null 2> "$W/callgrind.err" || true
	# The live probe's children report too: abicheck's own count is the
	# largest.
	IR=$(sed -n 's/^==[0-9]*== Collected : *\([0-9]*\).*/\1/p' "$W/callgrind.err" | sort -n | tail -1)
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
# ratio A B [FORMAT] : A / B, or "-" when either is missing.
ratio() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, a / b }'
	else
		echo -
	fi
}
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
rss_mb() { if [ -n "$1" ]; then echo $(($1 / 1024)); else echo -; fi; }
# pair LABEL : "min / median s", or "-".
pair() { if [ -n "$(row "$1" 1)" ]; then echo "$(row "$1" 1) / $(row "$1" 2) s"; else echo -; fi; }
# row LABEL FIELD : field 2 (min), 3 (median) or 4 (peak RSS kB) of a row.
row() { awk -v l="$1" -v f="$2" '{ n = split($0, w, " "); lab = w[1]; for (i = 2; i <= n - 3; i++) lab = lab " " w[i] }
	lab == l { print w[n - 3 + f] }' "$ROWS"; }
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
- **Images** (\`scripts/fixtures.sh bench-images\`, debootstrap bookworm
  trees packed as one-layer OCI images): *minbase* (\`--variant=minbase\`),
  *build* (minbase + build-essential, python3), *large* (minbase +
  build-essential, python3, python3-dev, python3-pip, git, cmake, clang),
  *arm64* (minbase, \`--foreign --arch=arm64\`); each as a gzip and a zstd
  oci-archive.

## Commands

| | what | command |
|---|---|---|
| a | decompression only | \`tar -xzf LAYER -C /dev/shm/x\` (zstd: \`zstd -dc LAYER \| tar -x\`) for each layer blob |
| b | cold, the main job | \`abicheck oci-archive:IMAGE.tar -o json --fail-on never --cache-dir EMPTY\` (every program judged against this machine's kernel, docker's newest filter) |
| c | warm, the main job | the same, with the entries a cold run left |
| d | the script a user would write | extract (a), then \`readelf -d\` + \`objdump -d \| grep -c syscall\` over every ELF file, \`xargs -P$NPROC\` |

## Results

| image | ELF files | ELF MB | layer MB | tree MB | a: decompress | b: cold | c: warm | d: script | b/a | c/a | d/b | peak RSS b / c |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
HDR
while read -r name files ebytes lbytes tbytes; do
	printf '| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s MB |\n' \
		"$name" "$files" "$(mb "$ebytes")" "$(mb "$lbytes")" "$(mb "$tbytes")" \
		"$(pair "$name:a")" "$(pair "$name:b")" "$(pair "$name:c")" "$(pair "$name:d")" \
		"$(ratio "$(row "$name:b" 2)" "$(row "$name:a" 2)")" \
		"$(ratio "$(row "$name:c" 2)" "$(row "$name:a" 2)")" \
		"$(ratio "$(row "$name:d" 2)" "$(row "$name:b" 2)" %.1f)" \
		"$(rss_mb "$(row "$name:b" 3)")" "$(rss_mb "$(row "$name:c" 3)")"
done < "$W/images"
cat <<MID

Ratios use the medians.  The *arm64* rows are the main job on a foreign
image: every program is judged (and found unable to run here, no binfmt
handler), its aarch64 code analysed like any other.

## Scaling

The main job, cold, on 1 core (\`taskset -c 0 … -j 1\`) and on $NPROC (\`taskset -c 0-$((NPROC - 1)) … -j $NPROC\`), against the
size of the unpacked tree (gzip images; medians).

| image | tree MB | ELF MB | -j 1 | -j $NPROC | speed-up | MB of tree / s (-j $NPROC) | s per 100 MB of ELF (-j $NPROC) |
|---|---|---|---|---|---|---|---|
MID
for name in $SCALED; do
	line=$(grep "^$name " "$W/images")
	ebytes=$(echo "$line" | cut -d' ' -f3)
	tbytes=$(echo "$line" | cut -d' ' -f5)
	j1=$(row "$name:j1" 2) jn=$(row "$name:j$NPROC" 2)
	printf '| %s | %s | %s | %s s | %s s | %s | %s | %s |\n' "${name%-gzip}" \
		"$(mb "$tbytes")" "$(mb "$ebytes")" "$j1" "$jn" "$(ratio "$j1" "$jn")" \
		"$(ratio "$tbytes" "$(awk -v j="$jn" 'BEGIN { print j * 1e6 }')" %.0f)" \
		"$(ratio "$jn" "$(awk -v e="$ebytes" 'BEGIN { print e / 1e8 }')")"
done
cat <<MID2

## The analysis alone

\`abicheck scan IMAGE --reach -o json\` (every file's sites and every
program's reach, a 35 MB document), cold / warm, on the minbase content,
compressed and not:

| source | b': cold | c': warm | b'/c' | peak RSS b' / c' |
|---|---|---|---|---|
MID2
for l in "minbase scan --reach (gzip oci-archive)" "minbase scan --reach as dir:" \
	"minbase scan --reach as docker-archive (uncompressed)"; do
	printf '| %s | %s | %s | %s | %s / %s MB |\n' "${l#minbase scan --reach }" \
		"$(pair "$l:b")" "$(pair "$l:c")" "$(ratio "$(row "$l:b" 2)" "$(row "$l:c" 2)" %.1f)" \
		"$(rss_mb "$(row "$l:b" 3)")" "$(rss_mb "$(row "$l:c" 3)")"
done
cat <<TAIL

## Instruction count

$(if [ -n "$IR" ]; then
	printf '%s instructions (callgrind, `valgrind --tool=callgrind abicheck oci-archive:minbase-gzip.tar -o json --fail-on never -j 1 --cache-dir EMPTY`): a count that does not move with the machine'"'"'s load, for seeing regressions where times are noisy.\n' "$(echo "$IR" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
else
	echo "Not measured (valgrind missing, or BENCH_CALLGRIND=0)."
fi)

## How

The cache keeps each file's site analysis (keyed by its sha256), each
program's reach result (keyed by the contents of its whole load closure),
and each layer of an archive image as a record of its members plus its
ELF bodies (keyed by the sha256 of the blob's bytes, \`images/layercache.h\`),
so a warm run replays the records, reads the reach results and writes the
report: no decompression, no site report read, and no hashing of a blob
whose file is unchanged (device, inode, size, mtime, ctime) since it last
hashed to its digest; the live probe reads the kernel's syscall names
from the copy it kept for this boot, not /proc/kallsyms
(\`probes/bootcache.h\`).  A cold run inflates gzip with ISA-L, analyses ELF
files on all cores while the layer is still being read
(\`analyzer/prefetch.h\`), sweeps x86 code with Zydis and aarch64 code
with its own encoding tables (\`analyzer/a64_decode.h\`), capstone lifting
only the functions that hold candidates, probes the live kernel on a
thread of its own meanwhile, and walks the programs on all cores
(\`reach_programs\`); the rules run on one thread.  Memory is bounded by
releasing what is not in use and by budgets: each file's mapped pages
after each step of its analysis (its text every 1 MB of the sweep),
where the sweep started instructions kept as 16 bits a function and a
checkpoint a 128-byte block (\`analyzer/insnstarts.h\`), each object's
facts in strings of its own (not pages of its mapping), only where the
sweep found transfers and address loads (1 or 2 bytes each), decoded
again and placed into the call graph as they come once it can be built
(\`call_graph_add_code\`), the relocations streamed into it, large symbol
indexes dropped while no step needs them, walks that bind through each
object's cached link table (name hashes, never its symbol or string
tables), in rounds whose new objects total at most 48 MB of files, the
pages a round's chains touched, each walk's arrays once its result is
collected, and the site reports and call graphs of the objects least
recently walked beyond 4 MB (read back from the cache piece by piece when
a walk needs them again, the graph packed as varints, function starts and
offsets in 16-bit steps, \`analyzer/reach.c\`), blocks of 64 kB and more
mapped so that they go back whole.  The peak is set by the largest
library's analysis and the walk of its closure (libLLVM, libclang-cpp
and libz3 for clang), not by the image's size.
TAIL
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
