#!/bin/sh
# mkmulti.sh OUT TAG — a two-platform OCI layout: linux/amd64 whose
# /bin/tool is the host's /bin/true, and linux/arm64/v8 whose /bin/tool is
# a bare 64-byte aarch64 ELF header (EM_AARCH64 = 183: identified, never
# run), under one index tagged TAG.  Test fixture builder only.
set -eu
out=$1 tag=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/arm/bin" "$work/amd/bin"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\267\000\001\000\000\000' > "$work/arm/bin/tool"
head -c 40 /dev/zero >> "$work/arm/bin/tool"
cp /bin/true "$work/amd/bin/tool"
m1=$("$here/mkimage.sh" -n -o "$out" -a amd64 "$work/amd")
m2=$("$here/mkimage.sh" -n -o "$out" -a arm64/v8 "$work/arm")
"$here/mkindex.sh" "$out" "$tag" "$m1" "$m2"
