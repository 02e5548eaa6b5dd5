/* probes/kversion_profile.h — a profile from a kernel version alone
 * (--kernel-version X.Y[.Z], the "kernel-version" source of profile.h).
 *
 * Owns what a bare version implies: each syscall is present when the
 * first-version table (data/syscalls/syscalls-kver.csv) places it at or
 * before that version and absent when after (BASIS_TABLE); everything a
 * version cannot tell is the upstream default for that version, marked
 * BASIS_ASSUMED with a sentence: the vsyscall mode (native before 4.4,
 * emulate from 4.4, xonly from 5.8: the LEGACY_VSYSCALL_* defaults), the
 * vDSO mapped, 4 KiB pages, IA32 emulation on for x86_64 (every distro
 * kernel), seccomp filters available.  Also used to add the table's say to
 * a kernel-config profile, whose options alone do not date syscalls.
 */
#ifndef ABICHECK_PROBES_KVERSION_PROFILE_H
#define ABICHECK_PROBES_KVERSION_PROFILE_H

#include "common/error.h"
#include "probes/profile.h"

/* `machine` NULL: this host's.  Fails (AC_ERR_USAGE) on a malformed
 * version or a machine without a syscall table. */
int kversion_to_profile(const char *version, const char *machine, struct kernel_profile *p,
			struct ac_error *err);

/* What the version table says of syscall e on kernel `version`: absent
 * (came later, or was removed by then), present, or unknown (no exact
 * first version, or no version). */
enum avail kversion_table_avail(const struct syscall_entry *e, const unsigned version[3]);

/* Marks a's syscalls of unknown availability present/absent from the
 * version table for kernel `version` (BASIS_TABLE). */
void kversion_fill_abi(const unsigned version[3], struct profile_abi *a);

#endif
