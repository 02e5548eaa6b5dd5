/* analyzer/reach.c — see reach.h. */
#include "analyzer/reach.h"

#include <libelf.h>
#include <malloc.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/arch.h"
#include "analyzer/cache.h"
#include "analyzer/elf_facts.h"
#include "analyzer/functions.h"
#include "analyzer/linktable.h"
#include "common/digest.h"
#include "common/parallel.h"
#include "common/sort.h"
#include "common/tempdir.h"
#include "common/xalloc.h"

struct reach_object {
	const struct image_node *node;
	char label[128];
	bool ok;             /* analysed: it can have a graph */
	bool graph_ready;    /* the report is loaded and *_fn are mapped */
	struct elf_scan scan; /* the same analysis `scan` reports: graph, links */
	long *site_fn, *wcall_fn, *vs_fn;
	/* With the graph: the function its entry point is in, and where each
	 * function starts, as offsets from the first (monoindex.h: about 2
	 * bytes each; a walk needs no more of the function index once the
	 * sites are mapped: clang's closure's is 3.2 MB of 16-byte ranges).
	 * Empty when the starts span more than 4 GB: the ranges are kept
	 * then. */
	long entry_fn;
	struct mono_index fn_off; /* n == 0: not compacted */
	uint64_t fn_base;
	uint64_t used; /* rc->clock of the last round that needed it */
	bool queued;   /* reach_programs: its graph is on this round's list */
};

/* Site reports and graphs of an image's objects held at once, beyond the
 * objects of the walk at hand: the least recently walked are released and
 * reloaded from the analysis cache when a walk needs them again.  Without
 * it a run keeps every object's report, which grows with the image (250 MB
 * for a toolchain image with libLLVM).  A reload reads a compact entry
 * (libLLVM's is 3 MB), so 4 MB is enough to keep libc, libstdc++ and
 * their like, which nearly every walk needs; a round makes room for what
 * it loads before loading it.  16 MB saved no measurable time over 4 (the
 * minbase, build and large images, 1 and 2 threads) and cost the build
 * image 10 MB of peak at -j 1 (49 -> 39 MB). */
#define REACH_RESIDENT_MAX (4u << 20)

/* $ABICHECK_REACH_RESIDENT_MB overrides it: 0 releases everything after
 * each walk, which is how the tests drive the reload path on small
 * images. */
static size_t resident_max(void)
{
	const char *e = getenv("ABICHECK_REACH_RESIDENT_MB");
	char *end;
	unsigned long mb;

	if (!e || !*e)
		return REACH_RESIDENT_MAX;
	mb = strtoul(e, &end, 10);
	return *end || mb > 1u << 20 ? REACH_RESIDENT_MAX : (size_t)mb << 20;
}

/* ---- an object's graph ---- */

static long fn_owner(const struct reach_object *o, uint64_t addr)
{
	return cg_fn_owner(&o->scan.sites.funcs, addr);
}

static const struct call_graph *graph(const struct reach_object *o)
{
	return &o->scan.sites.graph;
}

static const struct link_table *links(const struct reach_object *o)
{
	return &o->scan.sites.links;
}

static void map_sites(struct reach_object *o)
{
	const struct site_report *s = &o->scan.sites;

	o->site_fn = xcalloc(s->nsites + 1, sizeof(long));
	o->wcall_fn = xcalloc(s->nwcalls + 1, sizeof(long));
	o->vs_fn = xcalloc(s->nvsyscalls + 1, sizeof(long));
	for (size_t i = 0; i < s->nsites; i++)
		o->site_fn[i] = fn_owner(o, s->sites[i].addr);
	for (size_t i = 0; i < s->nwcalls; i++)
		o->wcall_fn[i] = fn_owner(o, s->wcalls[i].addr);
	for (size_t i = 0; i < s->nvsyscalls; i++)
		o->vs_fn[i] = fn_owner(o, s->vsyscalls[i].addr);
	o->entry_fn = cg_fn_of(&s->funcs, o->scan.file.ehdr.e_entry);
}

/* Only for a report that goes back to the cache when its graph goes
 * (trim): map_sites needs the ranges again after a reload. */
static void compact_functions(struct reach_object *o)
{
	struct function_index *fi = &o->scan.sites.funcs;

	if (!fi->n || !o->scan.sha256[0] || fi->ranges[fi->n - 1].start - fi->ranges[0].start > UINT32_MAX)
		return;
	uint32_t *off = xmalloc(fi->n * sizeof(*off));
	o->fn_base = fi->ranges[0].start;
	for (size_t f = 0; f < fi->n; f++)
		off[f] = (uint32_t)(fi->ranges[f].start - o->fn_base);
	mono_index_build(&o->fn_off, off, fi->n);
	free(off);
	free(fi->ranges);
	fi->ranges = NULL; /* n stays: the walk's node count */
}

static uint64_t fn_start(const struct reach_object *o, size_t f)
{
	return o->fn_off.n ? o->fn_base + mono_index_get(&o->fn_off, f)
			   : o->scan.sites.funcs.ranges[f].start;
}

