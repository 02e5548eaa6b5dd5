#!/bin/sh
# Multi-platform indexes: --platform picks the image, the host's platform
# is the default, and a missing platform lists the choices.
. "$(dirname "$0")/lib.sh"
setup_sandbox

"$TOOLS/mkmulti.sh" "$WORK/idx" multi

machine_of() { jq -r '.elf[] | select(.path == "/bin/tool") | .machine' "$OUT"; }

run_abicheck inspect "oci:$WORK/idx" -o json --platform linux/arm64
[ "$RC" = 0 ] && [ "$(machine_of)" = aarch64 ] && [ "$(jq -r .image.platform "$OUT")" = linux/arm64/v8 ] &&
	pass "--platform linux/arm64 picks the arm64/v8 image" || fail "arm64: rc=$RC $(cat "$ERR")"
run_abicheck inspect "oci:$WORK/idx:multi" -o json --platform linux/amd64
[ "$(machine_of)" = x86_64 ] && pass "--platform linux/amd64 picks amd64" || fail "amd64"
run_abicheck inspect "oci:$WORK/idx" -o json
[ "$(machine_of)" = x86_64 ] && pass "default is the host's platform (amd64)" || fail "default"
run_abicheck inspect "oci:$WORK/idx" -o json --platform aarch64
[ "$(machine_of)" = aarch64 ] && pass "alias aarch64 = linux/arm64" || fail "alias"
expect_input_error "missing platform lists the choices" \
	"no image for platform linux/s390x; available: linux/amd64, linux/arm64/v8 \(choose with --platform\)" \
	inspect "oci:$WORK/idx" --platform linux/s390x
expect_input_error "malformed --platform" "invalid platform" inspect "oci:$WORK/idx" --platform a/b/c/d

# The same index inside an oci-archive.
tar -C "$WORK/idx" -cf "$WORK/idx.tar" .
run_abicheck inspect "oci-archive:$WORK/idx.tar" -o json --platform linux/arm64/v8
[ "$(machine_of)" = aarch64 ] && pass "oci-archive index with --platform" || fail "oci-archive index"
finish
