#!/bin/sh
# abicheck seccomp: for every embedded runtime profile, the verdicts for the
# syscalls that decided real breakages match data/seccomp/
# profile-key-syscalls-matrix.csv (parsed here, not copied) and the known
# behaviour (clone3 EPERM before Docker 20.10.10, ENOSYS from it; runc's
# ENOSYS stub; libseccomp too old to name time64 calls); malformed profiles
# are one-line input errors.
. "$(dirname "$0")/lib.sh"
setup_sandbox
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MATRIX="$ROOT/data/seccomp/profile-key-syscalls-matrix.csv"
KERNEL=6.1
OUT="$WORK/stdout" # run_abicheck's, also read after runs in a subshell
ERR="$WORK/stderr"

# expect COLUMN SYSCALL [A0]: the verdict the matrix cell implies for an
# x86_64 host, kernel $KERNEL, the runtime's default capabilities.  A cell is
# "(default)" or rules joined by " | ", each "ACTION[(errno=N)] [conds]".
expect() {
	perl -e '
	my ($file, $col, $sys, $a0) = @ARGV;
	my %caps = map { ("CAP_$_" => 1) } qw(CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW
		SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE);
	sub fields { my @f; my $l = shift; $l =~ s/\r?\n$//;
		while ($l =~ /\G("(?:[^"]|"")*"|[^,]*)(,|$)/g) { my $v = $1; my $end = $2;
			if ($v =~ s/^"(.*)"$/$1/s) { $v =~ s/""/"/g } push @f, $v; last if $end eq "" }
		return @f }
	sub verdict { my $a = shift; return "ALLOW" if $a eq "SCMP_ACT_ALLOW";
		return "ERRNO($1)" if $a =~ /^SCMP_ACT_ERRNO\(errno=(\d+)\)$/;
		return "ERRNO(1)" if $a eq "SCMP_ACT_ERRNO"; die "action $a" }
	open my $fh, "<", $file or die; my @hdr = fields(scalar <$fh>); my %ix;
	@ix{@hdr} = 0..$#hdr; defined $ix{$col} or die "no column $col";
	my ($default, $cell);
	while (<$fh>) { my @f = fields($_);
		$default = $f[$ix{$col}] if $f[0] eq "(defaultAction/defaultErrnoRet)";
		$cell = $f[$ix{$col}] if $f[0] eq $sys }
	defined $cell or die "no row $sys";
	$default =~ m{^(SCMP_ACT_\w+)/(\w+)} or die "default $default";
	my $dv = $1 eq "SCMP_ACT_ERRNO" ? "ERRNO(" . ($2 eq "unset" ? 1 : $2) . ")" : verdict($1);
	for my $rule ($cell eq "(default)" ? () : split / \| /, $cell) {
		$rule =~ /^(\S+)(?: \[(.*)\])?$/ or die "rule $rule";
		my ($act, $ok) = ($1, 1);
		for my $c (split /, (?=[a-z-]+[:>])/, $2 // "") {
			if ($c =~ /^requires-all-caps:(.*)/) { $ok &&= !grep { !$caps{$_} } split m{/}, $1 }
			elsif ($c =~ /^unless-any-cap:(.*)/) { $ok &&= !grep { $caps{$_} } split m{/}, $1 }
			elsif ($c =~ /^host-kernel>=(\d+)\.(\d+)/) { my ($M, $m) = split /\./, $ENV{KERNEL};
				$ok &&= $M > $1 || ($M == $1 && $m >= $2) }
			elsif ($c =~ /^only-arch:(.*)/) { $ok &&= grep { $_ eq "amd64" } split m{/}, $1 }
			elsif ($c =~ /^not-arch:(.*)/) { $ok &&= !grep { $_ eq "amd64" } split m{/}, $1 }
			elsif ($c =~ /^args:a0 SCMP_CMP_EQ (\d+)$/) { $ok &&= defined $a0 && hex($a0) == $1 }
			else { die "condition $c" } }
		if ($ok) { print verdict($act), "\n"; exit } }
	print "$dv\n"' "$MATRIX" "$@"
}
export KERNEL

# verdicts SPEC ARGS... : "name[:a0=…] VERDICT" per line, from the JSON.
verdicts() {
	spec=$1
	shift
	run_abicheck seccomp "$spec" "$@" -o json
	jq -r '.syscalls[] | (.name + (if .args then ":a0=" + (.args[0] | tostring) else "" end)) + " " + .verdict' "$OUT" 2>/dev/null
}

KEY="clone3 faccessat2 openat2 close_range statx io_uring_setup ptrace"
PERS="0x0 0x8 0x20000 0xffffffff 0x4"
columns=$(head -1 "$MATRIX" | tr -d '\r' | tr ',' '\n' | grep -E '^(docker|podman)-')
[ "$(echo "$columns" | wc -l)" = 14 ] && pass "matrix has the 14 embedded profiles" || fail "matrix columns: $columns"

for col in $columns; do
	case $col in
	docker-default-*) spec=docker:${col#docker-default-} ;;
	podman-*-v*) spec=podman:${col##*-v} ;;
	podman-*) spec=podman:${col#podman-containers-common-seccomp-} ;;
	esac
	args=$KEY
	for a in $PERS; do args="$args personality:a0=$a"; done
	# shellcheck disable=SC2086
	got=$(verdicts "$spec" $args --arch x86_64 --kernel-version $KERNEL)
	want=$(for s in $KEY; do echo "$s $(expect "$col" "$s")"; done
	       for a in $PERS; do echo "personality:a0=$((a)) $(expect "$col" personality "$a")"; done)
	if [ -n "$got" ] && [ "$got" = "$want" ]; then
		pass "$spec: $(echo "$got" | tr '\n' ' ' | cut -c1-150)…"
	else
		fail "$spec: $(cat "$ERR") got: $(echo "$got" | tr '\n' ' ') want: $(echo "$want" | tr '\n' ' ')"
	fi
done

# clone3: EPERM until Docker 20.10.10 added an explicit ENOSYS rule (the
# 20.10.4..20.10.9 profiles' runc stub starts above 435); CAP_SYS_ADMIN
# allows it; Podman allows it.
for v in 17.03.0-ce 18.09.0 19.03.15 20.10.0 20.10.5 20.10.9; do
	[ "$(verdicts docker:$v clone3 --arch x86_64)" = "clone3 ERRNO(1)" ] &&
		pass "docker $v: clone3 EPERM" || fail "docker $v: clone3 $(cat "$OUT" "$ERR")"
done
for v in 20.10.10 20.10.27 23.0.0 25.0.0 26.0.0 28.5.2 29.7.2; do
	[ "$(verdicts docker:$v clone3 --arch x86_64)" = "clone3 ERRNO(38)" ] &&
		pass "docker $v: clone3 ENOSYS" || fail "docker $v: clone3 $(cat "$OUT" "$ERR")"
done
[ "$(verdicts docker:20.10.10 clone3 --arch x86_64 --cap-add SYS_ADMIN)" = "clone3 ALLOW" ] &&
	pass "docker 20.10.10 + CAP_SYS_ADMIN: clone3 allowed" || fail "clone3 with CAP_SYS_ADMIN"

# ptrace's rule needs kernel 4.8 (Docker 20.10+).
[ "$(verdicts docker:20.10.10 ptrace --arch x86_64 --kernel-version 4.4)" = "ptrace ERRNO(1)" ] &&
	pass "docker 20.10.10, kernel 4.4: ptrace EPERM" || fail "ptrace on 4.4: $(cat "$OUT")"

# runc's ENOSYS stub: numbers above the largest one the profile names get
# ENOSYS where the bundled runc has it (>= 1.0.0-rc93, Docker >= 20.10.4);
# Podman (crun) answers ENOSYS by default anyway.
check_nr() { # SPEC NR WANT
	[ "$(verdicts "$1" "$2" --arch x86_64 | cut -d' ' -f2)" = "$3" ] &&
		pass "$1: syscall $2 -> $3 ($(jq -r '.syscalls[0].reason' "$OUT"))" ||
		fail "$1: syscall $2: $(cat "$OUT" "$ERR")"
}
check_nr docker:20.10.0 442 "ERRNO(1)"
check_nr docker:20.10.9 441 "ALLOW"
check_nr docker:20.10.9 442 "ERRNO(38)"
check_nr docker:29.7.2 470 "ERRNO(38)"
check_nr podman 470 "ERRNO(38)"
check_nr unconfined 470 "ALLOW"

# clock_gettime64 on i386 and arm (native hosts) and as the i386 sub-arch of
# x86_64: Docker's profiles name the *_time64 calls from 19.03 on.
for v in 17.03.0-ce 18.09.0 19.03.15 20.10.9 23.0.0 29.7.2; do
	case $v in 17.*|18.*) want="ERRNO(1)" ;; *) want=ALLOW ;; esac
	for arch in i386 arm; do
		[ "$(verdicts docker:$v clock_gettime64 --arch $arch)" = "clock_gettime64 $want" ] &&
			pass "docker $v on $arch: clock_gettime64 $want" ||
			fail "docker $v on $arch: clock_gettime64 $(cat "$OUT" "$ERR")"
	done
	[ "$(verdicts docker:$v i386/clock_gettime64 --arch x86_64)" = "clock_gettime64 $want" ] &&
		pass "docker $v, i386 under x86_64: clock_gettime64 $want" ||
		fail "docker $v i386/x86_64: $(cat "$OUT" "$ERR")"