static void set_label(struct reach_object *o)
{
	const char *base = strrchr(o->node->path, '/');

	snprintf(o->label, sizeof(o->label), "%s",
		 o->scan.facts.soname ? o->scan.facts.soname : base ? base + 1 : o->node->path);
}

static struct reach_object *object(struct reach_ctx *rc, const struct image_node *n);

static bool reloadable(const struct reach_ctx *rc)
{
	return rc->cache && rc->cache->dir;
}

static struct reach_object *load_object(struct reach_ctx *rc, const struct image_node *n)
{
	struct reach_object *o = xcalloc(1, sizeof(*o));
	struct ac_error err;
	int fd;

	o->node = n;
	fd = image_open_file(rc->img, n, &err);
	if (fd < 0) {
		elf_scan_set_error(&o->scan, err.msg);
	} else {
		if (rc->lazy_sites && reloadable(rc))
			elf_scan_fd_lazy(fd, &o->scan, rc->cache, image_node_sha256(n));
		else
			elf_scan_fd(fd, &o->scan, rc->cache, image_node_sha256(n));
		close(fd);
	}
	set_label(o);
	o->ok = o->scan.has_sites;
	/* The facts are what most questions need; the sites wait in the
	 * cache until a walk does. */
	if (reloadable(rc))
		elf_scan_release_sites(&o->scan);
	return o;
}

static void ensure_sites(struct reach_ctx *rc, struct reach_object *o)
{
	if (o->scan.sites_released && elf_scan_reload_sites(&o->scan, rc->cache) < 0)
		o->ok = false;
}

/* The graph is loaded when a walk first needs it: a cached result needs
 * only the object's identity.  The report holds all a walk reads (graph
 * and link table): the file's symbol tables stay unread. */
static void ensure_graph(struct reach_ctx *rc, struct reach_object *o)
{
	if (!o->ok || o->graph_ready)
		return;
	ensure_sites(rc, o);
	if (!o->ok)
		return;
	map_sites(o);
	if (reloadable(rc))
		compact_functions(o);
	o->graph_ready = true;
}

const struct elf_scan *reach_scan(struct reach_ctx *rc, const struct image_node *n)
{
	return &object(rc, n)->scan;
}

const struct elf_scan *reach_scan_sites(struct reach_ctx *rc, const struct image_node *n)
{
	struct reach_object *o = object(rc, n);

	ensure_sites(rc, o);
	o->used = rc->clock;
	return &o->scan;
}

static struct reach_object *find_object(const struct reach_ctx *rc, const struct image_node *n)
{
	for (size_t i = 0; i < rc->nobjs; i++)
		if (rc->objs[i]->node == n)
			return rc->objs[i];
	return NULL;
}

static struct reach_object *object(struct reach_ctx *rc, const struct image_node *n)
{
	struct reach_object *o = find_object(rc, n);

	if (o)
		return o;
	xgrow((void **)&rc->objs, &rc->capobjs, rc->nobjs, sizeof(*rc->objs));
	return rc->objs[rc->nobjs++] = load_object(rc, n);
}

static void free_graph(struct reach_object *o)
{
	free(o->site_fn);
	free(o->wcall_fn);
	free(o->vs_fn);
	mono_index_free(&o->fn_off);
	o->site_fn = o->wcall_fn = o->vs_fn = NULL;
	o->graph_ready = false;
}

static void free_object(struct reach_object *o)
{
	free_graph(o);
	elf_scan_free(&o->scan);
	free(o);
}

/* ---- bounding what stays resident ---- */

static size_t resident_bytes(const struct reach_object *o)
{
	size_t b = 0;

	if (o->scan.has_sites && !o->scan.sites_released)
		b += site_report_bytes(&o->scan.sites);
	if (o->graph_ready) {
		b += (o->scan.sites.nsites + o->scan.sites.nwcalls + o->scan.sites.nvsyscalls) *
		     sizeof(long);
		b += mono_index_bytes(&o->fn_off);
	}
	return b;
}

/* After a round: its objects' reloads checked the names their reports
 * point to, and its chains read names from their string tables; those
 * pages would otherwise stay until the end of the run (15 MB of
 * minbase's small files, kept a few pages each). */
static void release_round(struct reach_ctx *rc)
{
	for (size_t i = 0; i < rc->nobjs; i++)
		if (rc->objs[i]->used == rc->clock)
			elf_file_release_pages(&rc->objs[i]->scan.file);
}

/* Releases the least recently walked objects until the rest fit in
 * `budget`; the current round's (used == rc->clock) stay. */
static void trim(struct reach_ctx *rc, size_t budget)
{
	size_t total = 0;

	if (!reloadable(rc))
		return; /* no cache to reload from: keep it all */
	for (size_t i = 0; i < rc->nobjs; i++)
		total += resident_bytes(rc->objs[i]);
	while (total > budget) {
		struct reach_object *lru = NULL;
		for (size_t i = 0; i < rc->nobjs; i++) {
			struct reach_object *o = rc->objs[i];
			if (o->used != rc->clock && resident_bytes(o) && (!lru || o->used < lru->used))
				lru = o;
		}
		if (!lru)
			break;
		total -= resident_bytes(lru);
		free_graph(lru);
		elf_scan_release_sites(&lru->scan);
	}
	/* glibc keeps freed chunks in its arenas; give the pages back, or the
	 * high-water mark of all walks stays resident. */
	malloc_trim(0);
}

