#!/bin/sh
# mkimage.sh — builds an OCI image layout from layer directories or tar
# files, per the OCI image spec (image-layout.md, manifest.md, config.md),
# with tar, gzip/zstd and sha256sum.  Test fixture builder only.
#
#   mkimage.sh -o OUT [-c gzip|zstd|none] [-a ARCH[/VARIANT]] [-t TAG]
#              [-e ENTRYPOINT_JSON] [-m CMD_JSON] [-E ENV_JSON]
#              [-x EXCLUDE]... [-n] LAYER...
#
# LAYER is a directory (packed with GNU tar, sorted, numeric owners, so
# `.wh.*` files become whiteouts as the spec describes) or an existing
# uncompressed .tar used verbatim (for hand-made hostile layers).
# -n: do not write index.json; print "DIGEST SIZE PLATFORM" of the manifest
# on stdout instead (mkindex.sh gathers them into a multi-platform index).
set -eu

out= comp=gzip arch=amd64 tag=latest entry=null cmd=null env='["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'
noindex= excludes=
while getopts o:c:a:t:e:m:E:x:n opt; do
	case $opt in
	o) out=$OPTARG ;; c) comp=$OPTARG ;; a) arch=$OPTARG ;; t) tag=$OPTARG ;;
	e) entry=$OPTARG ;; m) cmd=$OPTARG ;; E) env=$OPTARG ;; n) noindex=1 ;;
	x) excludes="$excludes --exclude=$OPTARG" ;;
	*) echo "usage: see header of $0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$out" ] && [ $# -gt 0 ] || { echo "mkimage.sh: need -o OUT and layers" >&2; exit 2; }

variant=
case $arch in */*) variant=${arch#*/}; arch=${arch%%/*} ;; esac

mkdir -p "$out/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
put_blob() { # file -> prints hex digest, moves file into blobs
	d=$(sha "$1"); mv "$1" "$out/blobs/sha256/$d"; echo "$d"
}

case $comp in
gzip) mt=application/vnd.oci.image.layer.v1.tar+gzip ;;
zstd) mt=application/vnd.oci.image.layer.v1.tar+zstd ;;
none) mt=application/vnd.oci.image.layer.v1.tar ;;
*) echo "mkimage.sh: unknown compression $comp" >&2; exit 2 ;;
esac

diff_ids= layers= n=0
for layer in "$@"; do
	n=$((n + 1))
	if [ -d "$layer" ]; then
		# shellcheck disable=SC2086
		tar --sort=name --numeric-owner --mtime=@0 --format=pax \
		    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		    $excludes -C "$layer" -cf "$work/l$n.tar" .
	else
		cp "$layer" "$work/l$n.tar"
	fi
	diff_ids="$diff_ids${diff_ids:+,}\"sha256:$(sha "$work/l$n.tar")\""
	case $comp in
	gzip) gzip -n -c "$work/l$n.tar" > "$work/b$n" ;;
	zstd) zstd -q -c "$work/l$n.tar" > "$work/b$n" ;;
	none) cp "$work/l$n.tar" "$work/b$n" ;;
	esac
	bsize=$(size "$work/b$n")
	bd=$(put_blob "$work/b$n")
	layers="$layers${layers:+,}{\"mediaType\":\"$mt\",\"digest\":\"sha256:$bd\",\"size\":$bsize}"
done

vfield=
[ -n "$variant" ] && vfield=",\"variant\":\"$variant\""
printf '{"created":"1970-01-01T00:00:00Z","architecture":"%s"%s,"os":"linux","config":{"Entrypoint":%s,"Cmd":%s,"Env":%s},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
	"$arch" "$vfield" "$entry" "$cmd" "$env" "$diff_ids" > "$work/config"
csize=$(size "$work/config")
cd=$(put_blob "$work/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
	"$cd" "$csize" "$layers" > "$work/manifest"
msize=$(size "$work/manifest")
md=$(put_blob "$work/manifest")

if [ -n "$noindex" ]; then
	echo "sha256:$md $msize $arch${variant:+/$variant}"
	exit 0
fi
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
	"$md" "$msize" "$tag" > "$out/index.json"
