#!/bin/sh
# Acceptance: truncated, zero-length, section-header-less, overlapping-
# segment and fuzzed ELF files never crash `abicheck scan`; they yield a
# per-file error in the report (or valid facts, when the file still is a
# well-formed ELF), and the scan continues with the good files' entries
# unchanged.  Also hostile inputs of the library resolution (libraries,
# /etc/ld.so.cache, ld.so.conf, DT_NEEDED names).  Every run must finish in
# $LIMIT seconds with no sanitizer report, so that the test means something
# with the ASan+UBSan build too (make test-asan).
. "$(dirname "$0")/lib.sh"
setup_sandbox

SRC=$(cd "$(dirname "$0")/../fixtures/scan" && pwd)
LIMIT=${SCAN_TIME_LIMIT:-10}
skip_under_valgrind "the ${LIMIT} s bound on each run" \
	"memcheck runs ~30x slower; each run gets ${ABICHECK_TIMEOUT:-1800} s instead" &&
	LIMIT=${ABICHECK_TIMEOUT:-1800}
S="$WORK/seeds"
R="$WORK/root"
H="$R/hostile"
mkdir -p "$S" "$R/bin" "$H" "$WORK/good/bin"

# --- byte-level helpers (ELF fields are little-endian in every seed; le
# is lib.sh's) ---

# u FILE OFFSET NBYTES : the unsigned little-endian value there, decimal.
u() { od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' '; }
# hdr FILE FIELD : a number from readelf -h ("Start of section headers").
hdr() { readelf -hW "$1" 2> /dev/null | sed -n "s/^ *$2: *\([0-9][0-9]*\).*/\1/p"; }
# sections FILE : "INDEX NAME TYPE OFFSET SIZE" (decimal) per section.
sections() {
	readelf -SW "$1" 2> /dev/null | awk '
		function hex(s,  v, i) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		/^ *\[ *[0-9]+\]/ {
			idx = $0; sub(/^ *\[ */, "", idx); sub(/\].*/, "", idx)
			line = $0; sub(/^[^]]*\] */, "", line)
			if (split(line, f, " ") >= 5 && f[2] != "NULL") print idx, f[1], f[2], hex(f[4]), hex(f[5])
		}'
}
# sec FILE NAME FIELD : INDEX, OFFSET or SIZE of a section.
sec() {
	sections "$1" | awk -v n="$2" -v f="$3" '$2 == n { print (f == "INDEX" ? $1 : f == "OFFSET" ? $4 : $5); exit }'
}
# shdr FILE NAME : file offset of that section's header (ELF64).
shdr() { echo $(($(hdr "$1" 'Start of section headers') + $(sec "$1" "$2" INDEX) * 64)); }
# phdr FILE TYPE : file offset of the first program header of TYPE (ELF64).
phdr() {
	i=0 n=$(u "$1" 56 2) off=$(u "$1" 32 8)
	while [ $i -lt "$n" ]; do
		[ "$(u "$1" $((off + i * 56)) 4)" = "$(($2))" ] && { echo $((off + i * 56)); return 0; }
		i=$((i + 1))
	done
	return 1
}
# dyn_set FILE TAG VALUE : the value of the first TAG entry of .dynamic (ELF64).
dyn_set() {
	_o=$(sec "$1" .dynamic OFFSET) _n=$(sec "$1" .dynamic SIZE) _i=0
	while [ $_i -lt "${_n:-0}" ]; do
		if [ "$(u "$1" $((_o + _i)) 8)" = "$(($2))" ]; then
			le "$1" $((_o + _i + 8)) 8 "$3"
			return 0
		fi
		_i=$((_i + 16))
	done
	return 1
}
# mutant NAME SEED : $H/NAME, a copy of $S/SEED to be damaged.
mutant() { cp "$S/$2" "$H/$1" && M="$H/$1"; }

build() {
	name=$1
	shift
	"$@" > "$WORK/cc.err" 2>&1 || fail "build $name: $(head -c 400 "$WORK/cc.err")"
}

# --- good files and seeds ---
cp /bin/true "$R/bin/true"
build good-static gcc -O1 -static -nostdlib -DNOLIBC -o "$R/bin/good-static" "$SRC/x86-sites.c"
build good-a64 aarch64-linux-gnu-gcc -O1 -static -nostdlib -Wl,-z,max-page-size=4096 \
	-o "$R/bin/good-a64" "$SRC/aarch64-sites.c"