/* ---- analysing many objects at once ---- */

struct prep {
	struct reach_ctx *rc;
	const struct image_node **nodes;
	struct reach_object **out;
};

static void prep_one(void *ctx, size_t i)
{
	struct prep *p = ctx;

	p->out[i] = load_object(p->rc, p->nodes[i]);
}

/* Each object's analysis is independent of the others (own libelf
 * handle, own capstone handles, the cache's files renamed into place),
 * so the files are spread over threads. */
void reach_prepare(struct reach_ctx *rc, const struct image_node *const *nodes, size_t n,
		   unsigned threads)
{
	struct prep p = { .rc = rc };
	size_t todo = 0;

	p.nodes = xcalloc(n + 1, sizeof(*p.nodes));
	for (size_t i = 0; i < n; i++)
		if (!find_object(rc, nodes[i]))
			p.nodes[todo++] = nodes[i];
	p.out = xcalloc(todo + 1, sizeof(*p.out));
	elf_version(EV_CURRENT); /* libelf's one global, set before threads read it */
	parallel_for(todo, threads, prep_one, &p);
	for (size_t i = 0; i < todo; i++)
		if (p.out[i]) {
			xgrow((void **)&rc->objs, &rc->capobjs, rc->nobjs, sizeof(*rc->objs));
			rc->objs[rc->nobjs++] = p.out[i];
		}
	free(p.out);
	free(p.nodes);
}

void reach_init(struct reach_ctx *rc, const struct image *img, struct loader *ld)
{
	memset(rc, 0, sizeof(*rc));
	rc->img = img;
	rc->loader = ld;
	rc->resident_max = resident_max();
}

void reach_free(struct reach_ctx *rc)
{
	for (size_t i = 0; i < rc->nobjs; i++)
		free_object(rc->objs[i]);
	free(rc->objs);
	memset(rc, 0, sizeof(*rc));
}

/* ---- one program's walk ---- */

/* How a node was first reached: from which node, over which step. */
enum via { VIA_ROOT, VIA_CALL, VIA_IMPORT, VIA_INDIRECT };
#define VIA_KIND 3u    /* the enum, in a node's via byte */
#define VIA_STARTUP 4u /* reached by the start-up walk as well */

struct walk {
	struct reach_object **objs; /* the program, its closure, the interpreter */
	size_t nobjs;
	size_t *base;               /* first node id of each object */
	/* Node ids fit 31 bits: 2^31 functions would take 32 GB of function
	 * ranges before any walk (from, queue and bound are 4 bytes a node
	 * or import: clang's closure has 215 000 nodes).  9 bytes a node in
	 * all: a node's depth is its chain's length, and the import it was
	 * reached over is found again in its parent's graph, when a chain
	 * is made. */
	size_t nodes;
	uint32_t *from;             /* 0 = unreached, 1 = a root, else parent node + 2 */
	uint8_t *via;               /* enum via | VIA_STARTUP */
	/* Per object: its imports' bindings (node + 1, -1 unbound, 0 not yet
	 * asked), since a walk asks the same ones over and over; and whether
	 * its address-taken functions were all visited already. */
	int32_t **bound;
	bool *taken_done;
	uint32_t *queue;
	size_t head, tail;
	const char *program;
};

static size_t obj_of_node(const struct walk *w, size_t node)
{
	size_t o = 0;

	while (o + 1 < w->nobjs && w->base[o + 1] <= node)
		o++;
	return o;
}

static bool reached(const struct walk *w, size_t node)
{
	return w->from[node] != 0;
}

static long parent_of(const struct walk *w, size_t node)
{
	return w->from[node] >= 2 ? (long)w->from[node] - 2 : -1;
}

/* Hops from a root, the root counting 1 (0: unreached). */
static uint32_t depth_of(const struct walk *w, size_t node)
{
	uint32_t d = 0;

	for (long n = reached(w, node) ? (long)node : -1; n >= 0; n = parent_of(w, (size_t)n))
		d++;
	return d;
}

static void visit(struct walk *w, size_t node, long parent, uint8_t via)
{
	if (reached(w, node))
		return;
	w->from[node] = parent < 0 ? 1 : (uint32_t)parent + 2;
	w->via[node] = (uint8_t)((w->via[node] & VIA_STARTUP) | via);
	w->queue[w->tail++] = (uint32_t)node;
}

/* The export a name binds to: first object in load order defining it. */
static bool bind(const struct walk *w, uint64_t name, uint64_t version, size_t *obj, long *fn)
{
	for (size_t i = 0; i < w->nobjs; i++) {
		const struct reach_object *o = w->objs[i];
		const struct link_export *e;
		if (!o->ok || !(e = link_table_export(links(o), name, version)))
			continue;
		*obj = i;
		*fn = e->fn == LINK_NO_FN ? -1 : (long)e->fn;
		return *fn >= 0;
	}
	return false;
}

