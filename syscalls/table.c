/* syscalls/table.c — lookups over the generated tables; see table.h. */
#include "syscalls/table.h"
#include "common/sort.h"

#include <stdlib.h>
#include <string.h>

static int cmp_nr(const void *key, const void *elem)
{
	long k = *(const long *)key, n = ((const struct syscall_entry *)elem)->nr;

	return k < n ? -1 : k > n;
}

const struct syscall_entry *syscall_by_nr(enum syscall_arch arch, long nr)
{
	const struct syscall_table *t;

	if (arch < 0 || arch >= SYSCALL_ARCH_COUNT)
		return NULL;
	t = &syscall_tables[arch];
	return search_array(&nr, t->entries, t->count, sizeof(*t->entries), cmp_nr);
}

const struct syscall_entry *syscall_by_name(enum syscall_arch arch, const char *name)
{
	const struct syscall_table *t;

	if (arch < 0 || arch >= SYSCALL_ARCH_COUNT)
		return NULL;
	t = &syscall_tables[arch];
	for (size_t i = 0; i < t->count; i++)
		if (!strcmp(t->entries[i].name, name))
			return &t->entries[i];
	return NULL;
}

const char *syscall_arch_name(enum syscall_arch arch)
{
	return arch >= 0 && arch < SYSCALL_ARCH_COUNT ? syscall_tables[arch].arch : "unknown";
}
