/* probes/kversion_profile.c — see kversion_profile.h. */
#include "probes/kversion_profile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/xalloc.h"
#include "probes/live.h"

static const struct {
	const char *machine;
	enum syscall_arch native, compat;
} machines[] = {
	{ "x86_64", SYSCALL_X86_64, SYSCALL_I386 },   { "i686", SYSCALL_I386, SYSCALL_ARCH_NONE },
	{ "aarch64", SYSCALL_AARCH64, SYSCALL_ARM },  { "armv7l", SYSCALL_ARM, SYSCALL_ARCH_NONE },
	{ "ppc64le", SYSCALL_PPC64LE, SYSCALL_ARCH_NONE },
	{ "s390x", SYSCALL_S390X, SYSCALL_ARCH_NONE },
	{ "riscv64", SYSCALL_RISCV64, SYSCALL_ARCH_NONE },
};

/* "2.6.16" -> comparable; 0 when not an exact version ("<=5.0", ""). */
static unsigned long key(const char *v)
{
	unsigned ver[3];

	if (!v || !isdigit((unsigned char)*v) || parse_kernel_release(v, ver) < 0)
		return 0;
	return (unsigned long)ver[0] << 32 | (unsigned long)ver[1] << 16;
}

enum avail kversion_table_avail(const struct syscall_entry *e, const unsigned version[3])
{
	unsigned long k = (unsigned long)version[0] << 32 | (unsigned long)version[1] << 16;
	unsigned long first = key(e->first_version), gone = key(e->removed);
	/* "<=5.0": there by 5.0, first version unknown. */
	unsigned long upto = !strncmp(e->first_version, "<=", 2) ? key(e->first_version + 2) : 0;

	if (!k)
		return AVAIL_UNKNOWN;
	if ((first && first > k) || (gone && gone <= k))
		return AVAIL_NO;
	if (first || (upto && upto <= k))
		return AVAIL_YES;
	return AVAIL_UNKNOWN;
}

void kversion_fill_abi(const unsigned version[3], struct profile_abi *a)
{
	const struct syscall_table *t = &syscall_tables[a->table];

	for (size_t i = 0; i < t->count; i++) {
		enum avail v;

		if (a->avail[i] != AVAIL_UNKNOWN ||
		    (v = kversion_table_avail(&t->entries[i], version)) == AVAIL_UNKNOWN)
			continue;
		a->avail[i] = (uint8_t)v;
		a->avail_basis[i] = BASIS_TABLE;
	}
}

/* The LEGACY_VSYSCALL_* default of that version (x86_64 only). */
static void assume_vsyscall(struct kernel_profile *p)
{
	unsigned long k = (unsigned long)p->version[0] << 16 | p->version[1];

	p->vsyscall_basis = BASIS_ASSUMED;
	if (strcmp(p->machine, "x86_64")) {
		p->vsyscall = VSYSCALL_MODE_NONE;
		return;
	}
	p->vsyscall = k >= (5ul << 16 | 8) ? VSYSCALL_MODE_XONLY : VSYSCALL_MODE_EMULATE;
	profile_assume(p, "vsyscall: %s, the upstream default of %u.%u (LEGACY_VSYSCALL_%s); a "
		       "distribution config or vsyscall= may differ (--kernel-cmdline)",
		       vsyscall_mode_name(p->vsyscall), p->version[0], p->version[1],
		       p->vsyscall == VSYSCALL_MODE_XONLY ? "XONLY, since 5.8"
		       : k >= (4ul << 16 | 4)		   ? "EMULATE, 4.4 to 5.7"
							   : "NATIVE before 4.4, which runs like emulate");
}

static void add_abi(struct kernel_profile *p, enum syscall_arch table)
{
	struct profile_abi *a = profile_add_abi(p, table);

	a->executes = TRI_YES;
	a->executes_basis = BASIS_ASSUMED;
	a->syscalls_basis = BASIS_TABLE;
	kversion_fill_abi(p->version, a);
}

int kversion_to_profile(const char *version, const char *machine, struct kernel_profile *p,
			struct ac_error *err)
{
	struct utsname u;
	size_t m;

	if (parse_kernel_release(version, p->version) < 0 || !p->version[0])
		return ac_error_set(err, AC_ERR_USAGE, 0, "kernel version '%s' is not X.Y[.Z]",
				    version);
	if (!machine)
		machine = uname(&u) == 0 ? u.machine : "x86_64";
	for (m = 0; m < sizeof(machines) / sizeof(machines[0]); m++)
		if (!strcmp(machines[m].machine, machine))
			break;
	if (m == sizeof(machines) / sizeof(machines[0]))
		return ac_error_set(err, AC_ERR_USAGE, 0, "no syscall table for machine '%s'", machine);
	p->source = xstrdup("kernel-version");
	p->release = xstrdup(version);
	p->machine = xstrdup(machine);
	p->release_basis = BASIS_ASSUMED;
	p->page_size = 4096;
	p->page_size_basis = BASIS_ASSUMED;
	p->vdso = TRI_YES;
	p->vdso_basis = BASIS_ASSUMED;
	p->seccomp = TRI_YES;
	assume_vsyscall(p);
	add_abi(p, machines[m].native);
	if (machines[m].compat != SYSCALL_ARCH_NONE)
		add_abi(p, machines[m].compat);
	profile_assume(p, "kernel %s given as a version only: syscalls from the first-version "
		       "table, 4 KiB pages, vDSO mapped, %s", version,
		       machines[m].compat != SYSCALL_ARCH_NONE ? "32-bit compat enabled"
							    : "no compat ABI");
	return 0;
}