static bool bind_import(const struct walk *w, const struct reach_object *from, size_t imp,
			size_t *obj, long *fn)
{
	const struct link_import *li = &links(from)->imports[imp];

	return bind(w, li->name, link_version_hash(links(from), li->version), obj, fn);
}

/* "name@version", as the object's string table spells them. */
static const char *import_label(const struct reach_object *o, size_t imp, char *buf, size_t len)
{
	const struct link_table *lt = links(o);
	const char *name = link_table_string(&o->scan.file, lt->imports[imp].name_off);
	const char *ver = link_table_string(&o->scan.file, lt->versions[lt->imports[imp].version].name_off);

	snprintf(buf, len, "%s%s%s", name ? name : "?", ver ? "@" : "", ver ? ver : "");
	elf_file_release_around(&o->scan.file, name);
	elf_file_release_around(&o->scan.file, ver);
	return buf;
}

/* bind(), once per (object, import) of a walk. */
static long bound_node(struct walk *w, size_t oi, uint32_t imp)
{
	int32_t *b = &w->bound[oi][imp];
	size_t to;
	long fn;

	if (!*b)
		*b = bind_import(w, w->objs[oi], imp, &to, &fn) ?
			     (int32_t)(w->base[to] + (size_t)fn) + 1 : -1;
	return (long)*b - 1;
}

static void expand(struct walk *w, size_t node, bool follow_indirect)
{
	size_t oi = obj_of_node(w, node);
	const struct reach_object *o = w->objs[oi];
	size_t f = node - w->base[oi];

	const struct call_graph *g = graph(o);
	struct cg_cursor cur;
	enum cg_kind kind;
	uint32_t target;

	cg_cursor_init(&cur, g, f);
	while (cg_cursor_next(&cur, &kind, &target)) {
		if (kind == CG_LOCAL || (kind == CG_REF && follow_indirect)) {
			visit(w, w->base[oi] + target, (long)node, VIA_CALL);
		} else if (kind == CG_IMPORT) {
			long to = bound_node(w, oi, target);
			if (to >= 0)
				visit(w, (size_t)to, (long)node, VIA_IMPORT);
		}
	}
	/* The first indirect call of an object reaches all its address-taken
	 * functions; later ones cannot reach anything new. */
	if (follow_indirect && g->has_indirect[f] && !w->taken_done[oi]) {
		for (size_t i = 0; i < g->ntaken; i++)
			visit(w, w->base[oi] + g->taken[i], (long)node, VIA_INDIRECT);
		w->taken_done[oi] = true;
	}
}

static void run(struct walk *w, bool follow_indirect)
{
	while (w->head < w->tail)
		expand(w, w->queue[w->head++], follow_indirect);
}

static const char *fn_name(const struct reach_object *o, size_t f, char *buf, size_t len)
{
	uint64_t start = fn_start(o, f);
	const char *name = link_table_string(&o->scan.file, links(o)->fn_names[f]);

	if (name && *name)
		snprintf(buf, len, "%s:%s", o->label, name);
	else
		snprintf(buf, len, "%s:fn@0x%llx", o->label, (unsigned long long)start);
	/* clang's chains name functions all over libLLVM's string table:
	 * 3 MB of it stayed mapped until the round ended. */
	elf_file_release_around(&o->scan.file, name);
	return buf;
}

static void chain_add(struct reach_chain *c, const char *s)
{
	if (c->n < REACH_CHAIN_MAX)
		c->steps[c->n++] = xstrdup(s);
}

/* The import `node` was reached over: the first of its parent's graph
 * entries (or, for a root, of the program's imports) bound to it, since
 * that one visited it.  Every such binding was made, and kept in
 * w->bound, when the parent was expanded (program_roots for roots). */
static uint32_t import_of(const struct walk *w, size_t node)
{
	long p = parent_of(w, node);
	size_t oi, f;
	const struct call_graph *g;
	struct cg_cursor cur;
	enum cg_kind kind;
	uint32_t target;

	if (p < 0) {
		for (size_t i = 0; i < links(w->objs[0])->nimports; i++)
			if (w->bound[0][i] - 1 == (long)node)
				return (uint32_t)i;
		return 0;
	}
	oi = obj_of_node(w, (size_t)p);
	f = (size_t)p - w->base[oi];
	g = graph(w->objs[oi]);
	cg_cursor_init(&cur, g, f);
	while (cg_cursor_next(&cur, &kind, &target))
		if (kind == CG_IMPORT && w->bound[oi][target] - 1 == (long)node)
			return target;
	return 0;
}

/* Program, then each hop from the root to `node`, then `last`. */
static void make_chain(const struct walk *w, size_t node, const char *last, struct reach_chain *c)
{
	size_t path[REACH_CHAIN_MAX];
	size_t n = 0;
	char buf[512];

	memset(c, 0, sizeof(*c));
	chain_add(c, w->program);
	for (long cur = (long)node; cur >= 0 && n < REACH_CHAIN_MAX - 3; cur = parent_of(w, (size_t)cur))
		path[n++] = (size_t)cur;
	while (n--) {
		size_t nd = path[n], oi = obj_of_node(w, nd);
		if ((w->via[nd] & VIA_KIND) == VIA_IMPORT) {
			/* A root import is the program's own. */
			long p = parent_of(w, nd);
			const struct reach_object *po = w->objs[p < 0 ? 0 : obj_of_node(w, (size_t)p)];
			char label[480];
			snprintf(buf, sizeof(buf), "import %s",
				 import_label(po, import_of(w, nd), label, sizeof(label)));
			chain_add(c, buf);
		} else if ((w->via[nd] & VIA_KIND) == VIA_INDIRECT) {
			chain_add(c, "indirect call (address-taken function)");
		}
		chain_add(c, fn_name(w->objs[oi], nd - w->base[oi], buf, sizeof(buf)));
	}
	chain_add(c, last);
}

