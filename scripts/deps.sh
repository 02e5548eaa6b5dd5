#!/bin/sh
# Installs (or, with --check, verifies) the Debian packages abicheck's build
# and tests need.  Why each one is there: docs/DESIGN.md "Dependencies".
set -eu

# Build: the design card's libraries plus compression and hashing; jq
# generates the check-config.sh table (scripts/gen-checkconfig.jq);
# libcurl speaks HTTP to engines' unix sockets (images/engine_http.c) and
# to registries (images/http.c).
BUILD_PKGS="build-essential pkg-config libelf-dev libarchive-dev libseccomp-dev
libjansson-dev libcmocka-dev libssl-dev zlib1g-dev libzstd-dev libisal-dev libcapstone-dev libzydis-dev jq
libcurl4-openssl-dev"
# Tests: real producers and a reference unpacker for fixture images;
# python3-jsonschema validates reports against data/schema/; podman's API
# service is the real engine t-engine.sh reads images from; a real
# registry (docker-registry), htpasswd and openssl for t-registry*.sh;
# GNU time measures the time and peak RSS of t-hostile.sh's runs.
TEST_PKGS="debootstrap skopeo umoci jq zstd gzip tar coreutils findutils perl-base python3-jsonschema time
binutils gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-i686-linux-gnu
libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-i386-cross
binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf binutils-i686-linux-gnu
musl musl-dev musl-tools strace valgrind podman
docker-registry apache2-utils openssl"

# Fuzzing (`make fuzz` only, --fuzz): clang's libFuzzer and sanitizer
# runtimes, packaged apart from clang since LLVM 14 (only recommended).
FUZZ_PKGS="clang libclang-rt-14-dev"

PC_MODULES="libelf libarchive libseccomp jansson cmocka libcrypto zlib libzstd libisal capstone libcurl"
TOOLS="debootstrap skopeo umoci jq zstd gzip tar sha256sum perl objdump
aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc i686-linux-gnu-gcc aarch64-linux-gnu-objdump musl-gcc strace
podman docker-registry htpasswd openssl"

check() {
	pkg-config --exists $PC_MODULES 2>/dev/null || return 1
	# Zydis ships no pkg-config file: its header is the witness.
	[ -f /usr/include/Zydis/Zydis.h ] || return 1
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || return 1
	[ -x /usr/bin/time ] || return 1 # GNU time (t-hostile), not the shell's keyword
	for t in $TOOLS; do
		command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || return 1
	done
	return 0
}

check_fuzz() {
	command -v clang >/dev/null 2>&1 &&
		[ -f "$(clang -print-runtime-dir)/libclang_rt.fuzzer-$(uname -m).a" ]
}

if [ "${1:-}" = "--check" ]; then
	check
	exit $?
fi
CHECK=check
if [ "${1:-}" = "--fuzz" ]; then
	check_fuzz && exit 0
	BUILD_PKGS=$FUZZ_PKGS TEST_PKGS= CHECK=check_fuzz
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing Debian packages with apt-get" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
	$BUILD_PKGS $TEST_PKGS >/dev/null
$CHECK || { echo "deps: packages installed but checks still fail" >&2; exit 1; }
