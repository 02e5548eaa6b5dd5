/* analyzer/linktable.c — see linktable.h. */
#include "analyzer/linktable.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/callgraph.h"
#include "analyzer/dynsyms.h"
#include "common/sort.h"
#include "common/xalloc.h"

#define MAX_VERSIONS 0xffffu

uint64_t link_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, then murmur3's finaliser */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h ? h : 1; /* 0 is "no version" */
}

static uint32_t name_off(const struct elf_file *ef, const char *name)
{
	const uint8_t *p = (const uint8_t *)name;

	if (!name || p < ef->map || p >= ef->map + ef->size || (uint64_t)(p - ef->map) > UINT32_MAX)
		return LINK_NO_NAME;
	return (uint32_t)(p - ef->map);
}

/* ---- versions: few distinct names, looked up by hash ---- */

static int version_cmp(const void *a, const void *b)
{
	const struct link_version *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Sorts the versions after the "none" slot and keeps the first of each
 * hash (the sort is stable: the first added). */
static void unique_versions(struct link_table *lt)
{
	size_t n = 1;

	sort_array(lt->versions + 1, lt->nversions - 1, sizeof(*lt->versions), version_cmp);
	for (size_t i = 1; i < lt->nversions; i++)
		if (n == 1 || lt->versions[i].hash != lt->versions[n - 1].hash)
			lt->versions[n++] = lt->versions[i];
	lt->nversions = n;
}

/* Symbols share a few version names (the same pointers, mostly in runs):
 * the list is made unique whenever it fills, so it stays near their
 * number, not the symbols' (libLLVM: 65 000 entries, 1 MB, were sorted
 * for a dozen versions). */
static void add_version(struct link_table *lt, size_t *cap, const struct elf_file *ef,
			const char *v, const char **last)
{
	if (!v || v == *last)
		return;
	*last = v;
	if (lt->nversions == *cap && *cap) {
		unique_versions(lt);
		if (lt->nversions > *cap / 2)
			xgrow((void **)&lt->versions, cap, *cap, sizeof(*lt->versions));
	}
	xgrow((void **)&lt->versions, cap, lt->nversions, sizeof(*lt->versions));
	lt->versions[lt->nversions++] = (struct link_version){ link_hash(v), name_off(ef, v), 0 };
}

/* Every version the symbols name, sorted and unique after the "none" slot. */
static void collect_versions(struct link_table *lt, const struct elf_file *ef,
			     const struct dynsyms *d)
{
	size_t cap = 0;
	const char *last = NULL;

	xgrow((void **)&lt->versions, &cap, 0, sizeof(*lt->versions));
	lt->versions[0] = (struct link_version){ 0, LINK_NO_NAME, 0 };
	lt->nversions = 1;
	for (size_t i = 0; i < d->nexports; i++)
		add_version(lt, &cap, ef, d->exports[i].version, &last);
	for (size_t i = 0; i < d->nimports; i++)
		add_version(lt, &cap, ef, d->imports[i].version, &last);
	unique_versions(lt);
	if (lt->nversions > MAX_VERSIONS)
		lt->nversions = MAX_VERSIONS;
}

static uint16_t version_index(const struct link_table *lt, const char *v)
{
	uint64_t h;
	size_t lo = 1, hi = lt->nversions;

	if (!v)
		return 0;
	h = link_hash(v);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lt->versions[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < lt->nversions && lt->versions[lo].hash == h ? (uint16_t)lo : 0;
}

/* ---- exports, imports, function names ---- */

struct ordered_export {
	struct link_export e;
	size_t order;
};

static int export_cmp(const void *a, const void *b)
{
	const struct ordered_export *x = a, *y = b;

	if (x->e.name != y->e.name)
		return x->e.name < y->e.name ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The function an export starts, as a walk binds it: the one starting
 * there, else the one containing it. */
static uint32_t export_fn(const struct function_index *funcs, uint64_t value)
{
	long fn = cg_fn_at(funcs, value);

	if (fn < 0)
		fn = cg_fn_of(funcs, value);
	return fn < 0 ? LINK_NO_FN : (uint32_t)fn;
}

static void build_exports(struct link_table *lt, const struct dynsyms *d,
			  const struct function_index *funcs)
{
	struct ordered_export *o = xcalloc(d->nexports + 1, sizeof(*o));

	for (size_t i = 0; i < d->nexports; i++) {
		const struct dyn_symbol *s = &d->exports[i];
		o[i].e = (struct link_export){
			.name = s->hash, .fn = export_fn(funcs, s->value),
			.version = version_index(lt, s->version), .hidden = s->hidden_version,
		};
		o[i].order = i;
	}
	sort_array(o, d->nexports, sizeof(*o), export_cmp);
	lt->exports = xcalloc(d->nexports + 1, sizeof(*lt->exports));
	for (size_t i = 0; i < d->nexports; i++)
		lt->exports[i] = o[i].e;
	lt->nexports = d->nexports;
	free(o);
}

static void build_imports(struct link_table *lt, const struct elf_file *ef, const struct dynsyms *d)
{
	lt->imports = xcalloc(d->nimports + 1, sizeof(*lt->imports));
	for (size_t i = 0; i < d->nimports; i++)
		lt->imports[i] = (struct link_import){
			.name = d->imports[i].hash, .name_off = name_off(ef, d->imports[i].name),
			.version = version_index(lt, d->imports[i].version),
		};
	lt->nimports = d->nimports;
}

static void build_fn_names(struct link_table *lt, const struct elf_file *ef,
			   const struct function_index *funcs)
{
	lt->fn_names = xcalloc(funcs->n + 1, sizeof(*lt->fn_names));
	for (size_t f = 0; f < funcs->n; f++) {
		uint64_t start = funcs->ranges[f].start;
		const struct elf_symbol *s = elf_file_symbol_at(ef, start);
		if (s && s->value == start && *s->name)
			lt->fn_names[f] = name_off(ef, s->name);
	}
	lt->nfn = funcs->n;
}

void link_table_build_names(const struct elf_file *ef, const struct function_index *funcs,
			    struct link_table *lt)
{
	memset(lt, 0, sizeof(*lt));
	build_fn_names(lt, ef, funcs);
}

void link_table_build_binding(const struct elf_file *ef, const struct dynsyms *d,
			      const struct function_index *funcs, struct link_table *lt)
{
	collect_versions(lt, ef, d);
	build_exports(lt, d, funcs);
	build_imports(lt, ef, d);
}

void link_table_build(const struct elf_file *ef, const struct dynsyms *d,
		      const struct function_index *funcs, struct link_table *lt)
{
	link_table_build_names(ef, funcs, lt);
	link_table_build_binding(ef, d, funcs, lt);
}

void link_table_free(struct link_table *lt)
{
	free(lt->exports);
	free(lt->imports);
	free(lt->versions);
	free(lt->fn_names);
	memset(lt, 0, sizeof(*lt));
}

size_t link_table_bytes(const struct link_table *lt)
{
	return lt->nexports * sizeof(*lt->exports) + lt->nimports * sizeof(*lt->imports) +
	       lt->nversions * sizeof(*lt->versions) + lt->nfn * sizeof(*lt->fn_names);
}

bool link_table_valid(const struct link_table *lt, size_t nfn, size_t nimports)
{
	if (lt->nfn != nfn || lt->nimports != nimports || !lt->nversions ||
	    lt->nversions > MAX_VERSIONS || lt->versions[0].hash)
		return false;
	for (size_t i = 0; i < lt->nexports; i++) {
		const struct link_export *e = &lt->exports[i];
		if ((i && e->name < lt->exports[i - 1].name) || e->version >= lt->nversions ||
		    e->hidden > 1 || (e->fn != LINK_NO_FN && e->fn >= nfn))
			return false;
	}
	for (size_t i = 0; i < lt->nimports; i++)
		if (lt->imports[i].version >= lt->nversions)
			return false;
	return true;
}

const struct link_export *link_table_export(const struct link_table *lt, uint64_t name,
					    uint64_t version)
{
	const struct link_export *fallback = NULL;
	size_t lo = 0, hi = lt->nexports;

	while (lo < hi) { /* the first export of that name */
		size_t mid = lo + (hi - lo) / 2;
		if (lt->exports[mid].name < name)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < lt->nexports && lt->exports[i].name == name; i++) {
		const struct link_export *e = &lt->exports[i];
		if (version && e->version && lt->versions[e->version].hash == version)
			return e;
		/* Unversioned requests bind to the default (@@) version. */
		if (!e->hidden && (!fallback || !version))
			fallback = e;
	}
	return fallback;
}

uint64_t link_version_hash(const struct link_table *lt, uint16_t version)
{
	return version < lt->nversions ? lt->versions[version].hash : 0;
}

const char *link_table_string(const struct elf_file *ef, uint32_t off)
{
	if (off == LINK_NO_NAME || !ef->map || off >= ef->size ||
	    !memchr(ef->map + off, 0, ef->size - off))
		return NULL;
	return (const char *)ef->map + off;
}
