/* probes/profile.c — see profile.h. */
#include "probes/profile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

void profile_init(struct kernel_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->vdso = TRI_UNKNOWN;
	p->seccomp = TRI_UNKNOWN;
	p->in_container = TRI_UNKNOWN;
	p->self_seccomp = -1;
}

void profile_free(struct kernel_profile *p)
{
	for (size_t i = 0; i < p->nabis; i++) {
		free(p->abis[i].avail);
		free(p->abis[i].avail_basis);
	}
	for (size_t i = 0; i < p->nbinfmt; i++) {
		free(p->binfmt[i].name);
		free(p->binfmt[i].interpreter);
		free(p->binfmt[i].flags);
		free(p->binfmt[i].arch);
	}
	for (size_t i = 0; i < p->nconfig; i++) {
		free(p->config[i].name);
		free(p->config[i].value);
	}
	for (size_t i = 0; i < p->nassumptions; i++)
		free(p->assumptions[i]);
	free(p->abis);
	free(p->binfmt);
	free(p->config);
	free(p->assumptions);
	free(p->source);
	free(p->release);
	free(p->machine);
	free(p->container_hint);
	free(p->cmdline);
	profile_init(p);
}

struct profile_abi *profile_abi(struct kernel_profile *p, enum syscall_arch table)
{
	for (size_t i = 0; i < p->nabis; i++)
		if (p->abis[i].table == table)
			return &p->abis[i];
	return NULL;
}

struct profile_abi *profile_add_abi(struct kernel_profile *p, enum syscall_arch table)
{
	struct profile_abi *a = profile_abi(p, table);
	size_t n = syscall_tables[table].count;

	if (a)
		return a;
	p->abis = xrealloc(p->abis, (p->nabis + 1) * sizeof(*p->abis));
	a = &p->abis[p->nabis++];
	memset(a, 0, sizeof(*a));
	a->table = table;
	a->executes = TRI_UNKNOWN;
	a->avail = xcalloc(n + 1, 1);
	a->avail_basis = xcalloc(n + 1, 1);
	return a;
}

void profile_assume(struct kernel_profile *p, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->assumptions = xrealloc(p->assumptions, (p->nassumptions + 1) * sizeof(char *));
	p->assumptions[p->nassumptions++] = xstrdup(buf);
}

const char *vsyscall_mode_name(enum vsyscall_mode m)
{
	static const char *const names[] = { "unknown", "none", "xonly", "emulate" };

	return m <= VSYSCALL_MODE_EMULATE ? names[m] : "unknown";
}

const char *basis_name(enum basis b)
{
	static const char *const names[] = {
		"none", "observed", "kallsyms", "enosys-probe", "cmdline",
		"config", "version-table", "assumed", "saved-profile",
	};

	return b <= BASIS_SAVED ? names[b] : "none";
}
