#!/bin/sh
# Acceptance: run >= 30 commands of a debootstrap bookworm minbase rootfs
# under `strace -f -qq -e trace=all` inside a chroot, attribute every traced
# syscall to the program image the process was running, and assert that
# every syscall seen for a program is in the static set
# `abicheck scan dir:ROOTFS --reach PROGRAM -o json` gives for it
# (.files[].reach.syscalls[].name).  Pass lines print "seen N / static M";
# fail lines name the missing syscalls.  docs/ACCURACY.md ("Reachability
# recall (strace)") records the figures.
#
# Needs root (chroot, mount -t proc) and strace on the host.  The cached
# rootfs fixture is never run in: the commands run in a private copy below
# $WORK, with /proc mounted into it and unmounted at exit.
#
# Attribution (awk, no python): every trace line starts with a pid.  A pid
# belongs to the chroot once it (or the process it was cloned from) made a
# successful chroot(); until then it is the host's `chroot` binary and is
# ignored.  A successful execve("PATH") inside the chroot makes the pid run
# PATH; the execve itself is charged to the image that made the call (the
# parent image for a program's first execve, the program itself when it
# execs something).  A child of clone/clone3/fork/vfork inherits the
# program its parent ran when it entered the call.  `<unfinished ...>` /
# `<... X resumed>` pairs are counted once, under the name on the first line.
# A script counts as its #! interpreter (the program the kernel runs).
# restart_syscall is left out: the kernel issues it to resume an interrupted
# sleep, and no code in the program contains it.
#
# REACH_TABLE=FILE writes the per-command figures as a markdown table.
. "$(dirname "$0")/lib.sh"
setup_sandbox
here=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" != 0 ]; then
	fail "needs root (chroot and mount -t proc); run the suite as root"
	finish; exit 1
fi
STRACE=$(command -v strace) || { fail "strace is not installed on the host"; finish; exit 1; }
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)
[ -x "$CHROOT" ] || { fail "no chroot binary on the host"; finish; exit 1; }
FIXROOT=$("$here/scripts/fixtures.sh" rootfs) || { fail "amd64 rootfs fixture"; finish; exit 1; }

