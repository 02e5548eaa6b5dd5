#!/bin/sh
# The on-disk analysis cache (analyzer/cache.h): a warm run reports exactly
# what a cold one does, from entries under the documented place and
# version; --no-cache reads and writes nothing; damaged, replaced or
# unusable entries and directories cost a re-analysis, never a wrong
# report or a failed run.  Timing is measured by `make bench`, not here.
# Image: ls and bash of the bookworm minbase rootfs fixture.
. "$(dirname "$0")/lib.sh"
setup_sandbox

ROOTFS="$FIXTURES/bookworm-minbase"
[ -d "$ROOTFS/usr/bin" ] || "$(dirname "$0")/../../scripts/fixtures.sh" rootfs > /dev/null
C="$WORK/cache"
ARGS="scan dir:$ROOTFS /usr/bin/ls /usr/bin/bash --reach -o json"

# report NAME : the last run's JSON without the cache statistics.
report() { jq -S 'del(.summary.cache)' "$OUT" > "$WORK/$1.json"; }
entries() { (cd "$C" 2>/dev/null && find . -type f | LC_ALL=C sort); }

run_abicheck $ARGS --cache-dir "$C"
report cold
check "cold run: every file and program analysed and stored" \
	'.summary.cache.enabled and .summary.cache.hits == 0 and
	 .summary.cache.misses > 0 and .summary.cache.stored == .summary.cache.misses'
VERSION=$(jq -r .summary.cache.version "$OUT")
if [ -n "$(ls "$C/analysis/$VERSION/sites" 2>/dev/null)" ] &&
   [ -n "$(ls "$C/analysis/$VERSION/reach" 2>/dev/null)" ]; then
	pass "entries under analysis/$VERSION/{sites,reach}"
else
	fail "no entries under $C/analysis/$VERSION: $(cd "$C" && find . | head -5)"
fi
entries > "$WORK/entries.cold"
MISSES=$(jq .summary.cache.misses "$OUT")

run_abicheck $ARGS --cache-dir "$C"
report warm
check "warm run: everything from the cache" \
	".summary.cache.misses == 0 and .summary.cache.hits == $MISSES and .summary.cache.stored == 0"
if cmp -s "$WORK/cold.json" "$WORK/warm.json"; then
	pass "warm report equals the cold one"
else
	fail "warm report differs: $(diff "$WORK/cold.json" "$WORK/warm.json" | head -5)"
fi

run_abicheck $ARGS --cache-dir "$C" --no-cache
report nocache
entries > "$WORK/entries.after"
check "--no-cache: cache off" '.summary.cache.enabled == false'
if cmp -s "$WORK/cold.json" "$WORK/nocache.json" && cmp -s "$WORK/entries.cold" "$WORK/entries.after"; then
	pass "--no-cache: same report, no entry read or written"
else
	fail "--no-cache: report or entries changed"
fi

# Damage every entry: flip a byte in the middle, truncate, or replace it
# by a symlink to a valid entry of another key.
i=0
first=$(find "$C" -type f | head -1)
cp "$first" "$WORK/other-entry"
for f in $(find "$C" -type f); do
	case $((i % 3)) in
	0) size=$(stat -c %s "$f")
	   printf '\377' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null ;;
	1) truncate -s -7 "$f" ;;
	2) rm -f "$f"; ln -s "$WORK/other-entry" "$f" ;;
	esac
	i=$((i + 1))
done
run_abicheck $ARGS --cache-dir "$C"
report damaged
check "damaged entries: misses, analysed again, stored again" \
	".summary.cache.hits == 0 and .summary.cache.misses == $MISSES and .summary.cache.stored == $MISSES"
if [ "$RC" = 0 ] && [ ! -s "$ERR" ] && cmp -s "$WORK/cold.json" "$WORK/damaged.json"; then
	pass "damaged entries: same report, no message"
else
	fail "damaged entries: rc=$RC stderr='$(head -c 300 "$ERR")'"
fi
run_abicheck $ARGS --cache-dir "$C"
check "re-stored entries are hits again" ".summary.cache.misses == 0 and .summary.cache.hits == $MISSES"

# Default place: $XDG_CACHE_HOME/abicheck, else ~/.cache/abicheck.
(cd "$OUTSIDE/cwd" && XDG_CACHE_HOME="$WORK/xdg" TMPDIR="$SANDBOX" "$ABICHECK" $ARGS > /dev/null 2>&1)
if [ -d "$WORK/xdg/abicheck/analysis/$VERSION/sites" ]; then
	pass "default cache in \$XDG_CACHE_HOME/abicheck"
else
	fail "nothing in $WORK/xdg/abicheck/analysis/$VERSION"
