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

#define MAGIC "ABICACHE"
#define FORMAT 1u
#define FILE_REF (1ull << 63)
/* An entry larger than this is not ours: refuse before reading it. */
#define ENTRY_MAX (1ull << 30)

const char *analysis_cache_version(void)
{
	return ABICHECK_VERSION "-" ANALYZER_HASH;
}

/* ---- directory ---- */

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int analysis_cache_open(struct analysis_cache *c, const char *root, struct ac_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char path[4096];
	int n;
	struct stat st;

	memset(c, 0, sizeof(*c));
	if (root)
		n = snprintf(path, sizeof(path), "%s/analysis/%s", root, analysis_cache_version());
	else if (xdg && *xdg == '/')
		n = snprintf(path, sizeof(path), "%s/abicheck/analysis/%s", xdg,
			     analysis_cache_version());
	else if (home && *home == '/')
		n = snprintf(path, sizeof(path), "%s/.cache/abicheck/analysis/%s", home,
			     analysis_cache_version());
	else
		return ac_error_set(err, AC_ERR_SYSTEM, 0,
				    "no cache directory (neither XDG_CACHE_HOME nor HOME is set)");
	if (n < 0 || (size_t)n >= sizeof(path))
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "cache directory path too long");
	if (mkdir_p(path) < 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    access(path, W_OK | X_OK) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno ? errno : ENOTDIR,
				    "cache directory %s", path);
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

static void entry_path(const struct analysis_cache *c, enum cache_kind kind,
		       const struct digest *key, char *buf, size_t len, bool make_dir)
{
	const char *ns = kind == CACHE_SITES ? "sites" : "reach";

	snprintf(buf, len, "%s/%s", c->dir, ns);
	if (make_dir)
		mkdir(buf, 0700);
	snprintf(buf, len, "%s/%s/%.2s", c->dir, ns, key->hex);
	if (make_dir)
		mkdir(buf, 0700);
	snprintf(buf, len, "%s/%s/%.2s/%s", c->dir, ns, key->hex, key->hex);
}

/* ---- writing ---- */

void cache_put(struct wbuf *b, const void *v, size_t len)
{
	if (!len)
		return;
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, v, len);
	b->n += len;
}

void cache_put64(struct wbuf *b, uint64_t v) { cache_put(b, &v, 8); }
void cache_put32(struct wbuf *b, uint32_t v) { cache_put(b, &v, 4); }

void cache_put_str(struct wbuf *b, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	cache_put64(b, s ? len + 1 : 0);
	if (s)
		cache_put(b, s, len);
}

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

static void put_edges(struct wbuf *b, const struct code_edge *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cache_put64(b, e[i].from);
		cache_put64(b, e[i].target);
		cache_put64(b, e[i].call);
	}
}

