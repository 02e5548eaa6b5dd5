#!/bin/sh
# abicheck probe: the live kernel profile of this machine.  Facts are
# checked against what the test reads itself (uname, /proc/self/maps);
# the probe must be deterministic, create no file, and its ENOSYS-probe
# children must never succeed at a syscall with effects (from strace).
. "$(dirname "$0")/lib.sh"
setup_sandbox

# The expectation from this machine, read the way the issue defines it.
case $(grep '\[vsyscall\]' /proc/self/maps | awk '{print $2}') in
r-xp) want_vsyscall=emulate ;;
--xp) want_vsyscall=xonly ;;
'') want_vsyscall=none ;;
*) want_vsyscall=unknown ;;
esac

run_abicheck probe -o json
cp "$OUT" "$WORK/run1.json"
[ "$RC" = 0 ] && pass "probe -o json exits 0" || fail "probe: rc=$RC $(head -c 400 "$ERR")"
check "schema abicheck.profile/v1" '.schema == "abicheck.profile/v1" and .source == "live"'
check "vsyscall mode is $want_vsyscall (from /proc/self/maps), observed" \
	'.vsyscall == {mode: $m, basis: "observed"}' --arg m "$want_vsyscall"
check "release is uname -r" '.kernel.release == $r' --arg r "$(uname -r)"
check "version is the release's numbers" \
	'.kernel.version[0:2] == ($r | split(".")[0:2] | map(tonumber))' --arg r "$(uname -r)"
check "machine is uname -m" '.kernel.machine == $m' --arg m "$(uname -m)"
check "page size is getconf PAGESIZE" '.page_size.bytes == ($p | tonumber)' --arg p "$(getconf PAGESIZE)"
skip_under_valgrind "vDSO mapped" "valgrind removes AT_SYSINFO_EHDR from the auxv of the program it runs" ||
	check "vDSO mapped" '.vdso.mapped == true'
if [ "$(uname -m)" = x86_64 ]; then
	SHOW='.abis[0].counts'
	check ">= 330 x86_64 syscalls implemented, counts match the lists" \
		'.abis[0] | .abi == "x86_64" and .executes == true and .counts.implemented >= 330
		 and .counts.implemented == (.implemented | length)'
	check "read, openat, clone3 implemented by kallsyms; afs_syscall absent by probe" \
		'.abis[0] | (.implemented | index(["read"]) != null and index(["openat"]) != null
		 and index(["clone3"]) != null) and (.absent | index(["afs_syscall"]) != null)
		 and .basis.afs_syscall == "enosys-probe" and .syscalls_basis == "kallsyms"'
	check "syscall lists are sorted and disjoint" \
		'all(.abis[]; (.implemented == (.implemented | sort)) and (.absent == (.absent | sort))
		 and ((.implemented + .absent + .unknown) | length) == ((.implemented + .absent + .unknown) | unique | length))'
	SHOW=.
fi
case $(uname -r) in
6.18.*) check "kernel 6.18" '.kernel.version[0:2] == [6, 18]' ;;
esac

# Deterministic: a second run gives the identical document.
run_abicheck probe -o json
cmp -s "$OUT" "$WORK/run1.json" && pass "two runs give identical JSON" ||
	fail "two runs differ: $(diff "$WORK/run1.json" "$OUT" | head -5)"

# --file writes the same JSON; the table names the same facts.
run_abicheck probe -o json --file "$WORK/profile.json"
[ "$RC" = 0 ] && [ ! -s "$OUT" ] && cmp -s "$WORK/profile.json" "$WORK/run1.json" &&
	pass "--file writes the same JSON" || fail "--file: rc=$RC"
run_abicheck probe
[ "$RC" = 0 ] && grep -q "^vsyscall    $want_vsyscall" "$OUT" && grep -q "^Kernel      $(uname -r)" "$OUT" &&
	pass "table output" || fail "table: $(head -5 "$OUT")"

# Bad flags and positionals are usage errors.
expect_input_error "probe -o yaml" "unknown output format" probe -o yaml
expect_input_error "probe with a positional" "unexpected argument 'x'" probe x
expect_input_error "probe --bogus" "unknown or incomplete option" probe --bogus

# No file is created: an empty cwd, HOME and TMPDIR stay empty.
mkdir -p "$WORK/empty/cwd" "$WORK/empty/home" "$WORK/empty/tmp"
before=$(cd "$WORK/empty" && find . | LC_ALL=C sort)
(cd "$WORK/empty/cwd" && HOME="$WORK/empty/home" TMPDIR="$WORK/empty/tmp" "$ABICHECK" probe -o json > /dev/null 2>&1)
after=$(cd "$WORK/empty" && find . | LC_ALL=C sort)
[ "$before" = "$after" ] && pass "creates no files (cwd, HOME, TMPDIR)" || fail "files created: $after"

# Under strace -f: the main process is the first pid; every other pid is a
# probe child.  What a child may do successfully (all without effects
# outside itself):
#   set_robust_list  glibc's fork in the child
#   close            the pipe's read end
#   prctl            PR_SET_PDEATHSIG
#   rt_sigaction, rt_sigprocmask, alarm   the watchdog
#   write            its records, to the pipe
#   getpid           the i386 ABI check (int $0x80)
#   exit_group       the end
#   sigaltstack      the sanitizer runtime's own signal stack (ASan builds)
ALLOW="set_robust_list close prctl rt_sigaction rt_sigprocmask alarm write getpid exit_group sigaltstack"
if skip_under_valgrind "the probe children's syscalls under strace (2 checks)" \
	"valgrind answers the syscalls it does not know (afs_syscall...) with ENOSYS itself, so the kernel never sees the probes, and the children make valgrind's own syscalls"; then
	:
elif command -v strace > /dev/null; then
	trace="$WORK/trace"
	# (LeakSanitizer cannot run under ptrace: off for this run only.)
	(cd "$WORK/empty/cwd" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$trace" "$ABICHECK" probe -o json > /dev/null 2>&1)
	main=$(head -1 "$trace" | awk '{print $1}')
	# name and result of each completed child syscall ("<unfinished ...>"
	# halves are joined through their "<... NAME resumed>" line).
	awk -v m="$main" '$1 != m' "$trace" | grep -v 'unfinished \.\.\.>$' |
		sed -nE 's/^[0-9]+ +(<\.\.\. )?([a-z0-9_]+)(\(| resumed>).* = (-?[0-9a-fx]+|\?).*$/\2 \4/p' \
		> "$WORK/child-calls"
	ok=$(awk '$2 !~ /^-/ && $2 != "?"' "$WORK/child-calls" | awk '{print $1}' | sort -u)
	bad=
	for s in $ok; do
		case " $ALLOW " in *" $s "*) ;; *) bad="$bad $s" ;; esac
	done
	# The parse must see the records each child writes, or it proves nothing.
	case " $(echo $ok) " in *" write "*) ;; *) bad="$bad (no successful write parsed)" ;; esac
	[ -z "$bad" ] && pass "probe children succeed only at: $(echo $ok)" ||
		fail "probe children succeeded at syscalls with effects:$bad"
	nenosys=$(awk -v m="$main" '$1 != m && / = -1 ENOSYS /' "$trace" | wc -l)
	grep -q ' afs_syscall(' "$trace" && [ "$nenosys" -ge 10 ] &&
		pass "the children issued the probes ($nenosys ENOSYS answers)" ||
		fail "no ENOSYS probes seen in the trace ($nenosys)"
else
	fail "strace missing (scripts/deps.sh installs it)"
fi
finish
