#!/bin/sh
# Acceptance (issue 8, item 4): docker:, podman: and bare references read
# through the Docker Engine API of Debian's podman (`podman system
# service`) on a private socket give the same flattened image as the
# oci-archive: of that image; each way an engine can fail is one line on
# stderr and exit 2 (a fake engine, tests/tools/fake-engine.py, for the
# faults podman will not commit).  Podman runs rootful on vfs storage
# below $WORK, so the host's podman storage is never touched.
. "$(dirname "$0")/lib.sh"
setup_sandbox

if ! command -v podman > /dev/null 2>&1; then
	fail "podman is not installed (scripts/deps.sh installs it)"
	finish
	exit 1
fi

PODROOT="$WORK/podman"
SOCK="$WORK/podman.sock"
SERVICE_PID= FAKE_PID=
mkdir -p "$PODROOT/tmp"
# Everything podman would write goes below PODROOT: storage, run state,
# its tmp dir, no event log.  The config files keep `podman` and the
# service in step with the flags.
cat > "$WORK/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$PODROOT/root"
runroot = "$PODROOT/run"
EOF
cat > "$WORK/containers.conf" <<EOF
[engine]
events_logger = "none"
tmp_dir = "$PODROOT/tmp"
image_copy_tmp_dir = "$PODROOT/tmp"
cgroup_manager = "cgroupfs"
EOF
export CONTAINERS_STORAGE_CONF="$WORK/storage.conf" CONTAINERS_CONF="$WORK/containers.conf"
podman_() {
	podman --root "$PODROOT/root" --runroot "$PODROOT/run" --storage-driver vfs \
		--tmpdir "$PODROOT/tmp" --events-backend none --cgroup-manager cgroupfs "$@"
}
# Run in the background, the subshell becomes podman, so $! is podman's
# pid and stop() reaches it.
podman_service() {
	exec podman --root "$PODROOT/root" --runroot "$PODROOT/run" --storage-driver vfs \
		--tmpdir "$PODROOT/tmp" --events-backend none --cgroup-manager cgroupfs \
		system service --time=0 "unix://$SOCK" > "$WORK/service.log" 2>&1
}

