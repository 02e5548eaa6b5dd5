/* analyzer/cache.c — see cache.h.
 *
 * Entry layout (host byte order: the cache is per machine): magic, format,
 * the content key, the file size, the array counts, the arrays as fixed
 * records, a string blob, then the sha256 (hex) of everything before it.
 * A string is stored as a reference: 0 = NULL, FILE_REF|offset = a name
 * inside the mapped file (the same bytes, since the key is their hash),
 * else 1 + offset into the blob.
 */
#include "analyzer/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"

#ifndef ABICHECK_VERSION
#define ABICHECK_VERSION "0.1.0-dev"
#endif
#ifndef ANALYZER_HASH
#define ANALYZER_HASH "unhashed"
#endif

#define FORMAT 3u /* 2: the call graph, not the sweep's raw edges; 3: the link table */
#define FILE_REF (1ull << 63)

const char *analysis_cache_version(void)
{
	return ABICHECK_VERSION "-" ANALYZER_HASH;
}

int analysis_cache_open(struct analysis_cache *c, const char *root, struct ac_error *err)
{
	char sub[256], path[4096];

	memset(c, 0, sizeof(*c));
	snprintf(sub, sizeof(sub), "analysis/%s", analysis_cache_version());
	if (cache_dir_open(root, sub, path, sizeof(path), err) < 0)
		return -1;
	c->dir = xstrdup(path);
	return 0;
}

