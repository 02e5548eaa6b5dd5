/* verdict/rule_loader.c — the dynamic loader gives up (rules.h).
 *
 * A NEEDED library not found in the image: ld.so prints glibc's "error
 * while loading shared libraries" (musl: "Error loading shared library")
 * and exits 127.  A PT_LOAD segment aligned below the kernel's page size
 * cannot be mapped: ld.so refuses the library (127); for the executable
 * itself the kernel's ELF loader refuses the file, which docker reports as
 * "exec format error" (126).
 */
#include "verdict/rules.h"

#include <string.h>

static bool is_musl(const struct rule_ctx *c)
{
	return c->scan->facts.libc == LIBC_MUSL || strstr(c->scan->facts.ident.interp, "musl");
}

static void missing(const struct rule_ctx *c, struct program_verdict *pv,
		    const struct missing_lib *m)
{
	struct finding *f = verdict_add(pv, "missing-library", SEV_FAIL, STAGE_LOADER, 127, NULL);

	if (is_musl(c))
		finding_set(&f->message, "Error loading shared library %s: No such file or "
			    "directory (needed by /%s)", m->name, m->needed_by->path);
	else
		finding_set(&f->message, "%s: error while loading shared libraries: %s: cannot open "
			    "shared object file: No such file or directory", rule_argv0(c, pv), m->name);
	finding_set(&f->reason, "/%s needs %s, which the loader does not find in the image%s%s",
		    m->needed_by->path, m->name, m->hint[0] ? ": " : "", m->hint);
	finding_set(&f->fix, "install the package that provides %s in the image, or fix the "
		    "library path (ld.so.cache, RUNPATH, LD_LIBRARY_PATH)", m->name);
	rule_chain_start(c, f);
	finding_chain(f, "%s", c->label);
	if (strcmp(m->needed_by->path, c->node->path))
		finding_chain(f, "/%s", m->needed_by->path);
	finding_chain(f, "NEEDED %s: not found", m->name);
}

static int page_index(unsigned long page)
{
	return page == 4096 ? 0 : page == 16384 ? 1 : page == 65536 ? 2 : -1;
}

static void misaligned(const struct rule_ctx *c, struct program_verdict *pv,
		       const struct image_node *n, const struct elf_facts *ef, bool is_program)
{
	unsigned long page = c->profile->page_size;
	struct finding *f = verdict_add(pv, "page-size", SEV_FAIL,
					is_program ? STAGE_EXEC : STAGE_LOADER,
					is_program ? 126 : 127, NULL);

	if (is_program)
		finding_set(&f->message, "exec %s: exec format error", rule_argv0(c, pv));
	else
		finding_set(&f->message, "%s: error while loading shared libraries: %s: ELF load "
			    "command address/offset not page-aligned", rule_argv0(c, pv), n->name);
	finding_set(&f->reason, "/%s aligns its segments to %llu bytes, below the kernel's "
		    "%lu-byte pages", n->path, (unsigned long long)ef->max_align, page);
	finding_set(&f->fix, "rebuild with -Wl,-z,max-page-size=%lu (or run on a kernel with "
		    "4 KiB pages)", page);
	rule_chain_start(c, f);
	finding_chain(f, "%s", c->label);
	if (!is_program)
		finding_chain(f, "/%s", n->path);
	finding_chain(f, "PT_LOAD p_align %llu", (unsigned long long)ef->max_align);
	finding_chain(f, "kernel: page size %lu (%s)", page, rule_basis(c->profile->page_size_basis));
}

static void check_pages(const struct rule_ctx *c, struct program_verdict *pv)
{
	int idx = page_index(c->profile->page_size);

	if (idx < 0)
		return;
	if (!c->scan->facts.page_ok[idx])
		misaligned(c, pv, c->node, &c->scan->facts, true);
	for (size_t i = 0; i < c->closure->nlibs; i++) {
		const struct elf_scan *s = reach_scan(c->rc, c->closure->libs[i].node);

		if (s && !s->error && !s->facts.page_ok[idx])
			misaligned(c, pv, c->closure->libs[i].node, &s->facts, false);
	}
}

void rule_loader(const struct rule_ctx *c, struct program_verdict *pv)
{
	for (size_t i = 0; i < c->closure->nmissing; i++)
		missing(c, pv, &c->closure->missing[i]);
	check_pages(c, pv);
}