fi
mkdir -p "$WORK/home"
(cd "$OUTSIDE/cwd" && env -u XDG_CACHE_HOME HOME="$WORK/home" TMPDIR="$SANDBOX" "$ABICHECK" $ARGS > /dev/null 2>&1)
if [ -d "$WORK/home/.cache/abicheck/analysis/$VERSION/sites" ]; then
	pass "without XDG_CACHE_HOME: ~/.cache/abicheck"
else
	fail "nothing in $WORK/home/.cache/abicheck"
fi

# A cache directory that cannot be used warns once and changes nothing else.
echo not-a-dir > "$WORK/file"
run_abicheck $ARGS --cache-dir "$WORK/file"
report unusable
if [ "$RC" = 0 ] && [ "$(wc -l < "$ERR")" = 1 ] &&
   grep -q "warning: analysis cache off: cache directory $WORK/file/" "$ERR" &&
   cmp -s "$WORK/cold.json" "$WORK/unusable.json"; then
	pass "unusable cache dir: one warning, same report: $(cat "$ERR")"
else
	fail "unusable cache dir: rc=$RC stderr='$(head -c 300 "$ERR")'"
fi
# The main job reads a file's cached report only when a walk needs it (a
# warm run needs none: the reach results are cached too).  Damaged site
# entries change nothing; damaged site and reach entries cost a re-analysis.
CK="$WORK/ck-cache"
CHECK="dir:$ROOTFS -o json --fail-on never --cache-dir $CK -j 2"
damage() { # DIR: every entry below it, a byte flipped in the middle
	for f in $(find "$1" -type f); do
		size=$(stat -c %s "$f")
		printf '\377' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	done
}
run_abicheck $CHECK
jq -S 'del(.summary.cache)' "$OUT" > "$WORK/check-cold.json"
same_check() {
	jq -S 'del(.summary.cache)' "$OUT" > "$WORK/check-$1.json"
	if [ "$RC" = 0 ] && cmp -s "$WORK/check-cold.json" "$WORK/check-$1.json"; then
		pass "$2"
	else
		fail "$2: rc=$RC $(diff "$WORK/check-cold.json" "$WORK/check-$1.json" | head -3)"
	fi
}
damage "$CK/analysis/$VERSION/sites"
run_abicheck $CHECK
same_check sites-damaged "main job, site entries damaged, reach entries intact: same report"
damage "$CK/analysis/$VERSION/sites"
damage "$CK/analysis/$VERSION/reach"
run_abicheck $CHECK
same_check all-damaged "main job, every entry damaged: same report"
run_abicheck $CHECK
same_check restored "main job, entries stored again: same report"

# The live probe keeps kallsyms' syscall names for the boot (probes/bootcache.h):
# one entry under boot/, read instead of /proc/kallsyms by the next run;
# the probe is the same with it, without it (--no-cache), and with it damaged.
BOOT=$(find "$CK/boot" -type f 2>/dev/null)
[ "$(echo "$BOOT" | grep -c .)" = 1 ] && pass "one per-boot kallsyms entry under boot/" ||
	fail "per-boot entries: '$BOOT'"
PROBE="-o json --fail-on never -j 2"
run_abicheck "dir:$ROOTFS" $PROBE --no-cache
jq -S 'del(.summary.cache)' "$OUT" > "$WORK/check-nocache.json"
if cmp -s "$WORK/check-cold.json" "$WORK/check-nocache.json"; then
	pass "main job with --no-cache (kallsyms read): same report"
else
	fail "main job, --no-cache: $(diff "$WORK/check-cold.json" "$WORK/check-nocache.json" | head -3)"
fi
if skip_under_valgrind "the warm probe reads no /proc/kallsyms, under strace" \
	"strace cannot trace valgrind's guest"; then
	:
else
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat \
		-o "$WORK/trace" "$ABICHECK" $CHECK > /dev/null 2>&1
	n=$(grep -c '"/proc/kallsyms"' "$WORK/trace")
	[ "$n" = 0 ] && pass "warm run: /proc/kallsyms not read (the boot's copy is)" ||
		fail "warm run read /proc/kallsyms $n times"
fi
damage "$CK/boot"
cp "$BOOT" "$WORK/boot-damaged"
run_abicheck $CHECK
same_check boot-damaged "main job, per-boot entry damaged: same report"
[ -f "$BOOT" ] && ! cmp -s "$BOOT" "$WORK/boot-damaged" &&
	pass "damaged per-boot entry: read as a miss and written again" ||
	fail "damaged per-boot entry left as it was"

[ -z "$(ls -A "$SANDBOX")" ] && pass "no temp files left" || fail "temp files left: $(ls -A "$SANDBOX")"
finish