void analysis_cache_close(struct analysis_cache *c)
{
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

void analysis_cache_key(const struct elf_file *ef, struct digest *key)
{
	digest_buffer(DIGEST_SHA256, ef->map, ef->size, key);
}

static void ns_dir(const struct analysis_cache *c, enum cache_kind kind, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", c->dir, kind == CACHE_SITES ? "sites" : "reach");
}

/* ---- writing ---- */

struct strings {
	struct wbuf blob;
	const struct elf_file *ef;
};

static uint64_t strref(struct strings *s, const char *str)
{
	uint64_t off;

	if (!str)
		return 0;
	if ((const uint8_t *)str >= s->ef->map && (const uint8_t *)str < s->ef->map + s->ef->size)
		return FILE_REF | (uint64_t)((const uint8_t *)str - s->ef->map);
	off = s->blob.n;
	cache_put(&s->blob, str, strlen(str) + 1);
	return 1 + off;
}

static void put_res(struct wbuf *b, const struct resolution *r)
{
	for (int i = 0; i < RESOLVE_MAX_VALUES; i++)
		cache_put64(b, (uint64_t)r->values[i]);
	cache_put32(b, (uint32_t)r->nvalues);
	cache_put32(b, (uint32_t)r->reason);
	cache_put32(b, (uint32_t)r->arg_reg);
	cache_put32(b, r->partial);
}

/* An array written as it is in memory (the cache is per machine),
 * straight from the report: not copied into a buffer first. */
static struct wbuf raw(const void *p, size_t n)
{
	return (struct wbuf){ .p = (uint8_t *)(uintptr_t)p, .n = n, .cap = n };
}

/* The function ranges, the graph and the link table: most of a report
 * (libLLVM's 4 MB), each array one part. */
static size_t raw_parts(struct wbuf *parts, const struct site_report *r)
{
	const struct call_graph *g = &r->graph;
	const struct link_table *lt = &r->links;
	size_t n = 0;

	/* Read back as a start and an end each (get_arrays). */
	_Static_assert(sizeof(struct func_range) == 2 * sizeof(uint64_t), "ranges: start, end");
	parts[n++] = raw(r->funcs.ranges, r->funcs.n * sizeof(*r->funcs.ranges));
	parts[n++] = raw(g->adj_start, (g->nfn + 1) * sizeof(*g->adj_start));
	parts[n++] = raw(g->adj, g->nadj * sizeof(*g->adj));
	parts[n++] = raw(g->has_indirect, g->nfn * sizeof(*g->has_indirect));
	parts[n++] = raw(g->taken, g->ntaken * sizeof(*g->taken));
	parts[n++] = raw(g->ctors, g->nctors * sizeof(*g->ctors));
	parts[n++] = raw(lt->exports, lt->nexports * sizeof(*lt->exports));
	parts[n++] = raw(lt->imports, lt->nimports * sizeof(*lt->imports));
	parts[n++] = raw(lt->versions, lt->nversions * sizeof(*lt->versions));
	parts[n++] = raw(lt->fn_names, lt->nfn * sizeof(*lt->fn_names));
	return n;
}

/* The rest, with their strings as references into the blob. */
static void put_records(struct wbuf *b, struct strings *s, const struct site_report *r)
{
	for (size_t i = 0; i < r->nsites; i++) {
		const struct syscall_site *x = &r->sites[i];
		cache_put64(b, x->addr);
		cache_put32(b, x->kind);
		cache_put32(b, (uint32_t)x->table);
		cache_put64(b, x->func_start);
		cache_put64(b, strref(s, x->function));
		put_res(b, &x->res);
	}
	for (size_t i = 0; i < r->nwcalls; i++) {
		const struct wrapper_call *w = &r->wcalls[i];
		cache_put64(b, w->addr);
		cache_put64(b, w->wrapper);
		cache_put64(b, strref(s, w->wrapper_name));
		cache_put64(b, strref(s, w->caller));
		put_res(b, &w->res);
	}
	for (size_t i = 0; i < r->nvsyscalls; i++) {
		const struct vsyscall_use *v = &r->vsyscalls[i];
		cache_put64(b, v->addr);
		cache_put64(b, v->target);
		cache_put32(b, v->access);
		cache_put32(b, v->fallback);
		cache_put64(b, strref(s, v->function));
	}
	for (size_t i = 0; i < r->nvdso; i++)
		cache_put64(b, strref(s, r->vdso_symbols[i]));
}

static void write_parts(struct analysis_cache *c, enum cache_kind kind,
			const struct digest *key, const struct wbuf *parts, size_t nparts)
{
	char dir[4200];

	if (!c->dir)
		return;
	ns_dir(c, kind, dir, sizeof(dir));
	if (cache_entry_writev(dir, FORMAT, kind, key, parts, nparts) == 0)
		c->stores++;
	else
		c->store_failures++;
}

void analysis_cache_write(struct analysis_cache *c, enum cache_kind kind,
			  const struct digest *key, const struct wbuf *body)
{
	write_parts(c, kind, key, body, 1);
}

void analysis_cache_store(struct analysis_cache *c, const struct digest *key,
			  const struct elf_file *ef, const struct site_report *r)
{
	/* counts, the arrays as they are, the records, strings */
	struct wbuf parts[13] = { { 0 } }, head = { 0 }, records = { 0 };
	struct strings s = { .ef = ef };
	size_t n = 0;
	const uint64_t counts[] = {
		r->funcs.n, r->funcs.fdes, r->nindirect, r->nsites, r->nwcalls, r->nvsyscalls,
		r->nvdso, r->code_bytes, r->undecodable_bytes, r->graph.nadj, r->graph.ntaken,
		r->graph.nctors, r->graph.nimports, r->links.nexports, r->links.nversions,
	};

	if (!c->dir)
		return;
	put_records(&records, &s, r);
	cache_put64(&head, ef->size);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		cache_put64(&head, counts[i]);
	cache_put64(&head, s.blob.n);
	parts[n++] = head;
	n += raw_parts(parts + n, r);
	parts[n++] = records;
	parts[n++] = s.blob;
	write_parts(c, CACHE_SITES, key, parts, n);
	free(head.p);
	free(records.p);
	free(s.blob.p);
}

/* ---- reading: every read is bounds-checked; any failure is a miss ---- */

struct rstrings {
	const struct elf_file *ef;
	const char *blob;
	size_t len;
};

static const char *get_str(struct rbuf *b, const struct rstrings *s)
{
	uint64_t ref = cache_get64(b), off;

	if (!ref)
		return NULL;
	if (ref & FILE_REF) {
		off = ref & ~FILE_REF;
		if (off < s->ef->size && memchr(s->ef->map + off, 0, s->ef->size - off))
			return (const char *)s->ef->map + off;
	} else if ((off = ref - 1) < s->len) {
		return s->blob + off; /* the blob ends in NUL (checked) */
	}
	b->bad = true;
	return NULL;
}

static void get_res(struct rbuf *b, struct resolution *r)
{
	for (int i = 0; i < RESOLVE_MAX_VALUES; i++)
		r->values[i] = (int64_t)cache_get64(b);
	r->nvalues = (int)cache_get32(b);
	r->reason = cache_get32(b);
	r->arg_reg = (int)cache_get32(b);
	r->partial = cache_get32(b) != 0;
	if (r->nvalues < 0 || r->nvalues > RESOLVE_MAX_VALUES || r->reason > UNRES_UNREACHABLE)
		b->bad = true;
}

static void *get_raw(struct rbuf *b, size_t n, size_t elem)
{
	void *p = cache_get_array(b, n, elem, elem);

	if (!b->bad)
		cache_get(b, p, n * elem);
	return p;
}

static bool starts_ordered(const uint32_t *start, size_t nfn, size_t nadj)
{
	if (start[0] != 0 || start[nfn] != nadj)
		return false;
	for (size_t f = 0; f < nfn; f++)
		if (start[f] > start[f + 1])
			return false;
	return true;
}

/* The entries are packed as they are read (callgraph.h): a walk is what
 * reads a report back, and the graph as entries was most of clang's. */
static void get_entries(struct rbuf *b, struct call_graph *g)
{
	struct graph_packer p;
	cg_entry chunk[1024];

	if (b->bad || g->nadj > (b->n - b->off) / sizeof(cg_entry) ||
	    !starts_ordered(g->adj_start, g->nfn, g->nadj)) {
		b->bad = true;
		return;
	}
	call_graph_pack_begin(&p, g);
	for (size_t i = 0; i < g->nadj && !b->bad;) {
		size_t k = g->nadj - i < 1024 ? g->nadj - i : 1024;
		cache_get(b, chunk, k * sizeof(*chunk));
		for (size_t j = 0; j < k && !b->bad; j++)
			b->bad = !call_graph_pack(&p, chunk[j]);
		i += k;
	}
	call_graph_pack_end(&p);
}

static void get_graph(struct rbuf *b, size_t nfn, struct call_graph *g)
{
	g->nfn = nfn;
	g->adj_start = get_raw(b, nfn + 1, sizeof(*g->adj_start));
	get_entries(b, g);
	g->has_indirect = get_raw(b, nfn, sizeof(*g->has_indirect));
	/* A byte other than 0 or 1 is no bool: look at it as a byte. */
	for (size_t i = 0; !b->bad && i < nfn; i++)
		if (((const unsigned char *)g->has_indirect)[i] > 1)
			b->bad = true;
	g->taken = get_raw(b, g->ntaken, sizeof(*g->taken));
	g->ctors = get_raw(b, g->nctors, sizeof(*g->ctors));
	if (!b->bad && !call_graph_valid(g, nfn))
		b->bad = true;
	if (!b->bad)
		call_graph_compact_starts(g);
}

/* Its import count is the graph's; its function count, the report's. */
static void get_links(struct rbuf *b, size_t nfn, size_t nimports, struct link_table *lt)
{
	lt->exports = get_raw(b, lt->nexports, sizeof(*lt->exports));
	lt->nimports = nimports;
	lt->imports = get_raw(b, nimports, sizeof(*lt->imports));
	lt->versions = get_raw(b, lt->nversions, sizeof(*lt->versions));
	lt->nfn = nfn;
	lt->fn_names = get_raw(b, nfn, sizeof(*lt->fn_names));
	if (!b->bad && !link_table_valid(lt, nfn, nimports))
		b->bad = true;
}

static void get_arrays(struct rbuf *b, const struct rstrings *s, struct site_report *r)
{
	r->funcs.ranges = cache_get_array(b, r->funcs.n, 16, sizeof(*r->funcs.ranges));
	for (size_t i = 0; !b->bad && i < r->funcs.n; i++) {
		r->funcs.ranges[i].start = cache_get64(b);
		r->funcs.ranges[i].end = cache_get64(b);
		if (i && r->funcs.ranges[i].start < r->funcs.ranges[i - 1].start)
			b->bad = true; /* lookups bisect: must be sorted */
	}
	get_graph(b, r->funcs.n, &r->graph);
	get_links(b, r->funcs.n, r->graph.nimports, &r->links);
	r->sites = cache_get_array(b, r->nsites, 32, sizeof(*r->sites));
	for (size_t i = 0; !b->bad && i < r->nsites; i++) {
		struct syscall_site *x = &r->sites[i];
		x->addr = cache_get64(b);
		x->kind = cache_get32(b);
		x->table = (enum syscall_arch)(int32_t)cache_get32(b);
		x->func_start = cache_get64(b);
		x->function = get_str(b, s);
		get_res(b, &x->res);
		if (x->kind > SITE_SVC || x->table < SYSCALL_ARCH_NONE ||
		    x->table >= SYSCALL_ARCH_COUNT)
			b->bad = true;
	}
	r->wcalls = cache_get_array(b, r->nwcalls, 32, sizeof(*r->wcalls));
	for (size_t i = 0; !b->bad && i < r->nwcalls; i++) {
		struct wrapper_call *w = &r->wcalls[i];
		w->addr = cache_get64(b);
		w->wrapper = cache_get64(b);
		w->wrapper_name = get_str(b, s);
		w->caller = get_str(b, s);
		get_res(b, &w->res);
	}
	r->vsyscalls = cache_get_array(b, r->nvsyscalls, 24, sizeof(*r->vsyscalls));
	for (size_t i = 0; !b->bad && i < r->nvsyscalls; i++) {
		struct vsyscall_use *v = &r->vsyscalls[i];
		v->addr = cache_get64(b);
		v->target = cache_get64(b);
		v->access = cache_get32(b);
		v->fallback = cache_get32(b) != 0;
		v->function = get_str(b, s);
		if (v->access > VSYSCALL_READ)
			b->bad = true;
	}
	r->vdso_symbols = cache_get_array(b, r->nvdso, 8, sizeof(*r->vdso_symbols));
	for (size_t i = 0; !b->bad && i < r->nvdso; i++)
		if (!(r->vdso_symbols[i] = get_str(b, s)))
			b->bad = true;
}

uint8_t *analysis_cache_read(struct analysis_cache *c, enum cache_kind kind,
			     const struct digest *key, struct rbuf *b)
{
	char dir[4200];

	if (!c->dir)
		return NULL;
	ns_dir(c, kind, dir, sizeof(dir));
	return cache_entry_read(dir, FORMAT, kind, key, b);
}

static bool parse_entry(struct rbuf *b, const struct elf_file *ef, struct site_report *r)
{
	uint64_t nblob;
	struct rstrings s = { .ef = ef };
	size_t *const counts[] = {
		&r->funcs.n, &r->funcs.fdes, &r->nindirect, &r->nsites, &r->nwcalls,
		&r->nvsyscalls, &r->nvdso, &r->code_bytes, &r->undecodable_bytes, &r->graph.nadj,
		&r->graph.ntaken, &r->graph.nctors, &r->graph.nimports, &r->links.nexports,
		&r->links.nversions,
	};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		*counts[i] = (size_t)cache_get64(b);
	nblob = cache_get64(b);
	if (b->bad || nblob > b->n - b->off)
		return false;
	/* The blob sits after the arrays.  The report owns a copy of it (the
	 * entry buffer goes), and names resolve into that copy. */
	s.len = (size_t)nblob;
	if (s.len) {
		r->owned_strings = xmalloc(s.len);
		cache_get_tail(b, r->owned_strings, s.len);
		s.blob = r->owned_strings;
		if (b->bad || s.blob[s.len - 1])
			return false;
	}
	get_arrays(b, &s, r);
	return !b->bad && b->off == b->n;
}

static bool load(struct analysis_cache *c, const struct digest *key, const struct elf_file *ef,
		 const struct arch *a, struct site_report *out)
{
	char dir[4200];
	struct rbuf b;
	bool ok = false;

	if (!c->dir)
		return false;
	memset(out, 0, sizeof(*out));
	ns_dir(c, CACHE_SITES, dir, sizeof(dir));
	if (cache_entry_open(dir, FORMAT, CACHE_SITES, key, &b)) {
		ok = cache_get64(&b) == ef->size && parse_entry(&b, ef, out);
		ok = cache_entry_close(&b) && ok;
	}
	if (!ok) {
		site_report_free(out);
		return false;
	}
	out->arch = a;
	return true;
}

bool analysis_cache_load(struct analysis_cache *c, const struct digest *key,
			 const struct elf_file *ef, const struct arch *a, struct site_report *out)
{
	bool ok = load(c, key, ef, a, out);

	if (c->dir)
		ok ? c->hits++ : c->misses++;
	return ok;
}

bool analysis_cache_has(struct analysis_cache *c, const struct digest *key)
{
	char dir[4200];

	if (!c->dir)
		return false;
	ns_dir(c, CACHE_SITES, dir, sizeof(dir));
	if (!cache_entry_exists(dir, key))
		return false;
	c->hits++;
	return true;
}

bool analysis_cache_reload(struct analysis_cache *c, const struct digest *key,
			   const struct elf_file *ef, const struct arch *a, struct site_report *out)
{
	bool ok = load(c, key, ef, a, out);

	/* A report that went missing is analysed again: a miss like any. */
	ok ? c->reloads++ : c->misses++;
	return ok;
}
