/* probes/live.h — the live kernel profile: what the running kernel is and
 * executes, read from the machine abicheck runs on.
 *
 * Owns the live sources: uname, /proc/cmdline, the [vsyscall] line of
 * /proc/self/maps, the auxiliary vector (vDSO, page size), binfmt_misc
 * handlers, seccomp availability, the cgroup version, container detection,
 * and per-ABI syscall availability from kallsyms (kallsyms.h) and the safe
 * ENOSYS probe (enosys.h).  Reads only; the one file it may write is the
 * cache's per-boot copy of kallsyms' syscall names (bootcache.h).  The kernel
 * .config is not read here: the caller merges it afterwards (see
 * cli/probe.c, "kernel .config merge point").
 */
#ifndef ABICHECK_PROBES_LIVE_H
#define ABICHECK_PROBES_LIVE_H

#include <stdbool.h>

#include "common/error.h"
#include "probes/bootcache.h"
#include "probes/profile.h"

/* Fills an initialised (profile_init) profile from the running kernel.
 * A source that cannot be read leaves its fact unknown with an
 * assumption saying so; fails only when nothing can be probed
 * (uname fails, no child can be forked).  `cache` NULL: keeps nothing. */
int probe_live(struct kernel_profile *p, const struct boot_cache *cache, struct ac_error *err);

/* The pieces, for tests. */

/* The vsyscall mode the text of /proc/self/maps shows: the [vsyscall]
 * line's permissions r-xp (emulate) or --xp (xonly), no line (none). */
enum vsyscall_mode vsyscall_mode_from_maps(const char *maps);

/* "6.18.44-fc" -> {6, 18, 44}; fewer parts leave zeros.  -1 if no number. */
int parse_kernel_release(const char *release, unsigned version[3]);

/* One /proc/sys/fs/binfmt_misc/NAME file into `h` (its strings owned by h,
 * released by profile_free through the profile holding it). */
void binfmt_parse(const char *name, const char *text, struct binfmt_handler *h);

#endif