cp "$R/bin/true" "$R/bin/good-static" "$R/bin/good-a64" "$WORK/good/bin/"
cp /bin/true "$S/true64"
cp "$R/bin/good-static" "$S/static64"
cp "$R/bin/good-a64" "$S/a64"
build lib32 i686-linux-gnu-gcc -O1 -shared -fPIC -Wl,-soname,lib32.so.1 -o "$S/lib32" "$SRC/lib.c"
printf 'VERS_1 { global: fixture_lib; local: *; };\nVERS_2 { } VERS_1;\n' > "$WORK/vers.map"
build libv64 gcc -O1 -shared -fPIC -Wl,-soname,libv.so.1 -Wl,--version-script="$WORK/vers.map" \
	-o "$S/libv64" "$SRC/lib.c"

# --- hostile files; MUST_ERROR: those whose entry must carry an error ---
MUST_ERROR=
must_error() { MUST_ERROR="$MUST_ERROR /hostile/$1"; }
size=$(stat -c %s "$S/true64")

: > "$H/zero"                                    # not listed: no ELF magic
echo 'not an ELF file' > "$H/text"               # not listed either
printf '\177ELF' > "$H/magic-only"; must_error magic-only
for n in 16 52 63 64 120; do
	head -c $n "$S/true64" > "$H/trunc-$n"; must_error "trunc-$n"
done
head -c $((size / 2)) "$S/true64" > "$H/trunc-half"; must_error trunc-half
head -c $(($(stat -c %s "$S/static64") / 2)) "$S/static64" > "$H/static-half"; must_error static-half
head -c $(($(stat -c %s "$S/a64") / 2)) "$S/a64" > "$H/a64-half"; must_error a64-half
head -c 60 "$S/lib32" > "$H/lib32-trunc-60"; must_error lib32-trunc-60 # ELF32 header, no phdrs
head -c $((size - 1)) "$S/true64" > "$H/trunc-minus-1"  # only the last section header cut

# Section headers.
mutant no-shdr true64; le "$M" 40 8 0; le "$M" 60 2 0; le "$M" 62 2 0
mutant static-no-shdr static64; le "$M" 40 8 0; le "$M" 60 2 0; le "$M" 62 2 0
mutant shnum-ffff true64; le "$M" 40 8 0x7fff0000deadbeef; le "$M" 60 2 65535
mutant shnum-ffff-inside true64; le "$M" 60 2 65535
mutant shoff-1 true64; le "$M" 40 8 1
mutant shoff-eof true64; le "$M" 40 8 $((size + 4096))
mutant shstrndx-big true64; le "$M" 62 2 60000
mutant shentsize-0 true64; le "$M" 58 2 0
# Program headers.
mutant phoff-eof true64; le "$M" 32 8 $((size + 100)); must_error phoff-eof
mutant phoff-huge true64; le "$M" 32 8 0x7ffffffffffffff0; must_error phoff-huge
mutant phentsize-0 true64; le "$M" 54 2 0
mutant phentsize-big true64; le "$M" 54 2 65535
mutant phnum-xnum true64; le "$M" 56 2 65535
mutant phnum-big true64; le "$M" 56 2 60000
o=$(phdr "$S/true64" 1)                           # the first PT_LOAD
mutant load-huge true64; le "$M" $((o + 32)) 8 0x7fffffffffffffff; le "$M" $((o + 40)) 8 0x7fffffffffffffff
mutant load-off-eof true64; le "$M" $((o + 8)) 8 $((size * 4))
mutant load-align-odd true64; le "$M" $((o + 48)) 8 3
n=$(u "$S/true64" 56 2) p=$(u "$S/true64" 32 8)
mutant overlap true64                             # every segment a PT_LOAD at vaddr 0
i=0
while [ $i -lt "$n" ]; do
	le "$M" $((p + i * 56)) 4 1; le "$M" $((p + i * 56 + 16)) 8 0
	i=$((i + 1))
