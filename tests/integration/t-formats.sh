#!/bin/sh
# Acceptance: a debootstrap bookworm minbase rootfs packed as dir:,
# docker-archive: (skopeo; legacy, gzip'ed, and Docker 25+ OCI layout),
# oci: (gzip, and zstd recompressed by skopeo) and oci-archive: (skopeo)
# lists the same ELF set, equal to `find ROOTFS -type f` filtered by ELF
# magic.  The images are built once and cached (scripts/fixtures.sh).
. "$(dirname "$0")/lib.sh"
setup_sandbox
here=$(cd "$(dirname "$0")/../.." && pwd)

ROOTFS=$("$here/scripts/fixtures.sh" rootfs) || { fail "rootfs fixture"; finish; exit 1; }
IMAGES=$("$here/scripts/fixtures.sh" images) || { fail "image fixtures"; finish; exit 1; }

# The reference: every regular file starting with \177ELF (perl-base is
# Essential in Debian, so this needs nothing installed).
(cd "$ROOTFS" && find . -path ./dev -prune -o -type f -print0 |
	perl -0ne 'chomp; open(F, "<", $_) or next; read(F, $b, 4);
		print substr($_, 1), "\n" if $b eq "\x7fELF"') | LC_ALL=C sort > "$WORK/reference"
nref=$(wc -l < "$WORK/reference")
[ "$nref" -gt 500 ] && pass "reference: $nref ELF files in the rootfs" ||
	fail "reference set suspiciously small ($nref)"

for img in "dir:$ROOTFS" "oci:$IMAGES/oci-gzip" "oci:$IMAGES/oci-zstd:minbase" \
	   "oci-archive:$IMAGES/oci.tar" "docker-archive:$IMAGES/docker.tar" \
	   "docker-archive:$IMAGES/docker.tar:bookworm:minbase" \
	   "$IMAGES/docker.tar.gz" "$IMAGES/docker25.tar" "$IMAGES/oci.tar" "$IMAGES/oci-gzip"; do
	run_abicheck inspect "$img" -o json
	if [ "$RC" != 0 ]; then
		fail "$img: rc=$RC $(cat "$ERR")"
		continue
	fi
	jq -r '.elf[].path' "$OUT" | LC_ALL=C sort > "$WORK/got"
	if cmp -s "$WORK/got" "$WORK/reference"; then
		pass "$img: same $(wc -l < "$WORK/got") ELF files as find+magic ($(jq -r '.image.layout + ", " + (.layers[0].compression // "no layers")' "$OUT"))"
	else
		fail "$img: ELF set differs: $(diff "$WORK/reference" "$WORK/got" | head -5 | tr '\n' ' ')"
	fi
	[ -z "$(ls -A "$SANDBOX")" ] || fail "$img: temp dir left behind"
done

# What each source says about the image itself.
run_abicheck inspect "oci:$IMAGES/oci-zstd" -o json
[ "$(jq -r '.image.platform' "$OUT")" = linux/amd64 ] && pass "config: platform linux/amd64" ||
	fail "config platform: $(jq -r '.image.platform' "$OUT")"
[ "$(jq -r '.image.config.cmd[0]' "$OUT")" = bash ] && pass "config: Cmd [bash]" || fail "config Cmd"
[ "$(jq -r '.command.resolved' "$OUT")" = /usr/bin/bash ] &&
	pass "command bash resolves through PATH to /usr/bin/bash" ||
	fail "command resolution: $(jq -c '.command' "$OUT")"
[ "$(jq -r '.layers[0].compression' "$OUT")" = zstd ] && pass "zstd layer detected" ||
	fail "zstd layer not detected"
run_abicheck inspect "docker-archive:$IMAGES/docker.tar" -o json
[ "$(jq -r '.image.tag' "$OUT")" = docker.io/library/bookworm:minbase ] &&
	pass "docker-archive: RepoTag read" || fail "docker-archive tag: $(jq -r .image.tag "$OUT")"
expect_input_error "docker-archive: unknown tag lists the choices" "no image tagged 'nope:1'; available: @0=" \
	inspect "docker-archive:$IMAGES/docker.tar:nope:1"
expect_input_error "oci: unknown tag lists the choices" "no image tagged 'x'; available: minbase" \
	inspect "oci:$IMAGES/oci-gzip:x"

# An unpacked `docker save` (a directory), whose duplicate layer is a
# symlink as docker writes them; links leaving the directory are refused.
mkdir -p "$WORK/unpacked" && tar -xf "$IMAGES/docker.tar" -C "$WORK/unpacked"
layer=$(jq -r '.[0].Layers[0]' "$WORK/unpacked/manifest.json")
mkdir "$WORK/unpacked/dup" && ln -s "../$layer" "$WORK/unpacked/dup/layer.tar"
jq '.[0].Layers = ["dup/layer.tar"]' "$WORK/unpacked/manifest.json" > "$WORK/m" &&
	mv "$WORK/m" "$WORK/unpacked/manifest.json"
run_abicheck inspect "$WORK/unpacked" -o json
[ "$RC" = 0 ] && [ "$(jq -r .summary.elf_files "$OUT")" = "$nref" ] &&
	[ "$(jq -r .image.transport "$OUT")" = docker-archive ] &&
	pass "unpacked docker save directory, layer through an internal symlink" ||
	fail "unpacked docker save: rc=$RC $(cat "$ERR")"
ln -sf /etc/passwd "$WORK/unpacked/dup/layer.tar"
expect_input_error "unpacked docker save: layer symlink to /etc/passwd" "links outside the archive" \
	inspect "$WORK/unpacked"

# Output to a file, and the table for people.
run_abicheck inspect "oci:$IMAGES/oci-gzip" --file "$WORK/report.json" -o json
[ "$RC" = 0 ] && [ ! -s "$OUT" ] && jq -e '.summary.elf_files > 500' "$WORK/report.json" >/dev/null &&
	pass "--file writes the report there" || fail "--file: rc=$RC"
run_abicheck inspect "$IMAGES/oci.tar"
grep -q '^/usr/bin/bash .* x86_64 *64 *pie$' "$OUT" && pass "table lists /usr/bin/bash as x86_64 pie" ||
	fail "table: $(grep bash "$OUT" | head -2)"
finish
