#!/bin/sh
# Acceptance: `abicheck scan --reach` on fixtures compiled here from
# tests/fixtures/reach follows a program's imports into the libraries that
# define them and reports every syscall, vsyscall use and vDSO lookup it
# reaches, each with its chain (the program, `import SYMBOL[@VERSION]`,
# `LIB:function` hops, the instruction):
#   - libfake.so.1, a fixture libc whose time@FAKE_1.0 calls the vsyscall
#     page (0xffffffffff600400) and whose gettimeofday is a raw syscall, and
#     prog importing both: each use is reported end to end;
#   - libifunc.so.1, whose IFUNC time picks the vDSO's __vdso_time when
#     present and the vsyscall address otherwise: a fallback, in the
#     library's own scan and in the importing program's reach;
#   - a static program without libc: its reach is its own sites;
#   - musl (Debian's musl package, musl-gcc programs): libc kind, musl's
#     loader (its path file; libc.* names it satisfies itself) and reach
#     through musl's libc.so, in a Debian layout (as an OCI image) and an
#     Alpine one.
# Needs gcc and musl-tools/musl-dev/musl (Debian packages).
. "$(dirname "$0")/lib.sh"
setup_sandbox

SRC=$(cd "$(dirname "$0")/../fixtures/reach" && pwd)
B="$WORK/build"
G="$WORK/glibc"   # dir: image, glibc programs
M="$WORK/musl"    # Debian's musl package (layer 1) ...
MA="$WORK/mapp"   # ... and the musl programs (layer 2)
A="$WORK/alpine"  # dir: image laid out as Alpine's musl is
LIBDIR=/usr/lib/x86_64-linux-gnu
VS=0xffffffffff600400
mkdir -p "$B" "$G/usr/bin" "$G$LIBDIR"



# scan1 IMAGE PATH [--reach] : scan_one (lib.sh), failures shown without
# the (long) syscall list.
scan1() {
	scan_one "$@"
	SHOW="$F | del(.facts.versions, .syscalls)"
}

# jq definitions for the reach checks.  A chain is well formed when it
# starts with the program, is all strings and has at least two steps;
# imported(SYM) selects the entries whose second step imports SYM (any
# version); via(HOP) those with HOP (a regex) among the hops between the
# import and the instruction.
JQDEFS='
def wellformed($prog): (.chain | type) == "array" and (.chain | length) >= 2 and
	all(.chain[]; type == "string") and .chain[0] == $prog;
