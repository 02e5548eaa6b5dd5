#!/bin/sh
# Acceptance: a three-layer fixture exercising whiteouts, opaque dirs,
# hardlinks, file<->dir replacement, symlink chains and a symlink loop
# flattens to what umoci (an independent OCI unpacker) produces.
. "$(dirname "$0")/lib.sh"
setup_sandbox

L="$WORK/layers"
mkdir -p "$L/1" "$L/2" "$L/3"
# Layer 1: the base.
(cd "$L/1" && mkdir -p etc usr/bin opt/d var/cache/apt lib dir2 keep &&
	echo a > etc/a && echo b > etc/b && cp /bin/true usr/bin/tool &&
	ln usr/bin/tool usr/bin/tool-hard && ln -s usr/bin bin &&
	echo x > opt/d/x && echo y > opt/d/y && echo old > var/cache/apt/pkgcache &&
	ln -s chain2 lib/chain1 && ln -s chain3 lib/chain2 && ln -s ../usr/bin/tool lib/chain3 &&
	ln -s loop2 lib/loop1 && ln -s loop1 lib/loop2 && echo f > dir2/file &&
	echo k > keep/k && cp /bin/false usr/bin/other)
# Layer 2: hides, replaces, makes opaque.
(cd "$L/2" && mkdir -p etc opt/d var usr/bin &&
	touch etc/.wh.a opt/d/.wh..wh..opq var/.wh.cache && echo z > opt/d/z &&
	cp /bin/false usr/bin/tool && echo now-a-file > dir2 &&
	cp /bin/true usr/bin/pair1 && ln usr/bin/pair1 usr/bin/pair2)
# Layer 3: re-creates what layer 2 hid, and a dir over a file.
(cd "$L/3" && mkdir -p etc dir2 usr/bin && echo a-again > etc/a && echo in > dir2/inside &&
	touch usr/bin/.wh.pair1)

"$TOOLS/mkimage.sh" -o "$WORK/img" -c gzip -t layers "$L/1" "$L/2" "$L/3" ||
	{ fail "build fixture"; finish; exit 1; }

# Reference: umoci's unpack of the same image.
umoci unpack --rootless --image "$WORK/img:layers" "$WORK/bundle" >/dev/null 2>&1 ||
	{ fail "umoci unpack"; finish; exit 1; }
(cd "$WORK/bundle/rootfs" && find . -mindepth 1 -printf '/%P %y %s %l\n') |
	awk '{ size = ($2 == "f") ? $3 : 0; print $1, $2, size, $4 }' | LC_ALL=C sort > "$WORK/reference"

run_abicheck inspect "oci:$WORK/img" --files -o json
jq -r '.files[] | [.path, ({"file":"f","dir":"d","symlink":"l","chardev":"c","blockdev":"b","fifo":"p"}[.type]),
	.size, (.link_target // "")] | join(" ")' "$OUT" | sed 's/ $//' | LC_ALL=C sort > "$WORK/got"
sed -i 's/ $//' "$WORK/reference"
if cmp -s "$WORK/got" "$WORK/reference"; then
	pass "flattened view equals umoci unpack ($(wc -l < "$WORK/got") entries)"
else
	fail "flattened view differs from umoci: $(diff "$WORK/reference" "$WORK/got" | head -8 | tr '\n' ' ')"
fi

has() { grep -qx -- "$1" "$WORK/got"; }
lacks() { ! grep -q -- "^$1 " "$WORK/got"; }
has "/etc/a f 8" && pass "whiteout in layer 2, re-created in layer 3" || fail "etc/a"
lacks /opt/d/x && lacks /opt/d/y && has "/opt/d/z f 2" && pass "opaque dir keeps only layer 2's entries" ||
	fail "opaque dir"
lacks /var/cache && pass "whiteout of a directory removes its subtree" || fail "var/cache"
has "/dir2 d 0" && has "/dir2/inside f 3" && lacks /dir2/file && pass "dir -> file -> dir replacement" ||
	fail "dir2"
lacks /usr/bin/pair1 && grep -q '^/usr/bin/pair2 f ' "$WORK/got" && pass "hardlink survives whiteout of its twin" ||
	fail "pair"
# tool was replaced by /bin/false in layer 2; tool-hard still is layer 1's /bin/true.
tool=$(jq -r '.elf[] | select(.path == "/usr/bin/tool") | .size' "$OUT")
hard=$(jq -r '.elf[] | select(.path == "/usr/bin/tool-hard") | .size' "$OUT")
[ "$tool" = "$(stat -c %s /bin/false)" ] && [ "$hard" = "$(stat -c %s /bin/true)" ] &&
	pass "replacing a hardlinked file does not change its twin" || fail "tool=$tool hard=$hard"

# Symlink chains and loops resolve inside the image, with the hops shown.
run_abicheck inspect "oci:$WORK/img" -o json -- /lib/chain1
[ "$(jq -r '.command.resolved' "$OUT")" = /usr/bin/tool ] &&
	[ "$(jq -r '.command.symlinks | length' "$OUT")" = 3 ] &&
	pass "chain1 -> chain2 -> chain3 -> /usr/bin/tool" || fail "chain: $(jq -c .command "$OUT")"
run_abicheck inspect "oci:$WORK/img" -o json -- /lib/loop1
[ "$RC" = 0 ] && jq -r '.command.error' "$OUT" | grep -q 'symlink loop' &&
	pass "symlink loop reported: $(jq -r .command.error "$OUT")" || fail "loop: $(jq -c .command "$OUT")"
run_abicheck inspect "oci:$WORK/img" -- tool
grep -q '/usr/local/sbin/tool\|/usr/bin/tool' "$OUT" && grep -q 'ELF x86_64 64-bit pie' "$OUT" &&
	pass "PATH lookup finds tool" || fail "PATH lookup: $(grep -A1 Command "$OUT")"
finish
