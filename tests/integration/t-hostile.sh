#!/bin/sh
# t-hostile.sh — hostile images: path escapes in layer members (`../`,
# absolute names, symlinks, hardlinks), device nodes and FIFOs, truncated and
# corrupt tars/gzip/zstd, decompression bombs, broken outer archives and
# JSON, bad flags.  Every rejection must be exit 2 with exactly one stderr
# line, an empty stdout, an empty private temp dir and nothing changed
# outside it (expect_input_error); the legal look-alikes must be accepted.
# All fixtures are built below WORK at test time from tar, gzip, zstd,
# sha256sum and printf (no python, no network).
. "$(dirname "$0")/lib.sh"
setup_sandbox

MK="$TOOLS/mkimage.sh"
MKDOCKER="$TOOLS/mkdocker25.sh"
FX="$WORK/fx"      # finished images
SRC="$WORK/src"    # scratch for building layer tars
mkdir -p "$FX" "$SRC"

# ---------------------------------------------------------------- helpers

sha() { sha256sum "$1" | cut -d' ' -f1; }

# oci DIR LAYER.tar [COMP]: an OCI layout with one verbatim layer.
oci() { sh "$MK" -c "${3:-gzip}" -o "$1" "$2" >/dev/null; }

# Blob surgery on single-manifest layouts written by mkimage.sh (compact
# JSON, "digest":"sha256:…","size":N).  Every rewrite keeps digests and
# sizes right, so only the intended defect remains.
put_blob() { _h=$(sha "$2"); cp "$2" "$1/blobs/sha256/$_h"; echo "$_h"; }
retarget() { # FILE OLDHEX NEWHEX NEWSIZE
	sed -i "s/\"sha256:$2\",\"size\":[0-9]*/\"sha256:$3\",\"size\":$4/" "$1"
}
manifest_hex() { grep -o 'sha256:[0-9a-f]*' "$1/index.json" | head -1 | cut -d: -f2; }
manifest_file() { echo "$1/blobs/sha256/$(manifest_hex "$1")"; }
ref_hex() { # DIR config|layers
	grep -o "\"$2\":[[{][^}]*" "$(manifest_file "$1")" | grep -o 'sha256:[0-9a-f]*' |
		head -1 | cut -d: -f2
}
set_manifest() { # DIR FILE: FILE becomes the manifest blob
	_o=$(manifest_hex "$1")
	_n=$(put_blob "$1" "$2")
	retarget "$1/index.json" "$_o" "$_n" "$(stat -c %s "$2")"
}
set_ref() { # DIR config|layers FILE: FILE becomes the config / first layer
	_o=$(ref_hex "$1" "$2")
	_n=$(put_blob "$1" "$3")
	cp "$(manifest_file "$1")" "$1.m"
	retarget "$1.m" "$_o" "$_n" "$(stat -c %s "$3")"
	set_manifest "$1" "$1.m"
	rm -f "$1.m"
}
set_layer() { # DIR BLOB UNCOMPRESSED: replaces the only layer, diff_id too
	sed "s/\"diff_ids\":\[[^]]*\]/\"diff_ids\":[\"sha256:$(sha "$3")\"]/" \
		"$1/blobs/sha256/$(ref_hex "$1" config)" > "$1.c"
	set_ref "$1" config "$1.c"
	rm -f "$1.c"
	set_ref "$1" layers "$2"
}
layer_blob() { echo "$1/blobs/sha256/$(ref_hex "$1" layers)"; }

