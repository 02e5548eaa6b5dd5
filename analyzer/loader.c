/* analyzer/loader.c — see loader.h. */
#include "analyzer/loader.h"

#include <elf.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/elf_facts.h"
#include "analyzer/elf_file.h"
#include "common/xalloc.h"

#define MAX_CLOSURE 4096
#define LDCACHE_MAX (64u << 20)

struct loader_object {
	const struct image_node *node;
	char **needed;
	size_t nneeded;
	char *rpath, *runpath;
	char *interp; /* PT_INTERP, or NULL */
	bool musl;
};

/* ELF identity from the cached first bytes of a kept file. */
struct elf_id {
	int elfclass; /* 32/64 */
	bool big;
	unsigned machine;
	uint32_t flags;
};

static bool node_id(const struct image_node *n, struct elf_id *id)
{
	const unsigned char *h;

	if (!image_node_is_elf(n) || n->content->head_len < 52)
		return false;
	h = n->content->head;
	id->elfclass = h[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	id->big = h[EI_DATA] == ELFDATA2MSB;
	id->machine = id->big ? (unsigned)(h[18] << 8 | h[19]) : (unsigned)(h[19] << 8 | h[18]);
	/* e_flags: offset 36 (ELF32) or 48 (ELF64) */
	{
		const unsigned char *f = h + (id->elfclass == 64 ? 48 : 36);
		id->flags = id->big ? (uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 | f[2] << 8 | f[3]
				    : (uint32_t)f[3] << 24 | (uint32_t)f[2] << 16 | f[1] << 8 | f[0];
	}
	return true;
}

static char **split_path(const char *s, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	while (s && *s) {
		const char *c = strchr(s, ':');
		size_t len = c ? (size_t)(c - s) : strlen(s);
		xgrow((void **)&v, &cap, *n, sizeof(*v));
		/* An empty entry means the current directory, as in glibc. */
		v[(*n)++] = len ? xstrndup(s, len) : xstrdup(".");
		s += len + (c ? 1 : 0);
	}
	return v;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *read_image_file(const struct image *img, const char *path, size_t max, size_t *len)
{
	struct image_node *n;
	struct ac_error err;
	char *buf;
	ssize_t got;
	int fd;

	if (tree_resolve(img->tree, path, true, &n, NULL, NULL, &err) < 0 || !n->content ||
	    n->size > max)
		return NULL;
	fd = image_open_file(img, n, &err);
	if (fd < 0)
		return NULL;
	buf = xmalloc((size_t)n->size + 1);
	got = pread(fd, buf, (size_t)n->size, 0);
	close(fd);
	if (got != (ssize_t)n->size) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	*len = (size_t)got;
	return buf;
}

static void add_conf_dir(struct loader *ld, size_t *cap, const char *dir)
{
	xgrow((void **)&ld->conf_dirs, cap, ld->nconf, sizeof(*ld->conf_dirs));
	ld->conf_dirs[ld->nconf++] = xstrdup(dir);
}

/* ld.so.conf with its `include` globs (one level deep, as Debian uses it). */
static void read_conf(struct loader *ld, const char *path, size_t *cap, int depth)
{
	size_t len;
	char *buf = read_image_file(ld->img, path, 1 << 20, &len);
	char *save = NULL;

	for (char *line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		size_t end;
		if (hash)
			*hash = '\0';
		line += strspn(line, " \t");
		for (end = strlen(line); end && strchr(" \t\r", line[end - 1]); end--)
			line[end - 1] = '\0';
		if (!strncmp(line, "include", 7) && depth < 2) {
			char *pat = line + 7 + strspn(line + 7, " \t");
			char dir[4096];
			const char *base = strrchr(pat, '/');
			struct image_node *d;
			struct ac_error err;
			snprintf(dir, sizeof(dir), "%.*s", base ? (int)(base - pat) : 0, pat);
			if (!base || tree_resolve(ld->img->tree, dir, true, &d, NULL, NULL, &err) < 0)
				continue;
			for (struct image_node *c = d->first_child; c; c = c->next_sibling)
				if (!fnmatch(base + 1, c->name, 0)) {
					char sub[4200];
					snprintf(sub, sizeof(sub), "/%s", c->path);
					read_conf(ld, sub, cap, depth + 1);
				}
		} else if (line[0] == '/') {
			add_conf_dir(ld, cap, line);
		}
	}
	free(buf);
}

void loader_init(struct loader *ld, const struct image *img)
{
	size_t len, cap = 0;
	const char *llp = image_config_getenv(&img->config, "LD_LIBRARY_PATH");

	memset(ld, 0, sizeof(*ld));
	ld->img = img;
	ld->cache_buf = read_image_file(img, "/etc/ld.so.cache", LDCACHE_MAX, &len);
	ld->has_cache = ld->cache_buf &&
			ldcache_parse((const uint8_t *)ld->cache_buf, len, &ld->cache) == 0;
	read_conf(ld, "/etc/ld.so.conf", &cap, 0);
	ld->ld_library_path = split_path(llp, &ld->nllp);
}

void loader_free(struct loader *ld)
{
	for (size_t i = 0; i < ld->nobjs; i++) {
		free_strv(ld->objs[i].needed, ld->objs[i].nneeded);
		free(ld->objs[i].rpath);
		free(ld->objs[i].runpath);
		free(ld->objs[i].interp);
	}
	free(ld->objs);
	ldcache_free(&ld->cache);
	free(ld->cache_buf);
	free_strv(ld->conf_dirs, ld->nconf);
	free_strv(ld->ld_library_path, ld->nllp);
	memset(ld, 0, sizeof(*ld));
}

/* The dynamic facts of an object, parsed once per loader. */
static struct loader_object *object(struct loader *ld, const struct image_node *n)
{
	struct loader_object *o;
	struct elf_file ef;
	struct elf_facts f;
	struct ac_error err;
	int fd;

	for (size_t i = 0; i < ld->nobjs; i++)
		if (ld->objs[i].node == n)
			return &ld->objs[i];
	xgrow((void **)&ld->objs, &ld->capobjs, ld->nobjs, sizeof(*ld->objs));
	o = &ld->objs[ld->nobjs++];
	memset(o, 0, sizeof(*o));
	o->node = n;
	fd = image_open_file(ld->img, n, &err);
	if (fd < 0)
		return o;
	if (elf_file_open(fd, &ef, &err) == 0) {
		elf_facts_read(&ef, fd, &f);
		o->needed = xcalloc(f.nneeded + 1, sizeof(char *));
		for (size_t i = 0; i < f.nneeded; i++)
			o->needed[o->nneeded++] = xstrdup(f.needed[i]);
		o->rpath = f.rpath ? xstrdup(f.rpath) : NULL;
		o->runpath = f.runpath ? xstrdup(f.runpath) : NULL;
		o->musl = f.libc == LIBC_MUSL;
		o->interp = f.ident.interp[0] ? xstrdup(f.ident.interp) : NULL;
		elf_facts_free(&f);
		elf_file_close(&ef);
	}
	close(fd);
	return o;
}

struct request {
	struct loader *ld;
	const struct image_node *obj; /* asking for the library */
	struct elf_id id;
	const char *name;
	char *skipped; /* explanation of candidates refused */
	size_t skipped_len;
};

static const struct image_node *found(const char **via, const char *how,
				      const struct image_node *f)
{
	*via = how;
	return f;
}

/* $ORIGIN, $LIB, $PLATFORM (glibc dl-load.c _dl_dst_substitute). */
static void expand(const struct request *r, const char *in, char *out, size_t len)
{
	char origin[4096];
	const char *slash = strrchr(r->obj->path, '/');
	const char *lib = r->id.elfclass == 64 && r->id.machine != EM_AARCH64 ? "lib64" : "lib";
	size_t o = 0;

	snprintf(origin, sizeof(origin), "/%.*s", slash ? (int)(slash - r->obj->path) : 0,
		 r->obj->path);
	while (*in && o + 1 < len) {
		const char *rep = NULL;
		size_t skip = 0;
		if (!strncmp(in, "$ORIGIN", 7) || !strncmp(in, "${ORIGIN}", 9))
			rep = origin, skip = in[1] == '{' ? 9 : 7;
		else if (!strncmp(in, "$LIB", 4) || !strncmp(in, "${LIB}", 6))
			rep = lib, skip = in[1] == '{' ? 6 : 4;
		else if (!strncmp(in, "$PLATFORM", 9) || !strncmp(in, "${PLATFORM}", 11))
			rep = elf_machine_name(r->id.machine), skip = in[1] == '{' ? 11 : 9;
		if (rep) {
			o += (size_t)snprintf(out + o, len - o, "%s", rep);
			if (o >= len)
				o = len - 1;
			in += skip;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

static void note_skipped(struct request *r, const char *path, const char *why)
{
	size_t n = strlen(path) + strlen(why) + 8;

	if (r->skipped_len > 400)
		return;
	r->skipped = xrealloc(r->skipped, r->skipped_len + n);
	r->skipped_len += (size_t)snprintf(r->skipped + r->skipped_len, n, "%s%s (%s)",
					   r->skipped_len ? "; " : "", path, why);
}

/* A file at `path` that ld.so would accept for this request. */
static const struct image_node *try_path(struct request *r, const char *path)
{
	struct image_node *n;
	struct ac_error err;
	struct elf_id id;

	if (tree_resolve(r->ld->img->tree, path, true, &n, NULL, NULL, &err) < 0 ||
	    n->type != NODE_REG)
		return NULL;
	if (!node_id(n, &id)) {
		note_skipped(r, path, "not an ELF file");
		return NULL;
	}
	if (id.elfclass != r->id.elfclass || id.machine != r->id.machine) {
		note_skipped(r, path, id.elfclass != r->id.elfclass ? "wrong ELF class"
								    : "wrong machine");
		return NULL;
	}
	return n;
}

static const struct image_node *try_dirs(struct request *r, char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char dir[4096], path[8192];
		const struct image_node *found;
		expand(r, dirs[i], dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/%s", dir, r->name);
		if ((found = try_path(r, path)))
			return found;
	}
	return NULL;
}

static const struct image_node *try_pathlist(struct request *r, const char *list)
{
	size_t n;
	char **dirs = split_path(list, &n);
	const struct image_node *found = try_dirs(r, dirs, n);

	free_strv(dirs, n);
	return found;
}

/* The system directories: Debian's multiarch pair, then the generic ones,
 * then lib64 for distributions that use it (glibc's configure decides; we
 * accept any of them). */
static const struct image_node *try_system(struct request *r)
{
	static const struct { unsigned machine; int cls; const char *triplet; } triplets[] = {
		{ EM_X86_64, 64, "x86_64-linux-gnu" }, { EM_386, 32, "i386-linux-gnu" },
		{ EM_AARCH64, 64, "aarch64-linux-gnu" }, { EM_ARM, 32, "arm-linux-gnueabihf" },
		{ EM_PPC64, 64, "powerpc64le-linux-gnu" }, { EM_S390, 64, "s390x-linux-gnu" },
		{ EM_RISCV, 64, "riscv64-linux-gnu" },
	};
	char list[512] = "";

	for (size_t i = 0; i < sizeof(triplets) / sizeof(triplets[0]); i++)
		if (triplets[i].machine == r->id.machine && triplets[i].cls == r->id.elfclass)
			snprintf(list, sizeof(list), "/lib/%s:/usr/lib/%s:", triplets[i].triplet,
				 triplets[i].triplet);
	strncat(list, r->id.elfclass == 64 ? "/lib:/usr/lib:/lib64:/usr/lib64" : "/lib:/usr/lib",
		sizeof(list) - strlen(list) - 1);
	return try_pathlist(r, list);
}

/* musl's loader is its libc and answers these names itself, without
 * searching (ldso/dynlink.c load_library: "c pthread rt m dl util xnet"). */
static bool musl_reserved(const char *name)
{
	static const char *const reserved[] = { "c", "pthread", "rt", "m", "dl", "util", "xnet" };

	if (strncmp(name, "lib", 3))
		return false;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		size_t l = strlen(reserved[i]);
		if (!strncmp(name + 3, reserved[i], l) && (name[3 + l] == '.' || !name[3 + l]))
			return true;
	}
	return false;
}

static const struct image_node *search_musl(struct request *r, const struct loader_object *o,
					    const struct loader_object *exe, const char **via)
{
	const struct image_node *f;
	char pathfile[64];
	size_t len;
	char *paths;

	if (musl_reserved(r->name) && exe->interp && (f = try_path(r, exe->interp)))
		return found(via, "musl (the loader itself)", f);
	if ((f = try_dirs(r, r->ld->ld_library_path, r->ld->nllp)))
		return found(via, "LD_LIBRARY_PATH", f);
	if ((o->rpath && (f = try_pathlist(r, o->rpath))) ||
	    (o->runpath && (f = try_pathlist(r, o->runpath))))
		return found(via, "rpath", f);
	snprintf(pathfile, sizeof(pathfile), "/etc/ld-musl-%s.path", elf_machine_name(r->id.machine));
	paths = read_image_file(r->ld->img, pathfile, 1 << 16, &len);
	if (paths)
		for (char *p = paths; *p; p++)
			if (*p == '\n')
				*p = ':';
	f = try_pathlist(r, paths ? paths : "/lib:/usr/local/lib:/usr/lib");
	free(paths);
	return found(via, "musl path", f);
}

static const struct image_node *search(struct request *r, const struct loader_object *o,
				       const struct loader_object *exe, const char **via)
{
	const struct image_node *f;
	int32_t flags;

	if (strchr(r->name, '/'))
		return found(via, "path", try_path(r, r->name));
	if (o->musl || exe->musl)
		return search_musl(r, o, exe, via);
	if (!o->runpath && ((o->rpath && (f = try_pathlist(r, o->rpath))) ||
			    (o != exe && exe->rpath && (f = try_pathlist(r, exe->rpath)))))
		return found(via, "rpath", f);
	if ((f = try_dirs(r, r->ld->ld_library_path, r->ld->nllp)))
		return found(via, "LD_LIBRARY_PATH", f);
	if (o->runpath && (f = try_pathlist(r, o->runpath)))
		return found(via, "runpath", f);
	flags = ldcache_flags_for(r->id.machine, r->id.elfclass, r->id.flags);
	if (r->ld->has_cache) {
		const char *p = ldcache_lookup(&r->ld->cache, r->name, flags);
		if (p && (f = try_path(r, p)))
			return found(via, "ld.so.cache", f);
	}
	return found(via, "system path", try_system(r));
}

/* Why a library was not found, when the image tells us. */
static void explain_miss(struct request *r, struct missing_lib *m)
{
	if (r->skipped_len) {
		snprintf(m->hint, sizeof(m->hint), "skipped: %s", r->skipped);
		return;
	}
	for (size_t i = 0; i < r->ld->nconf; i++) {
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", r->ld->conf_dirs[i], r->name);
		if (try_path(r, path)) {
			snprintf(m->hint, sizeof(m->hint),
				 "%.300s exists (its directory is in ld.so.conf) but %s", path,
				 r->ld->has_cache ? "the ld.so.cache does not list it (stale cache)"
						  : "the image has no /etc/ld.so.cache");
			return;
		}
	}
}

static bool seen(const struct load_closure *c, const struct image_node *n)
{
	for (size_t i = 0; i < c->nlibs; i++)
		if (c->libs[i].node == n)
			return true;
	return false;
}

void loader_closure(struct loader *ld, const struct image_node *root, struct load_closure *out)
{
	const struct image_node **queue = xcalloc(MAX_CLOSURE, sizeof(*queue));
	size_t head = 0, tail = 0, caplibs = 0, capmiss = 0;
	memset(out, 0, sizeof(*out));
	queue[tail++] = root;
	while (head < tail) {
		const struct image_node *n = queue[head++];
		/* object() may grow (move) the cache: take `exe` after `o`; the
		 * search below adds nothing to it. */
		const struct loader_object *o = object(ld, n);
		const struct loader_object *exe = object(ld, root);
		o = object(ld, n);
		for (size_t i = 0; i < o->nneeded; i++) {
			struct request r = { .ld = ld, .obj = n, .name = o->needed[i] };
			const char *via = NULL;
			const struct image_node *f;
			if (!node_id(n, &r.id))
				break;
			f = search(&r, o, exe, &via);
			if (f && !seen(out, f) && f != root) {
				xgrow((void **)&out->libs, &caplibs, out->nlibs, sizeof(*out->libs));
				out->libs[out->nlibs++] = (struct loaded_lib){ o->needed[i], f, via, n };
				if (tail < MAX_CLOSURE)
					queue[tail++] = f;
			} else if (!f) {
				struct missing_lib *m;
				xgrow((void **)&out->missing, &capmiss, out->nmissing, sizeof(*out->missing));
				m = &out->missing[out->nmissing++];
				memset(m, 0, sizeof(*m));
				m->name = o->needed[i];
				m->needed_by = n;
				explain_miss(&r, m);
			}
			free(r.skipped);
		}
	}
	free(queue);
}

void load_closure_free(struct load_closure *c)
{
	free(c->libs);
	free(c->missing);
	memset(c, 0, sizeof(*c));
}
