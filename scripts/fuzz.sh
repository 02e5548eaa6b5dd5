#!/bin/sh
# fuzz.sh BUILD TARGET... — `make fuzz`: runs each libFuzzer target
# (BUILD/fuzzers/TARGET, from tests/fuzz/fuzz_TARGET.c) for FUZZ_SECONDS
# over its corpus BUILD/corpus/TARGET (seeded by tests/fuzz/seeds.sh, grown
# by every run), one target at a time, with issue 10's limits: 10 s per
# input, 512 MB of RSS.  Crashes, timeouts and OOMs land in
# BUILD/crashes/TARGET; the run fails if any target found one.  Prints per
# target what libFuzzer measured and writes it into the "Fuzzing" section
# of docs/RELIABILITY.md (FUZZ_OUT), the rest of that file left as it is.
# Environment: FUZZ_SECONDS (60), FUZZ_OUT.
set -eu
B=$1
shift
SECS=${FUZZ_SECONDS:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-$ROOT/docs/RELIABILITY.md}
ROWS=$B/fuzz-results.txt
mkdir -p "$B/logs"
: > "$ROWS"

# Inputs as large as the seeds need (an ELF fixture, a .config of ~100 kB),
# no larger: long inputs cost every execution.
max_len() {
	case $1 in
	kconfig) echo 131072 ;;
	elf | layer | archive | seccomp | profile | ldcache) echo 65536 ;;
	registry) echo 4096 ;;
	*) echo 16384 ;;
	esac
}

# count DIR PREFIX : how many artifacts named PREFIX-* DIR holds.
count() {
	find "$1" -maxdepth 1 -name "$2-*" | wc -l
}

load=$(cut -d' ' -f1-3 /proc/loadavg)
# ASan holds up to 256 MB of freed memory to catch use-after-free, which
# alone took the seccomp target from ~200 to ~470 MB of RSS: 64 MB keeps
# the 512 MB cap about abicheck's memory, not the sanitizer's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=64}"
# One leak inside libseccomp itself, not ours: tests/fuzz/lsan.supp says which.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0}"
failed=0
for t in "$@"; do
	c=$B/crashes/$t
	log=$B/logs/$t.log
	mkdir -p "$B/corpus/$t" "$c"
	c0=$(($(count "$c" crash) + $(count "$c" leak)))
	t0=$(count "$c" timeout)
	o0=$(count "$c" oom)
	# Inputs that once failed (tests/fuzz/regressions/TARGET-*) replay first.
	for r in "$ROOT"/tests/fuzz/regressions/"$t"-*; do
		[ -f "$r" ] || continue
		"$B/fuzzers/$t" "$r" > "$B/logs/$t.replay.log" 2>&1 ||
			{ echo "fuzz: $t: regression $r fails again (log: $B/logs/$t.replay.log)"; failed=1; }
	done
	echo "fuzz: $t for ${SECS}s"
	start=$(date +%s)
	rc=0
	"$B/fuzzers/$t" -max_total_time="$SECS" -max_len="$(max_len "$t")" -timeout=10 \
		-rss_limit_mb=512 -print_final_stats=1 -artifact_prefix="$c/" \
		"$B/corpus/$t" > "$log" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	# libFuzzer's last status line: "#N DONE cov: C ft: F corp: U/SIZE ...".
	status=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$status" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
	# This run's artifacts (a leak is a crash: LeakSanitizer's report).
	crashes=$(($(count "$c" crash) + $(count "$c" leak) - c0))
	timeouts=$(($(count "$c" timeout) - t0))
	ooms=$(($(count "$c" oom) - o0))
	if [ "$rc" -ne 0 ] || [ $((crashes + timeouts + ooms)) -ne 0 ]; then
		failed=1
		echo "fuzz: $t FAILED (exit $rc): $(grep -m1 -E 'ERROR|SUMMARY|Test unit written' "$log" || tail -1 "$log")"
		echo "fuzz: $t log: $log; artifacts: $c"
	fi
	echo "$t ${secs} ${execs:-0} ${rate:-0} ${corp:-?} ${cov:-?} ${ft:-?} ${rss:-?} $crashes $timeouts $ooms" >> "$ROWS"
done

table() {
	echo "| target | seconds | execs | execs/s | corpus (units/bytes) | coverage (edges) | features | peak RSS MB | crashes | timeouts | OOMs |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$ROWS"
}

echo
table

# The section, between markers so later sections of the file survive.
{
	echo "<!-- fuzz:begin (written by scripts/fuzz.sh; do not edit by hand) -->"
	echo "## Fuzzing"
	echo
	echo "\`make fuzz FUZZ_SECONDS=$SECS\` on $(date -u +%Y-%m-%d): each libFuzzer target of"
	echo "\`tests/fuzz/\` for $SECS s, one after the other, with \`-timeout=10 -rss_limit_mb=512\`"
	echo "(ASan + UBSan, \`ASAN_OPTIONS=$ASAN_OPTIONS\`, $(clang --version | head -1)),"
	echo "from the corpus of earlier runs plus the seeds of \`tests/fuzz/seeds.sh\`."
	echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)),"
	echo "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r),"
	echo "load average $load at the start."
	echo
	table
	echo
	echo "Coverage and features are libFuzzer's counts over the instrumented"
	echo "abicheck code (not its libraries). A finding is kept in"
	echo "\`build/fuzz/crashes/TARGET/\` and replays with"
	echo "\`build/fuzz/fuzzers/TARGET FILE\`."
	echo
	echo "<!-- fuzz:end -->"
} > "$B/fuzz-section.md"
if [ -f "$OUT" ] && grep -q '^<!-- fuzz:begin' "$OUT"; then
	awk -v sec="$B/fuzz-section.md" '
		/^<!-- fuzz:begin/ { while ((getline l < sec) > 0) print l; skip = 1; next }
		/^<!-- fuzz:end/ { skip = 0; next }
		!skip' "$OUT" > "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
else
	[ -f "$OUT" ] || printf '# abicheck — reliability\n\nHow abicheck holds up against hostile input (issue 10).\n\n' > "$OUT"
	cat "$B/fuzz-section.md" >> "$OUT"
fi
echo "fuzz: results in $OUT"
exit $failed
