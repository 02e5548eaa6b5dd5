/* probes/kallsyms.c — see kallsyms.h. */
#include "probes/kallsyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "common/xalloc.h"

struct ksym {
	char *name;
	enum ksym_strength strength;
};

struct kallsyms {
	struct ksym *syms; /* sorted by name, one per name (strongest kept) */
	size_t n;
	bool wrapper_style; /* __<arch>_sys_* entry points (4.17+) */
};

static int cmp_ksym(const void *a, const void *b)
{
	return strcmp(((const struct ksym *)a)->name, ((const struct ksym *)b)->name);
}

static enum ksym_strength strength_of(char type)
{
	switch (type) {
	case 'T': case 't': return KSYM_STRONG;
	case 'W': case 'w': case 'V': case 'v': return KSYM_WEAK;
	default: return KSYM_MISSING; /* data, absolute, … never an entry point */
	}
}

/* "addr type name [module]" -> type and name; only names that can be a
 * syscall entry ("sys_" inside) are kept: ~2k of ~120k lines. */
static bool parse_line(char *line, char *type, char **name)
{
	char *sp1 = strchr(line, ' '), *sp2, *end;

	if (!sp1 || !sp1[1] || sp1[2] != ' ')
		return false;
	*type = sp1[1];
	sp2 = sp1 + 3;
	end = sp2 + strcspn(sp2, " \t\n");
	*end = '\0';
	*name = sp2;
	return strstr(sp2, "sys_") != NULL && strncmp(sp2, "__pfx_", 6) != 0 &&
	       strchr(sp2, '.') == NULL; /* .cold/.constprop parts are not entries */
}

int kallsyms_load(const char *path, struct kallsyms **out, struct ac_error *err)
{
	FILE *f;
	char *line = NULL, *name, type;
	size_t cap = 0, scap = 0, w = 0;
	struct kallsyms *k;

	if (!path)
		path = "/proc/kallsyms";
	f = fopen(path, "re");
	if (!f)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "%s: %s", path, strerror(errno));
	k = xcalloc(1, sizeof(*k));
	while (getline(&line, &cap, f) > 0) {
		enum ksym_strength s;

		if (!parse_line(line, &type, &name) || !(s = strength_of(type)))
			continue;
		xgrow((void **)&k->syms, &scap, k->n, sizeof(*k->syms));
		k->syms[k->n].name = xstrdup(name);
		k->syms[k->n++].strength = s;
	}
	free(line);
	fclose(f);
	sort_array(k->syms, k->n, sizeof(*k->syms), cmp_ksym);
	for (size_t r = 0; r < k->n; r++) { /* one entry per name, the strongest */
		if (w && !strcmp(k->syms[w - 1].name, k->syms[r].name)) {
			if (k->syms[r].strength > k->syms[w - 1].strength)
				k->syms[w - 1].strength = k->syms[r].strength;
			free(k->syms[r].name);
			continue;
		}
		k->syms[w++] = k->syms[r];
	}
	k->n = w;
	k->wrapper_style = kallsyms_has_prefix(k, "__x64_sys_") ||
			   kallsyms_has_prefix(k, "__ia32_sys_") ||
			   kallsyms_has_prefix(k, "__arm64_sys_") ||
			   kallsyms_has_prefix(k, "__riscv_sys_") ||
			   kallsyms_has_prefix(k, "__s390x_sys_") ||
			   kallsyms_has_prefix(k, "__powerpc_sys_");
	*out = k;
	return 0;
}

void kallsyms_encode(const struct kallsyms *k, struct wbuf *b)
{
	cache_put32(b, k->wrapper_style);
	cache_put64(b, k->n);
	for (size_t i = 0; i < k->n; i++) {
		cache_put_str(b, k->syms[i].name);
		cache_put32(b, k->syms[i].strength);
	}
}

struct kallsyms *kallsyms_decode(struct rbuf *b)
{
	struct kallsyms *k = xcalloc(1, sizeof(*k));
	uint64_t n;

	k->wrapper_style = cache_get32(b) != 0;
	n = cache_get64(b);
	k->syms = cache_get_array(b, n, 8 + 4, sizeof(*k->syms)); /* name length, strength */
	for (size_t i = 0; k->syms && i < n && !b->bad; i++, k->n++) {
		k->syms[i].name = cache_get_str(b);
		k->syms[i].strength = (enum ksym_strength)cache_get32(b);
		if (!k->syms[i].name || k->syms[i].strength < KSYM_WEAK ||
		    k->syms[i].strength > KSYM_STRONG ||
		    (i && strcmp(k->syms[i - 1].name, k->syms[i].name) >= 0))
			b->bad = true; /* lookups bisect: order is part of the format */
	}
	if (!k->syms || b->bad || b->off != b->n) {
		kallsyms_free(k);
		return NULL;
	}
	return k;
}

void kallsyms_free(struct kallsyms *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->syms[i].name);
	free(k->syms);
	free(k);
}

enum ksym_strength kallsyms_lookup(const struct kallsyms *k, const char *sym)
{
	struct ksym key = { .name = (char *)sym };
	const struct ksym *hit = search_array(&key, k->syms, k->n, sizeof(*k->syms), cmp_ksym);

	return hit ? hit->strength : KSYM_MISSING;
}

