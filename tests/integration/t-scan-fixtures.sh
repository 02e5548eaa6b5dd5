#!/bin/sh
# Acceptance: `abicheck scan` on fixtures compiled here from
# tests/fixtures/scan asserts exact facts and sites: x86_64 syscall sites
# (plain, register copy, two branches, a syscall()-style wrapper and its
# callers), vsyscall uses, an ABI tag demanding kernel 9.9.9, aarch64
# segment alignment and svc sites, an i386 int $0x80 site, a missing
# DT_NEEDED library.  Site addresses are checked against objdump's
# disassembly of the same binary.
. "$(dirname "$0")/lib.sh"
setup_sandbox

SRC=$(cd "$(dirname "$0")/../fixtures/scan" && pwd)
B="$WORK/build"
R="$WORK/root"
mkdir -p "$B" "$R/usr/bin" "$R/usr/lib/here"


CC_X86="gcc -O1 -fno-stack-protector"
build x86-sites $CC_X86 -static -o "$R/usr/bin/x86-sites" "$SRC/x86-sites.c"
build x86-sites-nolibc $CC_X86 -static -nostdlib -DNOLIBC -o "$R/usr/bin/x86-sites-nolibc" "$SRC/x86-sites.c"
build x86-sites-spie $CC_X86 -static-pie -fPIE -o "$R/usr/bin/x86-sites-spie" "$SRC/x86-sites.c"
build vsyscall $CC_X86 -static -no-pie -o "$R/usr/bin/vsyscall" "$SRC/vsyscall.c"
build abi-tag $CC_X86 -static -nostdlib -o "$R/usr/bin/abi-tag" "$SRC/abi-tag.c"
build abi-tag-execstack $CC_X86 -static -nostdlib -Wl,-z,execstack -o "$R/usr/bin/abi-tag-execstack" "$SRC/abi-tag.c"
build go-buildinfo $CC_X86 -static -nostdlib -o "$R/usr/bin/go-buildinfo" "$SRC/go-buildinfo.c"
build go-buildinfo-data $CC_X86 -static -nostdlib -DIN_DATA -o "$R/usr/bin/go-buildinfo-data" \
	"$SRC/go-buildinfo.c"
for p in 65536 16384 4096; do
	build "aarch64 max-page-size=$p" aarch64-linux-gnu-gcc -O1 -static -nostdlib \
		-Wl,-z,max-page-size=$p -o "$R/usr/bin/a64-$p" "$SRC/aarch64-sites.c"
done
build i386-sites i686-linux-gnu-gcc -O1 -static -o "$R/usr/bin/i386-sites" "$SRC/i386-sites.c"
build libgone gcc -O1 -shared -fPIC -Wl,-soname,libgone.so.1 -o "$B/libgone.so.1" "$SRC/lib.c"
build libhere gcc -O1 -shared -fPIC -Wl,-soname,libhere.so.1 -o "$R/usr/lib/here/libhere.so.1" "$SRC/lib.c"
# RPATH (old tags) to a directory the image lacks; RUNPATH with $ORIGIN.
build gone gcc -O1 -o "$R/usr/bin/gone" "$SRC/dyn-main.c" "$B/libgone.so.1" \
	-Wl,--disable-new-dtags,-rpath,/opt/nowhere
build here gcc -O1 -o "$R/usr/bin/here" "$SRC/dyn-main.c" "$R/usr/lib/here/libhere.so.1" \
	-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib/here' -Wl,-z,now
# An x86_64 program whose libwrong.so.1 is, in the image, an i386 build.
build libwrong gcc -O1 -shared -fPIC -Wl,-soname,libwrong.so.1 -o "$B/libwrong.so.1" "$SRC/lib.c"
build wrong gcc -O1 -o "$R/usr/bin/wrong" "$SRC/dyn-main.c" "$B/libwrong.so.1"
mkdir -p "$R/usr/lib/x86_64-linux-gnu"
build libwrong-i386 i686-linux-gnu-gcc -O1 -shared -fPIC -Wl,-soname,libwrong.so.1 \
	-o "$R/usr/lib/x86_64-linux-gnu/libwrong.so.1" "$SRC/lib.c"