/* ---- start-up and full walks, and collecting what was reached ---- */

static void root_export(struct walk *w, const char *name)
{
	size_t oi;
	long fn;

	if (bind(w, link_hash(name), 0, &oi, &fn))
		visit(w, w->base[oi] + (size_t)fn, -1, VIA_ROOT);
}

/* Start-up: the interpreter (everything ld.so does happens before main
 * or in dlopen), the program's entry point, and libc's start-up entries;
 * indirect calls are not followed, so main and callbacks are not pulled in. */
static void startup_roots(struct walk *w, long interp)
{
	const struct reach_object *prog = w->objs[0];
	long entry = prog->ok ? prog->entry_fn : -1;

	const struct reach_object *io = interp >= 0 ? w->objs[interp] : NULL;

	/* glibc's ld.so reaches its main through a pointer: take all of it.
	 * musl's interpreter is its libc: only its entry point is start-up. */
	if (io && io->ok && w->objs[0]->scan.facts.libc == LIBC_MUSL) {
		long e = io->entry_fn;
		if (e >= 0)
			visit(w, w->base[interp] + (size_t)e, -1, VIA_ROOT);
	} else if (io && io->ok) {
		for (size_t f = 0; f < io->scan.sites.funcs.n; f++)
			visit(w, w->base[interp] + f, -1, VIA_ROOT);
	}
	if (entry >= 0)
		visit(w, (size_t)entry, -1, VIA_ROOT);
	/* Every object's constructors and destructors run around main. */
	for (size_t i = 0; i < w->nobjs; i++) {
		const struct reach_object *o = w->objs[i];
		for (size_t k = 0; o->ok && k < graph(o)->nctors; k++)
			visit(w, w->base[i] + graph(o)->ctors[k], -1, VIA_ROOT);
	}
	root_export(w, "__libc_start_main");
	root_export(w, "__libc_early_init");
}

static void program_roots(struct walk *w)
{
	const struct reach_object *prog = w->objs[0];

	for (size_t i = 0; prog->ok && i < links(prog)->nimports; i++) {
		long to = bound_node(w, 0, (uint32_t)i);
		if (to >= 0)
			visit(w, (size_t)to, -1, VIA_IMPORT);
	}
	for (size_t f = 0; prog->ok && f < prog->scan.sites.funcs.n; f++)
		visit(w, f, -1, VIA_ROOT);
}

static void reset(struct walk *w)
{
	memset(w->from, 0, w->nodes * sizeof(*w->from));
	memset(w->taken_done, 0, w->nobjs * sizeof(*w->taken_done));
	w->head = w->tail = 0;
}

static void chain_free(struct reach_chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->steps[i]);
	c->n = 0;
}

static void add_syscall(struct reach_result *r, const struct walk *w, size_t node, long nr,
			enum syscall_arch table, const char *last)
{
	struct reached_syscall *rs = NULL;
	uint32_t depth = depth_of(w, node);

	for (size_t i = 0; i < r->nsyscalls && !rs; i++)
		if (r->syscalls[i].nr == nr && r->syscalls[i].table == table)
			rs = &r->syscalls[i];
	if (rs) {
		rs->startup |= (w->via[node] & VIA_STARTUP) != 0;
		if (depth >= rs->depth)
			return;
		chain_free(&rs->chain); /* a shorter chain to the same syscall */
	} else {
		r->syscalls = xrealloc(r->syscalls, (r->nsyscalls + 1) * sizeof(*r->syscalls));
		rs = &r->syscalls[r->nsyscalls++];
		memset(rs, 0, sizeof(*rs));
		rs->nr = nr;
		rs->table = table;
		rs->startup = (w->via[node] & VIA_STARTUP) != 0;
	}
	rs->depth = depth;
	make_chain(w, node, last, &rs->chain);
}

