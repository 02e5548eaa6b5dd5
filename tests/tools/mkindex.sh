#!/bin/sh
# mkindex.sh — writes a multi-platform image index (OCI image-index.md) into
# an OCI layout whose manifests mkimage.sh -n already stored, and points
# index.json at it under TAG.
#   mkindex.sh OUT TAG "DIGEST SIZE ARCH[/VARIANT]"...
set -eu
out=$1 tag=$2
shift 2
entries=
for m in "$@"; do
	set -- $m
	arch=${3%%/*} variant=
	case $3 in */*) variant=${3#*/} ;; esac
	plat="\"os\":\"linux\",\"architecture\":\"$arch\"${variant:+,\"variant\":\"$variant\"}"
	entries="$entries${entries:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$1\",\"size\":$2,\"platform\":{$plat}}"
done
tmp=$(mktemp)
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$entries" > "$tmp"
d=$(sha256sum "$tmp" | cut -d' ' -f1)
s=$(stat -c %s "$tmp")
mv "$tmp" "$out/blobs/sha256/$d"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
	"$d" "$s" "$tag" > "$out/index.json"
