#!/bin/sh
# The layer cache (images/layercache.h): a layer read once is replayed
# from its record on the next run, without decompression, and the report
# is exactly the cold one; bodies are filed under their sha256; a missing
# body or a damaged record means the layer is read again; a blob changed
# under the same name is still caught; the limits hold on a replay as on a
# stream; a cached layer replayed over another base behaves as streamed.
. "$(dirname "$0")/lib.sh"
setup_sandbox

L="$WORK/layers"
mkdir -p "$L/1/usr/bin" "$L/1/etc" "$L/2/usr/bin" "$L/2/etc" "$L/0/usr/bin"
cp /usr/bin/true /usr/bin/ls /usr/bin/cat "$L/1/usr/bin/"
echo one > "$L/1/etc/motd"
ln -s ls "$L/1/usr/bin/dir"
cp /usr/bin/env "$L/2/usr/bin/" && ln "$L/2/usr/bin/env" "$L/2/usr/bin/env2"
touch "$L/2/usr/bin/.wh.cat" "$L/2/etc/.wh.motd"
cp /usr/bin/false "$L/0/usr/bin/"
(cd "$L/2" && tar --sort=name --numeric-owner --mtime=@0 --format=pax -cf "$WORK/l2.tar" .)
"$TOOLS/mkimage.sh" -o "$WORK/img" -c gzip -t t "$L/1" "$WORK/l2.tar" >/dev/null &&
	"$TOOLS/mkimage.sh" -o "$WORK/other" -c gzip -t t "$L/0" "$WORK/l2.tar" >/dev/null ||
	{ fail "build fixtures"; finish; exit 1; }

C="$WORK/cache"
SCAN="scan oci:$WORK/img:t -o json --cache-dir $C"
report() { jq -S 'del(.summary.cache)' "$OUT" > "$WORK/$1.json"; }
same_as_cold() {
	if [ "$RC" = 0 ] && cmp -s "$WORK/cold.json" "$WORK/$1.json"; then
		pass "$2"
	else
		fail "$2: rc=$RC $(diff "$WORK/cold.json" "$WORK/$1.json" | head -3) $(head -c 200 "$ERR")"
	fi
}

run_abicheck $SCAN
report cold
check "cold: both layers read and stored" \
	'.summary.cache.layers.read == 2 and .summary.cache.layers.stored == 2 and .summary.cache.layers.replayed == 0'
LV=$(jq -r .summary.cache.layers.version "$OUT")
[ -n "$(ls "$C/layers/$LV" 2>/dev/null)" ] && pass "records under layers/$LV" ||
	fail "no records under $C/layers/$LV"

# Every body is filed under the sha256 of its bytes.
bad=0 n=0
for f in $(find "$C/bodies" -type f); do
	n=$((n + 1))
	[ "$(sha256sum < "$f" | cut -c1-64)" = "$(basename "$f")" ] || bad=$((bad + 1))
done
[ "$n" -ge 4 ] && [ "$bad" = 0 ] && pass "$n bodies, each named by its sha256" ||
	fail "bodies: $n files, $bad misnamed"

run_abicheck $SCAN
report warm
check "warm: both layers replayed, nothing read" \
	'.summary.cache.layers.replayed == 2 and .summary.cache.layers.read == 0 and .summary.cache.layers.stored == 0'
same_as_cold warm "warm report equals the cold one"

run_abicheck inspect "oci:$WORK/img:t" --files -o json --cache-dir "$C"
jq -S . "$OUT" > "$WORK/inspect-warm.json"
run_abicheck inspect "oci:$WORK/img:t" --files -o json --no-cache
jq -S . "$OUT" > "$WORK/inspect-nocache.json"
cmp -s "$WORK/inspect-warm.json" "$WORK/inspect-nocache.json" &&
	pass "inspect --files: replayed tree equals the streamed one" ||
	fail "inspect differs: $(diff "$WORK/inspect-warm.json" "$WORK/inspect-nocache.json" | head -4)"

before=$(cd "$C" && find . | LC_ALL=C sort | md5sum)
run_abicheck $SCAN --no-cache
report nocache
after=$(cd "$C" && find . | LC_ALL=C sort | md5sum)
[ "$before" = "$after" ] && same_as_cold nocache "--no-cache: same report, cache untouched" ||
	fail "--no-cache changed the cache"

# A body gone from the cache: its layer is read again (and refiled).
victim=$(find "$C/bodies" -type f | head -1)
rm -f "$victim"
run_abicheck $SCAN
report nobody
check "a missing body: that layer read again, the other replayed" \
	'.summary.cache.layers.read == 1 and .summary.cache.layers.replayed == 1'
same_as_cold nobody "a missing body: same report"
[ -f "$victim" ] && pass "the body is filed again" || fail "body not refiled"

# A damaged record is a miss, never a wrong tree.
for f in $(find "$C/layers" -type f); do
	size=$(stat -c %s "$f")
	printf '\377' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
done
run_abicheck $SCAN
report damaged
check "damaged records: both layers read again" '.summary.cache.layers.read == 2'
same_as_cold damaged "damaged records: same report, no message"
[ ! -s "$ERR" ] || fail "damaged records: stderr '$(head -c 200 "$ERR")'"

# The limits hold on a replay (the records are warm again now).
expect_input_error "replay: --max-entries" "more than 3 entries.*--max-entries" \
	$SCAN --max-entries 3
expect_input_error "replay: --max-file-bytes" "exceeds --max-file-bytes" \
	$SCAN --max-file-bytes 1000
expect_input_error "replay: --max-bytes" "beyond 10000 bytes.*--max-bytes" \
	$SCAN --max-bytes 10000