bool kallsyms_has_prefix(const struct kallsyms *k, const char *prefix)
{
	size_t lo = 0, hi = k->n, len = strlen(prefix);

	while (lo < hi) { /* first name >= prefix */
		size_t mid = (lo + hi) / 2;

		if (strcmp(k->syms[mid].name, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && !strncmp(k->syms[lo].name, prefix, len);
}

/* Entry-point prefixes per ABI: wrapper style (4.17+) and the older names. */
static const char *const *entry_prefixes(enum syscall_arch abi, bool wrapper)
{
	static const char *const x64[] = { "__x64_sys_", NULL };
	static const char *const ia32[] = { "__ia32_sys_", "__ia32_compat_sys_", NULL };
	static const char *const arm64[] = { "__arm64_sys_", NULL };
	static const char *const arm_compat[] = { "__arm64_compat_sys_", "__arm64_sys_", NULL };
	static const char *const riscv[] = { "__riscv_sys_", NULL };
	static const char *const s390x[] = { "__s390x_sys_", NULL };
	static const char *const ppc[] = { "__powerpc_sys_", "sys_", NULL };
	static const char *const legacy_native[] = { "sys_", "SyS_", NULL };
	static const char *const legacy_compat[] = { "compat_sys_", "sys32_", "sys_", "SyS_", NULL };

	if (!wrapper)
		return abi == SYSCALL_I386 || abi == SYSCALL_ARM ? legacy_compat : legacy_native;
	switch (abi) {
	case SYSCALL_X86_64: return x64;
	case SYSCALL_I386: return ia32;
	case SYSCALL_AARCH64: return arm64;
	case SYSCALL_ARM: return arm_compat;
	case SYSCALL_RISCV64: return riscv;
	case SYSCALL_S390X: return s390x;
	case SYSCALL_PPC64LE: return ppc;
	default: return legacy_native;
	}
}

/* Renamed entries: the table's name and the kernel function's name differ.
 * abi SYSCALL_ARCH_NONE applies to every ABI. */
static const struct {
	enum syscall_arch abi;
	const char *name, *entry;
} renames[] = {
	{ SYSCALL_ARCH_NONE, "umount2", "umount" },
	{ SYSCALL_ARCH_NONE, "_llseek", "llseek" },
	{ SYSCALL_ARCH_NONE, "_newselect", "select" },
	{ SYSCALL_ARCH_NONE, "_sysctl", "sysctl" },
	{ SYSCALL_ARCH_NONE, "ugetrlimit", "getrlimit" },
	{ SYSCALL_ARCH_NONE, "mmap2", "mmap_pgoff" },
	{ SYSCALL_ARCH_NONE, "readdir", "old_readdir" },
	{ SYSCALL_ARCH_NONE, "fadvise64_64", "fadvise64_64" },
	{ SYSCALL_I386, "umount", "oldumount" },
	{ SYSCALL_I386, "select", "old_select" },
	{ SYSCALL_I386, "mmap", "ia32_mmap" },
	{ SYSCALL_I386, "mmap", "old_mmap" },
	{ SYSCALL_I386, "getrlimit", "old_getrlimit" },
	{ SYSCALL_I386, "olduname", "uname" }, /* nr 109: sys_uname is the old struct */
	{ SYSCALL_I386, "uname", "newuname" },
	{ SYSCALL_I386, "clone", "ia32_clone" },
	{ SYSCALL_X86_64, "uname", "newuname" },
	{ SYSCALL_AARCH64, "uname", "newuname" },
	{ SYSCALL_ARM, "uname", "newuname" },
	{ SYSCALL_ARM, "mmap2", "aarch32_mmap2" },
	{ SYSCALL_RISCV64, "uname", "newuname" },
	{ SYSCALL_S390X, "uname", "newuname" },
	{ SYSCALL_PPC64LE, "uname", "newuname" },
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* Every kernel function name `name` may be implemented by. */
static size_t entry_names(enum syscall_arch abi, const char *name, char out[][64], size_t max)
{
	size_t n = 0;

#define ADD(...) do { if (n < max) snprintf(out[n++], 64, __VA_ARGS__); } while (0)
	ADD("%s", name);
	for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if ((renames[i].abi == SYSCALL_ARCH_NONE || renames[i].abi == abi) &&
		    !strcmp(renames[i].name, name))
			ADD("%s", renames[i].entry);
	if (ends_with(name, "_time64")) /* y2038 entries are the plain names */
		ADD("%.*s", (int)(strlen(name) - 7), name);
	else if (!strncmp(name, "clock_", 6) && ends_with(name, "64"))
		ADD("%.*s", (int)(strlen(name) - 2), name);
	if (abi == SYSCALL_I386 || abi == SYSCALL_ARM) {
		if (ends_with(name, "32")) /* getuid32 → getuid; getuid → getuid16 */
			ADD("%.*s", (int)(strlen(name) - 2), name);
		ADD("%s16", name);
		ADD("ia32_%s", name);
		ADD("aarch32_%s", name);
	}
#undef ADD
	return n;
}

enum ksym_strength kallsyms_syscall(const struct kallsyms *k, enum syscall_arch abi,
				   const char *name, bool *ambiguous)
{
	const char *const *prefixes = entry_prefixes(abi, k->wrapper_style);
	char names[12][64], sym[160];
	size_t nnames = entry_names(abi, name, names, 12);
	enum ksym_strength best = KSYM_MISSING;
	bool weak_seen = false;

	for (size_t i = 0; i < nnames; i++)
		for (size_t j = 0; prefixes[j]; j++) {
			enum ksym_strength s;

			snprintf(sym, sizeof(sym), "%s%s", prefixes[j], names[i]);
			s = kallsyms_lookup(k, sym);
			weak_seen |= s == KSYM_WEAK;
			if (s > best)
				best = s;
		}
	if (ambiguous)
		*ambiguous = best == KSYM_STRONG && weak_seen;
	return best;
}
