# tests/tools/registry.sh — servers on loopback for t-registry*.sh, sourced
# after lib.sh: Debian's docker-registry (plain, TLS, htpasswd or token
# auth, all serving one storage directory, so an image pushed once is
# everywhere), the fault proxy and the token server (python3, stdlib).
# Servers keep their state in SRV, outside WORK (lib.sh's snapshot must
# not see their logs change), and are killed when the test exits.

PY="/usr/bin/python3 -B" # -B: no __pycache__ beside the tools
# What an error of a bare reference says about those engines first.
ENGINES=' \(no local engine has it: docker: .*; podman: .*\)'
SRV=$(mktemp -d "${TMPDIR:-/tmp}/abicheck-srv.XXXXXX")
# A bare reference is looked up in the local engines first (source.h):
# none here, whatever the machine runs, so every run reaches the registry.
export DOCKER_HOST="unix://$SRV/no-docker.sock" CONTAINER_HOST="unix://$SRV/no-podman.sock"
SERVER_PIDS=
stop_servers() {
	for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done
	for p in $SERVER_PIDS; do wait "$p" 2>/dev/null; done
	SERVER_PIDS=
}
trap 'stop_servers; rm -rf "$WORK" "$SRV"' EXIT
trap 'exit 130' INT TERM

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: up to 10 s for something to accept on 127.0.0.1:PORT.
wait_port() {
	$PY - "$1" <<'EOF'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# wait_file FILE: up to 10 s for a server to write its port there.
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}

# registry_yaml PORT [HTTP_EXTRA [TOP_EXTRA]] : a config on stdout; the
# extras are YAML lines, HTTP_EXTRA indented under http:.
registry_yaml() {
	cat <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $SRV/storage
http:
  addr: 127.0.0.1:$1
${2:-}
${3:-}
EOF
}

# start_registry NAME PORT : runs docker-registry on $SRV/NAME.yml.
start_registry() {
	docker-registry serve "$SRV/$1.yml" > "$SRV/$1.log" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	wait_port "$2" || { fail "registry $1 did not start: $(head -c 300 "$SRV/$1.log")"; return 1; }
}

# start_proxy NAME UPSTREAM_PORT [faultproxy args] : sets PROXY_PORT; the
# log is $SRV/NAME.log.
start_proxy() {
	name=$1 up=$2
	shift 2
	: > "$SRV/$name.log"
	rm -f "$SRV/$name.port"
	$PY "$TOOLS/faultproxy.py" --port-file "$SRV/$name.port" --log "$SRV/$name.log" \
		--upstream "http://127.0.0.1:$up" "$@" &
	SERVER_PIDS="$SERVER_PIDS $!"
	wait_file "$SRV/$name.port" || { fail "proxy $name did not start"; return 1; }
	PROXY_PORT=$(cat "$SRV/$name.port")
}

# make_cert NAME : a self-signed certificate for 127.0.0.1 and localhost
# ($SRV/NAME.crt, $SRV/NAME.key), its own CA.
make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=abicheck test $1" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$SRV/$1.key" -out "$SRV/$1.crt" > /dev/null 2>&1
}

# push_oci OCI_REF REPO:TAG [skopeo args] : into the plain registry.
push_oci() {
	src=$1 dst=$2
	shift 2
	skopeo copy -q --dest-tls-verify=false "$@" "oci:$src" "docker://127.0.0.1:$PLAIN_PORT/$dst" \
		> "$SRV/skopeo.log" 2>&1 || fail "skopeo copy $src: $(head -c 300 "$SRV/skopeo.log")"
}

# start_plain_registry : the plain-HTTP registry every test pushes into.
start_plain_registry() {
	PLAIN_PORT=$(free_port)
	registry_yaml "$PLAIN_PORT" > "$SRV/plain.yml"
	start_registry plain "$PLAIN_PORT"
}

# build_fixtures : the demo image (an OCI layout, tag demo) and a two-arch
# index (tag multi); sets DEMO and MULTI.
build_fixtures() {
	DEMO="$WORK/demo"
	MULTI="$WORK/multi"
	"$TOOLS/../../scripts/mkdemo.sh" "$DEMO" || fail "mkdemo.sh"
	"$TOOLS/mkmulti.sh" "$MULTI" multi || fail "mkmulti.sh"
}

# fixture_registry : how every registry test starts: the sandbox, the
# fixtures, the plain registry holding the demo image as fixture:tag.
fixture_registry() {
	setup_sandbox
	build_fixtures
	start_plain_registry || return 1
	push_oci "$DEMO:demo" fixture:tag
}

# layer_digests OCI_DIR TAG : the hex digests of the image's layer blobs.
layer_digests() {
	idx=$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$1/index.json")
	jq -r '.layers[].digest | sub("sha256:"; "")' "$1/blobs/sha256/${idx#sha256:}"
}