# stop PID: TERM, a bounded wait, then KILL.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2> /dev/null
	i=0
	while kill -0 "$1" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$1" 2> /dev/null
	wait "$1" 2> /dev/null
}
cleanup() {
	stop "$SERVICE_PID"
	stop "$FAKE_PID"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_socket PATH: bounded (30 s: a 2-core CI starts podman in ~1 s).
wait_socket() {
	i=0
	while [ ! -S "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$1" ]
}

host_storage() { # what the host's podman storage looks like, to compare
	for d in /var/lib/containers/storage /run/containers/storage /run/libpod \
		 "$HOME/.local/share/containers/storage"; do
		[ -e "$d" ] && find "$d" -maxdepth 2 -printf '%p %s %T@\n' 2> /dev/null
	done | LC_ALL=C sort
}
HOST_BEFORE=$(host_storage)

# The fixture: two layers, ELF files from this machine, a whiteout and a
# symlinked directory, so flattening has something to get right.
mkdir -p "$WORK/l1/usr/bin" "$WORK/l1/usr/lib" "$WORK/l2/usr/bin" "$WORK/l2/usr/local/bin"
cp /bin/true /usr/bin/env /bin/ls "$WORK/l1/usr/bin/"
cp "$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)" "$WORK/l1/usr/lib/libc.so.6"
ln -s usr/bin "$WORK/l1/bin"
: > "$WORK/l2/usr/bin/.wh.ls"
cp /bin/echo "$WORK/l2/usr/local/bin/hello"
sh "$TOOLS/mkimage.sh" -o "$WORK/oci" -t v1 -e '["/usr/local/bin/hello"]' "$WORK/l1" "$WORK/l2" \
	> /dev/null || fail "mkimage.sh"
skopeo copy -q "oci:$WORK/oci:v1" "oci-archive:$WORK/fixture.tar:localhost/fixture:v1" \
	> "$WORK/skopeo.log" 2>&1 || fail "skopeo copy: $(head -c 300 "$WORK/skopeo.log")"

if podman_ load -q -i "$WORK/fixture.tar" > "$WORK/load.log" 2>&1 &&
	podman_ image exists localhost/fixture:v1; then
	pass "fixture loaded into private podman storage ($(cat "$WORK/load.log"))"
else
	fail "podman load: $(head -c 400 "$WORK/load.log")"
fi
podman_service &
SERVICE_PID=$!
if wait_socket "$SOCK"; then
	pass "podman system service listening on a private socket"
else
	fail "podman system service did not start: $(head -c 400 "$WORK/service.log")"
	finish
	exit 1
fi

# The reference: oci-archive: of the same image.  Ref fields, and what a
# docker-archive cannot carry (manifest digest, compressed blobs), differ
# by design; files, ELF set, config, diff_ids and layer contents may not.
NORMALIZE='.image |= del(.ref, .transport, .path, .layout, .tag, .manifest_digest)
	| .layers |= map({diff_id, uncompressed_size, entries, whiteouts})'
run_abicheck inspect "oci-archive:$WORK/fixture.tar" --files -o json
jq -S "$NORMALIZE" "$OUT" > "$WORK/want.json"
jq -r '.elf[].path' "$OUT" | LC_ALL=C sort > "$WORK/want.elf"
printf '%s\n' /usr/bin/env /usr/bin/true /usr/lib/libc.so.6 /usr/local/bin/hello > "$WORK/expect.elf"
cmp -s "$WORK/want.elf" "$WORK/expect.elf" && pass "reference ELF set: $(tr '\n' ' ' < "$WORK/want.elf")" ||
	fail "oci-archive reference ELF set: $(tr '\n' ' ' < "$WORK/want.elf")"

# same_as_reference DESCRIPTION TRANSPORT ARGS... : inspect --files -o json
# equals the reference once normalized, and names TRANSPORT.
same_as_reference() {
	desc=$1 transport=$2
	shift 2
	run_abicheck inspect "$@" --files -o json
	if [ "$RC" != 0 ]; then
		fail "$desc: rc=$RC $(head -c 400 "$ERR")"
		return
	fi
	jq -S "$NORMALIZE" "$OUT" > "$WORK/got.json"
	got_transport=$(jq -r .image.transport "$OUT")
	if cmp -s "$WORK/got.json" "$WORK/want.json" && [ "$got_transport" = "$transport" ] &&
	   [ -z "$(ls -A "$SANDBOX")" ]; then
		pass "$desc: same $(jq '.elf | length' "$OUT") ELF files, files and config as oci-archive: ($transport)"
	else
		fail "$desc: transport=$got_transport differs: $(diff "$WORK/want.json" "$WORK/got.json" | head -8 | tr '\n' ' ')"
	fi
}

export DOCKER_HOST="unix://$SOCK" CONTAINER_HOST="unix://$WORK/no-podman.sock"
same_as_reference "docker: through DOCKER_HOST" docker docker:localhost/fixture:v1
same_as_reference "docker: short name" docker docker:fixture:v1
same_as_reference "bare reference, docker has it" docker localhost/fixture:v1
same_as_reference "bare reference, --from docker" docker fixture:v1 --from docker
run_abicheck docker:localhost/fixture:v1 --kernel-version 6.1 -o json
jq -S '{programs, summary}' "$OUT" > "$WORK/check-docker.json"
run_abicheck "oci-archive:$WORK/fixture.tar" --kernel-version 6.1 -o json
jq -S '{programs, summary}' "$OUT" > "$WORK/check-oci.json"
cmp -s "$WORK/check-docker.json" "$WORK/check-oci.json" && [ -s "$WORK/check-oci.json" ] &&
	pass "the main job: same verdicts from docker: as from oci-archive:" ||
	fail "main job verdicts differ: $(diff "$WORK/check-oci.json" "$WORK/check-docker.json" | head -5 | tr '\n' ' ')"

export DOCKER_HOST="unix://$WORK/no-docker.sock" CONTAINER_HOST="unix://$SOCK"
same_as_reference "podman: through CONTAINER_HOST" podman podman:localhost/fixture:v1
same_as_reference "containers-storage: (podman's API service)" podman containers-storage:fixture:v1
same_as_reference "bare reference, only podman has it" podman localhost/fixture:v1
same_as_reference "bare reference, --from podman" podman localhost/fixture:v1 --from podman

# Engine-side failures: absent, refusing, lacking the image, over the cap.
expect_input_error "docker: socket missing" \
	"^abicheck: docker:fixture:v1: no docker engine socket at $WORK/no-docker.sock " \
	inspect docker:fixture:v1
export DOCKER_HOST="unix://$SOCK" CONTAINER_HOST="unix://$WORK/no-podman.sock"
expect_input_error "podman: socket missing" "no podman API socket at $WORK/no-podman.sock " \
	inspect podman:fixture:v1
expect_input_error "docker: image missing" \
	"^abicheck: docker:localhost/nope:1: no such image in the docker engine at $SOCK$" \
	inspect docker:localhost/nope:1
expect_input_error "docker: archive over --max-bytes (the engine's size, before any transfer)" \
	"docker:fixture:v1: the image is [0-9]+ bytes, over --max-bytes \\(1024\\)" \
	inspect docker:fixture:v1 --max-bytes 1K
expect_input_error "docker: a name that is no reference" "'\\.\\./\\.\\./containers/json' is not an image name" \
	inspect docker:../../containers/json
export DOCKER_HOST="tcp://127.0.0.1:2375"
expect_input_error "DOCKER_HOST=tcp:// refused" "DOCKER_HOST=tcp://127.0.0.1:2375: only unix:///PATH sockets" \
	inspect docker:fixture:v1
export DOCKER_HOST="unix://$WORK/no-docker.sock" CONTAINER_HOST="unix://$WORK/no-podman.sock"
# No engine has it: its registry (nothing listens on 127.0.0.1:1) answers,
# and the error says why each engine was passed over.
expect_input_error "bare reference no engine has: its registry" \
	"^abicheck: 127.0.0.1:1/fixture:v1 \\(no local engine has it: docker: no docker engine socket .*; podman: no podman API socket .*\\): 127.0.0.1:1: manifest 'v1': .*connect" \
	inspect 127.0.0.1:1/fixture:v1 --registry-retries 0
expect_input_error "--from registry" "^abicheck: 127.0.0.1:1/fixture:v1: 127.0.0.1:1: manifest 'v1': .*connect" \
	inspect 127.0.0.1:1/fixture:v1 --from registry --registry-retries 0
expect_input_error "--from with an explicit transport" "--from applies to bare references" \
	inspect "oci-archive:$WORK/fixture.tar" --from docker
expect_input_error "--from with an unknown source" "unknown --from 'containerd'" \
	inspect fixture:v1 --from containerd
expect_input_error "containers-storage: with a store specification" "store specifications are not supported" \
	inspect "containers-storage:[vfs@$PODROOT/root+$PODROOT/run]fixture:v1"

# A broken engine: each fault its own fake server on its own socket.
# fake MODE: starts tests/tools/fake-engine.py, points DOCKER_HOST at it.
fake() {
	stop "$FAKE_PID"
	FAKE_SOCK="$WORK/fake-$1.sock"
	python3 "$TOOLS/fake-engine.py" "$FAKE_SOCK" "$1" "$WORK/docker.tar" > "$WORK/fake.log" 2>&1 &
	FAKE_PID=$!
	wait_socket "$FAKE_SOCK" || fail "fake engine $1 did not start: $(head -c 300 "$WORK/fake.log")"
	export DOCKER_HOST="unix://$FAKE_SOCK"
}
skopeo copy -q "oci:$WORK/oci:v1" "docker-archive:$WORK/docker.tar:localhost/fixture:v1" \
	> "$WORK/skopeo.log" 2>&1 || fail "skopeo docker-archive: $(head -c 300 "$WORK/skopeo.log")"
fake garbage
expect_input_error "engine answering garbage" "docker:fixture:v1: .*fake-garbage.sock: broken response" \
	inspect docker:fixture:v1
fake not-engine
expect_input_error "a socket that is no engine" "does not answer like a container engine" \
	inspect docker:fixture:v1
fake error500
expect_input_error "engine error: its message on one line" \
	"the docker engine at .*fake-error500.sock answered HTTP 500: storage is on fire really$" \
	inspect docker:fixture:v1
fake truncated
expect_input_error "export cut short (fewer bytes than announced)" \
	"exporting the image: .*broken response: transfer closed with [0-9]+ bytes remaining" \
	inspect docker:fixture:v1
fake cut-archive
expect_input_error "truncated archive delivered as complete" "^abicheck: docker:fixture:v1: " \
	inspect docker:fixture:v1
fake not-tar
expect_input_error "export that is no tar archive" "^abicheck: docker:fixture:v1: " \
	inspect docker:fixture:v1
fake huge
expect_input_error "export over --max-bytes while streaming" \
	"docker:fixture:v1: the engine's export exceeds --max-bytes \\(1048576\\)" \
	inspect docker:fixture:v1 --max-bytes 1M

# SIGINT while an export stalls: the transfer stops, the spool file goes,
# the run dies of the signal.
fake stall
(cd "$OUTSIDE/cwd" && TMPDIR="$SANDBOX" exec "$ABICHECK" inspect docker:fixture:v1 > /dev/null 2>&1) &
pid=$!
i=0
while [ -z "$(ls -A "$SANDBOX"/* 2> /dev/null)" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -n "$(ls -A "$SANDBOX"/* 2> /dev/null)" ] || fail "SIGINT: the spool file never appeared"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 130 ] && [ -z "$(ls -A "$SANDBOX")" ] && pass "SIGINT during a stalled export: exit 130, no temp files left" ||
	fail "SIGINT during export: rc=$rc, left: $(ls -A "$SANDBOX")"
stop "$FAKE_PID"
FAKE_PID=

stop "$SERVICE_PID"
kill -0 "$SERVICE_PID" 2> /dev/null && fail "podman system service outlived stop" ||
	pass "podman system service stopped"
SERVICE_PID=
[ "$(host_storage)" = "$HOST_BEFORE" ] && pass "the host's podman storage is untouched" ||
	fail "host podman storage changed: $(host_storage | head -5 | tr '\n' ' ')"
finish
