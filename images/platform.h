/* images/platform.h — OCI platforms ("linux/arm64/v8") and choosing one.
 *
 * Owns the naming rules containerd's platforms package established: GOARCH
 * names (amd64, arm64, 386…), the host's default from uname(2), aliases
 * (x86_64, aarch64, armhf…), and variant defaults (arm64 means v8; arm
 * without a variant means v7).  Does not decide whether a platform can run
 * on a kernel: that is the kernel model's job.
 */
#ifndef ABICHECK_IMAGES_PLATFORM_H
#define ABICHECK_IMAGES_PLATFORM_H

#include <stdbool.h>

#include "common/error.h"

struct platform {
	char os[32];
	char arch[32];
	char variant[16]; /* "" when none */
};

/* Parses "os/arch[/variant]" or "arch" (os linux), normalising aliases. */
int platform_parse(const char *s, struct platform *out, struct ac_error *err);
/* The running machine's platform. */
void platform_host(struct platform *out);
void platform_normalize(struct platform *p);
/* Whether an image for `have` is what `want` asks for. */
bool platform_match(const struct platform *want, const struct platform *have);
void platform_format(const struct platform *p, char *buf, size_t len);

#endif
