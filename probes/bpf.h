/* probes/bpf.h — a classic-BPF interpreter for seccomp filters.
 *
 * Owns validating and running a `struct sock_filter` program against one
 * `struct seccomp_data`, with the kernel's rules (kernel/seccomp.c
 * seccomp_check_filter + net/core/filter.c bpf_check_classic): only the
 * instructions seccomp accepts, forward jumps inside the program, a final
 * return, scratch memory written before it is read, 32-bit loads at
 * aligned offsets inside seccomp_data.  It never loads a filter into the
 * kernel.  A program is validated once; running an unvalidated one is a
 * programming error.
 * Ownership: struct bpf_prog owns its instructions (bpf_prog_free).
 */
#ifndef ABICHECK_PROBES_BPF_H
#define ABICHECK_PROBES_BPF_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "common/error.h"

struct bpf_prog {
	struct sock_filter *insns;
	size_t len;
};

/* 0 when the program is one the kernel would accept, else -1 naming the
 * first offending instruction. */
int bpf_validate(const struct sock_filter *insns, size_t len, struct ac_error *err);

/* Copies `nbytes` of raw program (what seccomp_export_bpf writes) into
 * *out after validating it.  *out is untouched on failure. */
int bpf_prog_from_bytes(const void *bytes, size_t nbytes, struct bpf_prog *out,
			struct ac_error *err);

/* Concatenates a and b (a falls through into b) into *out; validated. */
int bpf_prog_concat(const struct bpf_prog *a, const struct bpf_prog *b, struct bpf_prog *out,
		    struct ac_error *err);

void bpf_prog_free(struct bpf_prog *p);

/* The filter's 32-bit return value for `data`.  `p` must be validated. */
uint32_t bpf_run(const struct bpf_prog *p, const struct seccomp_data *data);

/* What the kernel does with a return value (SECCOMP_RET_ACTION_FULL);
 * unknown actions are KILL_PROCESS, as in the kernel. */
enum seccomp_action {
	SECCOMP_ACT_KILL_PROCESS,
	SECCOMP_ACT_KILL_THREAD,
	SECCOMP_ACT_TRAP,
	SECCOMP_ACT_ERRNO,
	SECCOMP_ACT_USER_NOTIF,
	SECCOMP_ACT_TRACE,
	SECCOMP_ACT_LOG,
	SECCOMP_ACT_ALLOW,
};

struct seccomp_ret {
	enum seccomp_action action;
	unsigned data; /* errno (capped at 4095 like the kernel), trace/trap data */
};

struct seccomp_ret seccomp_ret_decode(uint32_t ret);

/* "ALLOW", "ERRNO", "KILL_PROCESS", "KILL_THREAD", "TRAP", "TRACE", "LOG",
 * "USER_NOTIF". */
const char *seccomp_action_name(enum seccomp_action a);

/* "ALLOW", "ERRNO(38)", "TRACE(1)"… into buf. */
const char *seccomp_ret_format(struct seccomp_ret r, char *buf, size_t len);

#endif
