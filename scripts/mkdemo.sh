#!/bin/sh
# mkdemo.sh OUT — builds the demo image that `make run` checks, from the
# sources in tests/fixtures/demo and the build machine's own C library (the
# loader and libc the dynamic demo links, copied at their paths).  Two
# layers: the C runtime, then the application.  No network.
set -eu
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/tests/fixtures/demo"
stamp="$out/.abicheck-demo"
if [ -f "$stamp" ] && [ -z "$(find "$src" "$0" -newer "$stamp" 2>/dev/null)" ]; then
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/runtime" "$work/app/usr/bin" "$work/app/usr/local/bin"
cc -O2 -o "$work/app/usr/bin/hello" "$src/hello.c"
cc -O2 -static -o "$work/app/usr/bin/static-hello" "$src/static-hello.c"
install -m 0755 "$src/entrypoint.sh" "$work/app/usr/local/bin/entrypoint.sh"
# The loader and libraries hello needs, as the host has them (ldd prints
# "name => /path (addr)" and the loader as "/path (addr)").
for lib in $(ldd "$work/app/usr/bin/hello" | awk '/=>/ { print $3 } !/=>/ { print $1 }' | grep '^/'); do
	real=$(readlink -f "$lib")
	mkdir -p "$work/runtime$(dirname "$real")" "$work/runtime$(dirname "$lib")"
	cp "$real" "$work/runtime$real"
	[ "$real" = "$lib" ] || ln -sf "$real" "$work/runtime$lib"
done
# The entrypoint's /bin/sh: the host's dash (it needs only libc).
mkdir -p "$work/runtime/usr/bin"
cp "$(readlink -f /bin/sh)" "$work/runtime/usr/bin/dash"
ln -s dash "$work/runtime/usr/bin/sh"
ln -s usr/bin "$work/runtime/bin"
# Merged /usr, as Debian has it: /lib64 and /lib point into /usr.
[ -d "$work/runtime/lib64" ] && [ ! -L "$work/runtime/lib64" ] && \
	{ mkdir -p "$work/runtime/usr"; mv "$work/runtime/lib64" "$work/runtime/usr/lib64"; ln -s usr/lib64 "$work/runtime/lib64"; }
rm -rf "$out"
"$here/tests/tools/mkimage.sh" -o "$out" -c gzip -t demo \
	-e '["/usr/local/bin/entrypoint.sh"]' -m '["--greet"]' "$work/runtime" "$work/app"
touch "$stamp"
