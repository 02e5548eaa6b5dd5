#!/usr/bin/env bash
# build-vsyscall-fixture.sh — builds the "centos:6-like" root filesystem that
# scripts/validate.sh boots real kernels on: a modern glibc userland with the
# one habit that breaks centos:6 under vsyscall=none, compiled here from
# tests/fixtures/validate (and reach/libifunc.c) with the host's gcc.
#
# Usage: scripts/build-vsyscall-fixture.sh OUTDIR
#
# OUTDIR is replaced by a directory holding:
#   /lib64/ld-linux-x86-64.so.2            the host's glibc loader (its
#   /lib/x86_64-linux-gnu/libc.so.6 ...    PT_INTERP path) and libc, plus
#                                          whatever they need, copied
#   /lib/x86_64-linux-gnu/libvtime.so.1    time() calls the vsyscall page
#   /lib/x86_64-linux-gnu/libifunc.so.1    time() is an IFUNC: vDSO, else
#                                          the vsyscall page
#   /bin/bash                              calls time() first   (libvtime)
#   /bin/ls                                loads libvtime, never calls time()
#   /usr/bin/vsyscall-{exec,gtod,read}     static: call the time / gettimeofday
#                                          entry, read the page (one each)
#   /usr/bin/vtime-fallback                time() through libifunc
# No /etc/ld.so.cache: the libraries sit in /lib/x86_64-linux-gnu, which is
# in the Debian loader's built-in search path (and abicheck's model of it).
#
# Environment: CC (default gcc).  Idempotent: built in OUTDIR.tmp, then moved.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 1 ] && [ "$1" != -h ] && [ "$1" != --help ] || usage

here=$(cd "$(dirname "$0")" && pwd)
SRC="$here/../tests/fixtures/validate"
REACH="$here/../tests/fixtures/reach"
OUT=$1
CC=${CC:-gcc}
TRIPLET=x86_64-linux-gnu
LIBDIR=lib/$TRIPLET
# -O1 keeps the calls through the vsyscall pointers as real indirect calls,
# as the shipped libc had them.  libifunc.c (shared with the reach tests)
# needs gnu11 for its ifunc attribute, and its resolver returns void * as
# glibc's did, which -Wattribute-alias would reject.
CFLAGS=(-std=c11 -O1 -Wall -Wextra -Werror)

[ "$(uname -m)" = x86_64 ] || { echo "build-vsyscall-fixture: needs an x86_64 host (the vsyscall page is x86_64's)" >&2; exit 1; }
command -v "$CC" >/dev/null || { echo "build-vsyscall-fixture: no $CC (apt-get install gcc)" >&2; exit 1; }

T="$OUT.tmp"
B="$T.build"
rm -rf "$T" "$B"
trap 'rm -rf "$B"' EXIT
mkdir -p "$T/bin" "$T/usr/bin" "$T/$LIBDIR" "$T/lib64" "$T/etc" "$T/tmp" "$T/root" "$B"

# The libraries first: the programs link against them by soname.
"$CC" "${CFLAGS[@]}" -shared -fPIC -Wl,-soname,libvtime.so.1 \
	-Wl,--version-script,"$SRC/libvtime.map" -o "$B/libvtime.so.1" "$SRC/libvtime.c"
"$CC" -std=gnu11 -O1 -Wall -Wextra -Werror -Wno-attribute-alias -shared -fPIC -Wl,-soname,libifunc.so.1 \
	-Wl,--version-script,"$REACH/libifunc.map" -o "$B/libifunc.so.1" "$REACH/libifunc.c"
ln -sf libvtime.so.1 "$B/libvtime.so"
ln -sf libifunc.so.1 "$B/libifunc.so"

# -lvtime / -lifunc come before libc, so the programs' time() binds to
# them (versioned VTIME_1.0 / IFUNC_1.0), not to glibc's.  --no-as-needed
# keeps libvtime in ls's DT_NEEDED although ls imports nothing from it.
"$CC" "${CFLAGS[@]}" -o "$T/bin/bash" "$SRC/bash.c" -L"$B" -lvtime
"$CC" "${CFLAGS[@]}" -o "$T/bin/ls" "$SRC/ls.c" -L"$B" -Wl,--no-as-needed -lvtime -Wl,--as-needed
"$CC" "${CFLAGS[@]}" -o "$T/usr/bin/vtime-fallback" "$SRC/fallback.c" -L"$B" -lifunc
for m in exec gtod read; do
	"$CC" "${CFLAGS[@]}" -static -DPROBE_"${m^^}" -o "$T/usr/bin/vsyscall-$m" "$SRC/vsyscall-probe.c"
done
cp "$B/libvtime.so.1" "$B/libifunc.so.1" "$T/$LIBDIR/"

# The host's loader, at the path the programs name in PT_INTERP, and libc,
# from where the compiler found it; then, until nothing is missing, every
# DT_NEEDED of what was copied (for glibc 2.36: libc needs the loader).
interp=$(readelf -lW "$T/bin/bash" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] || { echo "build-vsyscall-fixture: no PT_INTERP in bash" >&2; exit 1; }
hostlib=$(dirname "$(realpath "$("$CC" -print-file-name=libc.so.6)")")
[ -f "$hostlib/libc.so.6" ] || { echo "build-vsyscall-fixture: host libc.so.6 not found" >&2; exit 1; }
cp -L "$interp" "$T/$LIBDIR/$(basename "$interp")"
ln -s "../$LIBDIR/$(basename "$interp")" "$T${interp}"
cp -L "$hostlib/libc.so.6" "$T/$LIBDIR/libc.so.6"
while :; do
	missing=$(for f in "$T/$LIBDIR"/*.so* "$T/bin"/* "$T/usr/bin"/*; do
		readelf -dW "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
	done | sort -u | while read -r n; do [ -e "$T/$LIBDIR/$n" ] || echo "$n"; done)
	[ -n "$missing" ] || break
	for n in $missing; do
		[ -e "$hostlib/$n" ] || { echo "build-vsyscall-fixture: $n (needed) not in $hostlib" >&2; exit 1; }
		cp -L "$hostlib/$n" "$T/$LIBDIR/$n"
	done
done

# What the image says it is, for a reader of the tree (not used by the loader).
cat > "$T/etc/os-release" <<EOF
NAME="abicheck vsyscall fixture"
ID=abicheck-vsyscall-fixture
PRETTY_NAME="centos:6-like: host glibc, time() via the vsyscall page"
EOF
rm -rf "$OUT"
mv "$T" "$OUT"
echo "$OUT"
