/* verdict/rule_kernel.c — "FATAL: kernel too old" (rules.h).
 *
 * glibc records the oldest kernel it was built for (configure
 * --enable-kernel) in its NT_GNU_ABI_TAG note.  Up to glibc 2.35 the
 * start-up code compares it with the running kernel's version (from the
 * vDSO's note when mapped, else uname) and stops with "FATAL: kernel too
 * old": a static program aborts (SIGABRT, 134), ld.so exits 127.  ld.so
 * also skips any library whose ABI tag is newer, which then reads as
 * "cannot open shared object file" (127): the Qt >= 5.10 on a 3.10 kernel
 * case.  glibc 2.36 removed the check (NEWS: "The Linux kernel version
 * check has been removed along with the LD_ASSUME_KERNEL environment
 * variable"); ../shared/tools/vmrun confirmed 2.31 checks and 2.36 does
 * not.  The glibc version comes from the GLIBC_2.N versions libc.so.6
 * defines.
 */
#include "verdict/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GLIBC_NO_CHECK_MINOR 36 /* 2.36 dropped the check */

static unsigned vkey(const unsigned v[3])
{
	return v[0] << 16 | v[1] << 8 | (v[2] > 255 ? 255 : v[2]);
}

/* The newest GLIBC_2.N an object defines: its release; 0 if none. */
static unsigned glibc_minor(const struct elf_facts *f)
{
	unsigned best = 0;

	for (size_t i = 0; i < f->ndefs; i++) {
		unsigned maj, min;

		if (sscanf(f->defs[i], "GLIBC_%u.%u", &maj, &min) == 2 && maj == 2 && min > best)
			best = min;
	}
	return best;
}

static const struct elf_scan *find_libc(const struct rule_ctx *c, const struct image_node **n)
{
	for (size_t i = 0; i < c->closure->nlibs; i++)
		if (!strcmp(c->closure->libs[i].name, "libc.so.6")) {
			*n = c->closure->libs[i].node;
			return reach_scan(c->rc, *n);
		}
	return NULL;
}

static void too_old(const struct rule_ctx *c, struct program_verdict *pv,
		    const struct image_node *libc, const struct elf_facts *lf, unsigned minor,
		    bool is_static)
{
	const struct kernel_profile *p = c->profile;
	const unsigned *t = lf->abi_tag_version;
	struct finding *f = verdict_add(pv, "kernel-too-old", minor ? SEV_FAIL : SEV_WARN,
					is_static ? STAGE_STARTUP : STAGE_LOADER,
					is_static ? 134 : 127, is_static ? "SIGABRT" : NULL);

	finding_set(&f->message, "FATAL: kernel too old");
	finding_set(&f->reason, "the C library (/%s%s) was built for Linux >= %u.%u.%u and the "
		    "target runs %u.%u.%u%s", libc->path, minor ? "" : ", glibc version unknown",
		    t[0], t[1], t[2], p->version[0], p->version[1], p->version[2],
		    minor ? "" : "; glibc < 2.36 refuses to start, 2.36 and later do not check");
	finding_set(&f->fix, "run on a kernel >= %u.%u, or use an image with an older glibc "
		    "(or glibc >= 2.36, which no longer checks)", t[0], t[1]);
	rule_chain_start(c, f);
	finding_chain(f, "%s", c->label);
	if (!is_static)
		finding_chain(f, "/%s (glibc 2.%u)", libc->path, minor);
	finding_chain(f, "NT_GNU_ABI_TAG Linux %u.%u.%u", t[0], t[1], t[2]);
	finding_chain(f, "kernel: %u.%u.%u (%s)", p->version[0], p->version[1], p->version[2],
		      rule_basis(p->release_basis));
}

static void skipped_lib(const struct rule_ctx *c, struct program_verdict *pv,
			const struct loaded_lib *l, const struct elf_facts *lf)
{
	const unsigned *t = lf->abi_tag_version;
	struct finding *f = verdict_add(pv, "kernel-too-old", SEV_FAIL, STAGE_LOADER, 127, NULL);

	finding_set(&f->message, "%s: error while loading shared libraries: %s: cannot open shared "
		    "object file: No such file or directory",
		    rule_argv0(c, pv), l->name);
	finding_set(&f->reason, "/%s declares Linux >= %u.%u.%u in its ABI tag; this glibc's "
		    "ld.so skips it on the target's %u.%u kernel as if absent", l->node->path, t[0],
		    t[1], t[2], c->profile->version[0], c->profile->version[1]);
	finding_set(&f->fix, "run on a kernel >= %u.%u, or strip the ABI tag note "
		    "(objcopy --remove-section .note.ABI-tag)", t[0], t[1]);
	rule_chain_start(c, f);
	finding_chain(f, "%s", c->label);
	finding_chain(f, "/%s: NT_GNU_ABI_TAG Linux %u.%u.%u", l->node->path, t[0], t[1], t[2]);
	finding_chain(f, "kernel: %u.%u.%u (%s)", c->profile->version[0], c->profile->version[1],
		      c->profile->version[2], rule_basis(c->profile->release_basis));
}

void rule_kernel(const struct rule_ctx *c, struct program_verdict *pv)
{
	const struct kernel_profile *p = c->profile;
	const struct image_node *libc = NULL;
	const struct elf_scan *ls;
	bool is_static = c->scan->facts.ident.kind == ELF_KIND_STATIC ||
			 c->scan->facts.ident.kind == ELF_KIND_STATIC_PIE;
	unsigned minor;

	if (!p->version[0] || c->scan->facts.libc != LIBC_GLIBC)
		return;
	ls = is_static ? c->scan : find_libc(c, &libc);
	if (is_static)
		libc = c->node;
	if (!ls || ls->error || !ls->facts.has_abi_tag || ls->facts.abi_tag_os != 0)
		return;
	minor = is_static ? 0 : glibc_minor(&ls->facts);
	if (minor >= GLIBC_NO_CHECK_MINOR)
		return;
	if (vkey(ls->facts.abi_tag_version) > vkey(p->version))
		too_old(c, pv, libc, &ls->facts, minor, is_static);
	for (size_t i = 0; i < c->closure->nlibs; i++) {
		const struct elf_scan *s = reach_scan(c->rc, c->closure->libs[i].node);

		if (s && s != ls && !s->error && s->facts.has_abi_tag && s->facts.abi_tag_os == 0 &&
		    vkey(s->facts.abi_tag_version) > vkey(p->version))
			skipped_lib(c, pv, &c->closure->libs[i], &s->facts);
	}
}
