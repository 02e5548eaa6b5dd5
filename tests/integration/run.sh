#!/bin/sh
# Runs every tests/integration/t-*.sh against $ABICHECK; fails if any fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export TOOLS="$here/../tools"
export FIXTURES="${FIXTURES:-$HOME/.cache/abicheck-fixtures}"
failed=
for t in "$here"/t-*.sh; do
	[ -n "${ONLY:-}" ] && case $(basename "$t") in *$ONLY*) ;; *) continue ;; esac
	echo "== $(basename "$t")"
	sh "$t" || failed="$failed $(basename "$t")"
done
if [ -n "$failed" ]; then
	echo "integration: FAILED:$failed"
	exit 1
fi
echo "integration: all passed"
