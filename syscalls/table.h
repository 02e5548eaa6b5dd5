/* syscalls/table.h — syscall numbers, names and first kernel versions per
 * architecture.
 *
 * Owns lookups in tables generated at build time (scripts/gen-syscalls.awk)
 * from data/syscalls/syscalls-kver.csv; no number here is typed by hand.
 * The order of enum syscall_arch is the generator's order.
 */
#ifndef ABICHECK_SYSCALLS_TABLE_H
#define ABICHECK_SYSCALLS_TABLE_H

#include <stddef.h>

enum syscall_arch {
	SYSCALL_X86_64,
	SYSCALL_I386,
	SYSCALL_AARCH64,
	SYSCALL_ARM,
	SYSCALL_PPC64LE,
	SYSCALL_S390X,
	SYSCALL_RISCV64,
	SYSCALL_ARCH_COUNT,
	SYSCALL_ARCH_NONE = -1,
};

struct syscall_entry {
	long nr;
	const char *name;
	const char *first_version; /* "2.6", "<=5.0", or "" when unknown */
	const char *removed;       /* version it was removed in, or "" */
};

struct syscall_table {
	const char *arch;
	const struct syscall_entry *entries; /* sorted by nr */
	size_t count;
};

extern const struct syscall_table syscall_tables[SYSCALL_ARCH_COUNT];

const struct syscall_entry *syscall_by_nr(enum syscall_arch arch, long nr);
const struct syscall_entry *syscall_by_name(enum syscall_arch arch, const char *name);
const char *syscall_arch_name(enum syscall_arch arch);

#endif