done

# A host libseccomp that cannot name the time64 calls (< 2.4.2) makes
# runc drop their rules: they fall to the default action.
run_abicheck seccomp docker:20.10.9 clock_gettime64 --arch arm --libseccomp 2.3.3 -o json
[ "$(jq -r '.syscalls[0].verdict' "$OUT")" = "ERRNO(1)" ] &&
	jq -r '.syscalls[0].reason' "$OUT" | grep -q "dropped: libseccomp 2.3.3 cannot resolve clock_gettime64" &&
	pass "armhf + libseccomp 2.3.3: clock_gettime64 rule dropped -> default action" ||
	fail "libseccomp 2.3.3: $(cat "$OUT" "$ERR")"
[ "$(verdicts docker:20.10.9 clock_gettime64 --arch arm --libseccomp 2.4.2)" = "clock_gettime64 ALLOW" ] &&
	pass "armhf + libseccomp 2.4.2: clock_gettime64 allowed" || fail "libseccomp 2.4.2: $(cat "$OUT")"

# Every syscall of the arch when none is named; the table names the model.
expect_ok "all syscalls of x86_64" seccomp docker:23.0.0 --arch x86_64
n=$(grep -c '^x86_64 ' "$OUT")
[ "$n" -gt 300 ] && grep -q '^Seccomp     docker 23.0.0 (profile docker-default-23.0.0.json, runc 1.1.4' "$OUT" &&
	pass "table: $n syscalls, model described" || fail "table: n=$n $(head -3 "$OUT")"