def imported($sym): (.chain[1] // "") | test("^import " + $sym + "(@[^ ]+)?$");
def via($hop): any(.chain[2:-1][]; test($hop));
def last_mentions($re): (.chain[-1] // "") | test($re);
def hexre($a): "0x0*" + ($a | ltrimstr("0x")) + "([^0-9a-fA-F]|$)";
'

# reach_shape DESC : $F.reach has the documented shape, every chain starting
# with the program.
reach_shape() {
	SHOW="$F.reach | {stats, syscalls: (.syscalls | .[0:3]?), vsyscall, vdso_symbols}"
	check "$1: reach {syscalls, vsyscall, vdso_symbols, stats}, every chain from $(jq -r "$F.path" "$OUT")" \
		"$JQDEFS $F.path as \$p | $F.reach | type == \"object\" and
		 (.syscalls | type) == \"array\" and (.vsyscall | type) == \"array\" and
		 (.vdso_symbols | type) == \"array\" and (.stats | type) == \"object\" and
		 all(.syscalls[]; (.nr | type) == \"number\" and (.abi | type) == \"string\" and
		     (.startup | type) == \"boolean\" and wellformed(\$p)) and
		 all(.vsyscall[]; wellformed(\$p)) and all(.vdso_symbols[]; wellformed(\$p))"
}

# reach_syscall DESC NR NAME SYMBOL HOP-REGEX [SITE-ADDRESS] : $F.reach.syscalls
# has NR (NAME, x86_64) reached through `import SYMBOL` (any first step when
# SYMBOL is empty: the report keeps one shortest chain per number), a hop
# matching HOP-REGEX, and a final syscall step (at SITE-ADDRESS when given).
reach_syscall() {
	desc=$1 nr=$2 name=$3 sym=$4 hop=$5 site=${6:-}
	SHOW="[$F.reach.syscalls[] | select(.nr == $nr)]"
	check "$desc: syscall $nr ($name) reached: import ${sym:-*} -> $hop -> syscall${site:+ at $site}" \
		"$JQDEFS $F.path as \$p |
		 any($F.reach.syscalls[]; .nr == $nr and .name == \$name and .abi == \"x86_64\" and
		     wellformed(\$p) and (\$sym == \"\" or imported(\$sym)) and via(\$hop) and
		     last_mentions(\"syscall\") and (\$site == \"\" or last_mentions(hexre(\$site))))" \
		--arg name "$name" --arg sym "$sym" --arg hop "$hop" --arg site "$site"
}

# not_startup DESC NR WHY : syscall NR is reached but not marked start-up
# (only main's code reaches it; main is called from __libc_start_main
# through a pointer, which the start-up pass does not follow).
not_startup() {
	SHOW="[$F.reach.syscalls[] | select(.nr == $2)]"
	check "$1: syscall $2 is not start-up ($3)" \
		"[$F.reach.syscalls[] | select(.nr == $2) | .startup] == [false]"
}

# whole_reach IMAGE NELF : a whole-image --reach run is a clean, valid report of
# NELF files, each program with a non-empty reach.
whole_reach() {
	expect_ok "scan $1 --reach ($2 ELF files)" scan "$1" --reach -o json
	SHOW='{summary, errors: [.files[] | select(.error != null) | {path, error}]}'
	check "$1 --reach: valid JSON, every file listed, no errors, each program with reach" \
		".schema == \"abicheck.scan/v1\" and .summary.files == $2 and .summary.errors == 0 and
		 all(.files[]; has(\"reach\")) and
		 all(.files[] | select(.facts.type | IN(\"exec\", \"pie\", \"static\", \"static-pie\"));
		     (.reach | type) == \"object\" and (.reach.syscalls | length) > 0)"
}

# ---------------------------------------------------------------- build
echo "-- build"
CC="gcc -O1 -fno-stack-protector"
build libfake $CC -shared -fPIC -Wl,-soname,libfake.so.1 -Wl,--version-script,"$SRC/libfake.map" \
	-o "$G$LIBDIR/libfake.so.1" "$SRC/libfake.c"
build libifunc $CC -shared -fPIC -Wl,-soname,libifunc.so.1 -Wl,--version-script,"$SRC/libifunc.map" \
	-o "$G$LIBDIR/libifunc.so.1" "$SRC/libifunc.c"
# The fixture library before libc, so time binds to it (and its version).
build prog $CC -o "$G/usr/bin/prog" "$SRC/prog.c" -L"$G$LIBDIR" -Wl,--no-as-needed -l:libfake.so.1
build prog-ifunc $CC -o "$G/usr/bin/prog-ifunc" "$SRC/prog.c" -L"$G$LIBDIR" -Wl,--no-as-needed -l:libifunc.so.1
build static $CC -static -nostdlib -o "$G/usr/bin/static" "$SRC/static.c"

# The host's loader and C library, as scripts/mkdemo.sh copies them (ldd
# of prog: libfake.so.1 is "not found" outside the image).
LIBC='' LDSO=''
for lib in $(ldd "$G/usr/bin/prog" 2>/dev/null | awk '/=>/ { print $3 } !/=>/ { print $1 }' | grep '^/'); do
	real=$(readlink -f "$lib")
	mkdir -p "$G$(dirname "$real")" "$G$(dirname "$lib")"
	cp "$real" "$G$real"
	[ "$real" = "$lib" ] || ln -sf "$real" "$G$lib"
	case $lib in */libc.so.6) LIBC=$real ;; */ld-linux-x86-64.so.2) LDSO=$real ;; esac
done
[ -n "$LIBC" ] && [ -n "$LDSO" ] || fail "no libc.so.6 / ld-linux-x86-64.so.2 in ldd output of prog"

# musl: Debian's musl package as installed here (loader symlink, libc.so,
# /etc/ld-musl-x86_64.path) on a merged-/usr root like debian:bookworm's.
MUSL_GCC=$(command -v musl-gcc || command -v x86_64-linux-musl-gcc)
MUSL_LIBC=/usr/lib/x86_64-linux-musl/libc.so
if [ -z "$MUSL_GCC" ] || [ ! -f "$MUSL_LIBC" ] || ! dpkg -L musl > /dev/null 2>&1; then
	fail "musl-gcc or Debian's musl package missing (install musl musl-dev musl-tools)"
	MUSL_GCC=false
fi
mkdir -p "$M/usr/lib" "$M/usr/bin" "$M/etc" "$MA/usr/bin" "$MA/usr/lib/x86_64-linux-musl" \
	"$A/lib" "$A/usr/bin" "$B/alpine"
ln -s usr/lib "$M/lib"
ln -s usr/bin "$M/bin"
for f in $(dpkg -L musl 2> /dev/null); do
	[ -d "$f" ] && continue # directories, and merged-/usr's /lib -> usr/lib
	mkdir -p "$M$(dirname "$f")"
	cp -P "$f" "$M$f"
done
[ -L "$M/lib/ld-musl-x86_64.so.1" ] && [ -f "$M$MUSL_LIBC" ] && [ -f "$M/etc/ld-musl-x86_64.path" ] ||
	fail "musl package layout: want /lib/ld-musl-x86_64.so.1 -> $MUSL_LIBC and /etc/ld-musl-x86_64.path"
build musl-hello "$MUSL_GCC" -O1 -o "$MA/usr/bin/hello" "$SRC/musl-hello.c"
build libmfix "$MUSL_GCC" -O1 -shared -fPIC -Wl,-soname,libmfix.so.1 \
	-o "$MA/usr/lib/x86_64-linux-musl/libmfix.so.1" "$SRC/musl-lib.c"
build musl-hello-lib "$MUSL_GCC" -O1 -DWITH_LIB -o "$MA/usr/bin/hello-lib" "$SRC/musl-hello.c" \
	"$MA/usr/lib/x86_64-linux-musl/libmfix.so.1"
# Alpine: the loader is the C library (/lib/ld-musl-x86_64.so.1) and
# libc.musl-x86_64.so.1 a symlink to it; programs NEED libc.musl-x86_64.so.1.
cp "$MUSL_LIBC" "$A/lib/ld-musl-x86_64.so.1" 2> /dev/null
ln -s ld-musl-x86_64.so.1 "$A/lib/libc.musl-x86_64.so.1"
ln -s "$MUSL_LIBC" "$B/alpine/libc.musl-x86_64.so.1"
build musl-hello-alpine "$MUSL_GCC" -O1 -o "$A/usr/bin/hello-alpine" "$SRC/musl-hello.c" \
	-L"$B/alpine" -Wl,--as-needed -l:libc.musl-x86_64.so.1
cp "$MA/usr/bin/hello" "$A/usr/bin/hello" 2> /dev/null
MUSL_NEEDED=$(readelf -d "$MA/usr/bin/hello" 2> /dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ "$MUSL_NEEDED" = libc.so ] || fail "musl-gcc's hello NEEDs '$MUSL_NEEDED', want libc.so"
ALPINE_NEEDED=$(readelf -d "$A/usr/bin/hello-alpine" 2> /dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ "$ALPINE_NEEDED" = libc.musl-x86_64.so.1 ] || fail "hello-alpine NEEDs '$ALPINE_NEEDED', want libc.musl-x86_64.so.1"
if "$TOOLS/mkimage.sh" -o "$WORK/musl-img" -c gzip -t musl "$M" "$MA" > "$WORK/mkimage.err" 2>&1; then
	MIMG="oci:$WORK/musl-img:musl"
else
	fail "mkimage.sh (musl image): $(head -c 300 "$WORK/mkimage.err")"
	MIMG="dir:$M"
fi

# ---------------------------------------------------------------- libraries (plain scan)
echo "-- the fixture libraries, plain scan"
lib=$G$LIBDIR/libfake.so.1
scan1 "dir:$G" "$LIBDIR/libfake.so.1"
addr=$(od_addrs objdump "$lib" time ffffffffff600400)
SHOW="$F.vsyscall"
check "libfake.so.1: time calls $VS (execute, not a fallback) at $addr" \
	"$F.vsyscall == [{address: \$a, target: \$t, entry: \"time\", access: \"execute\",
	 fallback: false, function: \"time\"}]" --arg a "$addr" --arg t "$VS"
GTOD_SITE=$(od_addrs objdump "$lib" gettimeofday '^syscall')
SHOW="$F.syscalls.sites"
check "libfake.so.1: gettimeofday's syscall at $GTOD_SITE is 96" \
	"[$F.syscalls.sites[] | {address, function, n: [.numbers[].nr]}] ==
	 [{address: \$a, function: \"gettimeofday\", n: [96]}]" --arg a "$GTOD_SITE"
SHOW="$F.facts.versions"
check "libfake.so.1: defines FAKE_1.0" "any($F.facts.versions.defined[]; . == \"FAKE_1.0\")"

lib=$G$LIBDIR/libifunc.so.1
scan1 "dir:$G" "$LIBDIR/libifunc.so.1"
addr=$(od_addrs objdump "$lib" time_resolver ffffffffff600400)
[ -n "$addr" ] && [ -n "$(od_addrs objdump "$lib" time_resolver 'lea .*rdi')" ] ||
	fail "libifunc.so.1: time_resolver should load \"__vdso_time\" and $VS itself (objdump: '$addr')"
SHOW="$F.vsyscall"
check "libifunc.so.1: the IFUNC resolver's $VS at $addr is a fallback" \
	"($F.vsyscall | length) == 1 and ($F.vsyscall[0] | .address == \$a and .target == \$t and
	 .entry == \"time\" and .access == \"execute\" and .fallback == true and
	 (.function == \"time\" or .function == \"time_resolver\"))" --arg a "$addr" --arg t "$VS"
SHOW="$F.vdso_symbols"
check "libifunc.so.1: looks up __vdso_time" "$F.vdso_symbols == [\"__vdso_time\"]"

# ---------------------------------------------------------------- prog -> libfake.so.1
echo "-- prog: time@FAKE_1.0 in libfake.so.1 calls the vsyscall page"
scan1 "dir:$G" /usr/bin/prog
SHOW="{needed: $F.facts.versions.needed, loader: $F.loader}"
check "prog: NEEDED libfake.so.1 (FAKE_1.0) before libc; found on the system path" \
	"$F.facts.dynamic.needed == [\"libfake.so.1\", \"libc.so.6\"] and
	 any($F.facts.versions.needed[]; .file == \"libfake.so.1\" and .version == \"FAKE_1.0\") and
	 $F.loader.needed[0] == {name: \"libfake.so.1\", path: \"$LIBDIR/libfake.so.1\",
	 via: \"system path\", needed_by: \"/usr/bin/prog\"} and $F.loader.unresolved == []"
check "prog: no reach without --reach" "$F.reach == null"

scan1 "dir:$G" /usr/bin/prog --reach
reach_shape prog
SHOW="$F.reach.vsyscall"
check "prog: reach.vsyscall: $VS executed, not a fallback: prog -> import time -> libfake.so.1:time -> the call" \
	"$JQDEFS any($F.reach.vsyscall[]; .target == \$t and .entry == \"time\" and .access == \"execute\" and
	     .fallback == false and wellformed(\"/usr/bin/prog\") and imported(\"time\") and
	     via(\"^libfake\\\\.so\\\\.1:time$\") and last_mentions(\$t))" --arg t "$VS"
check "prog: reach.vsyscall: every use is libfake.so.1's, none a fallback" \
	"$JQDEFS ($F.reach.vsyscall | length) >= 1 and
	 all($F.reach.vsyscall[]; .target == \$t and .fallback == false and via(\"^libfake\\\\.so\\\\.1:\"))" \
	--arg t "$VS"
reach_syscall prog 96 gettimeofday gettimeofday '^libfake\.so\.1:gettimeofday$' "$GTOD_SITE"
SHOW="[$F.reach.syscalls[] | select(.nr == 96 or .nr == 201 or (.chain[1] | test(\"^import (time|gettimeofday)\")))]"
check "prog: import gettimeofday goes only into libfake.so.1" \
	"$JQDEFS all($F.reach.syscalls[] | select(imported(\"gettimeofday\")); .chain[2] == \"libfake.so.1:gettimeofday\")"
check "prog: import time@FAKE_1.0 binds to libfake.so.1, not libc.so.6's time (no syscall behind it)" \
	"$JQDEFS [$F.reach.syscalls[] | select(imported(\"time\"))] == []"
SHOW="$F.reach.stats"
check "prog: reach spans prog, libfake.so.1, libc.so.6 and ld.so; time, gettimeofday, __libc_start_main bound" \
	"$F.reach.stats.objects == 4 and
	 all($F.reach.stats.unbound_imports[]; test(\"^(time|gettimeofday|__libc_start_main)(@|$)\") | not)"
SHOW="[$F.reach.syscalls[] | select(.nr == 231 or (.chain[1] | startswith(\"import __libc_start_main\")))] | .[0:3]"
check "prog: libc.so.6 is followed too (chains through libc.so.6:__libc_start_main)" \
	"$JQDEFS any($F.reach.syscalls[]; imported(\"__libc_start_main\") and via(\"^libc\\\\.so\\\\.6:__libc_start_main$\"))"
check "prog: exit_group (231) is start-up" \
	"any($F.reach.syscalls[]; .nr == 231 and .startup == true)"
not_startup prog 96 "only main calls gettimeofday@FAKE_1.0"

# ---------------------------------------------------------------- prog-ifunc -> libifunc.so.1
echo "-- prog-ifunc: libifunc.so.1's IFUNC time falls back to the vsyscall page"
scan1 "dir:$G" /usr/bin/prog-ifunc --reach
reach_shape prog-ifunc
SHOW="$F.reach.vsyscall"
check "prog-ifunc: reach.vsyscall: $VS as a fallback: prog-ifunc -> import time -> libifunc.so.1 -> the resolver" \
	"$JQDEFS any($F.reach.vsyscall[]; .target == \$t and .entry == \"time\" and .access == \"execute\" and
	     .fallback == true and wellformed(\"/usr/bin/prog-ifunc\") and imported(\"time\") and
	     via(\"^libifunc\\\\.so\\\\.1:time(_resolver)?$\") and last_mentions(\$t))" --arg t "$VS"
check "prog-ifunc: reach.vsyscall: every use is a fallback" \
	"($F.reach.vsyscall | length) >= 1 and all($F.reach.vsyscall[]; .fallback == true)"
SHOW="$F.reach.vdso_symbols"
check "prog-ifunc: reach.vdso_symbols has __vdso_time" \
	"$JQDEFS any($F.reach.vdso_symbols[]; .name == \"__vdso_time\" and wellformed(\"/usr/bin/prog-ifunc\"))"

# ---------------------------------------------------------------- static
echo "-- static: no imports, reach = own sites"
scan1 "dir:$G" /usr/bin/static --reach
reach_shape static
SHOW="{sites: [$F.syscalls.sites[] | {function, n: [.numbers[].nr]}], reach: $F.reach}"
check "static: reach.syscalls numbers == its sites' numbers == [39, 60, 102]" \
	"([$F.reach.syscalls[].nr] | unique) == ([$F.syscalls.sites[].numbers[].nr] | unique) and
	 ([$F.reach.syscalls[].nr] | unique) == [39, 60, 102]"
check "static: no chain imports anything; no vsyscall, no vDSO" \
	"all($F.reach.syscalls[]; all(.chain[]; startswith(\"import \") | not)) and
	 $F.reach.vsyscall == [] and $F.reach.vdso_symbols == []"

# ---------------------------------------------------------------- musl, Debian layout
echo "-- musl (Debian's musl package, $MIMG)"
for p in /usr/bin/hello /usr/bin/hello-lib; do
	scan1 "$MIMG" "$p"
	SHOW="$F.facts | del(.versions, .segments)"
	check "$p: musl (by its interpreter), pie, interpreter /lib/ld-musl-x86_64.so.1" \
		"$F.facts.libc == {kind: \"musl\", evidence: \"interpreter\"} and $F.facts.type == \"pie\" and
		 $F.facts.interpreter == \"/lib/ld-musl-x86_64.so.1\""
done
scan1 "$MIMG" /usr/bin/hello
SHOW="$F.loader"
check "hello: loader: NEEDED libc.so is musl's libc.so; nothing unresolved" \
	"$F.facts.dynamic.needed == [\"libc.so\"] and $F.loader.unresolved == [] and
	 ($F.loader.needed | length) == 1 and ($F.loader.needed[0] | .name == \"libc.so\" and
	 .path == \$libc and (.via | test(\"musl\")) and .needed_by == \"/usr/bin/hello\")" \
	--arg libc "$MUSL_LIBC"
scan1 "$MIMG" /usr/bin/hello-lib
SHOW="$F.loader"
check "hello-lib: loader: libmfix.so.1 through /etc/ld-musl-x86_64.path ($(paste -sd " " "$M/etc/ld-musl-x86_64.path" 2>/dev/null)), then libc.so" \
	"$F.loader.unresolved == [] and ($F.loader.needed | length) == 2 and
	 $F.loader.needed[0] == {name: \"libmfix.so.1\", path: \"/usr/lib/x86_64-linux-musl/libmfix.so.1\",
	 via: \"musl path\", needed_by: \"/usr/bin/hello-lib\"} and
	 ($F.loader.needed[1] | .name == \"libc.so\" and .path == \$libc and (.via | test(\"musl\")))" \
	--arg libc "$MUSL_LIBC"

MUSL_HOP='^((/usr)?/lib/(x86_64-linux-musl/)?)?(libc\.so|libc\.musl-x86_64\.so\.1|ld-musl-x86_64\.so\.1)'
scan1 "$MIMG" /usr/bin/hello --reach
reach_shape "hello (musl)"
GETPID_SITE=$(od_addrs objdump "$M$MUSL_LIBC" getpid '^syscall')
reach_syscall "hello (musl)" 39 getpid getpid "$MUSL_HOP:getpid\$" "$GETPID_SITE"
reach_syscall "hello (musl)" 1 write "" "$MUSL_HOP:"
not_startup "hello (musl)" 39 "only main calls getpid; musl's loader is its libc, but loading calls no getpid"
check "hello (musl): no chain goes through glibc" \
	"all($F.reach.syscalls[]; all(.chain[]; test(\"libc\\\\.so\\\\.6|ld-linux\") | not))"

# ---------------------------------------------------------------- musl, Alpine layout
echo "-- musl (Alpine layout, dir:)"
scan1 "dir:$A" /usr/bin/hello-alpine
SHOW="{libc: $F.facts.libc, loader: $F.loader}"
check "hello-alpine: musl; libc.musl-x86_64.so.1 is /lib/ld-musl-x86_64.so.1 (by musl's path or as itself)" \
	"$F.facts.libc.kind == \"musl\" and $F.loader.unresolved == [] and ($F.loader.needed | length) == 1 and
	 ($F.loader.needed[0] | .name == \"libc.musl-x86_64.so.1\" and .path == \"/lib/ld-musl-x86_64.so.1\" and
	  (.via | test(\"musl\")) and .needed_by == \"/usr/bin/hello-alpine\")"
# musl's load_library resolves every lib{c,pthread,rt,m,dl,util,xnet}.*
# to itself, never searching: Alpine has no file named libc.so, yet
# musl-gcc's hello runs there.
scan1 "dir:$A" /usr/bin/hello
SHOW="$F.loader"
check "hello on Alpine: NEEDED libc.so is the loader itself (musl reserves libc.*); nothing unresolved" \
	"$F.loader.unresolved == [] and ($F.loader.needed | length) == 1 and
	 ($F.loader.needed[0] | .name == \"libc.so\" and .path == \"/lib/ld-musl-x86_64.so.1\" and
	  .needed_by == \"/usr/bin/hello\")"
scan1 "dir:$A" /usr/bin/hello-alpine --reach
reach_shape "hello-alpine"
reach_syscall "hello-alpine" 39 getpid getpid "$MUSL_HOP:getpid\$" "$GETPID_SITE"
reach_syscall "hello-alpine" 1 write "" "$MUSL_HOP:"
not_startup "hello-alpine" 39 "only main calls getpid; musl's loader is its libc, but loading calls no getpid"

# ---------------------------------------------------------------- whole images
echo "-- whole images with --reach"
whole_reach "dir:$G" "$(find_elf_set "$G" | wc -l)"
whole_reach "$MIMG" "$( (find_elf_set "$M"; find_elf_set "$MA") | wc -l)"
whole_reach "dir:$A" "$(find_elf_set "$A" | wc -l)"
finish
