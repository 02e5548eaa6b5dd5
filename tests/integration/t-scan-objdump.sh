#!/bin/sh
# Acceptance: cross-check against objdump -d on >= 20 binaries: every
# syscall / sysenter / int $0x80 / call *%gs:0x10 / svc instruction that
# `objdump -d` (every section with code) shows is a site of `abicheck scan`,
# and abicheck reports no other: the two address lists are equal.
# Binaries: the amd64 and arm64 bookworm rootfs (scripts/fixtures.sh), the
# i386 glibc of the cross toolchain (libc6-i386-cross), static programs
# built here with gcc, aarch64-linux-gnu-gcc, i686-linux-gnu-gcc and
# arm-linux-gnueabihf-gcc (Thumb-2 glibc; unstripped, so objdump follows
# the $t/$a/$d mapping symbols), and a hand-written assembly file per
# arch with the rarer encodings.
. "$(dirname "$0")/lib.sh"
setup_sandbox
here=$(cd "$(dirname "$0")/../.." && pwd)

ROOTFS=$("$here/scripts/fixtures.sh" rootfs) || { fail "amd64 rootfs fixture"; finish; exit 1; }
ARM64=$("$here/scripts/fixtures.sh" rootfs-arm64) || { fail "arm64 rootfs fixture"; finish; exit 1; }

