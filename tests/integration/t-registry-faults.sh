#!/bin/sh
# Registry faults, each its own case, injected by tests/tools/faultproxy.py
# between abicheck and docker-registry on loopback: 500 then success, 429
# with Retry-After, a truncated blob, a blob with wrong content, a server
# that stalls (before answering, and mid-blob), a manifest above the cap,
# a schema 1 manifest.  A retried fault ends in the image's report; every
# other one in exit 2 with one line on stderr and no report at all.
. "$(dirname "$0")/lib.sh"
. "$TOOLS/registry.sh"
fixture_registry || { finish; exit 1; }
LAYER=$(layer_digests "$DEMO" demo | head -1)
CONFIG=$(jq -r '.config.digest | sub("sha256:"; "")' \
	"$DEMO/blobs/sha256/$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$DEMO/index.json")")

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# proxied MODE [faultproxy args] : a fresh proxy; sets P (its registry
# address) and LOG.
proxied() {
	mode=$1
	shift
	start_proxy "f-$mode" "$PLAIN_PORT" --mode "$mode" "$@" || return 1
	P="127.0.0.1:$PROXY_PORT"
	LOG="$SRV/f-$mode.log"
}
faults() { grep -c " $1\$" "$LOG"; }

proxied 500 --times 2
expect_ok "500 twice, then success: retried" inspect "$P/fixture:tag" --no-cache
[ "$(faults 500)" = 2 ] && grep -q "manifests/tag forwarded" "$LOG" &&
	pass "500: two faults seen, the third attempt forwarded" || fail "500 log: $(cat "$LOG")"

proxied 500 --target /manifests/
expect_input_error "500 on every attempt" \
	"^abicheck: $P/fixture:tag$ENGINES: $P: manifest 'tag': server error \(500, UNKNOWN\) after 2 attempts$" \
	inspect "$P/fixture:tag" --registry-retries 1

proxied 429 --times 1
t0=$(now_ms)
expect_ok "429 with Retry-After: 1, then success" inspect "$P/fixture:tag" --no-cache
waited=$(($(now_ms) - t0))
[ "$(faults 429)" = 1 ] && [ "$waited" -ge 1000 ] &&
	pass "429: Retry-After honoured (${waited} ms)" || fail "429: waited ${waited} ms: $(cat "$LOG")"

proxied truncate --target "$LAYER"
expect_input_error "a truncated blob" \
	"^abicheck: $P/fixture:tag$ENGINES: layer 1/2 \(sha256:${LAYER%"${LAYER#????????????}"}…\): .*$P: connection closed early \(transfer closed with [0-9]+ bytes remaining to read\)$" \
	"$P/fixture:tag" --kernel-version 6.1 --no-cache

proxied corrupt --target "$LAYER"
expect_input_error "a blob with wrong content" \
	"^abicheck: $P/fixture:tag$ENGINES: layer 1/2 \(sha256:[0-9a-f]{12}…\): digest mismatch: content hashes to sha256:[0-9a-f]{12}…, expected sha256:${LAYER%"${LAYER#????????????}"}… \(corrupted or tampered blob\)$" \
	"$P/fixture:tag" --kernel-version 6.1 --no-cache

proxied corrupt --target "$CONFIG"
expect_input_error "a config with wrong content" "$P: config: sha256:[0-9a-f]{12}…: digest mismatch" \
	inspect "$P/fixture:tag" --no-cache

proxied corrupt --target /manifests/tag
expect_input_error "a manifest that is not what Docker-Content-Digest says" \
	"$P: manifest 'tag': digest mismatch" inspect "$P/fixture:tag" --no-cache

proxied stall
t0=$(now_ms)
expect_input_error "a server that never answers" \
	"^abicheck: $P/fixture:tag$ENGINES: $P: manifest 'tag': timed out: nothing received for 2 s \(raise with --registry-timeout\)$" \
	inspect "$P/fixture:tag" --registry-timeout 2 --registry-retries 1
took=$(($(now_ms) - t0))
[ "$took" -ge 4000 ] && [ "$took" -lt 30000 ] &&
	pass "stall: two attempts of 2 s, given up after ${took} ms" || fail "stall took ${took} ms"

# SIGINT while waiting for a registry: exit 130, nothing left behind.
proxied stall
(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" exec "$ABICHECK" inspect "$P/fixture:tag" >/dev/null 2>&1) &
pid=$!
i=0
while ! grep -q manifests "$LOG" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -s INT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 130 ] && [ -z "$(ls -A "$SANDBOX")" ] && pass "SIGINT while the registry stalls: exit 130, no temp files" ||
	fail "SIGINT: rc=$rc, left: $(ls -A "$SANDBOX")"

proxied stall-body --target "$LAYER"
t0=$(now_ms)
expect_input_error "a blob that stops mid-way" \
	"layer 1/2 \(sha256:[0-9a-f]{12}…\): .*$P: timed out: nothing received for 2 s" \
	inspect "$P/fixture:tag" --registry-timeout 2 --no-cache
took=$(($(now_ms) - t0))
[ "$took" -lt 30000 ] && pass "stall mid-blob: given up after ${took} ms" || fail "stall-body took ${took} ms"

proxied big
expect_input_error "a manifest larger than the cap (Content-Length)" \
	"$P: manifest 'tag': [0-9]+ bytes, above the 4194304-byte cap for JSON documents \(raise with --max-json-bytes\)$" \
	inspect "$P/fixture:tag"
proxied big-close
expect_input_error "a manifest larger than the cap (no length)" \
	"$P: manifest 'tag': [0-9]+ bytes, above the 4194304-byte cap for JSON documents \(raise with --max-json-bytes\)$" \
	inspect "$P/fixture:tag"
expect_input_error "--max-json-bytes applies to registries" \
	"manifest 'tag': [0-9]+ bytes, above the 100-byte cap .*--max-json-bytes" \
	inspect "127.0.0.1:$PLAIN_PORT/fixture:tag" --max-json-bytes 100

proxied schema1
expect_input_error "a schema 1 manifest" \
	"^abicheck: $P/fixture:tag$ENGINES: $P: Docker schema 1 manifests are not supported$" inspect "$P/fixture:tag"
finish
