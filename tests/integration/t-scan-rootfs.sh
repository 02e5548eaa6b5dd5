#!/bin/sh
# Acceptance: on a debootstrap bookworm minbase rootfs, amd64 and arm64
# (the arm64 one made with debootstrap --foreign, first stage only),
# `abicheck scan dir:ROOTFS` scans every ELF file without error, and glibc's
# libc.so.6 yields >= 250 distinct resolved syscall numbers with < 5 % of its
# syscall sites unresolved.  The figures are printed in the pass lines;
# docs/ACCURACY.md records them.  The rootfs are built once and cached
# (scripts/fixtures.sh).
. "$(dirname "$0")/lib.sh"
setup_sandbox
here=$(cd "$(dirname "$0")/../.." && pwd)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# check_rootfs LABEL ROOTFS ARCH TRIPLET
check_rootfs() {
	label=$1 root=$2 arch=$3 triplet=$4
	libc="/usr/lib/$triplet/libc.so.6"

	# Every regular file starting with \177ELF, /dev left out (perl-base
	# is Essential in Debian, so this needs nothing installed).
	(cd "$root" && find . -path ./dev -prune -o -type f -print0 |
		perl -0ne 'chomp; open(F, "<", $_) or next; read(F, $b, 4);
			print substr($_, 1), "\n" if $b eq "\x7fELF"') | LC_ALL=C sort > "$WORK/reference"
	nref=$(wc -l < "$WORK/reference")
	[ "$nref" -gt 500 ] || fail "$label: reference set suspiciously small ($nref)"

	t0=$(now_ms)
	run_abicheck scan "dir:$root" -o json
	t1=$(now_ms)
	echo "  ..   $label: scan of the whole rootfs took $((t1 - t0)) ms ($(nproc) CPUs)"
	if [ "$RC" != 0 ]; then
		fail "$label: scan rc=$RC stderr='$(head -c 400 "$ERR")'"
		return
	fi
	[ -z "$(ls -A "$SANDBOX")" ] || fail "$label: temp dir left behind"
	cp "$OUT" "$WORK/scan-$label.json"
	j="$WORK/scan-$label.json"

	jq -r '.files[].path' "$j" | LC_ALL=C sort > "$WORK/got"
	if cmp -s "$WORK/got" "$WORK/reference"; then
		pass "$label: scan covers the same $nref ELF files as find+magic"
	else
		fail "$label: ELF set differs: $(diff "$WORK/reference" "$WORK/got" | head -5 | tr '\n' ' ')"
	fi

	jq -r '.files[] | select(.error != null) | "\(.path): \(.error)"' "$j" > "$WORK/errors"
	nerr=$(wc -l < "$WORK/errors")
	if [ "$nerr" = 0 ] && [ "$(jq -r '.summary.errors' "$j")" = 0 ]; then
		pass "$label: all $(jq '.files | length' "$j") files scanned with error null"
	else
		fail "$label: $nerr files with an error (summary.errors=$(jq -r '.summary.errors' "$j")): $(head -10 "$WORK/errors" | tr '\n' ';')"
	fi

	# Every file is $arch and went through the syscall backend.
	jq -r --arg a "$arch" '.files[] | select(.facts.machine != $a or .syscalls == null or
		.syscalls.arch != $a) | "\(.path): machine=\(.facts.machine) syscalls.arch=\(.syscalls.arch)"' \
		"$j" > "$WORK/noarch"
	[ ! -s "$WORK/noarch" ] && pass "$label: every file is $arch and has a syscall analysis" ||
		fail "$label: files without a $arch syscall analysis: $(head -5 "$WORK/noarch" | tr '\n' ';')"

	# Each summary agrees with its own sites.
	jq -r '.files[] | select(.syscalls != null) | .path as $p | .syscalls as $s |
		select($s.summary.sites != ($s.sites | length) or
		       $s.summary.resolved != ([$s.sites[] | select(.unresolved == null)] | length) or
		       $s.summary.unresolved != ([$s.sites[] | select(.unresolved != null)] | length) or
		       $s.summary.distinct_numbers != ([$s.sites[].numbers[].nr, $s.wrapper_calls[].numbers[].nr] | unique | length) or
		       ([$s.sites[] | select(.unresolved == null and (.numbers | length) == 0)] | length) > 0) |
		"\($p): \($s.summary)"' "$j" > "$WORK/inconsistent"
	[ ! -s "$WORK/inconsistent" ] && pass "$label: every summary matches its sites" ||
		fail "$label: summary and sites disagree: $(head -5 "$WORK/inconsistent" | tr '\n' ';')"

	# glibc.
	n=$(jq --arg p "$libc" '[.files[] | select(.path == $p)] | length' "$j")
	if [ "$n" != 1 ]; then
		fail "$label: $libc reported $n times"
		return
	fi
	jq --arg p "$libc" '.files[] | select(.path == $p) | .syscalls.summary' "$j" > "$WORK/libc"
	sites=$(jq .sites "$WORK/libc") resolved=$(jq .resolved "$WORK/libc")
	unres=$(jq .unresolved "$WORK/libc") distinct=$(jq .distinct_numbers "$WORK/libc")
	pct=$(jq -r 'if .sites > 0 then (.unresolved * 10000 / .sites | round) / 100 else "n/a" end' "$WORK/libc")
	figures="sites=$sites resolved=$resolved unresolved=$unres ($pct %) distinct_numbers=$distinct"
	[ "$distinct" -ge 250 ] && pass "$label: libc.so.6 has $distinct >= 250 distinct syscall numbers ($figures)" ||
		fail "$label: libc.so.6 has only $distinct distinct syscall numbers ($figures)"
	# unresolved / sites < 5 %  <=>  20 * unresolved < sites
	[ "$sites" -gt 0 ] && [ $((unres * 20)) -lt "$sites" ] &&
		pass "$label: libc.so.6 has $pct % < 5 % unresolved sites ($unres of $sites)" ||
		fail "$label: libc.so.6 has $pct % unresolved sites ($unres of $sites), limit 5 %"
}

ROOTFS=$("$here/scripts/fixtures.sh" rootfs) || { fail "amd64 rootfs fixture"; finish; exit 1; }
check_rootfs amd64 "$ROOTFS" x86_64 x86_64-linux-gnu

ARM64=$("$here/scripts/fixtures.sh" rootfs-arm64) || { fail "arm64 rootfs fixture"; finish; exit 1; }
check_rootfs arm64 "$ARM64" aarch64 aarch64-linux-gnu

finish