# A glibc static program whose .note.ABI-tag is patched to 9.9.9: the
# note is namesz, descsz, type, "GNU\0", then {os, major, minor, patch}.
cp "$R/usr/bin/x86-sites" "$R/usr/bin/glibc-abi-999"
off=$(readelf -SW "$R/usr/bin/glibc-abi-999" | sed -n 's/^.*\] *\.note\.ABI-tag  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
if [ -n "$off" ]; then
	printf '\011\000\000\000\011\000\000\000\011\000\000\000' |
		dd of="$R/usr/bin/glibc-abi-999" bs=1 seek=$((0x$off + 20)) conv=notrunc 2>/dev/null
fi
readelf -n "$R/usr/bin/glibc-abi-999" 2>/dev/null | grep -q 'ABI: 9\.9\.9' ||
	fail "patching .note.ABI-tag of glibc-abi-999 (offset '$off')"

# The host's loader and C library for the dynamic programs, as
# scripts/mkdemo.sh copies them (ldd of gone: libgone.so.1 is "not found").
for lib in $(ldd "$R/usr/bin/gone" | awk '/=>/ { print $3 } !/=>/ { print $1 }' | grep '^/'); do
	real=$(readlink -f "$lib")
	mkdir -p "$R$(dirname "$real")" "$R$(dirname "$lib")"
	cp "$real" "$R$real"
	[ "$real" = "$lib" ] || ln -sf "$real" "$R$lib"
	case $lib in */libc.so.6) LIBC=$real ;; */ld-linux-x86-64.so.2) LDSO=$real ;; esac
done
: "${LIBC:?no libc.so.6 in ldd output}" "${LDSO:?no ld-linux-x86-64.so.2 in ldd output}"


# scan1 PATH : scan_one (lib.sh) of a file of the rootfs.
scan1() { scan_one "dir:$R" "$1"; }

# od_all OBJDUMP BINARY REGEX : addresses of every instruction matching REGEX.
od_all() {
	"$1" -d "$2" | awk -v re="$3" '
		{ n = split($0, f, "\t"); t = f[3]; for (i = 4; i <= n; i++) t = t " " f[i]
		  if (n >= 3 && t ~ re) { a = $1; sub(":", "", a); print "0x" a } }' |
		LC_ALL=C sort
}

