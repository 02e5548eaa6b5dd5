#!/bin/sh
# SIGINT/SIGTERM during a scan: abicheck stops, removes its private temp
# dir, and dies of the signal (status 128+N).
. "$(dirname "$0")/lib.sh"
setup_sandbox
here=$(cd "$(dirname "$0")/../.." && pwd)
IMAGES=$("$here/scripts/fixtures.sh" images) || { fail "image fixtures"; finish; exit 1; }

for spec in INT:2 TERM:15; do
	sig=${spec%:*} num=${spec#*:}
	(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" exec "$ABICHECK" inspect "$IMAGES/docker.tar.gz" >/dev/null 2>&1) &
	pid=$!
	# Wait until the run has made its temp dir (it is decompressing then).
	i=0
	while [ -z "$(ls -A "$SANDBOX")" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
	[ -n "$(ls -A "$SANDBOX")" ] || fail "SIG$sig: temp dir never appeared"
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	want=$((128 + num))
	if [ "$rc" = "$want" ] && [ -z "$(ls -A "$SANDBOX")" ]; then
		pass "SIG$sig: exit $rc, no temp files left"
	else
		fail "SIG$sig: rc=$rc (want $want), left: $(ls -A "$SANDBOX")"
	fi
done
finish
