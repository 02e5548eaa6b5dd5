/* probes/bootcache.h — what the live probe keeps from one run to the next.
 *
 * Only facts that cannot change until the machine reboots: which syscall
 * entry points the kernel links (/proc/kallsyms; modules add none).  The
 * kernel formats 120k lines for every read of that file, about 30 ms, a
 * third of a warm check.  Entries are keyed by the boot id
 * (/proc/sys/kernel/random/boot_id) and uname's release and version, so a
 * reboot, even into the same kernel, reads the file again.  Everything
 * else the probe looks at (sysctls, seccomp, cgroups, binfmt_misc) can
 * change at any time and is read every run.
 */
#ifndef ABICHECK_PROBES_BOOTCACHE_H
#define ABICHECK_PROBES_BOOTCACHE_H

#include <stdbool.h>

#include "common/error.h"
#include "probes/kallsyms.h"

/* Where the probe may keep them: `use` false (--no-cache) keeps nothing;
 * `root` NULL is the default cache directory (common/cachefile.h). */
struct boot_cache {
	bool use;
	const char *root;
};

/* kallsyms_load(NULL, …) through the cache: a copy made in this boot, else
 * the file, then a copy for the next run.  A cache that cannot be read or
 * written is passed over silently: the file is the truth. */
int bootcache_kallsyms(const struct boot_cache *c, struct kallsyms **out, struct ac_error *err);

#endif