static void put_arrays(struct wbuf *b, struct strings *s, const struct site_report *r)
{
	for (size_t i = 0; i < r->funcs.n; i++) {
		cache_put64(b, r->funcs.ranges[i].start);
		cache_put64(b, r->funcs.ranges[i].end);
	}
	put_edges(b, r->edges, r->nedges);
	for (size_t i = 0; i < r->nindirect; i++)
		cache_put64(b, r->indirect[i]);
	put_edges(b, r->refs, r->nrefs);
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

static int write_file(const char *path, const struct wbuf *b)
{
	char tmp[4300];
	int fd;
	ssize_t w = -1;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	for (size_t off = 0; off < b->n; off += (size_t)w)
		if ((w = write(fd, b->p + off, b->n - off)) <= 0)
			break;
	if (close(fd) < 0 || w <= 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Header (magic, format, kind, key), the body, then the body's sum. */
void analysis_cache_write(struct analysis_cache *c, enum cache_kind kind,
			  const struct digest *key, const struct wbuf *body)
{
	struct wbuf b = { 0 };
	struct digest sum;
	char path[4200];

	if (!c->dir)
		return;
	cache_put(&b, MAGIC, 8);
	cache_put32(&b, FORMAT);
	cache_put32(&b, kind);
	cache_put(&b, key->hex, 64);
	if (body->n)
		cache_put(&b, body->p, body->n);
	digest_buffer(DIGEST_SHA256, b.p, b.n, &sum);
	cache_put(&b, sum.hex, 64);
	entry_path(c, kind, key, path, sizeof(path), true);
	if (write_file(path, &b) == 0)
		c->stores++;
	else
		c->store_failures++;
	free(b.p);
}

void analysis_cache_store(struct analysis_cache *c, const struct digest *key,
			  const struct elf_file *ef, const struct site_report *r)
{
	struct wbuf b = { 0 }, body = { 0 };
	struct strings s = { .ef = ef };
	const uint64_t counts[] = {
		r->funcs.n, r->funcs.fdes, r->nedges, r->nindirect, r->nrefs, r->nsites,
		r->nwcalls, r->nvsyscalls, r->nvdso, r->code_bytes, r->undecodable_bytes,
	};

	if (!c->dir)
		return;
	put_arrays(&body, &s, r);
	cache_put64(&b, ef->size);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		cache_put64(&b, counts[i]);
	cache_put64(&b, s.blob.n);
	cache_put(&b, body.p, body.n);
	if (s.blob.n)
		cache_put(&b, s.blob.p, s.blob.n);
	analysis_cache_write(c, CACHE_SITES, key, &b);
	free(b.p);
	free(body.p);
	free(s.blob.p);
}

/* ---- reading: every read is bounds-checked; any failure is a miss ---- */

void cache_get(struct rbuf *b, void *v, size_t len)
{
	if (b->bad || len > b->n - b->off) {
		b->bad = true;
		memset(v, 0, len);
		return;
	}
	memcpy(v, b->p + b->off, len);
	b->off += len;
}

uint64_t cache_get64(struct rbuf *b) { uint64_t v; cache_get(b, &v, 8); return v; }
uint32_t cache_get32(struct rbuf *b) { uint32_t v; cache_get(b, &v, 4); return v; }

char *cache_get_str(struct rbuf *b)
{
	uint64_t len = cache_get64(b);

	if (!len || b->bad)
		return NULL;
	if (len - 1 > b->n - b->off) {
		b->bad = true;
		return NULL;
	}
	b->off += len - 1;
	return xstrndup((const char *)b->p + b->off - (len - 1), len - 1);
}

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

void *cache_get_array(struct rbuf *b, uint64_t n, size_t rec, size_t elem)
{
	if (b->bad || n > (b->n - b->off) / rec) {
		b->bad = true;
		return NULL;
	}
	return xcalloc(n + 1, elem);
}

static struct code_edge *get_edges(struct rbuf *b, size_t n)
{
	struct code_edge *e = cache_get_array(b, n, 24, sizeof(*e));

	for (size_t i = 0; !b->bad && i < n; i++) {
		e[i].from = cache_get64(b);
		e[i].target = cache_get64(b);
		e[i].call = cache_get64(b) != 0;
	}
	return e;
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
	r->edges = get_edges(b, r->nedges);
	r->indirect = cache_get_array(b, r->nindirect, 8, sizeof(*r->indirect));
	for (size_t i = 0; !b->bad && i < r->nindirect; i++)
		r->indirect[i] = cache_get64(b);
	r->refs = get_edges(b, r->nrefs);
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

static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *p = NULL;
	int fd;
	ssize_t r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 64 &&
	    (uint64_t)st.st_size < ENTRY_MAX) {
		p = xmalloc((size_t)st.st_size);
		for (*len = 0; *len < (size_t)st.st_size; *len += (size_t)r)
			if ((r = read(fd, p + *len, (size_t)st.st_size - *len)) <= 0)
				break;
	}
	close(fd);
	if (p && r <= 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* The entry's body when it is ours, of this kind and key, and intact
 * (caller frees the returned buffer); NULL otherwise. */
uint8_t *analysis_cache_read(struct analysis_cache *c, enum cache_kind kind,
			     const struct digest *key, struct rbuf *b)
{
	char path[4200], magic[8], hex[64];
	struct digest sum;
	size_t len = 0;
	uint8_t *p;
	uint32_t format, k;

	if (!c->dir)
		return NULL;
	entry_path(c, kind, key, path, sizeof(path), false);
	if (!(p = read_file(path, &len)))
		return NULL;
	digest_buffer(DIGEST_SHA256, p, len - 64, &sum);
	*b = (struct rbuf){ .p = p, .n = len - 64 };
	if (!memcmp(sum.hex, p + len - 64, 64)) {
		cache_get(b, magic, 8);
		format = cache_get32(b);
		k = cache_get32(b);
		cache_get(b, hex, 64);
		if (!b->bad && !memcmp(magic, MAGIC, 8) && format == FORMAT && k == kind &&
		    !memcmp(hex, key->hex, 64))
			return p;
	}
	free(p);
	return NULL;
}

static bool parse_entry(struct rbuf *b, const struct elf_file *ef, struct site_report *r)
{
	uint64_t nblob;
	struct rstrings s = { .ef = ef };
	size_t *const counts[] = {
		&r->funcs.n, &r->funcs.fdes, &r->nedges, &r->nindirect, &r->nrefs, &r->nsites,
		&r->nwcalls, &r->nvsyscalls, &r->nvdso, &r->code_bytes, &r->undecodable_bytes,
	};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		*counts[i] = (size_t)cache_get64(b);
	nblob = cache_get64(b);
	if (b->bad || nblob > b->n - b->off)
		return false;
	/* The blob sits after the arrays.  The report owns a copy of it (the
	 * entry buffer goes), and names resolve into that copy. */
	s.len = (size_t)nblob;
	b->n -= s.len;
	if (s.len && b->p[b->n + s.len - 1])
		return false;
	if (s.len) {
		r->owned_strings = xmalloc(s.len);
		memcpy(r->owned_strings, b->p + b->n, s.len);
		s.blob = r->owned_strings;
	}
	get_arrays(b, &s, r);
	return !b->bad && b->off == b->n;
}

bool analysis_cache_load(struct analysis_cache *c, const struct digest *key,
			 const struct elf_file *ef, const struct arch *a, struct site_report *out)
{
	uint8_t *p;
	struct rbuf b;
	bool ok = false;

	if (!c->dir)
		return false;
	memset(out, 0, sizeof(*out));
	if ((p = analysis_cache_read(c, CACHE_SITES, key, &b)) && cache_get64(&b) == ef->size)
		ok = parse_entry(&b, ef, out);
	free(p);
	if (!ok) {
		site_report_free(out);
		c->misses++;
		return false;
	}
	out->arch = a;
	c->hits++;
	return true;
}