static void collect_object(struct reach_result *r, const struct walk *w, size_t oi)
{
	const struct reach_object *o = w->objs[oi];
	const struct site_report *s = &o->scan.sites;
	char last[256];

	for (size_t i = 0; i < s->nsites; i++) {
		size_t node = w->base[oi] + (size_t)o->site_fn[i];
		if (o->site_fn[i] < 0 || !reached(w, node))
			continue;
		snprintf(last, sizeof(last), "%s at %s+0x%llx",
			 s->sites[i].kind == SITE_SVC ? "svc" : "syscall", o->label,
			 (unsigned long long)s->sites[i].addr);
		if (!s->sites[i].res.nvalues)
			r->unresolved_sites++;
		for (int k = 0; k < s->sites[i].res.nvalues; k++)
			add_syscall(r, w, node, (long)s->sites[i].res.values[k], s->sites[i].table, last);
	}
	for (size_t i = 0; i < s->nwcalls; i++) {
		size_t node = w->base[oi] + (size_t)o->wcall_fn[i];
		if (o->wcall_fn[i] < 0 || !reached(w, node))
			continue;
		snprintf(last, sizeof(last), "call %s at %s+0x%llx",
			 s->wcalls[i].wrapper_name ? s->wcalls[i].wrapper_name : "syscall wrapper",
			 o->label, (unsigned long long)s->wcalls[i].addr);
		for (int k = 0; k < s->wcalls[i].res.nvalues; k++)
			add_syscall(r, w, node, (long)s->wcalls[i].res.values[k], s->arch->table, last);
	}
	for (size_t i = 0; i < s->nvsyscalls; i++) {
		size_t node = w->base[oi] + (size_t)o->vs_fn[i];
		struct reached_vsyscall *v;
		if (o->vs_fn[i] < 0 || !reached(w, node))
			continue;
		r->vsyscalls = xrealloc(r->vsyscalls, (r->nvsyscalls + 1) * sizeof(*r->vsyscalls));
		v = &r->vsyscalls[r->nvsyscalls++];
		v->target = s->vsyscalls[i].target;
		v->access = s->vsyscalls[i].access;
		v->fallback = s->vsyscalls[i].fallback;
		snprintf(last, sizeof(last), "%s 0x%llx at %s+0x%llx",
			 v->access == VSYSCALL_EXEC ? "call" : "read", (unsigned long long)v->target,
			 o->label, (unsigned long long)s->vsyscalls[i].addr);
		make_chain(w, node, last, &v->chain);
	}
}

static void collect_vdso(struct reach_result *r, const struct walk *w, size_t oi)
{
	const struct reach_object *o = w->objs[oi];
	size_t best = 0;
	uint32_t best_depth = 0;

	for (size_t f = 0; o->scan.sites.nvdso && f < o->scan.sites.funcs.n; f++) {
		/* the object's nearest reached function */
		size_t node = w->base[oi] + f;
		uint32_t d = reached(w, node) ? depth_of(w, node) : 0;
		if (d && (!best || d < best_depth))
			best = node, best_depth = d;
	}
	for (size_t i = 0; best && i < o->scan.sites.nvdso; i++) {
		char last[160];
		r->vdso = xrealloc(r->vdso, (r->nvdso + 1) * sizeof(*r->vdso));
		r->vdso[r->nvdso].name = xstrdup(o->scan.sites.vdso_symbols[i]);
		snprintf(last, sizeof(last), "looks up %s in the vDSO", o->scan.sites.vdso_symbols[i]);
		make_chain(w, best, last, &r->vdso[r->nvdso].chain);
		r->nvdso++;
	}
}

static void note_unbound(struct reach_result *r, const struct walk *w)
{
	const struct reach_object *prog = w->objs[0];

	for (size_t i = 0; prog->ok && i < links(prog)->nimports && r->nunbound < 64; i++) {
		size_t oi;
		long fn;
		char buf[256];
		if (bind_import(w, prog, i, &oi, &fn))
			continue;
		import_label(prog, i, buf, sizeof(buf));
		r->unbound = xrealloc(r->unbound, (r->nunbound + 1) * sizeof(char *));
		r->unbound[r->nunbound++] = xstrdup(buf);
	}
}

static long add_walk_object(struct walk *w, struct reach_ctx *rc, const struct image_node *n)
{
	for (size_t i = 0; i < w->nobjs; i++)
		if (w->objs[i]->node == n)
			return (long)i;
	w->objs = xrealloc(w->objs, (w->nobjs + 1) * sizeof(*w->objs));
	w->objs[w->nobjs] = object(rc, n);
	w->objs[w->nobjs]->used = rc->clock;
	return (long)w->nobjs++;
}

static long interpreter(struct walk *w, struct reach_ctx *rc)
{
	const char *interp = w->objs[0]->scan.facts.ident.interp;
	struct image_node *n;
	struct ac_error err;

	if (!*interp || tree_resolve(rc->img->tree, interp, true, &n, NULL, NULL, &err) < 0 ||
	    !image_node_is_elf(n))
		return -1;
	return add_walk_object(w, rc, n);
}

/* Everything the walk reads: the program's path (chains name it), and
 * each object's content, label and place, in walk order.  False when an
 * object's content has no key (it was not analysed through the cache). */
static bool walk_key(const struct walk *w, long interp, struct digest *key)
{
	static const char tag[] = "abicheck-reach/1\n";
	struct hasher *h = hasher_new(DIGEST_SHA256);
	char buf[64];

	if (!h)
		return false;
	hasher_update(h, tag, sizeof(tag) - 1);
	hasher_update(h, w->program, strlen(w->program) + 1);
	snprintf(buf, sizeof(buf), "interp %ld\n", interp);
	hasher_update(h, buf, strlen(buf));
	for (size_t i = 0; i < w->nobjs; i++) {
		const struct reach_object *o = w->objs[i];
		if (!o->scan.sha256[0]) {
			hasher_free(h);
			return false;
		}
		hasher_update(h, o->scan.sha256, 64);
		hasher_update(h, o->label, strlen(o->label) + 1);
	}
	hasher_finish(h, key);
	return true;
}

