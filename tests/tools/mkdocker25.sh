#!/bin/sh
# mkdocker25.sh — turns a single-image OCI layout with uncompressed layers
# into the archive `docker save` writes since Docker 25 (moby
# image/tarexport/save.go): the OCI layout itself plus manifest.json
# (Config/Layers as "blobs/sha256/<hex>") and repositories.
#   mkdocker25.sh OCI_DIR NAME:TAG OUT.tar
set -eu
src=$1 ref=$2 dst=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
mdig=$(sed -n 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$work/index.json" | head -1)
man="$work/blobs/sha256/$mdig"
cfg=$(sed -n 's/.*"config":{[^}]*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$man")
layers=$(grep -o '"layers":\[.*\]' "$man" | grep -o 'sha256:[0-9a-f]*' | sed 's,sha256:,"blobs/sha256/,; s,$,",' | paste -sd, -)
printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":[%s]}]\n' "$cfg" "$ref" "$layers" > "$work/manifest.json"
printf '{"%s":{"%s":"sha256:%s"}}\n' "${ref%:*}" "${ref##*:}" "$cfg" > "$work/repositories"
tar --sort=name -C "$work" -cf "$dst" .
