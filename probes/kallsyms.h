/* probes/kallsyms.h — syscall entry points named in /proc/kallsyms.
 *
 * Owns reading the symbol table and mapping a syscall table name (per ABI)
 * to the kernel's entry symbols.  Only names and type letters are used:
 * addresses are zeroed for unprivileged readers and never needed.  Never
 * issues a syscall other than reading the file.
 *
 * What a name proves: a strong (T/t) entry symbol is a linked
 * implementation.  Since 4.17, x86 and arm64 define weak (W) stubs for
 * conditional syscalls (COND_SYSCALL, kernel/sys_ni.c) that only return
 * -ENOSYS; before 4.17 cond_syscall() made `sys_foo` a weak alias of
 * sys_ni_syscall.  So weak means "a stub unless the probe says otherwise",
 * and a missing name means "ask the ENOSYS probe" (see enosys.h and
 * docs/DESIGN.md "Live probe" for how the two combine).
 * Ownership: kallsyms_load() returns a record that kallsyms_free() releases.
 */
#ifndef ABICHECK_PROBES_KALLSYMS_H
#define ABICHECK_PROBES_KALLSYMS_H

#include <stdbool.h>

#include "common/cachefile.h"
#include "common/error.h"
#include "syscalls/table.h"

enum ksym_strength { KSYM_MISSING = 0, KSYM_WEAK, KSYM_STRONG };

struct kallsyms;

/* Reads `path` (NULL: /proc/kallsyms), keeping only syscall-entry-like
 * names.  Fails (AC_ERR_SYSTEM) when the file cannot be read. */
int kallsyms_load(const char *path, struct kallsyms **out, struct ac_error *err);
void kallsyms_free(struct kallsyms *k);

/* The kept names as a cache entry body (probes/bootcache.c), and back:
 * NULL for a body that is damaged, unsorted or repeats a name. */
void kallsyms_encode(const struct kallsyms *k, struct wbuf *b);
struct kallsyms *kallsyms_decode(struct rbuf *b);

/* The strongest definition of exactly this symbol. */
enum ksym_strength kallsyms_lookup(const struct kallsyms *k, const char *sym);

/* Whether any kept symbol starts with `prefix` ("__ia32_sys_"). */
bool kallsyms_has_prefix(const struct kallsyms *k, const char *prefix);

/* The strongest entry symbol of syscall `name` of ABI `abi`, over every
 * spelling the kernel has used for it (wrapper prefixes since 4.17,
 * sys_/SyS_/compat_sys_ before; renamed entries such as umount2 → umount,
 * _llseek → llseek, getuid32 → getuid, clock_gettime64 → clock_gettime,
 * stat64 → ia32_stat64).  `ambiguous` (may be NULL) is set when spellings
 * disagree (one strong, another weak). */
enum ksym_strength kallsyms_syscall(const struct kallsyms *k, enum syscall_arch abi,
				   const char *name, bool *ambiguous);

#endif
