#!/usr/bin/env bash
# validate.sh — `make validate`: abicheck's predictions against what real
# kernels do.  Boots the Debian kernels that vmrun's fetch-kernels.sh gives
# (bullseye 5.10, bookworm 6.1, trixie 6.12) under qemu with each boot
# option, on two root filesystems — the centos:6-like vsyscall fixture
# (scripts/build-vsyscall-fixture.sh) and a debootstrap bullseye minbase —
# runs each rootfs's command list (tests/fixtures/validate/ROOTFS.cmds), and
# asks abicheck for every (kernel, option, rootfs, command):
#
#   abicheck --kernel-config CONFIG [--kernel-cmdline OPTION] -o json \
#            dir:ROOTFS -- CMD ARGS...
#
# Writes build/validate/results.tsv (kernel, append, rootfs, command, actual,
# predicted, agree, verdict) and regenerates docs/VALIDATION.md.  One boot
# per kernel x option x rootfs; a full run takes minutes, so it is not part
# of `make test`.
#
# Usage: scripts/validate.sh [-k SUITES] [-x OPTIONS] [-r ROOTFSES] [-R] [-h]
#   -k SUITES    kernels to boot, by suite (default "bullseye bookworm trixie")
#   -x OPTIONS   '|'-separated kernel command lines, the empty one meaning the
#                kernel's default (default
#                "|vsyscall=none|vsyscall=emulate|vsyscall=xonly|vdso=0|vsyscall=none vdso=0|vsyscall=xonly vdso=0":
#                the last shows the fixture's fallback taking the vsyscall
#                page when there is no vDSO)
#   -r ROOTFSES  root filesystems (default "fixture bullseye")
#   -R           reuse the boots of the last run (build/validate/runs) where
#                they exist: only the predictions are made again
#   -h           this text
#
# Environment:
#   ABICHECK          the binary (default ./abicheck, as the Makefile builds it)
#   VMRUN_DIR         the vmrun harness (default ../shared/tools/vmrun beside
#                     the repository)
#   ABICHECK_FIXTURES cache for kernels and root filesystems (else FIXTURES,
#                     else ~/.cache/abicheck-fixtures); never in the repository
#   FIXTURE_MIRROR    Debian mirror for debootstrap (scripts/fixtures.sh)
#   VMRUN_OPTS        extra vmrun.sh options (default "-A auto -z none": KVM
#                     when it boots the first kernel, else TCG for the whole
#                     run; an uncompressed initramfs halves a TCG boot)
#   VALIDATE_OUT      the report (default docs/VALIDATION.md)
#
# Exit status: 0 every prediction agrees with its kernel and there was at
# least one; 1 a disagreement, a boot that failed, or no prediction at all;
# 2 usage.  docs/VALIDATION.md is written in every case.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

SUITES="bullseye bookworm trixie"
OPTIONS="|vsyscall=none|vsyscall=emulate|vsyscall=xonly|vdso=0|vsyscall=none vdso=0|vsyscall=xonly vdso=0"
ROOTFSES="fixture bullseye"
REUSE=0
while getopts "k:x:r:Rh" o; do
	case $o in
	k) SUITES=$OPTARG ;; x) OPTIONS=$OPTARG ;; r) ROOTFSES=$OPTARG ;;
	R) REUSE=1 ;; *) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
for r in $ROOTFSES; do
	case $r in fixture | bullseye) ;; *) echo "validate: unknown rootfs '$r' (fixture, bullseye)" >&2; exit 2 ;; esac
done

ABICHECK=${ABICHECK:-$repo/abicheck}
VMRUN_DIR=${VMRUN_DIR:-$repo/../shared/tools/vmrun}
FIX=${ABICHECK_FIXTURES:-${FIXTURES:-$HOME/.cache/abicheck-fixtures}}
VMRUN_OPTS=${VMRUN_OPTS:--A auto -z none}
ACCEL_NOTE=
OUT=${VALIDATE_OUT:-$repo/docs/VALIDATION.md}
B=$repo/build/validate
CMDS_DIR=$repo/tests/fixtures/validate
start=$SECONDS

