/* verdict/fallbacks.h — syscalls glibc tries first and falls back from on
 * ENOSYS, generated from data/glibc/enosys-fallbacks.csv (sources there).
 * Absent in the kernel, these cost nothing; denied with EPERM by a seccomp
 * filter, the fallback never runs and the symptom column is what users see.
 */
#ifndef ABICHECK_VERDICT_FALLBACKS_H
#define ABICHECK_VERDICT_FALLBACKS_H

#include <stddef.h>

struct glibc_fallback {
	const char *syscall, *glibc_since, *fallback, *symptom_if_eperm, *source;
};

extern const struct glibc_fallback glibc_fallbacks[];
extern const size_t glibc_fallbacks_count;

#endif