# expect_site OBJDUMP BINARY FUNCTION OD-REGEX INSTRUCTION NUMBERS UNRESOLVED
# The one site in FUNCTION: at the address objdump shows, with exactly
# NUMBERS (a JSON array of nr) and UNRESOLVED null or matching a regex.
expect_site() {
	od=$1 bin=$2 fn=$3 re=$4 insn=$5 nrs=$6 unres=$7
	addr=$(od_addrs "$od" "$bin" "$fn" "$re")
	if [ -z "$addr" ] || [ "$(echo "$addr" | wc -l)" != 1 ]; then
		fail "$fn: objdump shows '$addr', want exactly one $re"
		return
	fi
	SHOW="[$F.syscalls.sites[] | select(.function == \$fn)]"
	check "$(basename "$bin") $fn: $insn at $addr, numbers $nrs, unresolved $unres" \
		"[$F.syscalls.sites[] | select(.function == \$fn)] as \$s |
		 (\$s | length) == 1 and \$s[0].address == \$addr and \$s[0].instruction == \$insn and
		 ([\$s[0].numbers[].nr] | sort) == (\$nrs | sort) and
		 (if \$unres == \"null\" then \$s[0].unresolved == null and \$s[0].partial == false
		  else (\$s[0].unresolved | type) == \"string\" and (\$s[0].unresolved | test(\$unres)) end)" \
		--arg fn "$fn" --arg addr "$addr" --arg insn "$insn" --argjson nrs "$nrs" --arg unres "$unres"
}

# expect_all_sites OBJDUMP BINARY OD-REGEX INSTRUCTION : the sites of that
# instruction are exactly objdump's, address for address.
expect_all_sites() {
	od=$1 bin=$2 re=$3 insn=$4
	od_all "$od" "$bin" "$re" > "$WORK/od.addrs"
	jq -r --arg i "$insn" "$F.syscalls.sites[] | select(.instruction == \$i) | .address" "$OUT" |
		LC_ALL=C sort > "$WORK/ac.addrs"
	if [ -s "$WORK/od.addrs" ] && cmp -s "$WORK/od.addrs" "$WORK/ac.addrs"; then
		pass "$(basename "$bin"): the $(wc -l < "$WORK/od.addrs") '$insn' sites are objdump's"
	else
		fail "$(basename "$bin"): '$insn' sites differ from objdump: $(diff "$WORK/od.addrs" "$WORK/ac.addrs" | head -6 | tr '\n' ' ')"
	fi
}

# expect_wrapper_calls OBJDUMP BINARY WRAPPER NUMBERS : the calls of WRAPPER
# are exactly objdump's, in address order, each resolved to the constant
# given in NUMBERS (a JSON array, same order).
expect_wrapper_calls() {
	od=$1 bin=$2 w=$3 nrs=$4
	calls=$("$od" -d "$bin" | awk -v w="<$w>" '
		{ n = split($0, f, "\t"); t = f[3]; for (i = 4; i <= n; i++) t = t " " f[i]
		  if (n >= 3 && t ~ /^(call|bl) / && index(t, w)) { a = $1; sub(":", "", a); print "0x" a } }' |
		jq -R . | jq -sc .)
	wstart=0x$(nm "$bin" 2>/dev/null | awk -v w="$w" '$3 == w { sub(/^0+/, "", $1); print $1 }')
	SHOW="$F.syscalls.wrapper_calls"
	check "$(basename "$bin"): calls of $w at $calls pass $nrs" \
		"[$F.syscalls.wrapper_calls[] | select(.wrapper_name == \$w)] as \$c |
		 ([\$c[].address]) == \$calls and all(\$c[]; .wrapper == \$ws and .unresolved == null and
		 (.numbers | length) == 1) and [\$c[].numbers[0].nr] == \$nrs" \
		--arg w "$w" --argjson calls "$calls" --argjson nrs "$nrs" --arg ws "$wstart"
}

echo "-- x86_64 sites"
bin="$R/usr/bin/x86-sites-nolibc"
scan1 /usr/bin/x86-sites-nolibc
expect_site objdump "$bin" sc_plain '^syscall' syscall '[39]' null
expect_site objdump "$bin" sc_copy '^syscall' syscall '[186]' null
expect_site objdump "$bin" sc_branch '^syscall' syscall '[102,104]' null
expect_site objdump "$bin" my_syscall '^syscall' syscall '[]' '^function argument \(rdi\)$'
expect_site objdump "$bin" _start '^syscall' syscall '[60]' null
expect_wrapper_calls objdump "$bin" my_syscall '[39,110]'
expect_all_sites objdump "$bin" '^syscall' syscall
text=$(readelf -SW "$bin" | sed -n 's/^.*\] *\.text  *PROGBITS  *[0-9a-f]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
SHOW="$F.syscalls.summary"
check "x86-sites-nolibc: summary exact (5 sites, 4 resolved, 6 distinct numbers, .text = 0x$text bytes)" \
	"$F.syscalls.summary == {sites: 5, resolved: 4, unresolved: 1, distinct_numbers: 6,
	 code_bytes: $((0x${text:-0})), undecodable_bytes: 0}"
SHOW="$F.syscalls.sites | map({function, names: [.numbers[].name]})"
check "x86-sites-nolibc: syscall names from the x86_64 table" \
	"[$F.syscalls.sites[] | [.numbers[].name] | sort] ==
	 [[\"getpid\"], [\"gettid\"], [\"getgid\", \"getuid\"], [], [\"exit\"]]"
SHOW="$F.facts | del(.versions)"
check "x86-sites-nolibc: static x86_64, no interpreter, no libc, no vsyscall" \
	"$F.facts.type == \"static\" and $F.facts.machine == \"x86_64\" and $F.facts.class == 64 and
	 $F.facts.endian == \"little\" and $F.facts.interpreter == null and $F.facts.dynamic.needed == [] and
	 $F.facts.libc.kind == \"unknown\" and $F.facts.abi_tag == null and $F.syscalls.arch == \"x86_64\" and
	 $F.vsyscall == []"

for v in x86-sites x86-sites-spie; do
	bin="$R/usr/bin/$v"
	scan1 "/usr/bin/$v"
	expect_site objdump "$bin" sc_plain '^syscall' syscall '[39]' null
	expect_site objdump "$bin" sc_copy '^syscall' syscall '[186]' null
	expect_site objdump "$bin" sc_branch '^syscall' syscall '[102,104]' null
	expect_site objdump "$bin" my_syscall '^syscall' syscall '[]' '^function argument \(rdi\)$'
	expect_wrapper_calls objdump "$bin" my_syscall '[39,110]'
	# Every syscall instruction of the static glibc, not only ours.
	expect_all_sites objdump "$bin" '^syscall' syscall
done
scan1 /usr/bin/x86-sites
SHOW="$F.facts | del(.versions)"
check "x86-sites: static, glibc (by its ABI tag 3.2.0), GNU stack not executable" \
	"$F.facts.type == \"static\" and $F.facts.interpreter == null and $F.facts.libc.kind == \"glibc\" and
	 $F.facts.abi_tag.os == \"Linux\" and $F.facts.abi_tag.min_kernel == \"3.2.0\" and
	 $F.facts.segments.gnu_stack == true and $F.facts.segments.exec_stack == false and
	 ($F.facts.build_id | test(\"^[0-9a-f]{40}$\"))"
scan1 /usr/bin/x86-sites-spie
check "x86-sites-spie: static-pie, no interpreter, glibc" \
	"$F.facts.type == \"static-pie\" and $F.facts.interpreter == null and $F.facts.libc.kind == \"glibc\""

echo "-- vsyscall"
bin="$R/usr/bin/vsyscall"
scan1 /usr/bin/vsyscall
# fn target entry access fallback
while read -r fn target entry access fallback; do
	addr=$(od_addrs objdump "$bin" "$fn" 'ffffffffff60')
	SHOW="$F.vsyscall"
	check "vsyscall $fn: $access $entry ($target) at $addr, fallback $fallback" \
		"[$F.vsyscall[] | select(.function == \$fn)] == [{address: \$addr, target: \$t, entry: \$e,
		 access: \$a, fallback: $fallback, function: \$fn}]" \
		--arg fn "$fn" --arg addr "$addr" --arg t "$target" --arg e "$entry" --arg a "$access"
done <<EOF
vs_time 0xffffffffff600400 time execute false
vs_gtod 0xffffffffff600000 gettimeofday execute false
vs_read 0xffffffffff600000 gettimeofday read false
vs_getcpu 0xffffffffff600800 getcpu execute false
vs_fallback 0xffffffffff600400 time execute true
EOF
check "vsyscall: exactly those five uses" "($F.vsyscall | length) == 5"
scan1 /usr/bin/x86-sites
check "x86-sites (static glibc): no vsyscall use" "$F.vsyscall == []"

echo "-- ABI tag, stack"
scan1 /usr/bin/abi-tag
SHOW="$F.facts | del(.versions)"
check "abi-tag: own .note.ABI-tag -> min_kernel 9.9.9" \
	"$F.facts.abi_tag == {os: \"Linux\", min_kernel: \"9.9.9\"} and $F.facts.type == \"static\""
check "abi-tag: GNU stack, not executable" \
	"$F.facts.segments.gnu_stack == true and $F.facts.segments.exec_stack == false"
expect_site objdump "$R/usr/bin/abi-tag" _start '^syscall' syscall '[231]' null
scan1 /usr/bin/abi-tag-execstack
check "abi-tag-execstack: -z execstack -> exec_stack true" \
	"$F.facts.segments.gnu_stack == true and $F.facts.segments.exec_stack == true and
	 $F.facts.abi_tag.min_kernel == \"9.9.9\""
echo "-- Go build info (where debug/buildinfo looks: .go.buildinfo, else the data segment)"
scan1 /usr/bin/go-buildinfo
check "go-buildinfo: .go.buildinfo section -> Go go1.21.13, no libc" \
	"$F.facts.go == {version: \"go1.21.13\"} and $F.facts.libc.kind == \"none\""
scan1 /usr/bin/go-buildinfo-data
check "go-buildinfo-data: blob in the first writable segment -> Go go1.21.13" \
	"$F.facts.go == {version: \"go1.21.13\"}"
scan1 /usr/bin/abi-tag
check "abi-tag: not a Go program" "$F.facts.go == null"
scan1 /usr/bin/glibc-abi-999
check "glibc-abi-999: patched glibc ABI tag -> min_kernel 9.9.9, still glibc" \
	"$F.facts.abi_tag == {os: \"Linux\", min_kernel: \"9.9.9\"} and $F.facts.libc.kind == \"glibc\""

echo "-- aarch64"
# page size -> max_align and page_sizes {4k, 16k, 64k}
while read -r p ok4 ok16 ok64; do
	bin="$R/usr/bin/a64-$p"
	scan1 "/usr/bin/a64-$p"
	SHOW="$F.facts | del(.versions)"
	check "a64-$p: aarch64 static, max_align $p, page sizes 4k:$ok4 16k:$ok16 64k:$ok64" \
		"$F.facts.machine == \"aarch64\" and $F.facts.class == 64 and $F.facts.type == \"static\" and
		 $F.facts.segments.max_align == $p and
		 $F.facts.segments.page_sizes == {\"4k\": $ok4, \"16k\": $ok16, \"64k\": $ok64} and
		 $F.syscalls.arch == \"aarch64\""
	addrs=$(od_addrs aarch64-linux-gnu-objdump "$bin" _start '^svc')
	SHOW="$F.syscalls.sites"
	check "a64-$p: _start svc sites at $(echo $addrs) -> getpid 172, getuid 174 (copy), exit 93" \
		"(\$a | split(\" \")) as \$ad |
		 [$F.syscalls.sites[] | select(.function == \"_start\") |
		  {address, instruction, unresolved, n: [.numbers[] | [.nr, .name]]}] ==
		 [{address: \$ad[0], instruction: \"svc\", unresolved: null, n: [[172, \"getpid\"]]},
		  {address: \$ad[1], instruction: \"svc\", unresolved: null, n: [[174, \"getuid\"]]},
		  {address: \$ad[2], instruction: \"svc\", unresolved: null, n: [[93, \"exit\"]]}]" \
		--arg a "$(echo $addrs)"
	expect_site aarch64-linux-gnu-objdump "$bin" my_syscall '^svc' svc '[]' '^function argument \(x0\)$'
	expect_wrapper_calls aarch64-linux-gnu-objdump "$bin" my_syscall '[178]'
	expect_all_sites aarch64-linux-gnu-objdump "$bin" '^svc' svc
	check "a64-$p: summary 4 sites, 3 resolved, 4 distinct" \
		"$F.syscalls.summary | .sites == 4 and .resolved == 3 and .unresolved == 1 and
		 .distinct_numbers == 4 and .undecodable_bytes == 0"
done <<EOF
65536 true true true
16384 true true false
4096 true false false
EOF

echo "-- i386"
bin="$R/usr/bin/i386-sites"
scan1 /usr/bin/i386-sites
SHOW="$F.facts | del(.versions)"
check "i386-sites: static i386 32-bit glibc, syscall arch i386" \
	"$F.facts.machine == \"i386\" and $F.facts.class == 32 and $F.facts.type == \"static\" and
	 $F.facts.libc.kind == \"glibc\" and $F.syscalls.arch == \"i386\""
expect_site i686-linux-gnu-objdump "$bin" sc_getpid '^int +\$0x80' 'int 0x80' '[20]' null
SHOW="[$F.syscalls.sites[] | select(.function == \"sc_getpid\")]"
check "i386-sites: 20 is getpid in the i386 table" \
	"[$F.syscalls.sites[] | select(.function == \"sc_getpid\") | .numbers[].name] == [\"getpid\"]"
expect_all_sites i686-linux-gnu-objdump "$bin" '^int +\$0x80' 'int 0x80'
expect_all_sites i686-linux-gnu-objdump "$bin" '^call +\*%gs:0x10' 'call *%gs:0x10'

echo "-- dynamic, libraries"
scan1 /usr/bin/gone
SHOW="$F.facts | del(.versions)"
check "gone: pie, interpreter, NEEDED libgone.so.1 then libc.so.6, RPATH, glibc" \
	"$F.facts.type == \"pie\" and $F.facts.interpreter == \"/lib64/ld-linux-x86-64.so.2\" and
	 $F.facts.dynamic.needed == [\"libgone.so.1\", \"libc.so.6\"] and
	 $F.facts.dynamic.rpath == \"/opt/nowhere\" and $F.facts.dynamic.runpath == null and
	 $F.facts.dynamic.bind_now == false and $F.facts.libc.kind == \"glibc\" and
	 any($F.facts.versions.needed[]; .file == \"libc.so.6\" and (.version | startswith(\"GLIBC_2.\")))"
SHOW="$F.loader"
check "gone: loader: libgone.so.1 unresolved (no hint), libc and ld.so found on the system path" \
	"$F.loader == {needed: [
		{name: \"libc.so.6\", path: \$libc, via: \"system path\", needed_by: \"/usr/bin/gone\"},
		{name: \"ld-linux-x86-64.so.2\", path: \$ldso, via: \"system path\", needed_by: \$libc}],
	 unresolved: [{name: \"libgone.so.1\", needed_by: \"/usr/bin/gone\", hint: null}]}" \
	--arg libc "$LIBC" --arg ldso "$LDSO"
scan1 /usr/bin/wrong
SHOW="$F.loader"
check "wrong: loader: an i386 libwrong.so.1 is skipped, with the reason as a hint" \
	"$F.loader.unresolved == [{name: \"libwrong.so.1\", needed_by: \"/usr/bin/wrong\",
	 hint: \"skipped: /usr/lib/x86_64-linux-gnu/libwrong.so.1 (wrong ELF class)\"}] and
	 [$F.loader.needed[].name] == [\"libc.so.6\", \"ld-linux-x86-64.so.2\"]"
scan1 /usr/bin/here
SHOW="$F.facts | del(.versions)"
check "here: RUNPATH \$ORIGIN/../lib/here, BIND_NOW" \
	"$F.facts.dynamic.runpath == \"\$ORIGIN/../lib/here\" and $F.facts.dynamic.rpath == null and
	 $F.facts.dynamic.bind_now == true and $F.facts.dynamic.needed == [\"libhere.so.1\", \"libc.so.6\"]"
SHOW="$F.loader"
check "here: loader: libhere.so.1 through RUNPATH \$ORIGIN, then libc, ld.so; nothing unresolved" \
	"$F.loader == {needed: [
		{name: \"libhere.so.1\", path: \"/usr/lib/here/libhere.so.1\", via: \"runpath\", needed_by: \"/usr/bin/here\"},
		{name: \"libc.so.6\", path: \$libc, via: \"system path\", needed_by: \"/usr/bin/here\"},
		{name: \"ld-linux-x86-64.so.2\", path: \$ldso, via: \"system path\", needed_by: \$libc}],
	 unresolved: []}" \
	--arg libc "$LIBC" --arg ldso "$LDSO"
scan1 /usr/lib/here/libhere.so.1
SHOW="$F.facts | del(.versions)"
check "libhere.so.1: shared, SONAME, no interpreter" \
	"$F.facts.type == \"shared\" and $F.facts.dynamic.soname == \"libhere.so.1\" and
	 $F.facts.interpreter == null"

echo "-- whole image, dir: and oci:"
nelf=$(find_elf_set "$R" | wc -l)
expect_ok "scan dir: (all $nelf ELF files)" scan "dir:$R" -o json
cp "$OUT" "$WORK/dir.json"
SHOW='.summary'
check "dir: every ELF file listed once, no errors, sorted by path" \
	".summary.files == $nelf and .summary.errors == 0 and ([.files[].path] | length) == $nelf and
	 ([.files[].path] | . == (unique)) and all(.files[]; .error == null)"
if "$TOOLS/mkimage.sh" -o "$WORK/img" -c zstd -t scan "$R" > /dev/null 2>&1; then
	expect_ok "scan oci: of the same tree" scan "oci:$WORK/img:scan" -o json
	if jq -S .files "$WORK/dir.json" > "$WORK/a" 2>/dev/null && jq -S .files "$OUT" > "$WORK/b" 2>/dev/null &&
	   [ -s "$WORK/a" ] && cmp -s "$WORK/a" "$WORK/b"; then
		pass "oci: report's files equal dir:'s"
	else
		fail "oci: report differs from dir: $(diff "$WORK/a" "$WORK/b" | head -8 | tr '\n' ' ')"
	fi
	check "oci: transport oci" '.image.transport == "oci"'
	run_abicheck scan "oci:$WORK/img:scan" /usr/bin/x86-sites-nolibc -o json
	F='.files[0]'
	SHOW=$F
	expect_site objdump "$R/usr/bin/x86-sites-nolibc" sc_branch '^syscall' syscall '[102,104]' null
else
	fail "mkimage.sh"
fi
finish
