#!/bin/sh
# Registry authentication: docker-registry behind htpasswd (basic auth)
# and behind a bearer-token server (tests/tools/tokenserver.py, JWTs the
# registry verifies with a certificate made here); credentials from
# docker's config.json and containers' auth.json.  A refusal is exit 2
# with "unauthorized" naming the registry, and no password, basic
# credential or token ever appears in any output or report.
. "$(dirname "$0")/lib.sh"
. "$TOOLS/registry.sh"
# Only the credential files this test writes.
unset REGISTRY_AUTH_FILE XDG_RUNTIME_DIR XDG_CONFIG_HOME DOCKER_CONFIG
export HOME="$WORK/home"
mkdir -p "$HOME"

USER_NAME=tester
PASSWORD='s3cr3t-Pa55w0rd-abicheck'
WRONG='wrong-Pa55w0rd-abicheck'
b64() { printf '%s' "$1" | base64 -w0; }
GOOD_AUTH=$(b64 "$USER_NAME:$PASSWORD")
WRONG_AUTH=$(b64 "$USER_NAME:$WRONG")
# Everything abicheck prints or writes is gathered here and searched.
collect() { cat "$OUT" "$ERR" >> "$SRV/all-output"; }
auth_file() { # FILE KEY AUTH [KEY AUTH]
	f=$1
	shift
	mkdir -p "$(dirname "$f")"
	entries=
	while [ $# -ge 2 ]; do
		entries="$entries${entries:+,}\"$1\":{\"auth\":\"$2\"}"
		shift 2
	done
	printf '{"auths":{%s}}\n' "$entries" > "$f"
}

fixture_registry || { finish; exit 1; }
SRCDROP='del(.image.ref, .image.transport, .image.path, .image.layout, .image.tag)'
run_abicheck inspect "oci:$DEMO:demo" -o json
jq "$SRCDROP" "$OUT" > "$WORK/oci.json"
same_as_oci() { # DESCRIPTION (after a run_abicheck ... -o json)
	collect
	if [ "$RC" = 0 ] && jq "$SRCDROP" "$OUT" | cmp -s - "$WORK/oci.json"; then
		pass "$1"
	else
		fail "$1: rc=$RC $(head -c 400 "$ERR")"
	fi
}

# ---- basic auth (htpasswd) ----
htpasswd -Bbn "$USER_NAME" "$PASSWORD" > "$SRV/htpasswd" 2>/dev/null
H_PORT=$(free_port)
registry_yaml "$H_PORT" "" "auth:
  htpasswd:
    realm: abicheck-test
    path: $SRV/htpasswd" > "$SRV/basic.yml"
start_registry basic "$H_PORT"
HREG="127.0.0.1:$H_PORT"

expect_input_error "basic: no credentials" \
	"^abicheck: $HREG/fixture:tag$ENGINES: $HREG: manifest 'tag': unauthorized \(401\): no credentials for $HREG" \
	inspect "$HREG/fixture:tag"
collect
auth_file "$HOME/.docker/config.json" "$HREG" "$WRONG_AUTH"
expect_input_error "basic: a wrong password from ~/.docker/config.json" \
	"$HREG: manifest 'tag': unauthorized \(401\): the credentials from $HOME/.docker/config.json were refused" \
	inspect "$HREG/fixture:tag"
collect
auth_file "$HOME/.docker/config.json" "https://$HREG/v1/" "$GOOD_AUTH"
run_abicheck inspect "$HREG/fixture:tag" -o json
same_as_oci "basic: the right password from ~/.docker/config.json (https://HOST/v1/ key)"
auth_file "$WORK/dockercfg/config.json" "$HREG" "$GOOD_AUTH"
rm -f "$HOME/.docker/config.json"
DOCKER_CONFIG="$WORK/dockercfg" run_abicheck inspect "$HREG/fixture:tag" -o json
same_as_oci "basic: \$DOCKER_CONFIG/config.json"

# ---- bearer tokens ----
make_cert token
: > "$SRV/token.log"
: > "$SRV/tokens"
$PY "$TOOLS/tokenserver.py" --port-file "$SRV/token.port" --log "$SRV/token.log" \
	--tokens "$SRV/tokens" --user "$USER_NAME" --password "$PASSWORD" --key "$SRV/token.key" \
	--cert "$SRV/token.crt" --issuer abicheck-test-issuer --service abicheck-test &
SERVER_PIDS="$SERVER_PIDS $!"
wait_file "$SRV/token.port" || fail "token server did not start"
T_PORT=$(free_port)
registry_yaml "$T_PORT" "" "auth:
  token:
    realm: http://127.0.0.1:$(cat "$SRV/token.port")/token
    service: abicheck-test
    issuer: abicheck-test-issuer
    rootcertbundle: $SRV/token.crt" > "$SRV/token.yml"
start_registry token "$T_PORT"
TREG="127.0.0.1:$T_PORT"

expect_input_error "token: no credentials" \
	"$TREG: manifest 'tag': unauthorized \(401\): no credentials for $TREG in the auth files" \
	inspect "$TREG/fixture:tag"
collect
auth_file "$WORK/auth-wrong.json" "$TREG" "$WRONG_AUTH"
REGISTRY_AUTH_FILE="$WORK/auth-wrong.json" expect_input_error "token: a wrong password from \$REGISTRY_AUTH_FILE" \
	"^abicheck: $TREG/fixture:tag$ENGINES: $TREG: manifest 'tag': unauthorized \(401\): the credentials from $WORK/auth-wrong.json were refused$" \
	inspect "$TREG/fixture:tag"
collect
export XDG_RUNTIME_DIR="$WORK/run"
auth_file "$XDG_RUNTIME_DIR/containers/auth.json" "$TREG" "$GOOD_AUTH"
run_abicheck inspect "$TREG/fixture:tag" -o json
same_as_oci "token: the right password from \${XDG_RUNTIME_DIR}/containers/auth.json"
grep -q '^token 200$' "$SRV/token.log" && [ -s "$SRV/tokens" ] &&
	pass "token: the token server issued a token" || fail "token: none issued: $(cat "$SRV/token.log")"
# The most specific key wins (containers' auth.json allows HOST/REPO).
auth_file "$XDG_RUNTIME_DIR/containers/auth.json" "$TREG" "$WRONG_AUTH" "$TREG/fixture" "$GOOD_AUTH"
run_abicheck inspect "$TREG/fixture:tag" -o json
same_as_oci "token: a HOST/REPO key beats the HOST key"
# Every report format of the main job, to a file and to stdout.
run_abicheck "$TREG/fixture:tag" --kernel-version 6.1 -o json --file "$WORK/report.json"
collect
cat "$WORK/report.json" >> "$SRV/all-output"
run_abicheck "$TREG/fixture:tag" --kernel-version 6.1 -o sarif
collect
run_abicheck scan "$TREG/fixture:tag" -o json
collect
[ "$RC" = 0 ] && pass "token: scan and check reports" || fail "token reports: $(cat "$ERR")"
printf '{"auths": {"%s": {"auth": "%s"}} oops %s\n' "$TREG" "$GOOD_AUTH" "$PASSWORD" \
	> "$XDG_RUNTIME_DIR/containers/auth.json"
expect_input_error "a malformed auth file is named, its text is not shown" \
	"^abicheck: $TREG/fixture:tag$ENGINES: $TREG: manifest 'tag': credentials file $XDG_RUNTIME_DIR/containers/auth.json: malformed JSON at line 1$" \
	inspect "$TREG/fixture:tag"
collect

# ---- nothing secret anywhere ----
leaks=
for secret in "$PASSWORD" "$WRONG" "$GOOD_AUTH" "$WRONG_AUTH" $(cat "$SRV/tokens"); do
	grep -qF -- "$secret" "$SRV/all-output" && leaks="$leaks ${secret%"${secret#????????}"}…"
done
[ -s "$SRV/all-output" ] && [ -z "$leaks" ] &&
	pass "no password, basic credential or token in $(wc -l < "$SRV/all-output") lines of output and reports" ||
	fail "secrets in the output:$leaks"
finish
