#!/bin/sh
# SIGINT/SIGTERM during a run, while the layers are being read and while the
# ELF files are being analysed: abicheck stops, removes its private temp
# dir, leaves no half-written cache entry, and dies of the signal (status
# 128+N).
. "$(dirname "$0")/lib.sh"
setup_sandbox
here=$(cd "$(dirname "$0")/../.." && pwd)
IMAGES=$("$here/scripts/fixtures.sh" images) || { fail "image fixtures"; finish; exit 1; }
IMAGE="$IMAGES/docker.tar.gz" # 92 MB of gzip: a few seconds of reading
CACHE="$WORK/cache"           # this suite's own, empty at the start

threads() { ls "/proc/$1/task" 2> /dev/null | wc -l; }

# interrupt SIG NUM PHASE ARGS... : starts abicheck ARGS, waits until it is
# in PHASE, sends SIG, and checks the exit status and what is left.
#   reading   its temp dir exists (it is made when the first layer is
#             opened) and the image is not open yet
#   analysis  a second thread runs (with --no-cache, only reach_prepare's
#             analysis threads: nothing is prefetched while reading)
interrupt() {
	sig=$1 num=$2 phase=$3
	shift 3
	rm -rf "$CACHE"
	(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" exec "$ABICHECK" "$@" --cache-dir "$CACHE" \
		> /dev/null 2> "$WORK/sig.err") &
	pid=$!
	reached= i=0
	while [ $i -lt 3000 ] && kill -0 "$pid" 2> /dev/null; do
		case $phase in
		reading) [ -n "$(ls -A "$SANDBOX")" ] && reached=1 ;;
		analysis) [ "$(threads "$pid")" -ge 2 ] && reached=1 ;;
		esac
		[ -n "$reached" ] && break
		sleep 0.02
		i=$((i + 1))
	done
	[ -n "$reached" ] && kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	want=$((128 + num))
	left=$(ls -A "$SANDBOX")
	partial=$(find "$CACHE" -name '*.tmp' 2> /dev/null | head -3)
	if [ -z "$reached" ]; then
		fail "SIG$sig during $phase: the run ended (rc=$rc) before it got there"
	elif [ "$rc" = "$want" ] && [ -z "$left" ] && [ -z "$partial" ]; then
		pass "SIG$sig during $phase: exit $rc, no temp dir or file left, no partial cache entry"
	else
		fail "SIG$sig during $phase: rc=$rc (want $want), temp left: '$left', cache temp files: '$partial', stderr: $(head -c 300 "$WORK/sig.err")"
	fi
}

for spec in INT:2 TERM:15; do
	sig=${spec%:*} num=${spec#*:}
	interrupt "$sig" "$num" reading inspect "$IMAGE"
	interrupt "$sig" "$num" analysis "$IMAGE" --no-cache -j 2 --kernel-version 6.1
done
finish
