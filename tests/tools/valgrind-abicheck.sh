#!/bin/sh
# valgrind-abicheck.sh — runs $ABICHECK_REAL under valgrind's memcheck for
# `make valgrind`: every run of the integration suites goes through this.
# valgrind's own messages go to a log file per process in $VALGRIND_LOGS
# (the suites check stderr line by line), and the children abicheck forks
# (the ENOSYS probe, which dies on purpose) are not followed: their memory
# is the parent's, and it ends with them.  --vgdb=no: valgrind's gdb server
# would make three FIFOs in $TMPDIR at start-up, which the suites watch for
# abicheck's own temp dir (t-signal, t-engine would signal a run that has
# not yet installed its handlers).  scripts/valgrind.sh reads the logs
# afterwards.
exec valgrind --quiet --vgdb=no --child-silent-after-fork=yes --trace-children=no \
	--leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file="$VALGRIND_LOGS/%p.log" "$ABICHECK_REAL" "$@"