# Malformed profiles and specs: exit 2, one line naming the file.
printf '{"defaultAction": ' > "$WORK/trunc.json"
printf '{"defaultAction": 3}' > "$WORK/type.json"
printf '{"defaultAction": "SCMP_ACT_NOPE"}' > "$WORK/action.json"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]}' > "$WORK/index.json"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]}' > "$WORK/names.json"
printf '{"defaultAction": "SCMP_ACT_ERRNO", "x": %s1%s}' "$(printf '[%.0s' $(seq 40))" "$(printf ']%.0s' $(seq 40))" > "$WORK/deep.json"
head -c 1100000 /dev/zero | tr '\0' ' ' > "$WORK/big.json"
expect_input_error "truncated JSON" "trunc.json: invalid JSON" seccomp "$WORK/trunc.json" read
expect_input_error "wrong type" "type.json: profile: 'defaultAction' is not a string" seccomp "$WORK/type.json" read
expect_input_error "unknown action" "action.json: profile: unknown action 'SCMP_ACT_NOPE'" seccomp "$WORK/action.json" read
expect_input_error "arg index" "index.json: syscalls\[0\].args\[0\]: 'index' must be 0..5" seccomp "$WORK/index.json" read
expect_input_error "names not an array" "names.json: syscalls\[0\]: 'names' is not an array" seccomp "$WORK/names.json" read
expect_input_error "nesting cap" "deep.json: JSON nested deeper than 16" seccomp "$WORK/deep.json" read
expect_input_error "size cap" "big.json: larger than 1048576 bytes" seccomp "$WORK/big.json" read
expect_input_error "missing file" "nope.json: cannot open: No such file" seccomp "$WORK/nope.json" read
expect_input_error "unknown docker release" "docker:1.12: older than the oldest" seccomp docker:1.12 read
expect_input_error "unknown syscall" "unknown syscall 'nosuchcall' on x86_64" seccomp docker nosuchcall --arch x86_64

# A profile file is read like Docker's --security-opt seccomp=FILE.
cp "$ROOT/data/seccomp/docker-default-20.10.10.json" "$WORK/mine.json"
[ "$(verdicts "$WORK/mine.json" clone3 --arch x86_64)" = "clone3 ERRNO(38)" ] &&
	pass "profile file: clone3 ENOSYS" || fail "profile file: $(cat "$OUT" "$ERR")"
finish