/* A program's walk.  job_begin asks the loader and the object table,
 * which are not thread-safe: on the calling thread.  The rest reads only
 * objects whose graphs are built, and writes only the job's own result
 * and cache entry: on any thread. */
struct walk_job {
	struct walk w;
	char prog[4100];
	long interp;
	struct digest key;
	bool cacheable, done;
	struct reach_result *out;
};

static void job_begin(struct reach_ctx *rc, const struct image_node *program,
		      struct walk_job *j, struct reach_result *out)
{
	struct load_closure lc;

	memset(out, 0, sizeof(*out));
	memset(j, 0, sizeof(*j));
	j->out = out;
	snprintf(j->prog, sizeof(j->prog), "/%s", program->path);
	j->w.program = j->prog;
	add_walk_object(&j->w, rc, program);
	loader_closure(rc->loader, program, &lc);
	for (size_t i = 0; i < lc.nlibs; i++)
		add_walk_object(&j->w, rc, lc.libs[i].node);
	load_closure_free(&lc);
	j->interp = interpreter(&j->w, rc);
	j->cacheable = rc->cache && walk_key(&j->w, j->interp, &j->key);
}

static void job_load(struct reach_ctx *rc, struct walk_job *j)
{
	j->done = j->cacheable && reach_result_load(rc->cache, &j->key, j->out);
}

static void collect(struct walk *w, struct reach_result *out)
{
	out->per_object = xcalloc(w->nobjs + 1, sizeof(*out->per_object));
	out->nper_object = w->nobjs;
	for (size_t i = 0; i < w->nobjs; i++) {
		struct reach_object_stats *ps = &out->per_object[i];
		snprintf(ps->label, sizeof(ps->label), "%s", w->objs[i]->label);
		ps->functions = w->objs[i]->scan.sites.funcs.n;
		ps->indirect_calls = w->objs[i]->scan.sites.nindirect;
		ps->address_taken = graph(w->objs[i])->ntaken;
		for (size_t f = 0; f < ps->functions; f++)
			ps->reached += reached(w, w->base[i] + f);
		out->indirect_calls += w->objs[i]->scan.sites.nindirect;
		if (!w->objs[i]->ok)
			continue;
		collect_object(out, w, i);
		collect_vdso(out, w, i);
	}
	for (size_t i = 0; i < w->nodes; i++)
		out->functions += reached(w, i);
	out->objects = w->nobjs;
	note_unbound(out, w);
}

static void walk_alloc(struct walk *w)
{
	w->base = xcalloc(w->nobjs + 1, sizeof(size_t));
	for (size_t i = 0; i < w->nobjs; i++)
		w->base[i + 1] = w->base[i] + w->objs[i]->scan.sites.funcs.n;
	w->nodes = w->base[w->nobjs];
	w->from = xcalloc(w->nodes + 1, sizeof(*w->from));
	w->via = xcalloc(w->nodes + 1, 1);
	w->queue = xcalloc(w->nodes + 1, sizeof(*w->queue));
	w->taken_done = xcalloc(w->nobjs + 1, sizeof(bool));
	w->bound = xcalloc(w->nobjs + 1, sizeof(*w->bound));
	for (size_t i = 0; i < w->nobjs; i++)
		w->bound[i] = xcalloc(links(w->objs[i])->nimports + 1, sizeof(**w->bound));
}

/* The per-node arrays, which a walk needs only until its result is
 * collected (48 walks of a batch over clang's closure held 30 MB). */
static void walk_free_nodes(struct walk *w)
{
	free(w->base);
	free(w->from);
	free(w->via);
	free(w->queue);
	free(w->taken_done);
	for (size_t i = 0; w->bound && i < w->nobjs; i++)
		free(w->bound[i]);
	free(w->bound);
	w->base = NULL, w->from = NULL, w->via = NULL;
	w->queue = NULL, w->taken_done = NULL;
	w->bound = NULL;
}

static void walk_free(struct walk *w)
{
	walk_free_nodes(w);
	free(w->objs);
}

/* The walks themselves, once every object of the job has its graph. */
static void job_walk(struct reach_ctx *rc, struct walk_job *j)
{
	struct walk *w = &j->w;

	if (j->done)
		return;
	walk_alloc(w);
	startup_roots(w, j->interp);
	run(w, false);
	for (size_t i = 0; i < w->nodes; i++)
		if (reached(w, i))
			w->via[i] |= VIA_STARTUP;
	reset(w);
	program_roots(w);
	startup_roots(w, j->interp);
	run(w, true);
	collect(w, j->out);
	if (j->cacheable)
		reach_result_store(rc->cache, &j->key, j->out);
	walk_free_nodes(w);
}

/* ---- many programs' walks at once ---- */

