#!/bin/sh
# seeds.sh OUT — the seed corpora of the libFuzzer targets (tests/fuzz/),
# generated from the test fixtures into OUT/TARGET (build/fuzz/corpus, never
# committed: ELF seeds are compiled here, profiles probed here).  Each seed
# is named by the SHA-1 of its bytes, as libFuzzer names what it adds, so
# running this again adds nothing twice.  A fixture whose compiler is
# missing is skipped with a note: fewer seeds, never a failure.
# Environment: ABICHECK (a release binary, for `probe -o json`), BUILD
# (build/release: small objects to seed the ELF target with).
set -eu
OUT=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/tests/fixtures
ABICHECK=${ABICHECK:-$ROOT/abicheck}
BUILD=${BUILD:-$ROOT/build/release}
W=$(mktemp -d "${TMPDIR:-/tmp}/abicheck-seeds.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

# seed TARGET FILE...
seed() {
	t=$1
	shift
	mkdir -p "$OUT/$t"
	for f; do
		cp "$f" "$OUT/$t/$(sha1sum < "$f" | cut -c1-40)"
	done
}

# elf NAME COMPILER ARGS... : compiles a fixture into the ELF corpus.
elf() {
	n=$1
	shift
	if "$@" -o "$W/$n" 2>/dev/null; then seed elf "$W/$n"; else echo "seeds: skipped $n ($1)" >&2; fi
}

# --- elf: fixtures for every architecture the analyzer has a backend for,
# dynamic and static without libc (static glibc is ~700 kB: too large).
S=$FIX/scan
elf x86-nolibc gcc -O1 -static -nostdlib -DNOLIBC -fno-stack-protector "$S/x86-sites.c"
elf abi-tag gcc -O1 -static -nostdlib "$S/abi-tag.c"
elf lib.so gcc -O1 -shared -fPIC -Wl,-soname,libfake.so.1 "$S/lib.c"
elf dyn-main gcc -O1 "$S/dyn-main.c" "$W/lib.so" -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'
elf vsyscall gcc -O1 -no-pie "$S/vsyscall.c"
elf threads gcc -O1 -pthread "$FIX/verdict/threads.c"
elf libvtime gcc -O1 -shared -fPIC -Wl,--version-script="$FIX/validate/libvtime.map" \
	"$FIX/validate/libvtime.c"
elf ifunc gcc -O1 -shared -fPIC -Wl,--version-script="$FIX/reach/libifunc.map" "$FIX/reach/libifunc.c"
elf a64 aarch64-linux-gnu-gcc -O1 -static -nostdlib "$S/aarch64-sites.c"
elf a64-hello aarch64-linux-gnu-gcc -O1 -Wl,-z,max-page-size=4096 "$FIX/verdict/hello.c"
elf i386 i686-linux-gnu-gcc -O1 "$S/i386-sites.c"
elf thumb arm-linux-gnueabihf-gcc -O1 -mthumb "$FIX/verdict/hello.c"
elf arm arm-linux-gnueabihf-gcc -O1 -marm "$FIX/verdict/hello.c"
elf musl musl-gcc -O1 -static "$FIX/reach/musl-hello.c"
# Relocatable objects of our own build: ET_REL, many sections, no segments.
if [ -d "$BUILD" ]; then
	find "$BUILD" -name '*.o' -size -48k | sort | head -6 | while read -r o; do seed elf "$o"; done
fi

# --- layer: tiny tars (512-byte records) of every member kind, name form
# and tar dialect the flattener handles, plus gzip and zstd blobs.
TAR="tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -b 1"
R=$W/root
mkdir -p "$R/usr/bin" "$R/usr/lib" "$R/etc/ld.so.conf.d" "$R/opt"
head -c 64 "$W/dyn-main" > "$R/usr/bin/prog" 2>/dev/null || printf '\177ELF\002\001\001' > "$R/usr/bin/prog"
printf '#!/bin/sh\nexec prog "$@"\n' > "$R/usr/bin/entry.sh"
printf 'include /etc/ld.so.conf.d/*.conf\n' > "$R/etc/ld.so.conf"
printf '/usr/local/lib\n' > "$R/etc/ld.so.conf.d/local.conf"
printf 'ID=debian\nVERSION_ID="12"\n' > "$R/etc/os-release"
ln -s usr/lib "$R/lib"
ln -s ../usr/bin/prog "$R/opt/rel"
ln -s /etc/passwd "$R/opt/abs"
ln -s loop "$R/opt/loop"
ln "$R/usr/bin/prog" "$R/usr/bin/hard"
mkfifo "$R/opt/fifo"
mknod "$R/opt/null" c 1 3 2>/dev/null || true
(cd "$R" && $TAR -cf "$W/basic.tar" .)
(cd "$R" && $TAR --format=ustar -cf "$W/ustar.tar" usr etc)
(cd "$R" && $TAR --format=pax -cf "$W/pax.tar" usr lib opt/rel)
(cd "$R" && $TAR --format=v7 -cf "$W/v7.tar" usr/bin/prog)
gzip -n9 < "$W/basic.tar" > "$W/basic.tar.gz"
zstd -q19 < "$W/basic.tar" > "$W/basic.tar.zst" 2>/dev/null || true
# Whiteouts and an opaque directory (meant as an upper layer), members
# below a symlinked directory (lib -> usr/lib), GNU long names, a sparse
# member.
O=$W/upper
L=$(printf 'd%.0s' $(seq 1 120))
mkdir -p "$O/usr/bin" "$O/etc/$L" "$O/lib"
: > "$O/usr/bin/.wh.hard"
: > "$O/etc/.wh..wh..opq"
: > "$O/.wh..wh.plnk"
printf 'x' > "$O/lib/libx.so"
printf 'long' > "$O/etc/$L/name-$L"
truncate -s 1M "$O/usr/bin/sparse"
(cd "$O" && $TAR --format=gnu -Scf "$W/upper.tar" .)
(cd "$O" && $TAR --format=pax -Scf "$W/upper-pax.tar" .)
# Names that climb out of the root (refused): written with -P.
(cd "$R" && $TAR -P --transform 's,^,../../,' -cf "$W/climb.tar" etc/os-release)
(cd "$R" && $TAR -P --transform 's,^,/,' -cf "$W/absolute.tar" etc/os-release)
for f in "$W"/*.tar "$W"/*.tar.gz "$W"/*.tar.zst; do [ -s "$f" ] && seed layer "$f"; done

# --- archive: whole archives of a one-layer image as skopeo (oci-archive,
# gzip and plain layers) and docker save (Docker 25+, and piped to gzip)
# write them, built by the integration tests' tools.
T=$ROOT/tests/tools
if sh "$T/mkimage.sh" -c none -o "$W/oci" "$W/ustar.tar" >/dev/null &&
	sh "$T/mkimage.sh" -c gzip -o "$W/oci-gz" "$W/ustar.tar" >/dev/null; then
	$TAR -C "$W/oci" -cf "$W/oci.tar" .
	$TAR -C "$W/oci-gz" -cf "$W/oci-gz.tar" .
	sh "$T/mkdocker25.sh" "$W/oci" busybox:latest "$W/docker.tar"
	gzip -n9 < "$W/docker.tar" > "$W/docker.tar.gz"
	seed archive "$W/oci.tar" "$W/oci-gz.tar" "$W/docker.tar" "$W/docker.tar.gz"
fi

# --- image_json: documents joined by "\n--\n"; "@Dn", "@Hn", "@Sn" are
# document n's digest, hex and size (tests/fuzz/fuzz_image_json.c).
CFG='{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/bin:/usr/bin:/bin"],"Entrypoint":["/usr/bin/entry.sh"],"Cmd":["--greet"],"User":"1000:1000","WorkingDir":"/srv"},"rootfs":{"type":"layers","diff_ids":["sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef","sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"]}}'
LAYER='{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4","size":32}'
MAN='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"@D2","size":@S2},"layers":['$LAYER','$LAYER']}'
sep='
--
'
j=$W/json
printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@D1","size":@S1,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
	"$sep" "$MAN" "$sep" "$CFG" > "$j.oci"
# An index of platforms (one of them a buildx attestation) nesting the
# manifest's index.
printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"@D1","size":@S1}]}' \
	"$sep" '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@D2","size":@S2,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@D2","size":@S2,"platform":{"architecture":"unknown","os":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@D2","platform":{"architecture":"amd64","os":"linux"}}]}' \
	"$sep" "$(printf '%s' "$MAN" | sed 's/@\([DS]\)2/@\13/g')" "$sep" "$CFG" > "$j.platforms"
# docker save: Docker 25+ layout, and a legacy entry among tagged ones.
printf '%s' '[{"Config":"blobs/sha256/@H1","RepoTags":["busybox:latest"],"Layers":["blobs/sha256/@H1","blobs/sha256/@H1"]}]' \
	"$sep" "$CFG" > "$j.docker"
printf '%s' '[{"Config":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.json","RepoTags":["docker.io/library/busybox:latest","x:1"],"Layers":["abc/layer.tar"]},{"Config":"blobs/sha256/@H1","RepoTags":null,"Layers":[]}]' \
	"$sep" "$CFG" > "$j.legacy"
printf '%s' "$CFG" > "$j.config"
seed image_json "$j".*

# --- seccomp: the embedded runtimes' profiles, and small ones for the
# arch map, argument comparisons, includes/excludes and minKernel.
seed seccomp "$ROOT"/data/seccomp/*.json
s=$W/seccomp
printf '%s' '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]},{"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],"syscalls":[{"names":["read","write","clone3"],"action":"SCMP_ACT_ALLOW"},{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"valueTwo":0,"op":"SCMP_CMP_EQ"}]},{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}],"excludes":{"caps":["CAP_SYS_ADMIN"],"arches":["s390","s390x"]}},{"names":["bpf"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"includes":{"minKernel":"5.8","caps":["CAP_SYS_ADMIN"]}},{"names":["ptrace"],"action":"SCMP_ACT_TRACE","includes":{"arches":["amd64","arm64"]}},{"names":["kill"],"action":"SCMP_ACT_KILL_PROCESS"}]}' > "$s.rules"
printf '%s' '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["mount"],"action":"SCMP_ACT_LOG"}]}' > "$s.allow"
seed seccomp "$s".*

# --- kconfig: the fixture configs (plain and gzip) and a small one.
seed kconfig "$FIX"/kconfig/*.config "$FIX"/kconfig/*.config.gz
k=$W/small.config
printf '%s\n' '#' '# Automatically generated file; DO NOT EDIT.' '# Linux/x86 6.1.0 Kernel Configuration' '#' \
	'CONFIG_X86_64=y' 'CONFIG_IA32_EMULATION=y' '# CONFIG_X86_X32_ABI is not set' \
	'CONFIG_LEGACY_VSYSCALL_XONLY=y' 'CONFIG_SECCOMP_FILTER=y' 'CONFIG_NR_CPUS=64' \
	'CONFIG_DEFAULT_HOSTNAME="(none)"' 'CONFIG_IO_URING=m' > "$k"
gzip -n9 < "$k" > "$k.gz"
seed kconfig "$k" "$k.gz"

# --- profile: what `abicheck probe -o json` saves, from each source.
p=$W/profile
i=0
for args in "" "--kernel-version 5.10" "--kernel-version 6.1 --kernel-cmdline vsyscall=none" \
	"--kernel-config $FIX/kconfig/this-host.config" \
	"--kernel-config $FIX/kconfig/debian-bookworm-6.1.0-56-arm64_6.1.192-2.config.gz"; do
	i=$((i + 1))
	# shellcheck disable=SC2086 # args are words
	if "$ABICHECK" probe $args -o json 2>/dev/null | jq -c . > "$p.$i" && [ -s "$p.$i" ]; then
		seed profile "$p.$i"
	else
		echo "seeds: skipped profile '$args'" >&2
	fi
done

# --- ldcache: this machine's cache and one made for a one-library dir.
[ -f /etc/ld.so.cache ] && seed ldcache /etc/ld.so.cache
if [ -f "$W/lib.so" ] && command -v ldconfig >/dev/null 2>&1; then
	mkdir -p "$W/libs" && cp "$W/lib.so" "$W/libs/libfake.so.1"
	echo "$W/libs" > "$W/ld.conf"
	ldconfig -X -C "$W/ld.cache" -f "$W/ld.conf" 2>/dev/null && seed ldcache "$W/ld.cache"
fi

# --- registry: a challenge, a token reply and a reference, joined by
# "\n--\n" (tests/fuzz/fuzz_registry.c): the forms registries send.
r=$W/registry
printf '%s' 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/centos:pull"' \
	"$sep" '{"token":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln","expires_in":300}' "$sep" 'centos:6' > "$r.hub"
printf '%s' 'Basic realm="Registry Realm"' "$sep" '{"access_token":"abc-._~+/="}' "$sep" \
	'127.0.0.1:5000/a/b/c:tag@sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4' > "$r.basic"
printf '%s' 'Bearer realm=http://[::1]:8080/t?x=1, service=reg, error="invalid_token" , Basic realm=x' \
	"$sep" '{"token":"a\nb"}' "$sep" '[::1]:5000/img' > "$r.ipv6"
seed registry "$r".*

for t in "$OUT"/*; do
	echo "seeds: $(basename "$t"): $(find "$t" -type f | wc -l) files"
done
