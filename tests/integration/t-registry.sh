#!/bin/sh
# Registries: Debian's docker-registry on loopback, plain HTTP and TLS,
# images pushed with skopeo (OCI and Docker schema 2 manifests, a two-arch
# index); abicheck HOST:PORT/REPO:TAG reports what the oci: source of the
# same image reports, a warm run downloads no layer, proxies are honoured.
. "$(dirname "$0")/lib.sh"
. "$TOOLS/registry.sh"
fixture_registry || { finish; exit 1; }
push_oci "$DEMO:demo" fixture:v2s2 --format v2s2
push_oci "$MULTI:multi" fixture:multi --all
REG="127.0.0.1:$PLAIN_PORT"

# The same JSON from both sources, minus what names the source.
same_json() { # DESCRIPTION JQ_DROP ARGS_REGISTRY -- ARGS_OCI
	desc=$1 drop=$2
	shift 2
	a= b=
	for x; do shift; [ "$x" = -- ] && break; a="$a $x"; done
	# shellcheck disable=SC2086
	run_abicheck $a
	rc_a=$RC; jq "$drop" "$OUT" > "$WORK/a.json" 2>/dev/null; cp "$ERR" "$WORK/a.err"
	run_abicheck "$@"
	rc_b=$RC; jq "$drop" "$OUT" > "$WORK/b.json" 2>/dev/null
	if [ "$rc_a" = "$rc_b" ] && [ -s "$WORK/a.json" ] && cmp -s "$WORK/a.json" "$WORK/b.json" &&
	   [ -z "$(ls -A "$SANDBOX")" ]; then
		pass "$desc"
	else
		fail "$desc: rc $rc_a/$rc_b $(head -c 300 "$WORK/a.err") $(diff "$WORK/a.json" "$WORK/b.json" | head -c 600)"
	fi
}
SRCDROP='del(.image.ref, .image.transport, .image.path, .image.layout, .image.tag)'

same_json "inspect: registry = oci:" "$SRCDROP" \
	inspect "$REG/fixture:tag" -o json --no-cache -- inspect "oci:$DEMO:demo" -o json --no-cache
same_json "scan: registry = oci:" "$SRCDROP" \
	scan "$REG/fixture:tag" -o json --no-cache -- scan "oci:$DEMO:demo" -o json --no-cache
same_json "check (the main job): registry = oci:" "$SRCDROP" \
	"$REG/fixture:tag" --kernel-version 6.1 -o json -- "oci:$DEMO:demo" --kernel-version 6.1 -o json
same_json "registry: transport prefix" "$SRCDROP" \
	inspect "registry:$REG/fixture:tag" -o json -- inspect "oci:$DEMO:demo" -o json
same_json "--from registry" "$SRCDROP" \
	inspect "$REG/fixture:tag" --from registry -o json -- inspect "oci:$DEMO:demo" -o json
expect_input_error "registry: errors do not list the engines" \
	"^abicheck: registry:$REG/fixture:nope: $REG: manifest 'nope': not found" inspect "registry:$REG/fixture:nope"
run_abicheck inspect "$REG/fixture:tag" -o json
check "image fields name the registry" \
	'.image.transport == "registry" and .image.path == $p and .image.tag == "tag" and .image.layout == "registry"' \
	--arg p "$REG/fixture"

# Docker schema 2: another manifest, the same files.
same_json "Docker v2 schema 2 manifest: same files" \
	"$SRCDROP | del(.image.manifest_digest, .image.config_digest, .layers[].media_type, .layers[].digest, .layers[].blob, .layers[].size)" \
	inspect "$REG/fixture:v2s2" -o json -- inspect "oci:$DEMO:demo" -o json
run_abicheck inspect "$REG/fixture:v2s2" -o json
check "schema 2 layers keep their media type" \
	'.layers[0].media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip"'

# Pinned by digest, with and without a tag.
run_abicheck inspect "$REG/fixture:tag" -o json
digest=$(jq -r .image.manifest_digest "$OUT")
expect_ok "pinned by digest" inspect "$REG/fixture@$digest"
expect_ok "tag and digest" inspect "$REG/fixture:tag@$digest"
expect_input_error "a digest the registry does not have" \
	"^abicheck: $REG/fixture@sha256:0+$ENGINES: $REG: manifest 'sha256:0+': not found \(404, MANIFEST_UNKNOWN\)$" \
	inspect "$REG/fixture@sha256:0000000000000000000000000000000000000000000000000000000000000000"
expect_input_error "an unknown tag" "$REG: manifest 'nope': not found \(404, MANIFEST_UNKNOWN\)" \
	inspect "$REG/fixture:nope"
expect_input_error "an unknown repository" "$REG: manifest 'tag': not found \(404" \
	inspect "$REG/nothing:tag"
expect_input_error "a malformed reference that is no path" "^abicheck: 'Bad/Name:x': No such file or directory$" \
	inspect "Bad/Name:x"