# The second layer's blob over another base: whiteouts act on that base.
run_abicheck inspect "oci:$WORK/other:t" --files -o json --no-cache
jq -S . "$OUT" > "$WORK/other-streamed.json"
run_abicheck scan "oci:$WORK/other:t" -o json --cache-dir "$C"
check "another image sharing a layer: that layer replayed" \
	'.summary.cache.layers.replayed == 1 and .summary.cache.layers.read == 1'
run_abicheck inspect "oci:$WORK/other:t" --files -o json --cache-dir "$C"
jq -S . "$OUT" > "$WORK/other-replayed.json"
cmp -s "$WORK/other-streamed.json" "$WORK/other-replayed.json" &&
	pass "shared layer over another base: same tree as streamed" ||
	fail "shared layer: $(diff "$WORK/other-streamed.json" "$WORK/other-replayed.json" | head -4)"

# The temp dir and the cache on different filesystems: bodies are copied.
SHMC=/dev/shm/abicheck-lc-test.$$
if [ -w /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$WORK")" ]; then
	run_abicheck $SCAN --cache-dir "$SHMC"
	run_abicheck $SCAN --cache-dir "$SHMC"
	report shm
	check "cache on another filesystem: stored, then replayed" \
		'.summary.cache.layers.replayed == 2'
	same_as_cold shm "cache on another filesystem: same report"
	rm -rf "$SHMC"
fi

# ELF files analysed while their layer is read (analyzer/prefetch.h, on
# with more than one job): the same report as analysing them afterwards.
run_abicheck $SCAN --cache-dir "$WORK/pf1" -j 1 --reach
report pf1
PF1_CACHE=$(jq -c '.summary.cache | {hits, misses, stored}' "$OUT")
run_abicheck $SCAN --cache-dir "$WORK/pf4" -j 4 --reach
report pf4
check "prefetch: the files were analysed while the layers were read" \
	'.summary.cache.stored > 3'
cmp -s "$WORK/pf1.json" "$WORK/pf4.json" && pass "prefetch: -j 4 reports what -j 1 does" ||
	fail "prefetch changes the report: $(diff "$WORK/pf1.json" "$WORK/pf4.json" | head -3)"

# Site reports released after every walk and reloaded from the cache when
# a walk needs them again (analyzer/reach.c's memory bound, here at 0 MB):
# the same reports, cold and warm, for scan --reach and for the main job.
ABICHECK_REACH_RESIDENT_MB=0 run_abicheck $SCAN --cache-dir "$WORK/pf0" -j 1 --reach
report pf0
cmp -s "$WORK/pf1.json" "$WORK/pf0.json" && pass "reports released and reloaded: scan --reach as kept" ||
	fail "releasing reports changes scan --reach: $(diff "$WORK/pf1.json" "$WORK/pf0.json" | head -3)"
check "reports released and reloaded: reloads are not counted as hits ($PF1_CACHE)" \
	"(.summary.cache | {hits, misses, stored}) == $PF1_CACHE"
CHECK="oci:$WORK/img:t -o json --fail-on never"
run_abicheck $CHECK --cache-dir "$WORK/ck1"
jq -S 'del(.summary.cache, .target)' "$OUT" > "$WORK/ck1.json"
for pass in cold warm; do
	ABICHECK_REACH_RESIDENT_MB=0 run_abicheck $CHECK --cache-dir "$WORK/ck0"
	jq -S 'del(.summary.cache, .target)' "$OUT" > "$WORK/ck0.json"
	cmp -s "$WORK/ck1.json" "$WORK/ck0.json" && [ "$RC" = 0 ] &&
		pass "reports released and reloaded: the main job's report as kept ($pass)" ||
		fail "releasing reports changes the main job ($pass): rc=$RC $(diff "$WORK/ck1.json" "$WORK/ck0.json" | head -3)"
done

# A blob changed in place under its old name: hashed, caught, not replayed.
cp -r "$WORK/img" "$WORK/tampered"
blob=$(jq -r '.layers[1].digest' "$WORK/tampered/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/tampered/index.json" | cut -d: -f2)" | cut -d: -f2)
f="$WORK/tampered/blobs/sha256/$blob"
chmod u+w "$f"
size=$(stat -c %s "$f")
printf '\001' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_input_error "a blob changed under its name: digest mismatch" "digest|sha256" \
	scan "oci:$WORK/tampered:t" -o json --cache-dir "$C"

# A blob file unchanged since it hashed to its digest is not hashed again
# (git's stat test: device, inode, size, mtime, ctime); one changed in
# place, its mtime put back, is.  Files changed less than a second ago are
# not remembered, hence the sleep.
cp -r "$WORK/img" "$WORK/stamped"
STAMPED="scan oci:$WORK/stamped:t -o json --cache-dir $C"
sleep 1.1
run_abicheck $STAMPED
report stamped-hashed
check "a settled blob file: hashed once more, and remembered" \
	'.summary.cache.layers.replayed == 2 and .summary.cache.layers.unchanged == 0'
run_abicheck $STAMPED
report stamped
check "unchanged blob files: not hashed again" \
	'.summary.cache.layers.replayed == 2 and .summary.cache.layers.unchanged == 2'
cmp -s "$WORK/stamped-hashed.json" "$WORK/stamped.json" &&
	pass "unchanged blob files: same report as when hashed" ||
	fail "unchanged blob files: $(diff "$WORK/stamped-hashed.json" "$WORK/stamped.json" | head -3)"
f="$WORK/stamped/blobs/sha256/$blob"
chmod u+w "$f"
cp -p "$f" "$WORK/blob.orig"
size=$(stat -c %s "$f")
printf '\001' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
touch -r "$WORK/blob.orig" "$f"
expect_input_error "a blob changed in place, mtime put back: digest mismatch" "digest|sha256" \
	$STAMPED

finish