/* The ELF bytes whose graphs a round may load beyond those already
 * resident: a batch of 48 programs of a toolchain image (cc1, cc1plus,
 * lto1, clang with libLLVM) loaded all their graphs at once, the run's
 * peak (78 MB of heap in massif).  A program whose own closure is larger
 * gets a round to itself. */
#define ROUND_NEW_BYTES (48u << 20)

struct batch {
	struct reach_ctx *rc;
	struct walk_job *jobs;
	struct reach_object **graphs; /* objects this round's walks need a graph of */
	size_t first;                 /* this round's first job */
};

static void load_one(void *ctx, size_t i)
{
	struct batch *b = ctx;

	job_load(b->rc, &b->jobs[i]);
}

static void graph_one(void *ctx, size_t i)
{
	struct batch *b = ctx;

	ensure_graph(b->rc, b->graphs[i]);
}

static void walk_one(void *ctx, size_t i)
{
	struct batch *b = ctx;

	job_walk(b->rc, &b->jobs[b->first + i]);
}

static size_t new_bytes(const struct reach_object *o)
{
	return o->ok && !o->graph_ready && !o->queued && o->node->content ?
		       (size_t)o->node->content->size : 0;
}

/* A loaded report (graph, link table, functions, sites) takes at most
 * about this fraction of the file (libLLVM: 110 MB of file, 5 MB loaded):
 * the room a round makes before it loads. */
#define FILE_BYTES_PER_RESIDENT 16

/* Jobs from `first` on whose walks fit one round: what their objects
 * would load stays within ROUND_NEW_BYTES (at least one job).  Queues the
 * objects to load in b->graphs; *bytes: their files' size. */
static size_t plan_round(struct batch *b, size_t first, size_t n, size_t *ngraphs, size_t *cap,
			 size_t *bytes)
{
	size_t end = first;

	*ngraphs = 0;
	for (; end < n; end++) {
		struct walk *w = &b->jobs[end].w;
		size_t more = 0;
		if (b->jobs[end].done)
			continue;
		for (size_t k = 0; k < w->nobjs; k++)
			more += new_bytes(w->objs[k]);
		if (end > first && *bytes + more > ROUND_NEW_BYTES)
			break;
		*bytes += more;
		for (size_t k = 0; k < w->nobjs; k++) {
			struct reach_object *o = w->objs[k];
			o->used = b->rc->clock;
			if (!new_bytes(o))
				continue;
			o->queued = true;
			xgrow((void **)&b->graphs, cap, *ngraphs, sizeof(*b->graphs));
			b->graphs[(*ngraphs)++] = o;
		}
	}
	return end;
}

/* Cached results first, over all jobs; then rounds, each spread over the
 * threads: the graphs its walks need, each object loaded by one thread;
 * the walks, which then only read the objects; and a trim to the resident
 * budget, which the next round's objects are not protected from (they
 * load again). */
void reach_programs(struct reach_ctx *rc, const struct image_node *const *programs, size_t n,
		    unsigned threads, struct reach_result *out)
{
	struct batch b = { .rc = rc, .jobs = xcalloc(n + 1, sizeof(*b.jobs)) };
	size_t cap = 0;

	rc->clock++;
	for (size_t i = 0; i < n; i++)
		job_begin(rc, programs[i], &b.jobs[i], &out[i]);
	parallel_for(n, threads, load_one, &b);
	for (size_t first = 0, end, ngraphs; first < n; first = end) {
		bool walked = false;
		size_t bytes = 0, room;
		rc->clock++;
		end = plan_round(&b, first, n, &ngraphs, &cap, &bytes);
		for (size_t i = first; i < end; i++)
			walked |= !b.jobs[i].done;
		/* Room for what the round loads, from the least recently
		 * walked, before it loads: resident and new never add up. */
		room = bytes / FILE_BYTES_PER_RESIDENT;
		if (ngraphs)
			trim(rc, rc->resident_max > room ? rc->resident_max - room : 0);
		parallel_for(ngraphs, threads, graph_one, &b);
		for (size_t i = 0; i < ngraphs; i++)
			b.graphs[i]->queued = false;
		b.first = first;
		parallel_for(end - first, threads, walk_one, &b);
		for (size_t i = first; i < end; i++)
			walk_free(&b.jobs[i].w);
		if (walked) {
			release_round(rc);
			trim(rc, rc->resident_max);
		}
	}
	free(b.jobs);
	free(b.graphs);
}

void reach_program(struct reach_ctx *rc, const struct image_node *program, struct reach_result *out)
{
	reach_programs(rc, &program, 1, 1, out);
}

void reach_result_free(struct reach_result *r)
{
	for (size_t i = 0; i < r->nsyscalls; i++)
		chain_free(&r->syscalls[i].chain);
	for (size_t i = 0; i < r->nvsyscalls; i++)
		chain_free(&r->vsyscalls[i].chain);
	for (size_t i = 0; i < r->nvdso; i++) {
		chain_free(&r->vdso[i].chain);
		free(r->vdso[i].name);
	}
	for (size_t i = 0; i < r->nunbound; i++)
		free(r->unbound[i]);
	free(r->syscalls);
	free(r->vsyscalls);
	free(r->vdso);
	free(r->unbound);
	free(r->per_object);
	memset(r, 0, sizeof(*r));
}
