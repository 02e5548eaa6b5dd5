/* verdict/report.h — the main job's report: a human table, JSON
 * (abicheck.report/v1, docs/REPORT-JSON.md) and SARIF 2.1.0.
 *
 * Owns presenting verdicts; deciding them is the rules' job.  The same
 * report record feeds all three formats, so they never disagree.
 * Ownership: the report borrows everything it points to.
 */
#ifndef ABICHECK_VERDICT_REPORT_H
#define ABICHECK_VERDICT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "verdict/verdict.h"

#define REPORT_SCHEMA "abicheck.report/v1"

/* The target the verdicts are for, as the report shows it. */
struct report_target {
	const char *kernel_source;  /* "live", "kernel-config", "kernel-version", "profile" */
	const char *kernel_release; /* "6.1.0-13-amd64" or NULL */
	unsigned kernel_version[3];
	const char *machine;        /* "x86_64" */
	const char *vsyscall;       /* "none", "xonly", "emulate", "unknown" */
	int vdso;                   /* 1, 0, -1 unknown */
	unsigned long page_size;    /* 0 unknown */
	const char *cmdline;        /* kernel command line, or NULL */
	const char *seccomp;        /* "docker 29.7 (profile …, runc …)", "unconfined" */
};

struct report {
	const char *image_ref;
	const char *image_transport;
	const char *image_platform;   /* "linux/amd64" or NULL */
	struct report_target target;
	const struct program_verdict *programs;
	size_t nprograms;
	enum severity fail_on;        /* --fail-on: findings at/above this fail the run */
	bool fail_never;              /* --fail-on never */
	int exit_code;                /* 0 or 1, decided by report_exit_code() */
};

/* 1 when a program has a finding at or above fail_on, else 0. */
int report_exit_code(const struct report *r);

void report_table(FILE *out, const struct report *r, bool colour);
void report_json(FILE *out, const struct report *r);
void report_sarif(FILE *out, const struct report *r);

#endif