# objdump_sites OBJDUMP FILE > addresses: one per line, lowercase hex
# without 0x and leading zeros, sorted.  An instruction line is
# "ADDR:<TAB>MNEMONIC[<TAB or spaces>OPERANDS][ COMMENT]" (--no-show-raw-insn;
# a comment is "# ..." on x86 and "// ..." on arm64, where "#0x0" is an
# immediate).  Prefixes objdump prints in front of the mnemonic (data16
# syscall, rex.W syscall, ds syscall) still make it a site.  Any svc
# immediate counts (Linux ignores it on arm64 and EABI arm), and so does a
# conditional one on 32-bit arm (svceq 0).
objdump_sites() {
	"$1" -d --no-show-raw-insn "$2" > "$WORK/dis" || return 1
	awk -F'\t' '
	/^ *[0-9a-f]+:\t/ {
		a = $1; sub(/^ */, "", a); sub(/:$/, "", a); sub(/^0+/, "", a)
		if (a == "") a = "0"
		i = $2; for (k = 3; k <= NF; k++) i = i " " $k
		gsub(/[ \t]+/, " ", i); sub(/ *(\/\/.*|# .*)?$/, "", i)
		p = "^((data16|data32|addr16|addr32|rex(\\.[WRXB]+)?|rex64|cs|ds|ss|es|fs|gs|bnd|notrack|lock|rep|repz|repnz|repe|repne) )*"
		if (i ~ (p "(syscall|sysenter|int \\$0x80|call \\*%gs:0x10|svc(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)? #?(0x)?[0-9a-f]+)$")) print tolower(a)
	}' "$WORK/dis" | LC_ALL=C sort
}

# abicheck_sites JSON PATH > the same normalisation of .sites[].address
# (not deduplicated: a site reported twice is a difference).
abicheck_sites() {
	jq -r --arg p "$2" '.files[] | select(.path == $p) | .syscalls.sites[].address' "$1" |
		tr 'A-F' 'a-f' | sed 's/^0x//; s/^0*//; s/^$/0/' | LC_ALL=C sort
}

NBIN=0 NONZERO=0 TOTAL=0
# compare LABEL JSON PATH-IN-IMAGE FILE-ON-DISK OBJDUMP ARCH
compare() {
	label=$1 json=$2 path=$3 file=$4 od=$5 arch=$6
	NBIN=$((NBIN + 1))
	if ! objdump_sites "$od" "$file" > "$WORK/o"; then
		fail "$label: $od -d $file failed"
		return
	fi
	got=$(jq -r --arg p "$path" '[.files[] | select(.path == $p)] |
		if length != 1 then "reported \(length) times"
		elif .[0].error != null then "error: \(.[0].error)"
		elif .[0].syscalls == null then "no syscall analysis"
		else .[0].syscalls.arch end' "$json")
	if [ "$got" != "$arch" ]; then
		fail "$label: $path: $got (want syscalls.arch $arch)"
		return
	fi
	abicheck_sites "$json" "$path" > "$WORK/a"
	n=$(wc -l < "$WORK/o")
	if cmp -s "$WORK/o" "$WORK/a"; then
		[ "$n" -gt 0 ] && NONZERO=$((NONZERO + 1))
		TOTAL=$((TOTAL + n))
		pass "$label: $n sites, same addresses as $od"
	else
		fail "$label: objdump $n sites, abicheck $(wc -l < "$WORK/a");" \
			"objdump only: $(LC_ALL=C comm -23 "$WORK/o" "$WORK/a" | head -8 | sed 's/^/0x/' | tr '\n' ' ')" \
			"abicheck only: $(LC_ALL=C comm -13 "$WORK/o" "$WORK/a" | head -8 | sed 's/^/0x/' | tr '\n' ' ')"
	fi
}

# scan_image IMAGE JSON PATH... : one scan of the listed paths.
scan_image() {
	img=$1 json=$2
	shift 2
	run_abicheck scan "$img" "$@" -o json
	if [ "$RC" != 0 ]; then
		fail "scan $img: rc=$RC stderr='$(head -c 400 "$ERR")'"
		return 1
	fi
	cp "$OUT" "$json"
}

# --- amd64 rootfs -----------------------------------------------------
L=/usr/lib/x86_64-linux-gnu
AMD64_FILES="$L/libc.so.6 $L/ld-linux-x86-64.so.2 /usr/sbin/ldconfig $L/libgcrypt.so.20.4.1
$L/libsystemd.so.0.35.0 $L/libudev.so.1.7.5 $L/libpthread.so.0 $L/libstdc++.so.6.0.30
/usr/bin/bash /usr/bin/dash /usr/bin/ls"
# shellcheck disable=SC2086
if scan_image "dir:$ROOTFS" "$WORK/amd64.json" $AMD64_FILES; then
	for p in $AMD64_FILES; do
		compare "amd64 $p" "$WORK/amd64.json" "$p" "$ROOTFS$p" objdump x86_64
	done
fi

# --- arm64 rootfs -----------------------------------------------------
L=/usr/lib/aarch64-linux-gnu
ARM64_FILES="$L/libc.so.6 $L/ld-linux-aarch64.so.1 /usr/sbin/ldconfig $L/libgcrypt.so.20.4.1
$L/libsystemd.so.0.35.0 /usr/bin/bash /usr/bin/dash"
# shellcheck disable=SC2086
if scan_image "dir:$ARM64" "$WORK/arm64.json" $ARM64_FILES; then
	for p in $ARM64_FILES; do
		compare "arm64 $p" "$WORK/arm64.json" "$p" "$ARM64$p" aarch64-linux-gnu-objdump aarch64
	done
fi

# --- built here -------------------------------------------------------
B="$WORK/built"
mkdir -p "$B/i386"
cp /usr/i686-linux-gnu/lib/libc.so.6 /usr/i686-linux-gnu/lib/ld-linux.so.2 "$B/i386/" ||
	fail "i386 glibc of libc6-i386-cross not found"
cat > "$WORK/prog.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static void *run(void *a) { return a; }
int main(void)
{
	pthread_t t;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (pthread_create(&t, NULL, run, NULL) == 0)
		pthread_join(t, NULL);
	printf("%ld %ld\n", (long)syscall(SYS_getpid), (long)ts.tv_sec);
	return 0;
}
EOF
# x86_64: prefixed forms, int $0x80 and sysenter in 64-bit code, a jump over
# a stray byte (objdump resynchronises), a second code section.
cat > "$WORK/edge-x86_64.S" <<'EOF'
	.text
	.globl _start
	.type _start, @function
_start:
	mov $39, %eax
	syscall
	mov $20, %eax
	int $0x80
	mov $20, %eax
	sysenter
	mov $39, %eax
	.byte 0x66
	syscall
	mov $39, %eax
	rex64 syscall
	mov $39, %eax
	ds syscall
	jmp 1f
	.byte 0x0f
1:	mov $60, %eax
	syscall
	.size _start, .-_start
	.section .text.other, "ax", @progbits
	.globl other
	.type other, @function
other:
	mov $1, %eax
	syscall
	ret
	.size other, .-other
EOF
cat > "$WORK/edge-i386.S" <<'EOF'
	.text
	.globl _start
	.type _start, @function
_start:
	mov $20, %eax
	int $0x80
	mov $20, %eax
	call *%gs:0x10
	mov $20, %eax
	sysenter
	mov $1, %eax
	int $0x80
	.size _start, .-_start
EOF
# arm64: Linux takes any svc immediate.  The .word is an svc encoding in a
# $d (data) region: objdump prints it as .word, not as svc.
cat > "$WORK/edge-aarch64.S" <<'EOF'
	.text
	.globl _start
	.type _start, %function
_start:
	mov x8, #172
	svc #0
	svc #1
	svc #0x80
	mov w8, #93
	svc #0xffff
	ret
	.word 0xd4000001
	.size _start, .-_start
EOF
# arm (32-bit): ARM and Thumb code, a conditional svc, an OABI svc whose
# immediate is the number, a literal pool ($d) holding an svc encoding, which objdump does not decode.
cat > "$WORK/edge-armhf.S" <<'EOF'
	.syntax unified
	.arm
	.text
	.globl _start
	.type _start, %function
_start:
	mov r7, #20
	svc #0
	cmp r0, #0
	svceq #0
	svc #0x900014
	ldr r7, =0x12345678
	ldr r6, =0xef000000
	svc #0
	bx lr
	.ltorg
	.size _start, .-_start
	.thumb
	.globl t
	.type t, %function
	.thumb_func
t:
	movs r7, #1
	svc #0
	bx lr
	.size t, .-t
EOF
built=
build() { # NAME CC ARGS...
	name=$1 cc=$2
	shift 2
	if "$cc" "$@" -o "$B/$name" 2> "$WORK/cc.err"; then
		built="$built $name"
	else
		fail "build $name with $cc: $(head -c 300 "$WORK/cc.err")"
	fi
}
build static-x86_64 gcc -static -O2 "$WORK/prog.c" -pthread
build static-pie-x86_64 gcc -static-pie -O2 "$WORK/prog.c" -pthread
build static-aarch64 aarch64-linux-gnu-gcc -static -O2 "$WORK/prog.c" -pthread
build static-i386 i686-linux-gnu-gcc -static -O2 "$WORK/prog.c" -pthread
build static-armhf arm-linux-gnueabihf-gcc -static -O2 "$WORK/prog.c" -pthread
build edge-x86_64 gcc -static -nostdlib "$WORK/edge-x86_64.S"
build edge-i386 i686-linux-gnu-gcc -static -nostdlib "$WORK/edge-i386.S"
build edge-aarch64 aarch64-linux-gnu-gcc -static -nostdlib "$WORK/edge-aarch64.S"
build edge-armhf arm-linux-gnueabihf-gcc -static -nostdlib "$WORK/edge-armhf.S"

# shellcheck disable=SC2086
paths="/i386/libc.so.6 /i386/ld-linux.so.2 $(printf ' /%s' $built)"
# shellcheck disable=SC2086
if scan_image "dir:$B" "$WORK/built.json" $paths; then
	for p in $paths; do
		case $p in
		*aarch64*) od=aarch64-linux-gnu-objdump arch=aarch64 ;;
		*armhf*) od=arm-linux-gnueabihf-objdump arch=arm ;;
		*i386*) od=i686-linux-gnu-objdump arch=i386 ;;
		*) od=objdump arch=x86_64 ;;
		esac
		compare "built $p" "$WORK/built.json" "$p" "$B$p" "$od" "$arch"
	done
fi
[ -z "$(ls -A "$SANDBOX")" ] || fail "temp dir left behind"

# Not vacuous: enough binaries, most of them with sites.
[ "$NBIN" -ge 20 ] && [ "$NONZERO" -ge 12 ] &&
	pass "$NBIN binaries compared, $NONZERO with sites, $TOTAL sites in all" ||
	fail "only $NBIN binaries compared ($NONZERO with sites, $TOTAL sites): want >= 20, >= 12 with sites"

finish