done
o=$(phdr "$S/true64" 4)                           # PT_NOTE -> a huge PT_LOAD over the others
mutant load-dup true64; le "$M" "$o" 4 1; le "$M" $((o + 4)) 4 5; le "$M" $((o + 8)) 8 0
le "$M" $((o + 32)) 8 0x100000000
mutant note-huge true64; le "$M" $((o + 32)) 8 0x7fffffffffffffff
mutant note-namesz true64; le "$M" "$(u "$S/true64" $((o + 8)) 8)" 4 0xfffffff0
o=$(phdr "$S/true64" 2)                           # PT_DYNAMIC
mutant dyn-huge true64; le "$M" $((o + 32)) 8 0x7fffffffffffffff
mutant dyn-off-eof true64; le "$M" $((o + 8)) 8 0x7ffffffffffff000
mutant dyn-size-7 true64; le "$M" $((o + 32)) 8 7
o=$(phdr "$S/true64" 3)                           # PT_INTERP
mutant interp-huge true64; le "$M" $((o + 32)) 8 0x7fffffffffffffff
mutant interp-off-eof true64; le "$M" $((o + 8)) 8 $((size + 1))
# ELF header identity.
mutant class-swap true64; printf '\001' | dd of="$M" bs=1 seek=4 conv=notrunc 2> /dev/null
mutant endian-swap true64; printf '\002' | dd of="$M" bs=1 seek=5 conv=notrunc 2> /dev/null
mutant etype-bad true64; le "$M" 16 2 0x1234
mutant machine-arm static64; le "$M" 18 2 40
mutant machine-aarch64 static64; le "$M" 18 2 183
mutant machine-i386 static64; le "$M" 18 2 3
mutant machine-x86-on-a64 a64; le "$M" 18 2 62
# Sections of the static program: code, symbols, unwind tables.
mutant text-off-huge static64; le "$M" $(($(shdr "$S/static64" .text) + 24)) 8 0x7fffffffffff0000
mutant text-size-huge static64; le "$M" $(($(shdr "$S/static64" .text) + 32)) 8 0x7fffffffffff0000
mutant text-size-eof static64; le "$M" $(($(shdr "$S/static64" .text) + 32)) 8 $(($(stat -c %s "$S/static64") + 1))
mutant symtab-entsize-0 static64; le "$M" $(($(shdr "$S/static64" .symtab) + 56)) 8 0
mutant symtab-entsize-1 static64; le "$M" $(($(shdr "$S/static64" .symtab) + 56)) 8 1
mutant symtab-size-huge static64; le "$M" $(($(shdr "$S/static64" .symtab) + 32)) 8 0x7fffffffffffff00
mutant symtab-link-bad static64; le "$M" $(($(shdr "$S/static64" .symtab) + 40)) 4 0xffff
mutant strtab-off-huge static64; le "$M" $(($(shdr "$S/static64" .strtab) + 24)) 8 0x7fffffffffff0000
mutant symbols-huge static64                      # every symbol 1 GB long
o=$(sec "$S/static64" .symtab OFFSET) n=$(sec "$S/static64" .symtab SIZE) i=0
while [ $i -lt "$n" ]; do le "$M" $((o + i + 16)) 8 0x40000000; i=$((i + 24)); done
o=$(sec "$S/static64" .eh_frame OFFSET)
mutant ehframe-size-huge static64; le "$M" $(($(shdr "$S/static64" .eh_frame) + 32)) 8 0x7fffffffffff0000
mutant ehframe-cie-len static64; le "$M" "$o" 4 0xfffffff0
mutant ehframe-len64 static64; le "$M" "$o" 4 0xffffffff; le "$M" $((o + 4)) 8 0x7fffffffffffffff
mutant ehframe-ff static64
dd if=/dev/zero bs=1 count="$(sec "$S/static64" .eh_frame SIZE)" 2> /dev/null | tr '\0' '\377' |
	dd of="$M" bs=1 seek="$o" conv=notrunc 2> /dev/null
mutant ehframe-fde-id static64                    # each FDE's CIE pointer at the FDE itself
i=0 n=$(sec "$S/static64" .eh_frame SIZE)
while [ $i -lt "$n" ]; do
	l=$(u "$S/static64" $((o + i)) 4)
	[ "$l" = 0 ] && break
	[ "$(u "$S/static64" $((o + i + 4)) 4)" != 0 ] && le "$M" $((o + i + 4)) 4 4
	i=$((i + 4 + l))