# ustar_hdr NAME TYPEFLAG SIZE [MAJOR MINOR [LINKNAME]]: one 512-byte ustar
# header (for device nodes without root, and lying sizes).
hdr_field() { printf '%s' "$1"; head -c $(($2 - ${#1})) /dev/zero; }
ustar_body() {
	hdr_field "$1" 100; hdr_field 0000644 8; hdr_field 0000000 8; hdr_field 0000000 8
	hdr_field "$(printf %011o "$3")" 12; hdr_field 00000000000 12
	if [ "$7" = blank ]; then printf '        '; else printf '%06o\000 ' "$7"; fi
	printf '%s' "$2"; hdr_field "$6" 100; printf 'ustar\000%s' 00
	hdr_field root 32; hdr_field root 32
	hdr_field "$(printf %07o "$4")" 8; hdr_field "$(printf %07o "$5")" 8
	head -c 167 /dev/zero
}
ustar_hdr() {
	_s=$(ustar_body "$1" "$2" "$3" "${4:-0}" "${5:-0}" "${6:-}" blank |
		od -An -v -tu1 | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s }')
	ustar_body "$1" "$2" "$3" "${4:-0}" "${5:-0}" "${6:-}" "$_s"
}
eot() { head -c 1024 /dev/zero; } # end-of-archive blocks

# docker DIR LAYER.tar OUT.tar: a `docker save` (Docker 25+) archive.
mkdocker() {
	sh "$MK" -c none -o "$1" "$2" >/dev/null
	sh "$MKDOCKER" "$1" hostile:1 "$3"
}

L="$SRC/l" # a fresh layer tree
fresh() { rm -rf "$L" "$SRC/l2"; mkdir -p "$L" "$SRC/l2"; }

# -------------------------------------------------------- layer fixtures

fresh
echo x > "$SRC/x"
mkdir -p "$L/d"
(cd "$L" && tar -P -cf "$SRC/dotdot.tar" ../x)
(cd "$L" && tar -P -cf "$SRC/inner-dotdot.tar" d/../../x)
(cd "$L" && tar -P -cf "$SRC/dot-dotdot.tar" ./../x)
echo x > "$L/f"
tar -C "$L" -P --transform 's,^,/etc/,' -cf "$SRC/abs.tar" f
tar -C "$L" -P --transform 's,^,//etc/,' -cf "$SRC/dblslash.tar" f
for n in dotdot inner-dotdot dot-dotdot abs dblslash; do oci "$FX/$n" "$SRC/$n.tar"; done

# hardlinks: target outside (relative / absolute), missing, a directory
fresh
echo x > "$L/a"
ln "$L/a" "$L/b"
mkdir "$L/d"
tar -C "$L" -P --transform 's,^a$,../../etc/passwd,' -cf "$SRC/hl-out.tar" a b
tar -P --delete -f "$SRC/hl-out.tar" ../../etc/passwd
tar -C "$L" -P --transform 's,^a$,/etc/passwd,' -cf "$SRC/hl-abs.tar" a b
tar -P --delete -f "$SRC/hl-abs.tar" /etc/passwd
tar -C "$L" -cf "$SRC/hl-missing.tar" a b
tar --delete -f "$SRC/hl-missing.tar" a
tar -C "$L" -cf "$SRC/hl-dir.tar" d
tar -C "$L" --transform 's,^a$,d,' -cf "$SRC/hl-dir2.tar" a b
tar --delete -f "$SRC/hl-dir2.tar" d
tar -A -f "$SRC/hl-dir.tar" "$SRC/hl-dir2.tar"
for n in hl-out hl-abs hl-missing hl-dir; do oci "$FX/$n" "$SRC/$n.tar"; done

# symlinks
fresh
mkdir -p "$L/a/b"
ln -s ../../../etc/passwd "$L/a/b/esc"
ln -s ../etc "$L/up"
ln -s /etc/passwd "$L/abs"
ln -s /../../etc/passwd "$L/absdots"
tar -C "$L" -cf "$SRC/sym-esc.tar" a
tar -C "$L" -cf "$SRC/sym-up.tar" up
tar -C "$L" -cf "$SRC/sym-abs.tar" abs absdots
fresh # evil -> /etc, then evil/passwd: lands on the image's own /etc/passwd
mkdir -p "$L/etc" "$SRC/l2/evil"
ln -s /etc "$L/evil"
echo pwned > "$SRC/l2/evil/passwd"
tar -C "$L" -cf "$SRC/sym-chain.tar" etc evil
tar -C "$SRC/l2" -cf "$SRC/sym-chain2.tar" evil/passwd
tar -A -f "$SRC/sym-chain.tar" "$SRC/sym-chain2.tar"
fresh # a -> b, b -> a, then a/x
mkdir -p "$SRC/l2/a"
ln -s b "$L/a"
ln -s a "$L/b"
echo x > "$SRC/l2/a/x"
tar -C "$L" -cf "$SRC/sym-loop.tar" a b
tar -C "$SRC/l2" -cf "$SRC/sym-loop2.tar" a/x
tar -A -f "$SRC/sym-loop.tar" "$SRC/sym-loop2.tar"
for n in sym-esc sym-up sym-abs sym-chain sym-loop; do oci "$FX/$n" "$SRC/$n.tar"; done

# whiteout of '..', over-long names
fresh
echo > "$L/.wh..."
tar -C "$L" -cf "$SRC/wh-dotdot.tar" .wh...
echo x > "$L/f"
seg=$(printf '%0300d' 0)
tar -C "$L" --format=pax --transform "s,^,$seg/," -cf "$SRC/longname.tar" f
seg=$(printf '%0250d' 0)
pre='' i=0
while [ $i -lt 20 ]; do pre="$pre$seg/"; i=$((i + 1)); done
tar -C "$L" --format=pax --transform "s,^,$pre," -cf "$SRC/longpath.tar" f
for n in wh-dotdot longname longpath; do oci "$FX/$n" "$SRC/$n.tar"; done

# device nodes and FIFOs: hand-made headers (no root needed), and a real
# FIFO through GNU tar
{ ustar_hdr dev/null 3 0 1 3; eot; } > "$SRC/chardev.tar"
{ ustar_hdr dev/sda 4 0 8 0; eot; } > "$SRC/blockdev.tar"
{ ustar_hdr dev/null 3 0 1 3; ustar_hdr dev/sda 4 0 8 0; ustar_hdr run/p 6 0; eot; } \
	> "$SRC/special.tar"
fresh
mkfifo "$L/fifo"
tar -C "$L" -cf "$SRC/fifo.tar" fifo
rm -f "$L/fifo"
for n in chardev blockdev special fifo; do oci "$FX/$n" "$SRC/$n.tar"; done

# truncated tars: a member whose header size runs past the end
{ ustar_hdr big 0 1048576; head -c 512 /dev/zero; } > "$SRC/short-member.tar"
fresh
head -c 100000 /dev/urandom > "$L/big"
tar -C "$L" -cf "$SRC/bigfile.tar" big
head -c 20000 "$SRC/bigfile.tar" > "$SRC/cut.tar"
oci "$FX/short-member" "$SRC/short-member.tar" none
oci "$FX/short-member-gz" "$SRC/short-member.tar" gzip
oci "$FX/cut-zstd" "$SRC/cut.tar" zstd

# a small normal layer, and images derived from it
fresh
mkdir -p "$L/bin"
echo hello > "$L/bin/hello"
tar -C "$L" -cf "$SRC/ok.tar" .
oci "$FX/ok" "$SRC/ok.tar" gzip
oci "$FX/ok-zstd" "$SRC/ok.tar" zstd

# truncated gzip (mid-stream and within the first tar block), truncated
# zstd, gzip CRC damage: valid digests, broken streams
cp -r "$FX/ok" "$FX/gz-trunc"
blob=$(layer_blob "$FX/gz-trunc")
head -c $(($(stat -c %s "$blob") - 8)) "$blob" > "$SRC/gz-trunc"
set_ref "$FX/gz-trunc" layers "$SRC/gz-trunc"
cp -r "$FX/ok" "$FX/gz-trunc-early"
# cut where 1..511 bytes of tar come out: too few for the tar reader
n=11
while :; do
	got=$(head -c $n "$blob" | gzip -dc 2>/dev/null | wc -c)
	[ "$got" -gt 0 ] && break
	[ $n -lt "$(stat -c %s "$blob")" ] || break
	n=$((n + 1))
done
head -c $n "$blob" > "$SRC/gz-trunc-early"
set_ref "$FX/gz-trunc-early" layers "$SRC/gz-trunc-early"
cp -r "$FX/ok" "$FX/gz-crc"
sz=$(stat -c %s "$blob")
cp "$blob" "$SRC/gz-crc"
printf '\377' | dd of="$SRC/gz-crc" bs=1 seek=$((sz - 6)) conv=notrunc 2>/dev/null
set_ref "$FX/gz-crc" layers "$SRC/gz-crc"
cp -r "$FX/ok-zstd" "$FX/zst-trunc"
blob=$(layer_blob "$FX/zst-trunc")
head -c $(($(stat -c %s "$blob") - 4)) "$blob" > "$SRC/zst-trunc"
set_ref "$FX/zst-trunc" layers "$SRC/zst-trunc"

# a corrupted blob: one byte changed, digest left as it was
cp -r "$FX/ok" "$FX/corrupt"
printf 'X' | dd of="$(layer_blob "$FX/corrupt")" bs=1 seek=20 conv=notrunc 2>/dev/null

# layers that are no tar (diff_ids set to match, so the format is what fails)
head -c 4096 /dev/urandom > "$SRC/random"
gzip -nc "$SRC/random" > "$SRC/random.gz"
cp -r "$FX/ok" "$FX/not-tar"
set_layer "$FX/not-tar" "$SRC/random.gz" "$SRC/random"
gzip -nc "$SRC/ok.tar" > "$SRC/ok.tar.gz"
gzip -nc "$SRC/ok.tar.gz" > "$SRC/ok.tar.gz.gz"
cp -r "$FX/ok" "$FX/gz-gz"
set_layer "$FX/gz-gz" "$SRC/ok.tar.gz.gz" "$SRC/ok.tar.gz"
zstd -qc "$SRC/ok.tar.gz" > "$SRC/ok.tar.gz.zst"
cp -r "$FX/ok-zstd" "$FX/zst-gz"
set_layer "$FX/zst-gz" "$SRC/ok.tar.gz.zst" "$SRC/ok.tar.gz"

# decompression bombs (sparse files: no disk, streamed straight through)
fresh
truncate -s 128M "$L/zeros"
printf '\177ELF' > "$L/elf"
truncate -s 100M "$L/elf"
tar -C "$L" -cf - zeros | zstd -q -c > "$SRC/bomb.zst"
tar -C "$L" -cf - elf | zstd -q -c > "$SRC/bomb-elf.zst"
tar -C "$L" -cf - elf | gzip -1 -nc > "$SRC/bomb-elf.gz"
tar -C "$L" -cf - zeros | zstd -q -c | gzip -nc > "$SRC/nested.gz"
gzip -dc "$SRC/nested.gz" > "$SRC/nested.zst"
cp -r "$FX/ok-zstd" "$FX/bomb"
set_ref "$FX/bomb" layers "$SRC/bomb.zst"
cp -r "$FX/ok-zstd" "$FX/bomb-elf"
set_ref "$FX/bomb-elf" layers "$SRC/bomb-elf.zst"
cp -r "$FX/ok" "$FX/bomb-elf-gz"
set_ref "$FX/bomb-elf-gz" layers "$SRC/bomb-elf.gz"
cp -r "$FX/ok" "$FX/nested-bomb"
set_layer "$FX/nested-bomb" "$SRC/nested.gz" "$SRC/nested.zst"
# an outer docker-save archive compressed twice around a zero bomb
tar -C "$L" -cf - zeros | zstd -q -c | zstd -q -c > "$FX/outer-bomb.tar.zst"
rm -rf "$L"

# outer problems on the OCI layout
cp -r "$FX/ok" "$FX/no-layer"
rm "$(layer_blob "$FX/no-layer")"
cp -r "$FX/ok" "$FX/no-manifest"
rm "$(manifest_file "$FX/no-manifest")"
cp -r "$FX/ok" "$FX/bad-index"
printf '{"schemaVersion":2,"manifests":[' > "$FX/bad-index/index.json"
cp -r "$FX/ok" "$FX/bad-manifest"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{' \
	> "$SRC/bad-manifest.json"
set_manifest "$FX/bad-manifest" "$SRC/bad-manifest.json"
cp -r "$FX/ok" "$FX/bad-config"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:' \
	> "$SRC/bad-config.json"
set_ref "$FX/bad-config" config "$SRC/bad-config.json"
cp -r "$FX/ok" "$FX/digest-path"
dots=$(printf '../%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19)etc/passwd
dots=$(printf '%s' "$dots" | cut -c1-64)
sed -i "s|\"digest\":\"sha256:[0-9a-f]*\"|\"digest\":\"sha256:$dots\"|" "$FX/digest-path/index.json"

# outer archives: oci-archive and docker-archive
tar -C "$FX/dotdot" -cf "$FX/dotdot-oci.tar" .
tar -C "$FX/sym-esc" -cf "$FX/sym-esc-oci.tar" .
mkdocker "$SRC/d-sym" "$SRC/sym-esc.tar" "$FX/sym-esc-docker.tar"
mkdocker "$SRC/d-hl" "$SRC/hl-out.tar" "$FX/hl-out-docker.tar"
mkdocker "$SRC/d-dev" "$SRC/chardev.tar" "$FX/chardev-docker.tar"
mkdocker "$SRC/d-ok" "$SRC/ok.tar" "$FX/ok-docker.tar"
# cut inside the layer blob; and a last member that claims 1 MiB
head -c 8000 "$FX/ok-docker.tar" > "$FX/docker-cut.tar"
blocks=$(tar -tR -f "$FX/ok-docker.tar" 2>/dev/null | sed -n 's/^block \([0-9]*\): \*\* Block of NULs \*\*$/\1/p')
{ head -c $((blocks * 512)) "$FX/ok-docker.tar"; ustar_hdr zz 0 1048576; head -c 100 /dev/zero; } \
	> "$FX/docker-long-member.tar"
# legacy docker-save layout (<id>/layer.tar) with a hostile manifest.json
mkdir -p "$SRC/legacy/abc"
cp "$SRC/ok.tar" "$SRC/legacy/abc/layer.tar"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$(sha "$SRC/ok.tar")" > "$SRC/legacy/cfg.json"
legacy() { # OUT MANIFEST_JSON
	printf '%s' "$2" > "$SRC/legacy/manifest.json"
	tar -C "$SRC/legacy" -cf "$1" manifest.json cfg.json abc
}
legacy "$FX/legacy-ok.tar" '[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["abc/layer.tar"]}]'
legacy "$FX/legacy-dotdot.tar" '[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["../../../etc/passwd"]}]'
legacy "$FX/legacy-abs.tar" '[{"Config":"/etc/passwd","RepoTags":["x:1"],"Layers":["abc/layer.tar"]}]'
legacy "$FX/legacy-missing.tar" '[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["abc/nope.tar"]}]'
legacy "$FX/legacy-badjson.tar" '[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["abc/layer.tar"]'
rm -f "$SRC/legacy/abc/layer.tar"
ln -s /etc/passwd "$SRC/legacy/abc/layer.tar"
legacy "$FX/legacy-symlink.tar" '[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["abc/layer.tar"]}]'

# not images at all
tar -C "$SRC" -cf "$FX/plain.tar" ok.tar
head -c 3000 /dev/urandom > "$FX/random.bin"
rm -rf "$SRC" # keep only what the runs read

# ------------------------------------------------------------------ runs

# run_abicheck creates these; made now so the first snapshot already has them
: > "$WORK/stdout"
: > "$WORK/stderr"

ESC="climbs out of the image root"
echo "-- member paths"
expect_input_error "../x" "member '\.\./x': .*$ESC" inspect "oci:$FX/dotdot"
expect_input_error "d/../../x" "member 'd/\.\./\.\./x': .*$ESC" inspect "oci:$FX/inner-dotdot"
expect_input_error "./../x" "member '\./\.\./x': .*$ESC" inspect "oci:$FX/dot-dotdot"
expect_input_error "/etc/f" "member '/etc/f': absolute member path" inspect "oci:$FX/abs"
expect_input_error "//etc/f" "member '//etc/f': absolute member path" inspect "oci:$FX/dblslash"
expect_input_error "whiteout of '..'" "malformed whiteout" inspect "oci:$FX/wh-dotdot"
expect_input_error "name component > 255 bytes" "component longer than 255 bytes" inspect "oci:$FX/longname"
expect_input_error "path > 4095 bytes" "member path longer than 4095 bytes" inspect "oci:$FX/longpath"

echo "-- hardlinks"
expect_input_error "hardlink to ../../etc/passwd" "member 'b': hardlink target: .*$ESC" inspect "oci:$FX/hl-out"
expect_input_error "hardlink to /etc/passwd" "member 'b': hardlink target: absolute member path" inspect "oci:$FX/hl-abs"
expect_input_error "hardlink to a missing member" "hardlink '/b' to missing member '/a'" inspect "oci:$FX/hl-missing"
expect_input_error "hardlink to a directory" "hardlink '/b' to directory '/d'" inspect "oci:$FX/hl-dir"

echo "-- symlinks"
expect_input_error "symlink a/b/esc -> ../../../etc/passwd" \
	"member 'a/b/esc': symlink to '\.\./\.\./\.\./etc/passwd' escapes the image root" inspect "oci:$FX/sym-esc"
expect_input_error "symlink up -> ../etc" "member 'up': symlink to '\.\./etc' escapes the image root" \
	inspect "oci:$FX/sym-up"
expect_ok "absolute symlinks /etc/passwd, /../../etc/passwd resolve inside" inspect "oci:$FX/sym-abs"
expect_input_error "symlink loop a <-> b, then a/x" "symlink loop" inspect "oci:$FX/sym-loop"

# evil -> /etc plus evil/passwd: legal, and it is the image's /etc/passwd
host_passwd=$(cksum < /etc/passwd)
before=$(snapshot)
expect_ok "evil -> /etc, then evil/passwd (accepted)" inspect "oci:$FX/sym-chain" --files -o json
if tr -d ' \n' < "$OUT" | grep -q '{"path":"/etc/passwd","type":"file",[^}]*"size":6}' &&
   tr -d ' \n' < "$OUT" | grep -q '{"path":"/evil","type":"symlink",[^}]*"link_target":"/etc"}' &&
   ! grep -q '"path": "/evil/passwd"' "$OUT"; then
	pass "evil/passwd lands on the image's /etc/passwd"
else
	fail "evil/passwd: --files json lacks /etc/passwd (or lists /evil/passwd)"
fi
if [ "$(cksum < /etc/passwd)" = "$host_passwd" ] && [ "$(snapshot)" = "$before" ]; then
	pass "host /etc/passwd and the work dir untouched"
else
	fail "evil/passwd: the host /etc/passwd or the work dir changed"
fi

echo "-- device nodes and FIFOs"
expect_input_error "char device" "member 'dev/null': device node member .*--allow-special" inspect "oci:$FX/chardev"
expect_input_error "block device" "member 'dev/sda': device node member .*--allow-special" inspect "oci:$FX/blockdev"
expect_input_error "FIFO" "member 'fifo': FIFO member .*--allow-special" inspect "oci:$FX/fifo"
expect_ok "--allow-special accepts chardev, blockdev, FIFO" inspect "oci:$FX/special" --allow-special --files
if grep -Eq '^chardev .* /dev/null$' "$OUT" && grep -Eq '^blockdev .* /dev/sda$' "$OUT" &&
   grep -Eq '^fifo .* /run/p$' "$OUT" &&
   [ -z "$(find "$WORK" \( -type b -o -type c -o -type p \) -print)" ]; then
	pass "--allow-special records them without creating any"
else
	fail "--allow-special: not listed, or a device node/FIFO appeared on disk"
fi

echo "-- truncated and corrupt layers"
expect_input_error "member size beyond the layer (plain tar)" "[Tt]runcated" \
	inspect "oci:$FX/short-member"
expect_input_error "member size beyond the layer (gzip)" "[Tt]runcated" inspect "oci:$FX/short-member-gz"
expect_input_error "tar cut mid-member (zstd)" "[Tt]runcated" inspect "oci:$FX/cut-zstd"
expect_input_error "truncated gzip stream" "truncated gzip stream" inspect "oci:$FX/gz-trunc"
expect_input_error "gzip cut inside its first tar block" "truncated gzip stream" inspect "oci:$FX/gz-trunc-early"
expect_input_error "gzip CRC damaged" "corrupt gzip stream" inspect "oci:$FX/gz-crc"
expect_input_error "truncated zstd stream" "truncated zstd stream" inspect "oci:$FX/zst-trunc"
expect_input_error "one byte changed in a layer blob" "digest mismatch" inspect "oci:$FX/corrupt"
expect_input_error "layer of random bytes" "Unrecognized archive format" inspect "oci:$FX/not-tar"
expect_input_error "gzip inside gzip" "Unrecognized archive format" inspect "oci:$FX/gz-gz"
expect_input_error "gzip inside zstd" "Unrecognized archive format" inspect "oci:$FX/zst-gz"

echo "-- bombs and caps"
expect_input_error "zstd bomb, 128 MiB of zeros" "decompression bomb \(raise with --max-ratio\)" \
	inspect "oci:$FX/bomb"
expect_input_error "zstd bomb in an ELF file" "member 'elf': .*decompression bomb \(raise with --max-ratio\)" \
	inspect "oci:$FX/bomb-elf"
expect_input_error "gzip bomb, --max-ratio 10" "decompression ratio above 10:1 .*--max-ratio" \
	inspect "oci:$FX/bomb-elf-gz" --max-ratio 10
expect_input_error "gzip(zstd(bomb)) is not unwrapped" "Unrecognized archive format" \
	inspect "oci:$FX/nested-bomb"
expect_input_error "zstd(zstd(bomb)) docker archive" "archive expands beyond the caps" \
	inspect "docker-archive:$FX/outer-bomb.tar.zst"
expect_input_error "--max-bytes 1M on 128 MiB" "beyond 1048576 bytes \(raise with --max-bytes\)" \
	inspect "oci:$FX/bomb" --max-bytes 1M --max-ratio 1000000
expect_input_error "--max-bytes 1K on a small image" "beyond 1024 bytes \(raise with --max-bytes\)" \
	inspect "oci:$FX/ok" --max-bytes 1K
expect_input_error "--max-entries 1" "more than 1 entries \(raise with --max-entries\)" \
	inspect "oci:$FX/ok" --max-entries 1
expect_input_error "--max-json-bytes 100" "index\.json: .*--max-json-bytes" \
	inspect "oci:$FX/ok" --max-json-bytes 100

echo "-- OCI layout and JSON"
expect_input_error "layer blob missing" "layer 1/1 .*missing 'blobs/sha256/[0-9a-f]{64}'" inspect "oci:$FX/no-layer"
expect_input_error "manifest blob missing" "manifest: .*missing 'blobs/sha256/[0-9a-f]{64}'" \
	inspect "oci:$FX/no-manifest"
expect_input_error "malformed index.json" "index\.json: malformed JSON" inspect "oci:$FX/bad-index"
expect_input_error "malformed manifest blob" "manifest: malformed JSON" inspect "oci:$FX/bad-manifest"
expect_input_error "malformed config blob" "config: malformed JSON" inspect "oci:$FX/bad-config"
expect_input_error "digest 'sha256:../../…/etc/passwd'" "malformed digest" inspect "oci:$FX/digest-path"

echo "-- outer archives"
expect_input_error "oci-archive with ../x" "^abicheck: oci-archive:.*member '\.\./x': .*$ESC" \
	inspect "oci-archive:$FX/dotdot-oci.tar"
expect_input_error "oci-archive sniffed, symlink escape" "^abicheck: oci-archive:.*escapes the image root" \
	inspect "$FX/sym-esc-oci.tar"
expect_input_error "docker-archive, symlink escape" "^abicheck: docker-archive:.*escapes the image root" \
	inspect "docker-archive:$FX/sym-esc-docker.tar"
expect_input_error "docker-archive sniffed, hardlink escape" "^abicheck: docker-archive:.*hardlink target: .*$ESC" \
	inspect "$FX/hl-out-docker.tar"
expect_input_error "docker-archive, char device" "^abicheck: docker-archive:.*device node member" \
	inspect "docker-archive:$FX/chardev-docker.tar"
expect_ok "docker-archive, char device, --allow-special" inspect "docker-archive:$FX/chardev-docker.tar" --allow-special
expect_input_error "docker-archive cut inside a blob" "truncated or corrupt tar archive|extends beyond the archive" \
	inspect "docker-archive:$FX/docker-cut.tar"
expect_input_error "docker-archive member size past the end" \
	"truncated or corrupt tar archive|extends beyond the archive" inspect "docker-archive:$FX/docker-long-member.tar"
expect_ok "legacy docker-archive (control)" inspect "docker-archive:$FX/legacy-ok.tar"
expect_input_error "manifest.json layer '../../../etc/passwd'" "manifest\.json: bad layer path" \
	inspect "docker-archive:$FX/legacy-dotdot.tar"
expect_input_error "manifest.json Config '/etc/passwd'" "manifest\.json Config: absolute member path" \
	inspect "docker-archive:$FX/legacy-abs.tar"
expect_input_error "manifest.json layer not in the archive" "missing 'abc/nope\.tar'" \
	inspect "docker-archive:$FX/legacy-missing.tar"
expect_input_error "malformed manifest.json" "manifest\.json: malformed JSON" \
	inspect "docker-archive:$FX/legacy-badjson.tar"
expect_input_error "layer.tar a symlink to /etc/passwd" "'abc/layer\.tar' links outside the archive" \
	inspect "docker-archive:$FX/legacy-symlink.tar"
expect_input_error "plain tar, bare path" "not a container image archive" inspect "$FX/plain.tar"
expect_input_error "plain tar as docker-archive" "missing 'manifest\.json'" inspect "docker-archive:$FX/plain.tar"
expect_input_error "random bytes, bare path" "neither a directory nor a tar archive" inspect "$FX/random.bin"
expect_input_error "random bytes as oci-archive" "not a tar archive" inspect "oci-archive:$FX/random.bin"

echo "-- flags"
expect_input_error "--max-bytes abc" "invalid limit 'abc'" inspect "oci:$FX/ok" --max-bytes abc
expect_input_error "--max-ratio 0" "invalid limit '0'" inspect "oci:$FX/ok" --max-ratio 0
expect_input_error "--max-entries 1Q" "invalid limit '1Q'" inspect "oci:$FX/ok" --max-entries 1Q
expect_input_error "-o xml" "unknown output format 'xml'" inspect "oci:$FX/ok" -o xml
expect_input_error "unknown option" "unknown or incomplete option '--bogus'" inspect "oci:$FX/ok" --bogus
expect_input_error "--max-bytes without a value" "unknown or incomplete option '--max-bytes'" \
	inspect "oci:$FX/ok" --max-bytes
expect_input_error "--file: no report written for a rejected image" "member '\.\./x': .*$ESC" \
	inspect "oci:$FX/dotdot" --file "$OUTSIDE/report.txt"

finish
