#!/bin/sh
# fixtures.sh — big test fixtures, built once and cached outside the repo
# ($FIXTURES, default ~/.cache/abicheck-fixtures); never committed.
#
#   fixtures.sh rootfs [SUITE] -> prints the path of a debootstrap minbase
#                           root filesystem of SUITE (default bookworm;
#                           scripts/validate.sh uses bullseye), built if
#                           missing
#   fixtures.sh rootfs-arm64 -> the same for arm64, first stage only
#                           (debootstrap --foreign: packages unpacked,
#                           nothing run, so no qemu is needed)
#   fixtures.sh images   -> prints a directory holding that rootfs packed as
#                           every image format the tests read (built if
#                           missing): oci-gzip/ oci-zstd/ (skopeo) oci.tar
#                           (skopeo oci-archive) docker.tar (skopeo
#                           docker-archive) docker.tar.gz docker25.tar
set -eu
FIXTURES=${FIXTURES:-$HOME/.cache/abicheck-fixtures}
MIRROR=${FIXTURE_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
here=$(cd "$(dirname "$0")" && pwd)
TOOLS="$here/../tests/tools"
mkdir -p "$FIXTURES"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# rootfs [SUITE]: the bookworm tree keeps its historical log name.
rootfs() {
	suite=${1:-$SUITE}
	dir="$FIXTURES/$suite-minbase"
	log="$FIXTURES/debootstrap.log"
	[ "$suite" = "$SUITE" ] || log="$FIXTURES/debootstrap-$suite.log"
	if [ ! -f "$dir/.abicheck-complete" ]; then
		echo "fixtures: debootstrap --variant=minbase $suite (once, cached in $FIXTURES)" >&2
		rm -rf "$dir.tmp"
		$SUDO debootstrap --variant=minbase "$suite" "$dir.tmp" "$MIRROR" >"$log" 2>&1 ||
			{ echo "fixtures: debootstrap failed, see $log" >&2; exit 1; }
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		touch "$dir/.abicheck-complete"
	fi
	echo "$dir"
}

# First stage only: --foreign unpacks the packages into DIR and stops
# before running any maintainer script, so an arm64 tree is made on any
# host.  The unpacked .deb files stay in var/cache/apt/archives.
rootfs_arm64() {
	dir="$FIXTURES/$SUITE-minbase-arm64"
	if [ ! -f "$dir/.abicheck-complete" ]; then
		echo "fixtures: debootstrap --foreign --arch=arm64 --variant=minbase $SUITE (once, cached in $FIXTURES)" >&2
		rm -rf "$dir.tmp"
		$SUDO debootstrap --foreign --arch=arm64 --variant=minbase "$SUITE" "$dir.tmp" "$MIRROR" \
			>"$FIXTURES/debootstrap-arm64.log" 2>&1 ||
			{ echo "fixtures: debootstrap failed, see $FIXTURES/debootstrap-arm64.log" >&2; exit 1; }
		[ -f "$dir.tmp/usr/lib/aarch64-linux-gnu/libc.so.6" ] ||
			{ echo "fixtures: arm64 rootfs has no usr/lib/aarch64-linux-gnu/libc.so.6" >&2; exit 1; }
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		touch "$dir/.abicheck-complete"
	fi
	echo "$dir"
}

# Device nodes in /dev are left out, as `docker import` recommends and
# image builders do: the layers carry no /dev content.
images() {
	r=$(rootfs)
	out="$FIXTURES/$SUITE-minbase-images-v1"
	if [ ! -f "$out/.abicheck-complete" ]; then
		echo "fixtures: packing $r as OCI / docker archives (once)" >&2
		rm -rf "$out" && mkdir -p "$out"
		x='-x ./dev/* -x ./.abicheck-complete'
		# shellcheck disable=SC2086
		"$TOOLS/mkimage.sh" -o "$out/oci-gzip" -c gzip -t minbase -m '["bash"]' $x "$r"
		# shellcheck disable=SC2086
		"$TOOLS/mkimage.sh" -o "$out/oci-plain" -c none -t minbase -m '["bash"]' $x "$r"
		skopeo copy -q --dest-compress --dest-compress-format zstd \
			oci:"$out/oci-gzip":minbase oci:"$out/oci-zstd":minbase
		skopeo copy -q oci:"$out/oci-gzip":minbase oci-archive:"$out/oci.tar":minbase
		skopeo copy -q oci:"$out/oci-gzip":minbase docker-archive:"$out/docker.tar":bookworm:minbase
		gzip -n -c "$out/docker.tar" > "$out/docker.tar.gz"
		"$TOOLS/mkdocker25.sh" "$out/oci-plain" bookworm:minbase "$out/docker25.tar"
		rm -rf "$out/oci-plain"
		touch "$out/.abicheck-complete"
	fi
	echo "$out"
}

case ${1:-} in
rootfs) rootfs "${2:-}" ;;
rootfs-arm64) rootfs_arm64 ;;
images) images ;;
*) echo "usage: fixtures.sh rootfs [SUITE]|rootfs-arm64|images" >&2; exit 2 ;;
esac