done
# .dynamic entries of /bin/true.
mutant dt-strsz-huge true64; dyn_set "$M" 10 0x7fffffffffffffff
mutant dt-strtab-0 true64; dyn_set "$M" 5 0
mutant dt-needed-huge true64; dyn_set "$M" 1 0x7fffffffffffff00
mutant dt-verneednum-huge true64; dyn_set "$M" 0x6fffffff 0xffffffff
mutant dt-verneed-0 true64; dyn_set "$M" 0x6ffffffe 0
mutant dt-verneed-strtab true64; dyn_set "$M" 0x6ffffffe "$(sec "$S/true64" .dynstr OFFSET)"
mutant dt-verdefnum-huge libv64; dyn_set "$M" 0x6ffffffd 0xffffffff
mutant dt-verdef-dynamic libv64; dyn_set "$M" 0x6ffffffc "$(sec "$S/libv64" .dynamic OFFSET)"
mutant dt-no-null true64                          # DT_NULL overwritten: runs to the end
o=$(sec "$S/true64" .dynamic OFFSET) n=$(sec "$S/true64" .dynamic SIZE) i=0
while [ $i -lt "$n" ]; do
	[ "$(u "$S/true64" $((o + i)) 8)" = 0 ] && le "$M" $((o + i)) 8 0x6ffffef0
	i=$((i + 16))
done
for m in $(cd "$H" && ls); do
	[ -s "$H/$m" ] || [ "$m" = zero ] || fail "building hostile file $m"
done

# --- fuzzed variants: Park-Miller LCG (the same in every awk), 1..6 byte
# writes weighted towards the ELF header, program and section headers and
# section contents; the writes are printed on failure to reproduce. ---
FUZZ_PER_SEED=${FUZZ_PER_SEED:-14}
for seed in true64 static64 a64 lib32 libv64; do
	f="$S/$seed"
	sz=$(stat -c %s "$f")
	phoff=$(hdr "$f" 'Start of program headers')
	phsz=$(($(hdr "$f" 'Size of program headers') * $(hdr "$f" 'Number of program headers')))
	shoff=$(hdr "$f" 'Start of section headers')
	shsz=$(($(hdr "$f" 'Size of section headers') * $(hdr "$f" 'Number of section headers')))
	k=1
	while [ $k -le "$FUZZ_PER_SEED" ]; do
		name="fuzz-$seed-$k"
		cp "$f" "$H/$name"
		sections "$f" | awk -v x="$(printf %s "$seed" | cksum | cut -d' ' -f1)" -v k="$k" \
			-v m=$((1 + k % 6)) -v size="$sz" -v eh=64 -v phoff="$phoff" -v phsz="$phsz" \
			-v shoff="$shoff" -v shsz="$shsz" '
			function rnd() { x = (x * 16807) % 2147483647; return x / 2147483647 }
			$3 != "NOBITS" && $5 > 0 { so[n] = $4; ss[n] = $5; n++ }
			END {
				x = x % 2147483646 + 1
				for (i = 0; i < 8 + 40 * k; i++) rnd() # variant k: its own stretch of the stream
				for (i = 0; i < m; i++) {
					r = rnd()
					if (r < .2) off = int(rnd() * eh)
					else if (r < .45 && phsz > 0) off = phoff + int(rnd() * phsz)
					else if (r < .65 && shsz > 0) off = shoff + int(rnd() * shsz)
					else if (r < .9 && n > 0) { s = int(rnd() * n); off = so[s] + int(rnd() * ss[s]) }
					else off = int(rnd() * size)
					if (off >= size) off = size - 1
					v = rnd()
					b = v < .2 ? 0 : v < .4 ? 255 : v < .5 ? 127 : v < .6 ? 128 : int(rnd() * 256)
					print off, b
				}
			}' > "$WORK/$name.writes"
		while read -r off b; do
			printf "\\$(printf %03o "$b")" | dd of="$H/$name" bs=1 seek="$off" conv=notrunc 2> /dev/null
		done < "$WORK/$name.writes"
		k=$((k + 1))
	done
done

# --- inputs the ELF fuzzer once failed on (tests/fuzz/regressions) ---
for f in "$(dirname "$0")"/../fuzz/regressions/elf-*; do
	[ -f "$f" ] && cp "$f" "$H/regression-$(basename "$f")"
done