ROOT="$WORK/root"
cleanup() {
	# Processes still running inside the private rootfs were started by
	# this test (a command that outlived its timeout); end them by pid.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	if mountpoint -q "$ROOT/proc" 2>/dev/null; then
		umount "$ROOT/proc" 2>/dev/null || umount -l "$ROOT/proc"
	fi
	# Never recurse into a mount that is still there.
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
# A signal (a reader of our output going away included) must still run
# cleanup, or a proc mount would be left below $WORK.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

t0=$(date +%s)
cp -a "$FIXROOT" "$ROOT" || { fail "copy of the rootfs fixture"; finish; exit 1; }
mount -t proc proc "$ROOT/proc" || { fail "mount -t proc into the private rootfs"; finish; exit 1; }
# /dev: debootstrap made the usual nodes (null, zero, urandom, ...), copied
# by cp -a; /dev/fd etc. are symlinks into /proc.
for d in null zero urandom; do
	[ -c "$ROOT/dev/$d" ] || { fail "private rootfs has no /dev/$d"; finish; exit 1; }
done
mkdir -p "$ROOT/tmp" && chmod 1777 "$ROOT/tmp"

# ---------------------------------------------------------------------------
# attribute.awk TRACE TRACE -> "PROGRAM<TAB>SYSCALL" lines; problems as
# "?<TAB>description".  The file is read twice: pass 1 finds which child pid
# each clone-like call returned, pass 2 follows the programs in order.
cat > "$WORK/attribute.awk" <<'EOF'
function is_clone(n) { return n == "clone" || n == "clone3" || n == "fork" || n == "vfork" }
function exec_path(s,    t) {
	# s starts with execve("PATH", ... ; strace escapes " and \ in strings.
	t = s
	sub(/^[a-z0-9_]+\(/, "", t)
	if (t ~ /^AT_FDCWD, /) sub(/^AT_FDCWD, /, "", t)
	if (substr(t, 1, 1) != "\"") return ""
	t = substr(t, 2)
	if (!match(t, /^([^"\\]|\\.)*"/)) return ""
	return substr(t, 1, RLENGTH - 1)
}
function charge(p, n) {
	if (!(p in prog)) { print "?\tpid " p " (no known parent) made " n; return }
	if (prog[p] == "-") return                # host side: the chroot binary
	if (n == "restart_syscall") return        # issued by the kernel, not by code
	print prog[p] "\t" n
}
{
	pid = $1
	rest = $0
	sub(/^[0-9]+ +/, "", rest)  # strace pads the pid column
}
NR == FNR {
	# pass 1: child pid of every clone-like call, keyed by the line that
	# entered it.
	if (match(rest, /^[a-z_][a-z0-9_]*\(/)) {
		n = substr(rest, 1, RLENGTH - 1)
		if (!is_clone(n)) next
		if (rest ~ / <unfinished \.\.\.>$/) { pending[pid] = FNR; next }
		if (rest ~ /\) += [0-9]+$/) child[FNR] = $NF
	} else if (match(rest, /^<\.\.\. [a-z0-9_]+ resumed>/)) {
		n = substr(rest, 6, RLENGTH - 14)
		if (is_clone(n) && (pid in pending)) {
			if (rest ~ /\) += [0-9]+$/) child[pending[pid]] = $NF
			delete pending[pid]
		}
	}
	next
}
FNR == 1 { prog[pid] = "-"; inroot[pid] = 0 }
{
	if (rest ~ /^(\+\+\+|---) /) next         # exit / signal notes
	if (match(rest, /^[a-z_][a-z0-9_]*\(/)) {
		n = substr(rest, 1, RLENGTH - 1)
		unfinished = (rest ~ / <unfinished \.\.\.>$/)
		charge(pid, n)
		if (is_clone(n) && (FNR in child)) {
			c = child[FNR]
			prog[c] = prog[pid]; inroot[c] = inroot[pid]
		}
		if (n == "chroot" && !unfinished && rest ~ /\) += 0$/) inroot[pid] = 1
		if (n == "execve" || n == "execveat") {
			path = exec_path(rest)
			if (n == "execveat" && rest !~ /^execveat\(AT_FDCWD, /) path = ""
			if (unfinished) { execpath[pid] = path; next }
			if (rest ~ /\) += 0$/) newimage(pid, path, n)
		}
	} else if (match(rest, /^<\.\.\. [a-z0-9_]+ resumed>/)) {
		n = substr(rest, 6, RLENGTH - 14)
		if ((n == "execve" || n == "execveat") && rest ~ /\) += 0$/) {
			if (pid in execpath) newimage(pid, execpath[pid], n)
			else print "?\tpid " pid ": " n " resumed without its start (thread exec?)"
		}
		if (n == "chroot" && rest ~ /\) += 0$/) inroot[pid] = 1
		delete execpath[pid]
	} else {
		print "?\tunparsed line: " $0
	}
}
function newimage(p, path, n) {
	if (!inroot[p]) { prog[p] = "-"; return }
	if (path == "" || path !~ /^\//) {
		print "?\tpid " p ": " n " of a path this test cannot resolve: " path
		prog[p] = "?" path
		return
	}
	prog[p] = path
}
EOF

# ---------------------------------------------------------------------------
# The commands.  One per line, shell words (eval'd into "$@"); stdin is
# /dev/null.  They run in order in the same private rootfs, so later ones
# see the files earlier ones made.
cat > "$WORK/commands" <<'EOF'
true
ls -l /
bash -c 'echo $((1+1))'
dash -c 'exit 0'
date
uname -a
env
id
sleep 0.1
tar -cf /tmp/x.tar /etc/hostname
tar -tvf /tmp/x.tar
gzip -c /etc/passwd
sh -c 'gzip -c /etc/passwd | zcat'
find /etc -name '*.conf'
sort /etc/passwd
sed -n 1p /etc/passwd
grep root /etc/passwd
awk -F: '{print $1}' /etc/passwd
cp /etc/hostname /tmp/h
mv /tmp/h /tmp/h2
stat /etc
cat /etc/os-release
head -n 3 /etc/passwd
tail -n 3 /etc/passwd
wc /etc/passwd
cut -d: -f1 /etc/passwd
uniq /etc/passwd
tee /tmp/tee
mkdir -p /tmp/d/e
rm -rf /tmp/d
touch /tmp/t
chmod 600 /tmp/t
ln -s /etc/hostname /tmp/l
readlink /tmp/l
du -s /etc
df /
getent passwd root
md5sum /etc/passwd
sha256sum /etc/passwd
base64 /etc/hostname
xargs -a /etc/hostname echo
sh -c 'tr a-z A-Z < /etc/hostname'
sh -c 'cut -d: -f7 /etc/passwd | sort | uniq -c'
bash -c 'sleep 0.1 & wait'
timeout 5 true
diff /etc/hostname /tmp/h2
seq 5
findmnt
nproc
hostname
getconf -a
ls /proc/self/
apt-get check
perl -e 1
dpkg -l
apt-cache policy
# Programs whose libraries have constructors (libselinux, libcap via
# libsystemd, libaudit, libcap-ng) that ld.so runs before main.
apt-config dump
apt-mark showmanual
lslogins
chage -l root
passwd -S root
setpriv --dump
mountpoint /proc
install -d /tmp/i
mkfifo /tmp/f
lslocks
EOF

# ---------------------------------------------------------------------------
# Run them.
ENVPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
i=0
: > "$WORK/programs"
while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	i=$((i + 1))
	printf '%s\n' "$line" > "$WORK/cmd.$i"
	eval "set -- $line"
	(cd / && timeout -k 5 30 env -i PATH="$ENVPATH" HOME=/root \
		"$STRACE" -f -qq -e trace=all -o "$WORK/trace.$i" "$CHROOT" "$ROOT" "$@" \
		</dev/null >"$WORK/out.$i" 2>"$WORK/err.$i")
	echo $? > "$WORK/rc.$i"
	awk -f "$WORK/attribute.awk" "$WORK/trace.$i" "$WORK/trace.$i" | LC_ALL=C sort -u > "$WORK/seen.$i"
	cut -f1 "$WORK/seen.$i" | grep -v '^?' >> "$WORK/programs"
done < "$WORK/commands"
NCMD=$i
t1=$(date +%s)
echo "  ..   ran $NCMD commands under strace in $((t1 - t0)) s (copy of the rootfs included)"
[ "$NCMD" -ge 30 ] && pass "$NCMD >= 30 commands" || fail "only $NCMD commands"

# ---------------------------------------------------------------------------
# Static sets, one abicheck run per distinct program.  The program a trace
# names is the execve path; it is resolved inside the rootfs (symlinks such
# as /bin -> usr/bin, sh -> dash, awk -> /etc/alternatives/awk -> mawk), and
# a script stands for its #! interpreter, which the kernel runs.
mkdir -p "$WORK/static"
key() { printf '%s' "$1" | tr '/' '_'; }
# real PATH -> the ELF file inside the rootfs that runs for it
real_program() {
	r=$("$CHROOT" "$ROOT" /usr/bin/realpath -e -- "$1" 2>/dev/null) || { echo "?$1"; return; }
	if [ "$(head -c 2 "$ROOT$r")" = "#!" ]; then
		interp=$(head -n 1 "$ROOT$r" | sed 's/^#! *//; s/[ 	].*//')
		real_program "$interp"
		return
	fi
	echo "$r"
}
LC_ALL=C sort -u "$WORK/programs" > "$WORK/programs.u"
: > "$WORK/realmap"
while IFS= read -r p; do
	printf '%s\t%s\n' "$p" "$(real_program "$p")" >> "$WORK/realmap"
done < "$WORK/programs.u"

t2=$(date +%s)
for r in $(cut -f2 "$WORK/realmap" | LC_ALL=C sort -u); do
	k=$(key "$r")
	case $r in '?'*) continue ;; esac
	run_abicheck scan "dir:$FIXROOT" --reach "$r" -o json
	if [ "$RC" != 0 ]; then
		echo "abicheck scan --reach $r: rc=$RC stderr='$(head -c 300 "$ERR")'" > "$WORK/static/$k.err"
		continue
	fi
	if [ "$(jq --arg p "$r" '[.files[] | select(.path == $p and .reach != null)] | length' "$OUT")" != 1 ]; then
		echo "abicheck scan --reach $r: no single file entry with a reach object for $r" > "$WORK/static/$k.err"
		continue
	fi
	jq -r --arg p "$r" '.files[] | select(.path == $p) | .reach.syscalls[].name' "$OUT" |
		LC_ALL=C sort -u > "$WORK/static/$k"
	if [ ! -s "$WORK/static/$k" ]; then
		echo "abicheck scan --reach $r: empty reach.syscalls" > "$WORK/static/$k.err"
		rm -f "$WORK/static/$k"
	fi
