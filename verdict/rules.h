/* verdict/rules.h — the failure rules: each looks at one program against
 * the target and adds findings (verdict.h) with their evidence.
 *
 * One module per rule, each small and independent:
 *   rule_exec.c      the kernel refuses the file: foreign arch without a
 *                    binfmt_misc handler, 32-bit with IA32 emulation off,
 *                    a missing interpreter (126 / 127)
 *   rule_loader.c    ld.so gives up: a NEEDED library missing, a segment
 *                    aligned below the kernel's page size (127)
 *   rule_kernel.c    "FATAL: kernel too old": libc's ABI tag above the
 *                    target release (glibc < 2.36), and libraries ld.so
 *                    skips for the same reason
 *   rule_vsyscall.c  legacy vsyscall use under vsyscall=none/xonly, vDSO
 *                    fallbacks under vdso=0 (139)
 *   rule_syscalls.c  syscalls the kernel lacks (ENOSYS) and the seccomp
 *                    filter's answers (EPERM where glibc expects ENOSYS,
 *                    KILL -> SIGSYS 159)
 * The context is read-only; rules never touch the image or the host.
 */
#ifndef ABICHECK_VERDICT_RULES_H
#define ABICHECK_VERDICT_RULES_H

#include "analyzer/loader.h"
#include "analyzer/reach.h"
#include "analyzer/scan.h"
#include "images/image.h"
#include "probes/profile.h"
#include "probes/seccomp.h"
#include "verdict/verdict.h"

struct rule_ctx {
	const struct image *img;
	const struct image_node *node;      /* the ELF that runs */
	const char *label;                  /* "/usr/bin/bash" */
	const struct elf_scan *scan;        /* of node */
	const struct load_closure *closure; /* of node */
	const struct reach_result *reach;   /* of node; NULL when not walked */
	struct reach_ctx *rc;               /* per-library scans (reach_scan) */
	const struct kernel_profile *profile;
	const struct seccomp_model *seccomp; /* NULL = unconfined */
	const char *via;                    /* "entrypoint.sh: #!/bin/sh", or NULL */
};

void rule_exec(const struct rule_ctx *c, struct program_verdict *pv);
void rule_loader(const struct rule_ctx *c, struct program_verdict *pv);
void rule_kernel(const struct rule_ctx *c, struct program_verdict *pv);
void rule_vsyscall(const struct rule_ctx *c, struct program_verdict *pv);
void rule_syscalls(const struct rule_ctx *c, struct program_verdict *pv);

/* Shared by the rules: the chain's first steps (the script, the program). */
void rule_chain_start(const struct rule_ctx *c, struct finding *f);
void rule_chain_reach(struct finding *f, const struct reach_chain *rch);
/* The program as the loader and runc name it in messages: argv[0] of the
 * command checked, else its path. */
const char *rule_argv0(const struct rule_ctx *c, const struct program_verdict *pv);
/* "vsyscall=none (kernel command line)" style basis words. */
const char *rule_basis(enum basis b);

#endif
