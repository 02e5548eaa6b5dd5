#!/bin/sh
# abicheck kernel-config against moby's check-config.sh: on each of the four
# real configs in tests/fixtures/kconfig, every option line (group, driver,
# option, verdict, in order) and the exit status equal the script's own run
# (example-run-*.txt).  The script took its version conditions from the
# running kernel (6.18) of the machine it ran on, so the comparison passes
# --kernel-version 6.18; without it the config's own version decides, which
# the 4.19 config checks separately.  Then the JSON schema, and bad input.
. "$(dirname "$0")/lib.sh"
setup_sandbox
KC="$(cd "$(dirname "$0")/../fixtures/kconfig" && pwd)"

# Option lines as "group|driver|CONFIG_X: verdict", in order, from a
# check-config.sh-style report on stdin (stops at abicheck's own section).
option_lines() {
	awk '
		/^Container ABI/ { exit }
		/^[A-Z][A-Za-z ]*:$/ { group = $0; driver = ""; next }
		/^- (Network|Storage) Drivers:$/ { group = $0; driver = ""; next }
		/^  - "/ { driver = $0; next }
		/^ *- CONFIG_[A-Z0-9_]+: / { sub(/^ *- /, ""); print group "|" driver "|" $0 }
	'
}

for cfg in debian-bookworm-6.1.0-56-amd64_6.1.192-2.config.gz \
	   debian-bookworm-6.1.0-56-arm64_6.1.192-2.config.gz \
	   mebeim-systrack-x86_64-v4.19.config this-host.config; do
	name=${cfg%.config*}
	want="$KC/example-run-$name.txt"
	want_rc=$(sed -n 's/^# exit code: //p' "$want")
	run_abicheck kernel-config "$KC/$cfg" --kernel-version 6.18
	option_lines < "$want" > "$WORK/want"
	option_lines < "$OUT" > "$WORK/got"
	n=$(wc -l < "$WORK/want")
	if [ "$n" -gt 80 ] && cmp -s "$WORK/want" "$WORK/got" && [ "$RC" = "$want_rc" ]; then
		pass "$name: $n option lines and exit $RC equal check-config.sh's"
	else
		fail "$name: rc=$RC (want $want_rc) $(diff "$WORK/want" "$WORK/got" | head -5 | tr '\n' ' ') $(head -c 300 "$ERR")"
	fi
	[ -s "$ERR" ] && fail "$name: stderr not empty: $(head -c 200 "$ERR")"
done

# The gzip and plain forms of one config give the same report.
gunzip -c "$KC/debian-bookworm-6.1.0-56-amd64_6.1.192-2.config.gz" > "$WORK/amd64.config"
run_abicheck kernel-config "$WORK/amd64.config"
sed 1d "$OUT" > "$WORK/plain"
run_abicheck kernel-config "$KC/debian-bookworm-6.1.0-56-amd64_6.1.192-2.config.gz"
sed 1d "$OUT" > "$WORK/gz"
cmp -s "$WORK/plain" "$WORK/gz" && pass "gzip and plain config: same report" ||
	fail "gzip and plain differ: $(diff "$WORK/plain" "$WORK/gz" | head -5)"

# Its own version (4.19): the script's < 5.x conditions apply.
run_abicheck kernel-config "$KC/mebeim-systrack-x86_64-v4.19.config"
for line in "CONFIG_NF_NAT_IPV4: enabled (as module)" "CONFIG_NF_NAT_NEEDED: enabled" \
	    "CONFIG_IOSCHED_CFQ: enabled" "CONFIG_CFQ_GROUP_IOSCHED: missing" \
	    "CONFIG_MEMCG_SWAP: missing" "CONFIG_INET_XFRM_MODE_TRANSPORT: missing" \
	    "CONFIG_CGROUP_BPF: missing"; do
	grep -q -- "- $line\$" "$OUT" && pass "4.19 by its own header: $line" ||
		fail "4.19 by its own header lacks '$line'"