[ -x "$VMRUN_DIR/vmrun.sh" ] && [ -x "$VMRUN_DIR/fetch-kernels.sh" ] ||
	{ echo "validate: no vmrun harness in $VMRUN_DIR (set VMRUN_DIR)" >&2; exit 2; }
VMRUN_DIR=$(cd "$VMRUN_DIR" && pwd)
[ -x "$ABICHECK" ] || { echo "validate: no abicheck binary at $ABICHECK (make, or set ABICHECK)" >&2; exit 2; }
mkdir -p "$FIX" "$B/runs" "$B/predictions"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# ------------------------------------------------------------------ deps
# What the harness and the fixtures need, installed only when missing (the
# pattern of scripts/deps.sh).  busybox must be the static one: it is the
# guest's init.
deps_ok() {
	for t in qemu-system-x86_64 cpio jq gcc readelf dpkg-deb file; do
		command -v "$t" >/dev/null 2>&1 || return 1
	done
	[ -x /usr/sbin/debootstrap ] || command -v debootstrap >/dev/null 2>&1 || return 1
	[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' || return 1
	[ -f "$(gcc -print-file-name=libc.a)" ] || return 1
}
if ! deps_ok; then
	echo "validate: installing Debian packages with apt-get" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		qemu-system-x86 busybox-static cpio debootstrap jq gcc libc6-dev binutils file >/dev/null
	deps_ok || { echo "validate: packages installed but checks still fail" >&2; exit 1; }
fi

# ------------------------------------------------------------------ kernels
# fetch-kernels.sh downloads and extracts each kernel's /boot (vmlinuz and
# config-*) into KDIR/x-VERSION/boot; its "KERNEL suite package version
# path" lines are kept in kernels.txt, and the run is skipped while every
# kernel and config they name is still there.
KDIR=$FIX/kernels
kernels_ok() {
	[ -s "$KDIR/kernels.txt" ] || return 1
	while read -r _ _ _ _ vmlinuz; do
		[ -f "$vmlinuz" ] && [ -f "$(kconfig_of "$vmlinuz")" ] || return 1
	done < "$KDIR/kernels.txt"
}
kconfig_of() { echo "$(dirname "$1")/config-$(basename "$1" | sed 's/^vmlinuz-//')"; }
if ! kernels_ok; then
	echo "validate: fetching Debian kernels into $KDIR" >&2
	mkdir -p "$KDIR"
	"$VMRUN_DIR/fetch-kernels.sh" "$KDIR" | grep '^KERNEL ' > "$KDIR/kernels.txt.tmp" || true
	mv "$KDIR/kernels.txt.tmp" "$KDIR/kernels.txt"
	kernels_ok || { echo "validate: fetch-kernels.sh gave no usable kernel (see above)" >&2; exit 1; }
fi
# The selected kernels in version order: suite version vmlinuz config.
KLIST=$B/kernels.sel
: > "$KLIST"
for s in $SUITES; do
	line=$(awk -v s="$s" '$2 == s' "$KDIR/kernels.txt" | head -1)
	[ -n "$line" ] || { echo "validate: no $s kernel in $KDIR/kernels.txt" >&2; exit 1; }
	read -r _ _ _ kver kimg <<< "$line"
	echo "$s $kver $kimg $(kconfig_of "$kimg")" >> "$KLIST"
done
sort -V -k2,2 -o "$KLIST" "$KLIST"

# ------------------------------------------------------------------ rootfses
# The fixture is rebuilt every run (seconds; it follows the sources and the
# host's glibc); the bullseye tree is debootstrapped once and cached.
rootfs_dir() {
	case $1 in
	fixture) echo "$FIX/vsyscall-fixture" ;;
	bullseye) echo "$FIX/bullseye-minbase" ;;
	esac
}
for r in $ROOTFSES; do
	case $r in
	fixture) "$here/build-vsyscall-fixture.sh" "$(rootfs_dir fixture)" >/dev/null ;;
	bullseye) FIXTURES=$FIX "$here/fixtures.sh" rootfs bullseye >/dev/null ;;
	esac
