/* probes/enosys.h — the safe ENOSYS probe: is a syscall number wired to
 * an implementation in the running kernel?
 *
 * Owns issuing syscalls whose arguments cannot have effects (fd -1,
 * pointers to unmapped or kernel addresses, flags ~0; per-syscall
 * overrides where -1 would be meaningful) in a forked child, one child per
 * batch, with alarm() as the child's watchdog and a parent-side timeout.
 * The parent reads one record per syscall through a pipe.  -ENOSYS means
 * absent; any other result means the kernel dispatched the call to an
 * implementation.  A child dying by a signal makes that one syscall
 * AVAIL_UNKNOWN and a new child continues after it: never a crash of
 * abicheck.  Syscalls that act whatever their arguments are never issued
 * (enosys_denied(), each with its reason).  Never creates a file.
 */
#ifndef ABICHECK_PROBES_ENOSYS_H
#define ABICHECK_PROBES_ENOSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "probes/profile.h"
#include "syscalls/table.h"

/* Why `name` must never be issued by the probe, or NULL when it may be. */
const char *enosys_denied(const char *name);

/* Whether this build can issue syscalls of `abi`: the native ABI it was
 * compiled for, and i386 through `int $0x80` from an x86_64 build. */
bool enosys_can_probe(enum syscall_arch abi);

/* The ABI this build's own syscall() issues. */
enum syscall_arch enosys_native_abi(void);

/* Whether the kernel executes `abi` at all, by issuing its getpid from a
 * child (for i386 on x86_64: `int $0x80`, which dies with SIGSEGV when
 * IA32 emulation is off or disabled by ia32_emulation=false). */
enum tristate enosys_abi_executes(enum syscall_arch abi);

/* Probes entries idx[0..n) of syscall_tables[abi]; writes enum avail into
 * avail[idx[i]].  Denied names are left untouched.  Fails only when no
 * child can be started (AC_ERR_SYSTEM). */
int enosys_probe(enum syscall_arch abi, const size_t *idx, size_t n, uint8_t *avail,
		 struct ac_error *err);

#endif