done
grep -q "DEVPTS_MULTIPLE_INSTANCES" "$OUT" && fail "4.19: DEVPTS_MULTIPLE_INSTANCES is < 4.8 only" ||
	pass "4.19: no DEVPTS_MULTIPLE_INSTANCES (< 4.8 only)"
grep -q "cgroup swap accounting is currently enabled" "$OUT" &&
	fail "4.19: the 5.8+ swap note printed" || pass "4.19: no 5.8+ swap note"

# Container ABI section, per config.
abi_line() { sed -n '/^Container ABI/,$p' "$OUT" | grep -q -- "^- $1\$"; }
run_abicheck kernel-config "$KC/debian-bookworm-6.1.0-56-amd64_6.1.192-2.config.gz"
abi_line "vsyscall page: none" && abi_line "CONFIG_IA32_EMULATION: enabled" &&
	abi_line "CONFIG_X86_X32_ABI: enabled, off by default (X86_X32_DISABLED)" &&
	abi_line "page size: 4K" && abi_line "CONFIG_BINFMT_MISC: enabled (as module)" &&
	pass "amd64 Container ABI: vsyscall none, IA32, x32 off by default, 4K, binfmt_misc module" ||
	fail "amd64 Container ABI: $(sed -n '/^Container ABI/,$p' "$OUT" | grep '^-' | tr '\n' ' ')"
run_abicheck kernel-config "$KC/debian-bookworm-6.1.0-56-arm64_6.1.192-2.config.gz"
abi_line "vsyscall page: not applicable (aarch64)" && abi_line "CONFIG_COMPAT: enabled" &&
	abi_line "page size: 4K" && pass "arm64 Container ABI: no vsyscall, COMPAT, 4K" ||
	fail "arm64 Container ABI: $(sed -n '/^Container ABI/,$p' "$OUT" | grep '^-' | tr '\n' ' ')"
run_abicheck kernel-config "$KC/this-host.config"
abi_line "vsyscall page: xonly" && abi_line "CONFIG_X86_X32_ABI: missing" &&
	pass "6.18 Container ABI: xonly, no x32" || fail "6.18 Container ABI"
run_abicheck kernel-config "$KC/mebeim-systrack-x86_64-v4.19.config"
abi_line "vsyscall page: emulate" && abi_line "CONFIG_X86_X32: enabled" &&
	abi_line "CONFIG_USER_NS: missing" && pass "4.19 Container ABI: emulate, x32, no userns" ||
	fail "4.19 Container ABI"

# JSON: schema, the same verdicts as the table, the exit code.
run_abicheck kernel-config "$KC/this-host.config" -o json
[ "$RC" = 1 ] && pass "json: exit 1 (NETFILTER_XT_MATCH_IPVS missing)" || fail "json: rc=$RC"
SHOW='{schema, exit_code, config, version_conditions}'
check "json: schema, config facts, version basis" \
	'.schema == "abicheck.kernel-config/v1" and .exit_code == 1 and .config.release == "6.18.44"
	 and .config.machine == "x86_64" and .version_conditions == {kernel: "6.18", basis: "config-header"}
	 and .host_checks == false'
SHOW='[.checkconfig.checks[] | select(.status == "bad" and .counts)]'
check "json: the one failing Generally Necessary check" \
	'[.checkconfig.checks[] | select(.status == "bad" and .counts) | .name] == ["CONFIG_NETFILTER_XT_MATCH_IPVS"]'
SHOW='.profile'
check "json: profile facts" \
	'.profile.vsyscall == "xonly" and .profile.page_size == 4096 and
	 .profile.abis == [{arch: "x86_64", executes: true}, {arch: "i386", executes: true}] and
	 .profile.config.CONFIG_X86_X32_ABI == "n" and .profile.seccomp_filter == true'
SHOW='[.checkconfig.checks[] | select(.kind == "host")]'
check "json: host checks skipped for a FILE" \
	'[.checkconfig.checks[] | select(.kind == "host" or .kind == "sysctl") | .status] | unique == ["skipped"]'