done

# read_cmds ROOTFS: the command list into the array CMDS (vmrun.sh's rules:
# '#' lines and blank lines are skipped).
read_cmds() {
	CMDS=()
	while IFS= read -r l || [ -n "$l" ]; do
		case $l in '' | '#'*) continue ;; esac
		CMDS+=("$l")
	done < "$CMDS_DIR/$1.cmds"
}

# ------------------------------------------------------------------ boots
# One boot per kernel x option x rootfs runs the whole command list.
# runs/NAME.out holds vmrun's RESULT lines, NAME.err its summary (accel,
# the guest's vsyscall mapping), NAME.log the console.
IFS='|' read -r -a OPTLIST <<< "$OPTIONS"
# read drops a trailing empty field: "…|" and "" both mean the default too.
[ "${OPTIONS: -1}" = '|' ] && OPTLIST+=("")
[ ${#OPTLIST[@]} -gt 0 ] || OPTLIST=("")
runname() { # ROOTFS SUITE OPTION
	local o=${3:-default}
	echo "$1__$2__${o// /+}"
}
boots=0 boot_fail=0 vm_secs=0
SELECTED=()
for r in $ROOTFSES; do
	rdir=$(rootfs_dir "$r")
	while read -r suite ver vmlinuz _; do
		for opt in "${OPTLIST[@]}"; do
			n=$B/runs/$(runname "$r" "$suite" "$opt")
			SELECTED+=("$n.err")
			if [ "$REUSE" = 1 ] && [ -s "$n.out" ]; then continue; fi
			echo "validate: boot $suite $ver '${opt:-(default)}' on $r" >&2
			t0=$SECONDS
			vrc=0
			# shellcheck disable=SC2086
			"$VMRUN_DIR/vmrun.sh" $VMRUN_OPTS -k "$vmlinuz" -r "$rdir" -a "$opt" \
				-f "$CMDS_DIR/$r.cmds" -l "$n.log" < /dev/null > "$n.out.tmp" 2> "$n.err" || vrc=$?
			mv "$n.out.tmp" "$n.out"
			vm_secs=$((vm_secs + SECONDS - t0))
			boots=$((boots + 1))
			# -A auto waits up to 20 s per boot for KVM to reach init.  Where
			# it never does (a nested or paravirtual KVM that cannot run these
			# kernels), one failed probe decides for the rest of the run.
			if [[ " $VMRUN_OPTS " == *" -A auto "* ]] && grep -q 'falling back to TCG' "$n.err"; then
				VMRUN_OPTS=${VMRUN_OPTS/-A auto/-A tcg}
				ACCEL_NOTE="KVM did not reach init within vmrun's probe time on the first boot, so the run went on with $VMRUN_OPTS"
				echo "validate: $ACCEL_NOTE" >&2
			fi
			if [ "$vrc" != 0 ]; then
				boot_fail=$((boot_fail + 1))
				echo "validate: vmrun.sh exited $vrc; see $n.err" >&2
			fi
		done
	done < "$KLIST"
done

# ------------------------------------------------------------------ predictions
# predict ROOTFS-DIR CONFIG OPTION CMD: sets PRED (exit code or "-"),
# VERDICT and WHY (abicheck's message when there is no prediction).
predict() {
	local rdir=$1 cfg=$2 opt=$3 cmd=$4 j=$B/predictions/p.json e=$B/predictions/p.err prc=0
	local -a args
	eval "args=($cmd)"
	PRED=- VERDICT=- WHY=
	"$ABICHECK" --kernel-config "$cfg" ${opt:+--kernel-cmdline "$opt"} -o json \
		"dir:$rdir" -- "${args[@]}" < /dev/null > "$j" 2> "$e" || prc=$?
	if [ "$prc" -gt 1 ]; then
		WHY="abicheck exit $prc: $(head -1 "$e" | cut -c1-160)"
		return
	fi
	if ! jq -e '.schema == "abicheck.report/v1" and (.programs[0].exit_code | type) == "number"' \
		"$j" > /dev/null 2>&1; then
		WHY="abicheck exit $prc, but no abicheck.report/v1 JSON with .programs[0].exit_code"
		return
	fi
	PRED=$(jq -r '.programs[0].exit_code' "$j")
	VERDICT=$(jq -r '.programs[0].verdict // "-"' "$j")
}

RES=$B/results.tsv
printf 'kernel\tappend\trootfs\tcommand\tactual\tpredicted\tagree\tverdict\n' > "$RES.tmp"
: > "$B/no-prediction.txt"
for r in $ROOTFSES; do
	rdir=$(rootfs_dir "$r")
	read_cmds "$r"
	while read -r suite ver vmlinuz cfg; do
		for opt in "${OPTLIST[@]}"; do
			n=$B/runs/$(runname "$r" "$suite" "$opt")
			mapfile -t results < <(grep '^RESULT ' "$n.out" 2>/dev/null || true)
			for i in "${!CMDS[@]}"; do
				cmd=${CMDS[$i]}
				actual=ERR
				if [ "$i" -lt "${#results[@]}" ]; then
					read -r _ actual rcmd <<< "${results[$i]}"
					[ "$rcmd" = "$cmd" ] || { echo "validate: $n.out: line $((i + 1)) is '$rcmd', expected '$cmd'" >&2; actual=ERR; }
				fi
				predict "$rdir" "$cfg" "$opt" "$cmd"
				if [ "$actual" = ERR ]; then agree=ERR
				elif [ "$PRED" = - ]; then agree=-
				elif [ "$PRED" = "$actual" ]; then agree=yes
				else agree=no; fi
				[ -z "$WHY" ] || echo "$WHY" >> "$B/no-prediction.txt"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$suite-$ver" "${opt:-(default)}" "$r" \
					"$cmd" "$actual" "$PRED" "$agree" "$VERDICT" >> "$RES.tmp"
			done
		done
	done < "$KLIST"
done
mv "$RES.tmp" "$RES"

# ------------------------------------------------------------------ report
read -r rows predicted agreeing disagreeing errors < <(awk -F'\t' 'NR > 1 {
	n++; if ($7 == "yes") { p++; a++ } else if ($7 == "no") { p++; d++ } else if ($7 == "ERR") e++ }
	END { print n + 0, p + 0, a + 0, d + 0, e + 0 }' "$RES")
elapsed=$((SECONDS - start))
accel=$(sed -n 's/^VMRUN accel=\([a-z]*\).*/\1/p' "${SELECTED[@]}" 2>/dev/null | sort | uniq -c |
	awk '{ printf "%s%s x%d", sep, $2, $1; sep = ", " }')
# Per boot, vmrun's own figures (initramfs_build=Xs boot+run=Ys), so a run
# that reuses boots still says what a boot costs.
boot_avg=$(sed -n 's/^VMRUN accel=.* initramfs_build=\([0-9.]*\)s boot+run=\([0-9.]*\)s.*/\1 \2/p' \
	"${SELECTED[@]}" 2>/dev/null | awk '{ t += $1 + $2; n++ } END { printf "%.1f", n ? t / n : 0 }')
reused=$((${#SELECTED[@]} - boots))
reused_date=$(for e in "${SELECTED[@]}"; do [ -f "${e%.err}.out" ] && date -u -r "${e%.err}.out" '+%Y-%m-%d %H:%M UTC'; done | sort | head -1)
if [ "$predicted" -gt 0 ]; then
	figure="**$agreeing of $predicted** rows with a prediction agree ($(awk -v a="$agreeing" -v p="$predicted" 'BEGIN { printf "%.1f", 100 * a / p }')%)"
else
	figure="**no prediction yet**: abicheck made none for the $rows rows"
fi

# vsyscall_of RUN: the guest's [vsyscall] mapping, as vmrun's init saw it in
# its own /proc/self/maps: absent (none), --xp (xonly), r-xp (emulate).
vsyscall_of() {
	local v
	v=$(sed -n 's/^VMRUN guest VSYSCALL //p' "$1.err" 2>/dev/null | head -1)
	case $v in
	'') echo "?" ;; absent) echo none ;;
	*' --xp '*) echo "xonly (--xp)" ;; *' r-xp '*) echo "emulate (r-xp)" ;;
	*) echo "${v:0:40}" ;;
	esac
}
# vdso_of RUN: what the fixture's vtime-fallback printed on the console.
vdso_of() {
	local v
	v=$(grep -a -m1 -o 'VMRUN OUT vdso: [a-z]*' "$1.log" 2>/dev/null | awk '{ print $4 }')
	echo "${v:-?}"
}