done
[ -z "$(ls -A "$SANDBOX")" ] || fail "abicheck left files in its temp dir"
t3=$(date +%s)
echo "  ..   $(cut -f2 "$WORK/realmap" | LC_ALL=C sort -u | wc -l) static sets computed in $((t3 - t2)) s"

# ---------------------------------------------------------------------------
# Compare, per command and per program.
TABLE="$WORK/table.md"
{
	echo "| # | command | program | seen | static | precision | misses |"
	echo "|---|---|---|---|---|---|---|"
} > "$TABLE"
mdesc() { printf '%s' "$1" | sed 's/|/\\|/g'; }
i=0
while [ $i -lt "$NCMD" ]; do
	i=$((i + 1))
	cmd=$(cat "$WORK/cmd.$i")
	rc=$(cat "$WORK/rc.$i")
	problems=$(grep '^?' "$WORK/seen.$i" | cut -f2- | head -3 | tr '\n' ';')
	if [ "$rc" != 0 ]; then
		fail "[$i] $cmd: exit status $rc under strace (stderr: $(head -c 200 "$WORK/err.$i" | tr '\n' ' '))"
		continue
	fi
	if [ -n "$problems" ]; then
		fail "[$i] $cmd: trace not attributable: $problems"
		continue
	fi
	progs=$(cut -f1 "$WORK/seen.$i" | LC_ALL=C sort -u)
	if [ -z "$progs" ]; then
		fail "[$i] $cmd: no syscall attributed to a program of the rootfs"
		continue
	fi
	ok=1 summary="" why=""
	for p in $progs; do
		r=$(awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$WORK/realmap")
		k=$(key "$r")
		label=$r
		[ "$r" = "$p" ] || label="$p ($r)"
		awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$WORK/seen.$i" | LC_ALL=C sort -u > "$WORK/s"
		nseen=$(wc -l < "$WORK/s")
		if [ ! -f "$WORK/static/$k" ]; then
			ok=0
			why="$why $label: $(cat "$WORK/static/$k.err" 2>/dev/null || echo "cannot resolve in the rootfs");"
			printf '| %s | `%s` | %s | %s | – | – | no static set |\n' "$i" "$(mdesc "$cmd")" "$label" "$nseen" >> "$TABLE"
			continue
		fi
		nstatic=$(wc -l < "$WORK/static/$k")
		misses=$(LC_ALL=C comm -23 "$WORK/s" "$WORK/static/$k" | tr '\n' ' ' | sed 's/ $//')
		prec=$(awk -v a="$nseen" -v b="$nstatic" 'BEGIN { printf "%.1f %%", 100 * a / b }')
		summary="$summary $label seen $nseen / static $nstatic ($prec);"
		printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$i" "$(mdesc "$cmd")" "$label" "$nseen" "$nstatic" \
			"$prec" "${misses:-none}" >> "$TABLE"
		if [ -n "$misses" ]; then
			ok=0
			why="$why $label: seen but not in the static set: $misses (seen $nseen / static $nstatic);"
		fi
	done
	if [ $ok = 1 ]; then
		pass "[$i] $cmd:$summary"
	else
		fail "[$i] $cmd:$why"
	fi
done
t4=$(date +%s)
echo "  ..   total $((t4 - t0)) s"
[ -n "${REACH_TABLE:-}" ] && cp "$TABLE" "$REACH_TABLE"
finish
