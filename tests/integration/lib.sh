# tests/integration/lib.sh — helpers sourced by every t-*.sh.
# Environment: ABICHECK (binary under test), FIXTURES (cache of big
# fixtures, outside the repo), TOOLS (tests/tools).  Each test gets WORK, a
# fresh directory removed at exit.
set -u

: "${ABICHECK:?ABICHECK must point at the binary under test}"
TOOLS=${TOOLS:-$(cd "$(dirname "$0")/../tools" && pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/abicheck-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The analysis cache of the runs: shared by the suites of one build
# (Makefile), never the user's own.
export XDG_CACHE_HOME="${ABICHECK_TEST_CACHE:-$WORK/xdg-cache}"
PASS=0
FAILS=0
SKIPS=0
TEST_NAME=$(basename "$0" .sh)

pass() { PASS=$((PASS + 1)); echo "  ok   $*"; }
fail() { FAILS=$((FAILS + 1)); echo "  FAIL $*"; }

# skip_under_valgrind WHAT REASON : under `make valgrind` (scripts/valgrind.sh
# sets ABICHECK_UNDER_VALGRIND=1) says that WHAT is skipped and why, and
# succeeds; otherwise fails, so `skip_under_valgrind ... || check ...` runs
# the check in every other run.  Only for what valgrind itself changes (the
# process it runs is not the one the kernel would see), never to hide a
# finding.
skip_under_valgrind() {
	[ "${ABICHECK_UNDER_VALGRIND:-}" = 1 ] || return 1
	SKIPS=$((SKIPS + 1))
	echo "  skip $1 (under valgrind: $2)"
}

# The private temp dirs of abicheck runs go below SANDBOX (their TMPDIR); a
# run must leave it empty and must not touch anything else.  OUTSIDE holds
# a canary that a path escape would overwrite or join.
setup_sandbox() {
	SANDBOX="$WORK/sandbox"
	OUTSIDE="$WORK/outside"
	mkdir -p "$SANDBOX" "$OUTSIDE/cwd"
	echo canary > "$OUTSIDE/canary"
	# exist before the first snapshot
	: > "$WORK/stdout"; : > "$WORK/stderr"; : > "$WORK/rusage"
}

snapshot() { # lists everything below WORK but the sandbox, and hashes OUTSIDE's files
	(cd "$WORK" && find . -path ./sandbox -prune -o -print | LC_ALL=C sort
	 find outside -type f -exec sha256sum {} + | LC_ALL=C sort) 2>/dev/null
}

# Bounds (t-hostile).  With MEASURE set every run goes through GNU time:
# ELAPSED (wall seconds) and PEAK_KB (peak RSS) say what it took, and
# expect_input_error / expect_ok also fail a run that was killed by the
# timeout, took more than TIME_LIMIT seconds or PEAK_KB above RSS_LIMIT_KB
# (either limit empty: not asserted).  With STRICT set, expect_ok also
# wants nothing changed outside the temp dir.
MEASURE= TIME_LIMIT= RSS_LIMIT_KB= STRICT= ELAPSED= PEAK_KB=

# run_abicheck ARGS... : sets RC, OUT, ERR (files); cwd is a scratch dir so
# a relative write would land where we look.
run_abicheck() {
	: > "$WORK/stdout"; : > "$WORK/stderr"
	if [ -n "$MEASURE" ]; then
		(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" /usr/bin/time -f '%e %M' -o "$WORK/rusage" \
			timeout -k 5 "${ABICHECK_TIMEOUT:-60}" "$ABICHECK" "$@" \
			>"$WORK/stdout" 2>"$WORK/stderr")
		RC=$?
		# the last line: GNU time puts "Command exited with..." before it
		ELAPSED=$(tail -n 1 "$WORK/rusage" | cut -d' ' -f1)
		PEAK_KB=$(tail -n 1 "$WORK/rusage" | cut -d' ' -f2)
	else
		(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" timeout "${ABICHECK_TIMEOUT:-60}" "$ABICHECK" "$@" \
			>"$WORK/stdout" 2>"$WORK/stderr")
		RC=$?
	fi
	OUT="$WORK/stdout"
	ERR="$WORK/stderr"
}

# over_bounds : why the last run broke the bounds; nothing when it kept them.
over_bounds() {
	[ -n "$MEASURE" ] || return 0
	case $RC in
	124 | 137) echo "killed by the ${ABICHECK_TIMEOUT:-60} s timeout"; return 0 ;;
	esac
	case $ELAPSED$PEAK_KB in
	'' | *[!0-9.]*) echo "not measured: '$(tail -n 1 "$WORK/rusage")'"; return 0 ;;
	esac
	[ -n "$TIME_LIMIT" ] && awk -v t="$ELAPSED" -v l="$TIME_LIMIT" 'BEGIN { exit !(t > l) }' &&
		echo "took $ELAPSED s > $TIME_LIMIT s"
	[ -n "$RSS_LIMIT_KB" ] && [ "$PEAK_KB" -gt "$RSS_LIMIT_KB" ] &&
		echo "peak RSS $PEAK_KB kB > $RSS_LIMIT_KB kB"
	return 0
}

# measured : " [exit N, S s, M MB peak RSS]" of the last run, with MEASURE.
measured() {
	[ -z "$MEASURE" ] || echo " [exit $RC, $ELAPSED s, $((PEAK_KB / 1024)) MB peak RSS]"
}

# expect_input_error DESCRIPTION REGEX ARGS... : exit 2, exactly one line on
# stderr matching REGEX (extended), sandbox empty, nothing else changed.
expect_input_error() {
	desc=$1 regex=$2
	shift 2
	before=$(snapshot)
	run_abicheck "$@"
	after=$(snapshot)
	lines=$(wc -l < "$ERR")
	leftover=$(ls -A "$SANDBOX")
	bounds=$(over_bounds)
	if [ "$RC" = 2 ] && [ "$lines" = 1 ] && grep -Eq -- "$regex" "$ERR" &&
	   [ -z "$leftover" ] && [ "$before" = "$after" ] && [ ! -s "$OUT" ] && [ -z "$bounds" ]; then
		pass "$desc$(measured): $(cat "$ERR")"
	else
		fail "$desc: rc=$RC lines=$lines leftover='$leftover' $bounds stderr='$(head -c 400 "$ERR")'"
		[ "$before" = "$after" ] || fail "$desc: files changed outside the temp dir"
	fi
}

# expect_ok DESCRIPTION ARGS... : exit 0 and the sandbox left empty.
expect_ok() {
	desc=$1
	shift
	before=
	[ -z "$STRICT" ] || before=$(snapshot)
	run_abicheck "$@"
	bounds=$(over_bounds)
	if [ "$RC" = 0 ] && [ -z "$(ls -A "$SANDBOX")" ] && [ -z "$bounds" ] &&
	   { [ -z "$STRICT" ] || [ "$before" = "$(snapshot)" ]; }; then
		pass "$desc$(measured)"
	else
		fail "$desc: rc=$RC $bounds stderr='$(head -c 400 "$ERR")'"
		[ -z "$STRICT" ] || [ "$before" = "$(snapshot)" ] || fail "$desc: files changed outside the temp dir"
	fi
}

# ELF paths of an inspect run, one per line, sorted.
elf_set() { # ARGS... -> stdout
	TMPDIR="$SANDBOX" "$ABICHECK" inspect "$@" -o json |
		grep -o '"path": "[^"]*"' | sed 's/"path": "//; s/"$//' | LC_ALL=C sort -u
}

# ELF files below a directory the way `find -type f` + magic sees them.
find_elf_set() {
	(cd "$1" && find . -type f -print0 | xargs -0 -r sh -c '
		for f; do [ "$(head -c 4 "$f" | od -An -c | tr -d " ")" = "177ELF" ] && echo "${f#.}"; done' sh) |
		LC_ALL=C sort -u
}

# check DESCRIPTION JQ-FILTER [JQ-ARGS...] : passes when FILTER yields exactly
# `true` on the JSON in $OUT (an empty or broken $OUT fails); $SHOW (a jq
# filter) is printed on failure.
SHOW=.
check() {
	desc=$1 filter=$2
	shift 2
	if [ "$(jq "$@" "$filter" "$OUT" 2> /dev/null)" = true ]; then
		pass "$desc"
	else
		fail "$desc: $(jq -c "$@" "$SHOW" "$OUT" 2>&1 | head -c 900)"
	fi
}

# scan_one IMAGE PATH [ARG] : scans one file; the result must be a clean
# report with that one file.  Sets OUT, F (its entry, a jq path) and SHOW.
scan_one() {
	run_abicheck scan "$1" "$2" ${3:+"$3"} -o json
	F='.files[0]'
	SHOW="$F | del(.facts.versions)"
	if [ "$RC" != 0 ] || [ -s "$ERR" ] || ! jq -e --arg p "$2" \
		'.schema == "abicheck.scan/v1" and (.files | length) == 1 and .files[0].path == $p and
		 .files[0].error == null' "$OUT" > /dev/null 2>&1; then
		fail "scan $*: rc=$RC stderr='$(head -c 300 "$ERR")' $(head -c 300 "$OUT")"
	fi
}

# od_addrs OBJDUMP BINARY FUNCTION REGEX : "0x..." addresses, one a line, of
# the instructions of FUNCTION (a symbol in objdump -d) whose text matches
# REGEX.
od_addrs() {
	"$1" -d "$2" | awk -v fn="<$3>:" -v re="$4" '
		/^[0-9a-f]+ <.*>:$/ { infn = ($2 == fn); next }
		infn { n = split($0, f, "\t"); t = f[3]; for (i = 4; i <= n; i++) t = t " " f[i]
		       if (n >= 3 && t ~ re) { a = $1; sub(":", "", a); print "0x" a } }'
}

# le FILE OFFSET NBYTES VALUE : writes VALUE little-endian at OFFSET.
le() {
	_j=0 _s=
	while [ $_j -lt "$3" ]; do
		_s="$_s\\$(printf %03o $((($4 >> (8 * _j)) & 255)))"
		_j=$((_j + 1))
	done
	printf "$_s" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

# host_libs ROOT : the host's libraries of /bin/true (libc, the dynamic
# loader) copied below ROOT at their paths, symlinks kept as symlinks.
host_libs() {
	for _lib in $(ldd /bin/true | awk '/=>/ { print $3 } !/=>/ { print $1 }' | grep '^/'); do
		_real=$(readlink -f "$_lib")
		mkdir -p "$1$(dirname "$_real")" "$1$(dirname "$_lib")"
		cp "$_real" "$1$_real"
		[ "$_real" = "$_lib" ] || ln -sf "$_real" "$1$_lib"
	done
}

# cyclic_libs LIBDIR STUBS LIB_C : libself.so.1 (needs itself), liba.so.1
# and libb.so.1 (need each other) in LIBDIR, built from LIB_C
# (tests/fixtures/scan/lib.c) against stubs of those names made in STUBS.
cyclic_libs() {
	for _n in libself liba libb; do
		build "stub $_n" gcc -shared -fPIC -Wl,-soname,$_n.so.1 -o "$2/$_n.so.1" "$3"
	done
	build libself gcc -shared -fPIC -Wl,--no-as-needed,-soname,libself.so.1 -o "$1/libself.so.1" \
		"$3" "$2/libself.so.1"
	build liba gcc -shared -fPIC -Wl,--no-as-needed,-soname,liba.so.1 -o "$1/liba.so.1" \
		"$3" "$2/libb.so.1"
	build libb gcc -shared -fPIC -Wl,--no-as-needed,-soname,libb.so.1 -o "$1/libb.so.1" \
		"$3" "$2/liba.so.1"
}

# build NAME COMMAND... : runs a compiler for a fixture, notes a failure once.
build() {
	name=$1
	shift
	if ! "$@" > "$WORK/cc.err" 2>&1; then
		fail "build $name: $(head -c 400 "$WORK/cc.err")"
		return 1
	fi
}

finish() {
	_skipped=
	[ "$SKIPS" = 0 ] || _skipped=", $SKIPS skipped under valgrind"
	echo "$TEST_NAME: $PASS passed, $FAILS failed$_skipped"
	[ "$FAILS" = 0 ]
}