# --- running abicheck under a time limit ---
run_limited() {
	: > "$WORK/stdout"; : > "$WORK/stderr"
	# The subshell waits for timeout and keeps the shell's "Killed" notice
	# (abicheck ignored SIGTERM) out of the test's output.
	(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" timeout -k 2 "$LIMIT" "$ABICHECK" "$@" \
		< /dev/null > "$WORK/stdout" 2> "$WORK/stderr"; rc=$?; exit $rc) 2> /dev/null
	RC=$?
	OUT="$WORK/stdout"
	ERR="$WORK/stderr"
}
# trouble : why the last run is not a clean scan report (empty if it is).
trouble() {
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		echo "took more than ${LIMIT}s"
	elif grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error' "$ERR"; then
		echo "sanitizer: $(grep -m1 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error' "$ERR" | head -c 300)"
	elif [ "$RC" -ge 128 ]; then
		echo "killed by signal $((RC - 128))"
	elif [ "$RC" != 0 ]; then
		echo "exit $RC: $(head -c 300 "$ERR")"
	elif [ -s "$ERR" ]; then
		echo "stderr: $(head -c 300 "$ERR")"
	elif [ "$(jq -r .schema "$OUT" 2> /dev/null)" != abicheck.scan/v1 ]; then
		echo "no valid scan JSON: $(head -c 200 "$OUT")"
	fi
}
# An entry is sound when it has a one-line error, or no error and facts of
# a known type; "invalid" facts without an error hide the problem.
SOUND='(.error == null or ((.error | type) == "string" and (.error | length) > 0 and (.error | test("\n") | not))) and
	(if .error == null then (.facts | type) == "object" and
		(.facts.type as $t | ["exec", "pie", "static", "static-pie", "shared", "relocatable", "core"] | any(. == $t))
	 else true end)'

# --- baseline: the good files alone ---
run_limited scan "dir:$WORK/good" -o json
why=$(trouble)
if [ -z "$why" ] && [ "$(jq '.summary | {files, errors}' "$OUT" | tr -d ' \n')" = '{"files":3,"errors":0}' ]; then
	pass "baseline: the three good files scan cleanly"
else
	fail "baseline: $why $(jq -c .summary "$OUT" 2> /dev/null)"
fi
jq -c '.files[]' "$OUT" > "$WORK/good.entries" 2> /dev/null
jq -e '.files[] | select(.path == "/bin/good-static") | .syscalls.summary.sites == 5' "$OUT" > /dev/null 2>&1 &&
	pass "baseline: good-static has its 5 syscall sites" || fail "baseline good-static: $(jq -c '.files[1].syscalls.summary' "$OUT" 2>&1)"

# --- the whole rootfs in one run ---
find_elf_set "$R" > "$WORK/elf.expected"
nhostile=$(grep -c '^/hostile/' "$WORK/elf.expected")
nfuzz=$(grep -c '^/hostile/fuzz-' "$WORK/elf.expected")
[ "$nfuzz" -ge 50 ] || fail "only $nfuzz fuzzed variants kept their ELF magic; want >= 50"
run_limited scan "dir:$R" -o json
why=$(trouble)
if [ -z "$why" ]; then
	pass "scan of the rootfs with $nhostile hostile files ($nfuzz fuzzed): exit 0, valid JSON, in ${LIMIT}s"
else
	fail "scan of the rootfs: $why"
fi
cp "$OUT" "$WORK/whole.json"
jq -r '.files[].path' "$WORK/whole.json" 2> /dev/null > "$WORK/elf.got"
if cmp -s "$WORK/elf.expected" "$WORK/elf.got"; then
	pass "every file with ELF magic listed once, in order; zero-length and text files absent"
else
	fail "listed files differ: $(diff "$WORK/elf.expected" "$WORK/elf.got" | head -6 | tr '\n' ' ')"
fi
jq -c '.files[] | select(.path | startswith("/bin/"))' "$WORK/whole.json" 2> /dev/null > "$WORK/good.got"
if [ -s "$WORK/good.entries" ] && cmp -s "$WORK/good.entries" "$WORK/good.got"; then
	pass "the good files' entries are exactly as when scanned without the hostile ones"
else
	fail "good files' entries changed: $(diff "$WORK/good.entries" "$WORK/good.got" | head -c 400)"
fi
bad=$(jq -r ".files[] | select(($SOUND) | not) | \"\\(.path): error=\\(.error) type=\\(.facts.type)\"" "$WORK/whole.json" 2>&1)
[ -z "$bad" ] && pass "every entry has a one-line error or facts of a known type" ||
	fail "entries neither erroneous nor sound: $(echo "$bad" | head -12 | tr '\n' ';')"
missing=
for p in $MUST_ERROR; do
	e=$(jq -r --arg p "$p" '.files[] | select(.path == $p) | .error // "null"' "$WORK/whole.json" 2> /dev/null)
	[ -n "$e" ] && [ "$e" != null ] || missing="$missing $p(${e:-absent})"
done
[ -z "$missing" ] && pass "each truncated file and header beyond EOF carries an error" ||
	fail "truncated or headerless files without an error:$missing"
jq -e '.summary.files == (.files | length) and .summary.errors == ([.files[] | select(.error != null)] | length)' \
	"$WORK/whole.json" > /dev/null 2>&1 && pass "summary counts the files and the errors" ||
	fail "summary: $(jq -c .summary "$WORK/whole.json" 2>&1)"

# A header-less static program is still analysed: same sites, from its
# executable segment.
if [ "$(jq -c '[.files[] | select(.path == "/bin/good-static") | .syscalls.sites[] | [.address, [.numbers[].nr]]]' "$WORK/whole.json" 2>&1)" = \
     "$(jq -c '[.files[] | select(.path == "/hostile/static-no-shdr") | .syscalls.sites[] | [.address, [.numbers[].nr]]]' "$WORK/whole.json" 2>&1)" ] &&
   jq -e '.files[] | select(.path == "/hostile/static-no-shdr") | .error == null and .syscalls.summary.sites == 5' "$WORK/whole.json" > /dev/null 2>&1; then
	pass "static-no-shdr: the same 5 sites found in the executable segment"
else
	fail "static-no-shdr: $(jq -c '.files[] | select(.path == "/hostile/static-no-shdr") | [.error, .syscalls.summary]' "$WORK/whole.json" 2>&1)"
fi
jq -e '.files[] | select(.path == "/hostile/no-shdr") | .error == null and .facts.type == "pie" and
	.facts.dynamic.needed == ["libc.so.6"] and .facts.interpreter == "/lib64/ld-linux-x86-64.so.2"' \
	"$WORK/whole.json" > /dev/null 2>&1 && pass "no-shdr: /bin/true without section headers keeps its dynamic facts" ||
	fail "no-shdr: $(jq -c '.files[] | select(.path == "/hostile/no-shdr") | [.error, .facts.type, .facts.dynamic]' "$WORK/whole.json" 2>&1)"

# --- each hostile file alone, by path: same entry as in the whole scan ---
jq -c '.files[]' "$WORK/whole.json" > "$WORK/whole.entries" 2> /dev/null
alone_bad='' i=0
while read -r p; do
	i=$((i + 1))
	case $p in /hostile/*) ;; *) continue ;; esac
	run_limited scan "dir:$R" "$p" -o json
	why=$(trouble)
	if [ -z "$why" ]; then
		jq -c '.files[0]' "$OUT" > "$WORK/alone.entry" 2> /dev/null
		sed -n "${i}p" "$WORK/whole.entries" > "$WORK/whole.entry"
		[ "$(jq '.files | length' "$OUT")" = 1 ] && cmp -s "$WORK/alone.entry" "$WORK/whole.entry" ||
			why="entry differs from the whole scan's"
	fi
	if [ -n "$why" ]; then
		writes=
		[ -f "$WORK/${p#/hostile/}.writes" ] && writes=" writes(offset byte): $(tr '\n' ',' < "$WORK/${p#/hostile/}.writes")"
		alone_bad="$alone_bad
    $p: $why$writes"
	fi
done < "$WORK/elf.got"
[ -z "$alone_bad" ] && pass "each of the $nhostile hostile files scanned alone: clean report, same entry" ||
	fail "hostile files scanned alone:$alone_bad"
# A PATH that is no ELF file of the image is an input error, with a reason.
for p in /hostile/zero /hostile/text; do
	expect_input_error "scan by PATH $p" "^abicheck: (.*: )?$p: not an ELF file" scan "dir:$R" "$p" -o json
done
expect_input_error "scan by PATH /hostile (a directory)" '^abicheck: (.*: )?/hostile: (is a directory|not an ELF file)' \
	scan "dir:$R" /hostile -o json
expect_input_error "scan by PATH /no/such/file" '^abicheck: (.*: )?/no/such/file: .*[Nn]o such file' \
	scan "dir:$R" /no/such/file -o json

# --- pathological but well-formed: work must stay bounded ---
mkdir -p "$WORK/slow/bin"
build dense-sites gcc -static -nostdlib -o "$WORK/slow/bin/dense-sites" "$SRC/dense-sites.c"
run_limited scan "dir:$WORK/slow" /bin/dense-sites -o json
why=$(trouble)
[ -z "$why" ] && jq -e '.files[0].syscalls.summary | .sites == 60001 and .resolved == 60001' "$OUT" > /dev/null 2>&1 &&
	pass "dense-sites: 60001 sites in one function, all resolved, in ${LIMIT}s" ||
	fail "dense-sites (60001 syscall sites in one 420 KB function): $why $(jq -c '.files[0].syscalls.summary' "$OUT" 2> /dev/null)"
build verneed-blob gcc -O1 -o "$WORK/slow/bin/verneed-blob" "$SRC/verneed-blob.c"
blob=$(nm "$WORK/slow/bin/verneed-blob" | awk '$3 == "blob" { print $1 }')
dyn_set "$WORK/slow/bin/verneed-blob" 0x6ffffffe "0x$blob" && dyn_set "$WORK/slow/bin/verneed-blob" 0x6fffffff 4096 &&
	dyn_set "$WORK/slow/bin/verneed-blob" 10 8 || fail "patching verneed-blob's .dynamic"
run_limited scan "dir:$WORK/slow" /bin/verneed-blob -o json
why=$(trouble)
[ -z "$why" ] && jq -e '.files[0] | .error != null or .facts.versions.needed == []' "$OUT" > /dev/null 2>&1 &&
	pass "verneed-blob: 4096 x 65535 bogus version entries rejected in ${LIMIT}s" ||
	fail "verneed-blob (DT_VERNEED over 262144 records of 65535 aux entries each): $why"

# --- hostile inputs of the library resolution ---
# NEEDED names: "/", a directory, an escape, a self-dependency, a cycle,
# and a RUNPATH of 2000 $ORIGINs.
L="$WORK/ldroot"
mkdir -p "$L/usr/bin" "$L/usr/lib/x86_64-linux-gnu" "$L/usr/lib/odd" "$L/etc/ld.so.conf.d" "$WORK/stub"
host_libs "$L"
cp /bin/true "$L/usr/bin/true"
for name in / /usr/lib ../../../../../etc/passwd libgone.so.1; do
	build "stub $name" gcc -shared -fPIC -Wl,-soname,"$name" -o "$WORK/stub/$(echo "$name" | tr / _)" "$SRC/lib.c"
done
cyclic_libs "$L/usr/lib/x86_64-linux-gnu" "$WORK/stub" "$SRC/lib.c"
origins=$(awk 'BEGIN { for (i = 0; i < 2000; i++) printf "$ORIGIN"; printf "/x:${ORIGIN}/../lib/$LIB:$PLATFORM" }')
build weird gcc -O1 -o "$L/usr/bin/weird" "$SRC/dyn-main.c" -Wl,--no-as-needed \
	"$WORK/stub/_" "$WORK/stub/_usr_lib" "$WORK/stub/.._.._.._.._.._etc_passwd" \
	"$L/usr/lib/x86_64-linux-gnu/libself.so.1" "$L/usr/lib/x86_64-linux-gnu/liba.so.1" \
	"$WORK/stub/libgone.so.1" -Wl,--enable-new-dtags,-rpath,"$origins"
cp "$WORK/stub/libgone.so.1" "$L/usr/lib/odd/libgone.so.1"
# ld.so.conf including itself, a glob over /, and a conf.d file including
# ld.so.conf again; /usr/lib/odd holds the missing libgone.so.1.
printf 'include /etc/ld.so.conf\ninclude /*\ninclude /etc/ld.so.conf.d/*.conf\n/usr/lib/odd\n' > "$L/etc/ld.so.conf"
printf 'include /etc/ld.so.conf\n%s\n' "$(awk 'BEGIN { for (i = 0; i < 3000; i++) printf "/x" }')" \
	> "$L/etc/ld.so.conf.d/loop.conf"
run_limited scan "dir:$L" /usr/bin/weird -o json
why=$(trouble)
if [ -z "$why" ] && jq -e '.files[0].loader as $l |
	any($l.unresolved[]; .name == "libgone.so.1" and
	    (.hint // "" | test("/usr/lib/odd/libgone.so.1 exists .*ld.so.conf.*no /etc/ld.so.cache"))) and
	any($l.needed[]; .name == "libself.so.1") and any($l.needed[]; .name == "libb.so.1") and
	([$l.needed[] | select(.name == "liba.so.1")] | length) == 1' "$OUT" > /dev/null 2>&1; then
	pass "weird NEEDED names, self-dependency, cycle, 2000 \$ORIGINs, looping ld.so.conf: resolved, with the ld.so.conf hint"
else
	fail "weird NEEDED / ld.so.conf: $why $(jq -c '.files[0].loader' "$OUT" 2> /dev/null | head -c 600)"
fi

# /etc/ld.so.cache: truncated, fuzzed and forged ones, around /bin/true.
cache_bad=
cache_case() { # NAME : scans /usr/bin/true with $L/etc/ld.so.cache as it is now
	run_limited scan "dir:$L" /usr/bin/true -o json
	why=$(trouble)
	[ -z "$why" ] && ! jq -e '.files[0].loader | (.needed | type) == "array" and (.unresolved | type) == "array"' \
		"$OUT" > /dev/null 2>&1 && why="no loader object"
	[ -z "$why" ] || cache_bad="$cache_bad $1($why)"
}
rm -f "$L/etc/ld.so.conf" && rm -rf "$L/etc/ld.so.conf.d"
ncache=0
if [ -s /etc/ld.so.cache ]; then
	csize=$(stat -c %s /etc/ld.so.cache)
	for n in 0 11 16 20 47 48 49 72 $((csize / 2)) $((csize - 1)); do
		head -c "$n" /etc/ld.so.cache > "$L/etc/ld.so.cache"
		cache_case "cache-trunc-$n"; ncache=$((ncache + 1))
	done
	k=1
	while [ $k -le 12 ]; do
		cp /etc/ld.so.cache "$L/etc/ld.so.cache"
		awk -v x=$((k * 7919)) -v size="$csize" 'BEGIN {
			for (i = 0; i < 4; i++) {
				x = (x * 16807) % 2147483647; off = int(x / 2147483647 * (size < 600 ? size : 600))
				x = (x * 16807) % 2147483647; print off, int(x / 2147483647 * 256)
			} }' > "$WORK/cache.writes"
		while read -r off b; do
			printf "\\$(printf %03o "$b")" | dd of="$L/etc/ld.so.cache" bs=1 seek="$off" conv=notrunc 2> /dev/null
		done < "$WORK/cache.writes"
		cache_case "cache-fuzz-${k}[$(tr '\n' ',' < "$WORK/cache.writes")]"; ncache=$((ncache + 1))
		k=$((k + 1))
	done
fi
# Forged: the new format with 0x0aaaaaaa entries; the old format with
# 0xffffffff; entries whose strings point past the end.
{ printf 'glibc-ld.so.cache1.1'; printf '\252\252\252\012'; head -c 24 /dev/zero; } > "$L/etc/ld.so.cache"
cache_case cache-nlibs-huge; ncache=$((ncache + 1))
{ printf 'ld.so-1.7.0\0'; printf '\377\377\377\377'; head -c 64 /dev/zero; } > "$L/etc/ld.so.cache"
cache_case cache-old-huge; ncache=$((ncache + 1))
{ printf 'glibc-ld.so.cache1.1'; printf '\002\0\0\0\377\377\0\0'; head -c 20 /dev/zero
  printf '\003\003\0\0\377\377\377\177\0\0\0\200'; head -c 12 /dev/zero
  printf '\003\003\0\0\060\0\0\0\060\0\0\0'; head -c 12 /dev/zero; } > "$L/etc/ld.so.cache"
cache_case cache-strings-out; ncache=$((ncache + 1))
[ -z "$cache_bad" ] && pass "$ncache truncated, fuzzed and forged ld.so.cache files: clean reports" ||
	fail "ld.so.cache cases:$cache_bad"

# Hostile files where /bin/true looks for libc.so.6.
rm -f "$L/etc/ld.so.cache"
libc_bad='' nlibc=0
for h in trunc-16 trunc-64 trunc-half phoff-eof dyn-huge dt-strsz-huge dt-needed-huge dt-no-null \
	dt-verneednum-huge class-swap endian-swap fuzz-true64-1 fuzz-true64-2 fuzz-true64-3 fuzz-true64-4 \
	fuzz-libv64-1 fuzz-libv64-2 fuzz-lib32-1; do
	[ -f "$H/$h" ] || continue
	rm -f "$L/usr/lib/x86_64-linux-gnu/libc.so.6"
	cp "$H/$h" "$L/usr/lib/x86_64-linux-gnu/libc.so.6"
	run_limited scan "dir:$L" /usr/bin/true -o json
	why=$(trouble)
	[ -z "$why" ] && ! jq -e '.files[0].loader | any(.needed[], .unresolved[]; .name == "libc.so.6")' \
		"$OUT" > /dev/null 2>&1 && why="libc.so.6 neither found nor missing"
	[ -z "$why" ] || libc_bad="$libc_bad $h($why)"
	nlibc=$((nlibc + 1))
done
[ -z "$libc_bad" ] && pass "$nlibc hostile files standing in for libc.so.6: clean reports" ||
	fail "hostile libc.so.6:$libc_bad"
finish