jq -r '.checkconfig.checks[] | select(.kind == "option" or .kind == "vsyscall") | "\(.name): \(.verdict)"' "$OUT" > "$WORK/json-opts"
run_abicheck kernel-config "$KC/this-host.config"
sed '/^Container ABI/,$d' "$OUT" | sed -n 's/^ *- \(CONFIG_[A-Z0-9_]*: .*\)$/\1/p' > "$WORK/table-opts"
cmp -s "$WORK/json-opts" "$WORK/table-opts" && pass "json and table: same option verdicts" ||
	fail "json and table differ: $(diff "$WORK/json-opts" "$WORK/table-opts" | head -4)"

# --file writes the report there.
run_abicheck kernel-config "$KC/this-host.config" -o json --file "$WORK/report.json"
[ "$RC" = 1 ] && [ ! -s "$OUT" ] && [ "$(jq -r .schema "$WORK/report.json")" = abicheck.kernel-config/v1 ] &&
	pass "--file PATH" || fail "--file: rc=$RC"

# Found by fuzzing (make fuzz, kconfig target): a header whose release has
# a byte that is not UTF-8.  jansson refused the string, so the saved
# profile silently lost its "kernel" object and --profile could not load
# it.  Now such bytes are written \xNN-escaped.
printf '#\n# Linux/x86 6.1\2560 Kernel Configuration\n#\nCONFIG_X86_64=y\n' > "$WORK/nonutf8.config"
run_abicheck probe --kernel-config "$WORK/nonutf8.config" -o json --file "$WORK/nonutf8.json"
run_abicheck probe --profile "$WORK/nonutf8.json" -o json
SHOW=.kernel
check "a non-UTF-8 release: the saved profile loads, the byte escaped" \
	'.kernel.release == "6.1\\xae0" and .kernel.version == [6, 1, 0]'
# Also found by it: a release number past 65535 wrapped %u into a version
# the profile loader (rightly) refuses.  Such a header is not a release.
printf '#\n# Linux/x86 6.99999999999 Kernel Configuration\n#\nCONFIG_X86_64=y\n' > "$WORK/huge.config"
run_abicheck probe --kernel-config "$WORK/huge.config" -o json --file "$WORK/huge.json"
run_abicheck probe --profile "$WORK/huge.json" -o json
check "a release number past 65535: not taken for a release, the saved profile loads" \
	'.kernel.release == null and .kernel.version == [0, 0, 0]'

# Bad input: exit 2, one line naming the file.
printf '\177ELF\002\001\001\000binary\000data' > "$WORK/binary"
head -c 20000 "$KC/debian-bookworm-6.1.0-56-arm64_6.1.192-2.config.gz" > "$WORK/trunc.config.gz"
: > "$WORK/empty.config"
printf 'just some text\n' > "$WORK/text"
expect_input_error "missing file" "$WORK/nope.config: cannot open: No such file" \
	kernel-config "$WORK/nope.config"
expect_input_error "binary file" "$WORK/binary: binary data \(NUL byte\), not a kernel .config" \
	kernel-config "$WORK/binary"
expect_input_error "truncated gzip" "$WORK/trunc.config.gz: truncated gzip stream" \
	kernel-config "$WORK/trunc.config.gz"
expect_input_error "empty file" "$WORK/empty.config: empty file, not a kernel .config" \
	kernel-config "$WORK/empty.config"
expect_input_error "not a config" "$WORK/text: line 1: not a kernel config line" \
	kernel-config "$WORK/text"
expect_input_error "a directory" "$WORK: read: Is a directory" kernel-config "$WORK"
expect_input_error "bad --kernel-version" "invalid --kernel-version 'six'" \
	kernel-config "$KC/this-host.config" --kernel-version six
expect_input_error "two files" "unexpected argument" \
	kernel-config "$KC/this-host.config" "$KC/this-host.config"
finish
