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
#   fixtures.sh bench-images -> prints a directory of the bench images of
#                           `make bench` (minbase, build, large, arm64; gzip
#                           and zstd OCI layouts and oci-archives), built
#                           from debootstrap trees if missing
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

# Each tree is built into DIR.tmp and moved into place, marked complete,
# only once it is whole: an interrupted build is redone, never used.
# unbuilt DIR : true (clearing DIR.tmp) when DIR is not built yet.
unbuilt() {
	[ -f "$1/.abicheck-complete" ] && return 1
	rm -rf "$1.tmp"
}
# bootstrap DIR LOG SUITE OPTION... : debootstrap OPTION... SUITE into DIR.tmp.
bootstrap() {
	b_dir=$1 b_log=$2 b_suite=$3
	shift 3
	echo "fixtures: debootstrap $* $b_suite (once, cached in $FIXTURES)" >&2
	$SUDO debootstrap "$@" "$b_suite" "$b_dir.tmp" "$MIRROR" >"$b_log" 2>&1 ||
		{ echo "fixtures: debootstrap failed, see $b_log" >&2; exit 1; }
}
# built DIR : DIR.tmp moved into place and marked complete.
built() {
	rm -rf "$1"
	mv "$1.tmp" "$1"
	touch "$1/.abicheck-complete"
}

# rootfs [SUITE]: the bookworm tree keeps its historical log name.
rootfs() {
	suite=${1:-$SUITE}
	dir="$FIXTURES/$suite-minbase"
	log="$FIXTURES/debootstrap.log"
	[ "$suite" = "$SUITE" ] || log="$FIXTURES/debootstrap-$suite.log"
	if unbuilt "$dir"; then
		bootstrap "$dir" "$log" "$suite" --variant=minbase
		built "$dir"
	fi
	echo "$dir"
}

# Bench images of three sizes (scripts/bench.sh): minbase (~200 MB), a
# build image (~450 MB: the C toolchain and python3) and the ~1 GB one:
# what a CI image typically carries (a C/C++ toolchain, python3 with its
# headers, git, cmake, clang/llvm), with the large ELF files (cc1plus,
# libLLVM) that make memory use show.  (Not gdb: it depends on a virtual
# package, which debootstrap's resolver cannot satisfy.)
BUILD_PKGS=build-essential,python3
LARGE_PKGS=build-essential,python3,python3-dev,python3-pip,git,cmake,clang

# rootfs_with NAME PACKAGES : minbase plus PACKAGES, as $SUITE-NAME.
rootfs_with() {
	dir="$FIXTURES/$SUITE-$1"
	if unbuilt "$dir"; then
		bootstrap "$dir" "$FIXTURES/debootstrap-$1.log" "$SUITE" --variant=minbase \
			--include="$2"
		rm -f "$dir.tmp/var/cache/apt/archives"/*.deb
		built "$dir"
	fi
	echo "$dir"
}

# First stage only: --foreign unpacks the packages into DIR and stops
# before running any maintainer script, so an arm64 tree is made on any
# host.  The unpacked .deb files stay in var/cache/apt/archives.
rootfs_arm64() {
	dir="$FIXTURES/$SUITE-minbase-arm64"
	if unbuilt "$dir"; then
		bootstrap "$dir" "$FIXTURES/debootstrap-arm64.log" "$SUITE" --foreign --arch=arm64 \
			--variant=minbase
		[ -f "$dir.tmp/usr/lib/aarch64-linux-gnu/libc.so.6" ] ||
			{ echo "fixtures: arm64 rootfs has no usr/lib/aarch64-linux-gnu/libc.so.6" >&2; exit 1; }
		built "$dir"
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

# Each bench rootfs as one-layer OCI images, gzip and zstd: the layout
# (whose blobs `make bench` decompresses for its baseline) and the same
# layout as an oci-archive (what abicheck is timed on).  The trees as
# debootstrap left them (minbase: ~200 MB, the image issue 9 describes),
# except apt's binary caches (var/cache/apt/*.bin, 72 MB), which debootstrap
# does not write but any later apt run in the cached tree adds.
bench_images() {
	out="$FIXTURES/bench-images-v3"
	if [ ! -f "$out/.abicheck-complete" ]; then
		rm -rf "$out" && mkdir -p "$out"
		for spec in "minbase:$(rootfs):amd64" "build:$(rootfs_with build "$BUILD_PKGS"):amd64" \
			"large:$(rootfs_with large "$LARGE_PKGS"):amd64" "arm64:$(rootfs_arm64):arm64"; do
			name=${spec%%:*} rest=${spec#*:}
			r=${rest%:*} arch=${rest##*:}
			for c in gzip zstd; do
				[ "$name" = build ] && [ "$c" = zstd ] && continue
				echo "fixtures: packing $name ($c) for make bench (once)" >&2
				"$TOOLS/mkimage.sh" -o "$out/$name-$c" -c "$c" -a "$arch" -t "$name" -m '["bash"]' \
					-x './dev/*' -x ./.abicheck-complete -x './var/cache/apt/*.bin' \
					"$r" > /dev/null
				tar -C "$out/$name-$c" -cf "$out/$name-$c.tar" .
			done
		done
		touch "$out/.abicheck-complete"
	fi
	echo "$out"
}

case ${1:-} in
rootfs) rootfs "${2:-}" ;;
rootfs-arm64) rootfs_arm64 ;;
bench-images) bench_images ;;
images) images ;;
*) echo "usage: fixtures.sh rootfs [SUITE]|rootfs-arm64|bench-images|images" >&2; exit 2 ;;
esac
