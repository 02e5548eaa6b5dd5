/* probes/checkconfig_host.h — the checks of check-config.sh that read the
 * running machine instead of the kernel config: cgroup hierarchy, AppArmor
 * tools, bridge sysctls, the zfs device and commands, root_maxkeys and
 * cgroup v1 swap accounting.
 *
 * Owns only reading /proc, /sys and PATH the way the script does; it never
 * executes anything and never writes.  checkconfig.c calls these only when
 * the config was found on this machine (no FILE argument).
 */
#ifndef ABICHECK_PROBES_CHECKCONFIG_HOST_H
#define ABICHECK_PROBES_CHECKCONFIG_HOST_H

#include <stdbool.h>

#include "probes/checkconfig.h"

struct host_verdict {
	char *name;    /* owned by the caller afterwards */
	char *verdict;
	char *note;    /* or NULL */
	bool good;
};

/* Runs the CC_HOST or CC_SYSCTL step S.  Returns -1 when the script
 * prints nothing for it (AppArmor not enabled), else 0 with H filled. */
int host_check(const struct cc_step *s, struct host_verdict *h);

/* The line's name for S ("cgroup hierarchy", "zfs command", …), allocated. */
char *host_check_name(const struct cc_step *s);

/* /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes exists (cgroup v1). */
bool host_memsw_accounting(void);

#endif