{
cat <<HEAD
# Validation against real kernels

Generated by \`make validate\` (scripts/validate.sh); rewritten by every
run, so everything below is the last run's.  It boots real Debian kernels
under qemu with the vmrun harness (\`../shared/tools/vmrun\`), runs the same
commands in two root filesystems, and compares each command's actual exit
status with abicheck's prediction for that kernel's \`.config\` and command
line:

    abicheck --kernel-config CONFIG [--kernel-cmdline OPTION] -o json dir:ROOTFS -- CMD ARGS...

## Running it

    make validate                      # everything; exits 1 on any disagreement
    scripts/validate.sh -R             # predictions again over the last run's boots
    scripts/validate.sh -k bullseye -x '|vsyscall=none' -r fixture

It installs qemu-system-x86, busybox-static, cpio, debootstrap, jq and gcc
with apt-get when missing, fetches the kernels with vmrun's
\`fetch-kernels.sh\` and debootstraps the bullseye rootfs once into
\`\${ABICHECK_FIXTURES:-~/.cache/abicheck-fixtures}\` (never committed), and
writes every row to \`build/validate/results.tsv\` (\`runs/\` keeps each boot's
console log).  \`VMRUN_DIR\` points at the harness, \`ABICHECK\` at the binary.

## Last run

- **Date:** $(date -u '+%Y-%m-%d %H:%M UTC')
- **Machine:** $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GB RAM, host kernel $(uname -r)
- **qemu:** $(qemu-system-x86_64 --version | head -1 | sed 's/QEMU emulator version //'); accelerator per boot: ${accel:-none (boots reused)}${ACCEL_NOTE:+; $ACCEL_NOTE}
- **Time:** ${elapsed} s for the whole run, ${vm_secs} s of it in the $boots boots it made$( [ "$reused" -gt 0 ] && echo "; $reused boots reused (-R) from $reused_date" ); each boot took ${boot_avg} s on average (initramfs and qemu, one per kernel x option x rootfs)
- **Agreement:** $figure; $disagreeing disagree, $((rows - predicted - errors)) without a prediction, $errors where the boot failed.

## Kernels

Debian's amd64 images as \`fetch-kernels.sh\` found them in the mirror
(\`-unsigned\` packages), each booted with its own \`/boot/config-*\` given to
abicheck.  \`CONFIG_LEGACY_VSYSCALL_*\` is the default a bare boot gets.

| suite | package | version | \`CONFIG_LEGACY_VSYSCALL_\` |
|---|---|---|---|
HEAD
while read -r suite ver vmlinuz cfg; do
	pkg=$(awk -v s="$suite" '$2 == s { print $3 }' "$KDIR/kernels.txt" | head -1)
	def=$(sed -n 's/^CONFIG_LEGACY_VSYSCALL_\([A-Z]*\)=y/\1/p' "$cfg" | head -1)
	echo "| $suite | $pkg | $ver | ${def:-?} |"
done < "$KLIST"

cat <<'ROOTS'

## Root filesystems

- **fixture** — the centos:6-like tree of `scripts/build-vsyscall-fixture.sh`,
  compiled on the validating machine: its glibc (loader and libc copied from
  the host), `libvtime.so.1` whose `time()` calls the vsyscall page
  (0xffffffffff600400), `/bin/bash` calling that `time()` first thing,
  `/bin/ls` loading the library without calling it, the static
  `vsyscall-exec`, `vsyscall-gtod` (call the page) and `vsyscall-read`
  (reads it), and
  `vtime-fallback`, whose IFUNC `time()` takes the vDSO's `__vdso_time` and
  falls back to the vsyscall page only without a vDSO.
- **bullseye** — `debootstrap --variant=minbase bullseye` (glibc 2.31), the
  control group: nothing in it uses the vsyscall page.

Commands: `tests/fixtures/validate/fixture.cmds` and `bullseye.cmds`; each
exits 0 when it runs.  vmrun runs them as `docker run` would (clean
environment, stdin from /dev/null, root); 139 is death by SIGSEGV.

## Results

Each cell is **actual / predicted** exit status; "–" is no prediction
(yet), and a disagreement is marked ✗.  *vsyscall* is the guest's own `[vsyscall]`
mapping (none, `--xp` = xonly, `r-xp` = emulate); *vDSO* is what the
fixture's `vtime-fallback` found in its auxiliary vector.
ROOTS

for r in $ROOTFSES; do
	read_cmds "$r"
	echo
	echo "### $r"
	echo
	hdr="| kernel | option | vsyscall |"
	sep="|---|---|---|"
	if [ "$r" = fixture ]; then hdr+=" vDSO |"; sep+="---|"; fi
	for c in "${CMDS[@]}"; do hdr+=" \`$c\` |"; sep+="---|"; done
	echo "$hdr"
	echo "$sep"
	while read -r suite ver _ _; do
		for opt in "${OPTLIST[@]}"; do
			n=$B/runs/$(runname "$r" "$suite" "$opt")
			line="| $suite $ver | ${opt:-(default)} | $(vsyscall_of "$n") |"
			[ "$r" = fixture ] && line+=" $(vdso_of "$n") |"
			line+=$(awk -F'\t' -v k="$suite-$ver" -v o="${opt:-(default)}" -v r="$r" '
				$1 == k && $2 == o && $3 == r {
					p = ($6 == "-") ? "–" : $6
					c = $5 " / " p
					if ($7 == "no") c = "**" c "** ✗"
					printf " %s |", c
				}' "$RES")
			echo "$line"
		done
	done < "$KLIST"
done

if [ "$disagreeing" -gt 0 ]; then
	echo
	echo "## Disagreements"
	echo
	awk -F'\t' '$7 == "no" { printf "- %s `%s` %s `%s`: actual %s, predicted %s (%s)\n", $1, $2, $3, $4, $5, $6, $8 }' "$RES"
fi
if [ -s "$B/no-prediction.txt" ]; then
	echo
	echo "## Rows without a prediction"
	echo
	echo "$((rows - predicted)) rows; what abicheck did, by number of rows:"
	echo
	sort "$B/no-prediction.txt" | uniq -c | sort -rn | sed 's/^ *\([0-9]*\) /    \1 x  /' 
fi
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"

echo "validate: $rows rows, $predicted with a prediction, $agreeing agree, $disagreeing disagree, $errors failed boots; ${elapsed}s ($OUT, $RES)" >&2
[ "$boot_fail" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$disagreeing" -eq 0 ] && [ "$predicted" -gt 0 ]