# The two-arch index: --platform as for oci: layouts.
machine_of() { jq -r '.elf[] | select(.path == "/bin/tool") | .machine' "$OUT"; }
run_abicheck inspect "$REG/fixture:multi" -o json --platform linux/arm64
[ "$RC" = 0 ] && [ "$(machine_of)" = aarch64 ] && pass "index: --platform linux/arm64" ||
	fail "index arm64: rc=$RC $(cat "$ERR")"
run_abicheck inspect "$REG/fixture:multi" -o json
[ "$(machine_of)" = x86_64 ] && pass "index: the host's platform by default" || fail "index default"
expect_input_error "index: a missing platform lists the choices" \
	"no image for platform linux/s390x; available: linux/amd64, linux/arm64/v8 \(choose with --platform\)" \
	inspect "$REG/fixture:multi" --platform linux/s390x

# TLS: verified against the test's CA; plain HTTP never tried on a TLS port.
make_cert tls
TLS_PORT=$(free_port)
registry_yaml "$TLS_PORT" "  tls:
    certificate: $SRV/tls.crt
    key: $SRV/tls.key" > "$SRV/tls.yml"
start_registry tls "$TLS_PORT"
TREG="127.0.0.1:$TLS_PORT"
expect_input_error "TLS: an unknown CA is refused" \
	"$TREG: manifest 'tag': TLS certificate not trusted \(.*give its CA with --tls-ca\)" \
	inspect "$TREG/fixture:tag"
same_json "TLS with --tls-ca: registry = oci:" "$SRCDROP" \
	inspect "$TREG/fixture:tag" -o json --tls-ca "$SRV/tls.crt" -- inspect "oci:$DEMO:demo" -o json
SSL_CERT_FILE="$SRV/tls.crt" run_abicheck inspect "$TREG/fixture:tag"
[ "$RC" = 0 ] && pass "TLS with SSL_CERT_FILE" || fail "SSL_CERT_FILE: $(cat "$ERR")"
expect_ok "TLS with --insecure-registry (not verified)" inspect "$TREG/fixture:tag" \
	--insecure-registry "$TREG"

# A warm run downloads no layer: the layer cache is keyed by digest.
start_proxy pass "$PLAIN_PORT" --mode pass
PREG="127.0.0.1:$PROXY_PORT"
run_abicheck inspect "$PREG/fixture:tag" --cache-dir "$WORK/cache"
: > "$SRV/pass.log"
run_abicheck inspect "$PREG/fixture:tag" --cache-dir "$WORK/cache" -o json
layers_fetched=0
for d in $(layer_digests "$DEMO" demo); do
	grep -q "blobs/sha256:$d" "$SRV/pass.log" && layers_fetched=$((layers_fetched + 1))
done
if [ "$RC" = 0 ] && [ "$layers_fetched" = 0 ] && grep -q /manifests/ "$SRV/pass.log"; then
	pass "warm run: manifest and config fetched, no layer blob"
else
	fail "warm run fetched $layers_fetched layers: $(cat "$SRV/pass.log")"
fi
run_abicheck inspect "$PREG/fixture:tag" --cache-dir "$WORK/cache" --no-cache
[ "$(grep -c "blobs/sha256:" "$SRV/pass.log")" -ge 3 ] && pass "--no-cache downloads the layers" ||
	fail "--no-cache: $(cat "$SRV/pass.log")"

# Proxies: libcurl honours http_proxy, and NO_PROXY exempts a host.
: > "$SRV/pass.log"
http_proxy="http://127.0.0.1:$PROXY_PORT" run_abicheck inspect "$REG/fixture:tag" --no-cache
[ "$RC" = 0 ] && grep -q "GET http://$REG/v2/fixture/manifests/tag" "$SRV/pass.log" &&
	pass "http_proxy: requests go through the proxy" || fail "http_proxy: rc=$RC $(cat "$ERR") $(cat "$SRV/pass.log")"
: > "$SRV/pass.log"
http_proxy="http://127.0.0.1:$PROXY_PORT" NO_PROXY=127.0.0.1 run_abicheck inspect "$REG/fixture:tag" --no-cache
[ "$RC" = 0 ] && [ ! -s "$SRV/pass.log" ] && pass "NO_PROXY exempts the registry" ||
	fail "NO_PROXY: rc=$RC $(cat "$SRV/pass.log")"

: > "$SRV/pass.log"
HTTPS_PROXY="http://127.0.0.1:$PROXY_PORT" run_abicheck inspect "$TREG/fixture:tag" --no-cache --tls-ca "$SRV/tls.crt"
[ "$RC" = 0 ] && grep -q "CONNECT $TREG tunnel" "$SRV/pass.log" &&
	pass "HTTPS_PROXY: TLS tunnelled through the proxy (CONNECT)" ||
	fail "HTTPS_PROXY: rc=$RC $(cat "$ERR") $(cat "$SRV/pass.log")"

expect_input_error "nothing listens" "127.0.0.1:1: manifest 'tag': .*(connect|refused)" \
	inspect "127.0.0.1:1/fixture:tag" --registry-retries 0
finish
