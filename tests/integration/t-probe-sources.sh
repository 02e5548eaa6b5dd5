#!/bin/sh
# `abicheck probe` from the other sources (issue 6): `--kernel-config FILE`
# yields the vsyscall mode, the 32-bit ABIs (i386 via IA32_EMULATION, arm
# via COMPAT), the x32 state and the page size each real config says — the
# expectation is read from the config's own lines here, not typed — and
# `--profile FILE` gives back exactly the profile a probe saved.  Bad
# sources exit 2 with one line.
. "$(dirname "$0")/lib.sh"
setup_sandbox
K="$(cd "$(dirname "$0")/../fixtures/kconfig" && pwd)"

# opt CONFIG NAME : the option's value in the config ("n" for "is not set",
# "" when absent).
opt() {
	zcat -f "$1" | awk -v n="CONFIG_$2" '
		$0 ~ "^" n "=" { sub("^" n "=", ""); gsub(/"/, ""); print; exit }
		$0 == "# " n " is not set" { print "n"; exit }'
}

for cfg in "$K"/*.config "$K"/*.config.gz; do
	name=$(basename "$cfg")
	run_abicheck probe --kernel-config "$cfg" -o json
	[ "$RC" = 0 ] || { fail "$name: rc=$RC $(head -c 300 "$ERR")"; continue; }
	if [ "$(opt "$cfg" X86_64)" = y ]; then
		if [ "$(opt "$cfg" LEGACY_VSYSCALL_NONE)" = y ] || [ "$(opt "$cfg" X86_VSYSCALL_EMULATION)" != y ]; then vs=none
		elif [ "$(opt "$cfg" LEGACY_VSYSCALL_XONLY)" = y ]; then vs=xonly
		else vs=emulate; fi
		compat=i386 compat_on=$([ "$(opt "$cfg" IA32_EMULATION)" = y ] && echo true || echo false)
		x32=$(opt "$cfg" X86_X32)
		[ -n "$x32" ] || x32=$(opt "$cfg" X86_X32_ABI)
		page=4096
	else
		vs=none compat=arm compat_on=$([ "$(opt "$cfg" COMPAT)" = y ] && echo true || echo false)
		x32=
		if [ "$(opt "$cfg" ARM64_64K_PAGES)" = y ]; then page=65536
		elif [ "$(opt "$cfg" ARM64_16K_PAGES)" = y ]; then page=16384
		else page=4096; fi
	fi
	check "$name: vsyscall $vs, $compat executes $compat_on, page size $page, x32 '${x32:-absent}', basis config" \
		'.source == "kernel-config" and .vsyscall.mode == $vs and .vsyscall.basis == "config" and
		 .page_size.bytes == ($page | tonumber) and
		 ([.abis[] | select(.abi == $compat) | .executes] == [$on == "true"]) and
		 (if $x32 == "" then true
		  else ((.config["CONFIG_X86_X32"] // .config["CONFIG_X86_X32_ABI"]) == $x32) end)' \
		--arg vs "$vs" --arg page "$page" --arg compat "$compat" --arg on "$compat_on" --arg x32 "$x32"
done

# --profile: a saved probe comes back as it was saved.
run_abicheck probe -o json
cp "$OUT" "$WORK/saved.json"
run_abicheck probe --profile "$WORK/saved.json" -o json
if [ "$RC" = 0 ] && cmp -s "$OUT" "$WORK/saved.json"; then
	pass "--profile: the saved live probe round-trips byte for byte"
else
	fail "--profile round trip: rc=$RC $(diff "$OUT" "$WORK/saved.json" | head -5)"
fi
run_abicheck probe --kernel-config "$K/this-host.config" -o json
cp "$OUT" "$WORK/cfg.json"
run_abicheck probe --profile "$WORK/cfg.json" -o json
cmp -s "$OUT" "$WORK/cfg.json" && pass "--profile: a config profile round-trips" ||
	fail "--profile of a config profile differs: $(diff "$OUT" "$WORK/cfg.json" | head -5)"

printf '{"schema": "abicheck.profile/v1", "kernel": ' > "$WORK/trunc.json"
echo '{"schema": "abicheck.profile/v9"}' > "$WORK/v9.json"
expect_input_error "--profile truncated JSON" "trunc.json" probe --profile "$WORK/trunc.json"
expect_input_error "--profile unknown schema" "v9.json" probe --profile "$WORK/v9.json"
expect_input_error "--profile missing file" "no-such.json" probe --profile "$WORK/no-such.json"
expect_input_error "--kernel-config missing file" "no-such.config" probe --kernel-config "$WORK/no-such.config"
expect_input_error "--kernel-config binary file" "abicheck" probe --kernel-config "$ABICHECK"
expect_input_error "two sources" "give one" probe --profile "$WORK/saved.json" --kernel-config "$K/this-host.config"
finish
