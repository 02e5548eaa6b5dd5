/* probes/checkconfig.h — moby's contrib/check-config.sh, reproduced over a
 * parsed kernel .config, plus the "Container ABI" checks it lacks.
 *
 * Owns the verdicts.  The option list, its order, groups and version
 * conditions are never typed here: scripts/gen-checkconfig.sh generates
 * checkconfig_steps[] from data/checkconfig/moby-check-config-options.json
 * at build time.  The few checks that read the host instead of the config
 * (cgroup hierarchy, AppArmor, bridge sysctls, zfs, root_maxkeys, cgroup v1
 * swap accounting) run only when CHECKCONFIG_HOST is set, i.e. when the
 * config was found on this machine rather than given as a file; otherwise
 * they are reported as not checked and never change the exit status.
 * Nothing here writes anywhere; the caller prints the result.
 * Ownership: checkconfig_run() fills a caller-owned result released by
 * checkconfig_free().
 */
#ifndef ABICHECK_PROBES_CHECKCONFIG_H
#define ABICHECK_PROBES_CHECKCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/kconfig.h"
#include "probes/profile.h"

/* A kernel-version condition of the script ("kernel <= 5.1"). */
struct cc_condition {
	char op;          /* 0 none, '<', 'l' (<=), '>', 'g' (>=) */
	bool major_only;  /* "kernel major < 5" */
	unsigned major, minor;
};

enum cc_step_kind {
	CC_GROUP,       /* a group title ("Generally Necessary:"); text = title */
	CC_DRIVER,      /* - "overlay": (network/storage driver); text = name */
	CC_ENCRYPTED,   /* "Optional (for encrypted networks):" */
	CC_OPTION,      /* check_flags TEXT */
	CC_SWAP,        /* the MEMCG_SWAP block; text = option or NULL for the note */
	CC_VSYSCALL,    /* one LEGACY_VSYSCALL_* case, first set one printed */
	CC_EXT_HINT,    /* the ext3/ext4 "enable these" hint; text = "ext3"/"ext4" */
	CC_SYSCTL,      /* text = key, arg = wanted value (host) */
	CC_HOST,        /* text = check id: cgroup_hierarchy, apparmor, device,
			 * command, limit_over; arg = its path or name */
};

struct cc_step {
	enum cc_step_kind kind;
	const char *group; /* group id: generally_necessary, optional_features, … */
	const char *text;
	const char *arg;
	int depth;         /* 0 = group level, 1 = in a driver, 2 = encrypted */
	struct cc_condition cond;
	const char *unless_set; /* skip when this option is set (ext3 block) */
	const char *block;      /* "ext3"/"ext4" for the hint, else NULL */
	long number;            /* root_maxkeys: the value it must exceed */
	bool counts;            /* the group's bad verdicts set the exit status */
};

extern const struct cc_step checkconfig_steps[];
extern const size_t checkconfig_nsteps;
extern const char checkconfig_source_commit[];

/* Where a check's outcome lands. */
enum cc_status { CC_GOOD, CC_BAD, CC_NOTE, CC_SKIPPED };

struct cc_result {
	enum cc_step_kind kind;
	const char *group;   /* borrowed from the step table */
	const char *driver;  /* the driver the line is under, or NULL */
	char *name;          /* "CONFIG_VETH", "cgroup hierarchy", "sysctl net.ipv4.ip_forward" */
	char *verdict;       /* "enabled", "enabled (as module)", "missing", … */
	char *value;         /* the config's value, "absent", or NULL for host checks */
	char *note;          /* extra lines printed below (may contain '\n'), or NULL */
	enum cc_status status;
	bool counts;         /* a bad verdict sets the exit status */
	int depth;
};

/* The "Container ABI" section: what containers need beyond check-config. */
struct cc_abi_check {
	char *name;    /* "vsyscall", "CONFIG_IA32_EMULATION", … */
	char *verdict;
	char *why;
	enum cc_status status;
};

struct checkconfig_options {
	unsigned version[2]; /* kernel major.minor the conditions use */
	bool host;           /* run the host-dependent checks (config of this machine) */
};

struct checkconfig {
	struct cc_result *results;
	size_t nresults;
	struct cc_abi_check *abi;
	size_t nabi;
	int exit_code; /* check-config.sh's: 1 when a Generally Necessary or Limits check failed */
};

int checkconfig_run(const struct kconfig *c, const struct kernel_profile *p,
		    const struct checkconfig_options *o, struct checkconfig *out,
		    struct ac_error *err);
void checkconfig_free(struct checkconfig *cc);

/* The config file check-config.sh would read when none is given:
 * $CONFIG if set and existing, else the first existing of /proc/config.gz,
 * /boot/config-$(uname -r), /usr/src/linux-$(uname -r)/.config,
 * /usr/src/linux/.config.  Writes the path to BUF; -1 when none exists. */
int checkconfig_find_config(char *buf, size_t len, struct ac_error *err);

/* Verdict words of cc_status, for JSON. */
const char *cc_status_name(enum cc_status s);

#endif
