/* images/layercache.c — see layercache.h.
 *
 * Record body: the summary (diff_id hex, compression, compressed and
 * uncompressed bytes, the five stats), the number of operations, then the
 * operations in tar order:
 *   OP_PUT       path, type, mode, uid, gid, size, link target (symlinks),
 *                has-body, and with a body its sha256 hex and head bytes
 *   OP_HARDLINK  path, target
 *   OP_WHITEOUT  directory, name
 *   OP_OPAQUE    directory
 * Paths are canonical (images/path.h) and length-prefixed.
 */
#include "images/layercache.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cachefile.h"
#include "common/tempdir.h"
#include "common/xalloc.h"
#include "images/path.h"

#ifndef ABICHECK_VERSION
#define ABICHECK_VERSION "0.1.0-dev"
#endif
#ifndef LAYER_HASH
#define LAYER_HASH "unhashed"
#endif

#define FORMAT 1u
#define KIND_LAYER 3u
#define KIND_VERIFIED 4u /* a blob file hashed to its digest (layer_cache_verified) */

enum { OP_PUT = 1, OP_HARDLINK, OP_WHITEOUT, OP_OPAQUE };

struct layer_record {
	struct wbuf ops;
	uint64_t nops;
	struct content **bodies;
	size_t nbodies, cap;
	bool failed;
};

const char *layer_cache_version(void)
{
	return ABICHECK_VERSION "-" LAYER_HASH;
}

int layer_cache_open(struct layer_cache *lc, const char *root, struct ac_error *err)
{
	char sub[256], path[4096];

	memset(lc, 0, sizeof(*lc));
	lc->bodies_fd = -1;
	if (cache_dir_open(root, "bodies", path, sizeof(path), err) < 0)
		return -1;
	lc->bodies_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(sub, sizeof(sub), "layers/%s", layer_cache_version());
	if (lc->bodies_fd < 0 || cache_dir_open(root, sub, path, sizeof(path), err) < 0) {
		layer_cache_close(lc);
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "cache directory %s unusable", path);
	}
	lc->dir = xstrdup(path);
	return 0;
}

void layer_cache_close(struct layer_cache *lc)
{
	if (lc->bodies_fd >= 0)
		close(lc->bodies_fd);
	free(lc->dir);
	memset(lc, 0, sizeof(*lc));
	lc->bodies_fd = -1;
}

/* ---- recording ---- */

struct layer_record *layer_record_new(void)
{
	return xcalloc(1, sizeof(struct layer_record));
}

void layer_record_free(struct layer_record *r, struct content_store *cs)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nbodies; i++)
		content_unref(cs, r->bodies[i]);
	free(r->bodies);
	free(r->ops.p);
	free(r);
}

void layer_record_node(struct layer_record *r, const struct image_node *n)
{
	const struct content *c = n->content;

	if (!r)
		return;
	cache_put32(&r->ops, OP_PUT);
	cache_put_str(&r->ops, n->path);
	cache_put32(&r->ops, n->type);
	cache_put32(&r->ops, n->mode);
	cache_put32(&r->ops, n->uid);
	cache_put32(&r->ops, n->gid);
	cache_put64(&r->ops, n->size);
	cache_put_str(&r->ops, n->link_target);
	cache_put32(&r->ops, c != NULL);
	if (c) {
		if (!c->sha256[0])
			r->failed = true;
		cache_put(&r->ops, c->sha256, 64);
		cache_put32(&r->ops, c->head_len);
		cache_put(&r->ops, c->head, c->head_len);
	}
	r->nops++;
}

static void record_pair(struct layer_record *r, uint32_t op, const char *a, const char *b)
{
	if (!r)
		return;
	cache_put32(&r->ops, op);
	cache_put_str(&r->ops, a);
	if (b)
		cache_put_str(&r->ops, b);
	r->nops++;
}

void layer_record_hardlink(struct layer_record *r, const char *path, const char *target)
{
	record_pair(r, OP_HARDLINK, path, target);
}

void layer_record_whiteout(struct layer_record *r, const char *dir, const char *name)
{
	record_pair(r, OP_WHITEOUT, dir, name);
}

void layer_record_opaque(struct layer_record *r, const char *dir)
{
	record_pair(r, OP_OPAQUE, dir, NULL);
}

void layer_record_body(struct layer_record *r, struct content *c)
{
	if (!r)
		return;
	if (r->nbodies == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->bodies = xrealloc(r->bodies, r->cap * sizeof(*r->bodies));
	}
	r->bodies[r->nbodies++] = content_ref(c);
}

void layer_record_fail(struct layer_record *r)
{
	if (r)
		r->failed = true;
}

static void put_summary(struct wbuf *b, const struct layer_summary *s)
{
	const uint64_t v[] = { s->compressed, s->uncompressed, s->stats.entries, s->stats.files,
			       s->stats.kept, s->stats.kept_bytes, s->stats.whiteouts };

	cache_put(b, s->diff_id.hex, 64);
	cache_put32(b, s->compression);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		cache_put64(b, v[i]);
}

void layer_cache_store(struct layer_cache *lc, const struct digest *blob,
		       struct layer_record *r, struct content_store *cs,
		       const struct layer_summary *s)
{
	struct wbuf b = { 0 };
	struct ac_error err;

	if (!lc->dir || !r || r->failed || blob->alg != DIGEST_SHA256 ||
	    s->diff_id.alg != DIGEST_SHA256)
		return;
	/* Bodies first: a record must never name a body that is not there. */
	for (size_t i = 0; i < r->nbodies; i++)
		if (content_commit(cs, r->bodies[i], &err) < 0)
			return;
	put_summary(&b, s);
	cache_put64(&b, r->nops);
	cache_put(&b, r->ops.p, r->ops.n);
	if (cache_entry_write(lc->dir, FORMAT, KIND_LAYER, blob, &b) == 0)
		lc->stores++;
	free(b.p);
}

/* ---- replaying ---- */

struct op {
	uint32_t kind;
	char path[IMAGE_PATH_MAX], arg[IMAGE_PATH_MAX];
	bool has_arg;
	uint32_t type, mode, uid, gid, head_len;
	uint64_t size;
	bool has_body;
	char sha256[65];
	unsigned char head[CONTENT_HEAD];
};

/* A length-prefixed string into buf (NUL-terminated); false if absent. */
static bool get_path(struct rbuf *b, char *buf)
{
	uint64_t len = cache_get64(b);

	if (!len || b->bad)
		return false;
	if (len > IMAGE_PATH_MAX || len - 1 > b->n - b->off) {
		b->bad = true;
		return false;
	}
	cache_get(b, buf, (size_t)(len - 1));
	buf[len - 1] = '\0';
	if (strlen(buf) != len - 1)
		b->bad = true;
	return true;
}

static bool is_hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void get_op(struct rbuf *b, struct op *op)
{
	op->kind = cache_get32(b);
	get_path(b, op->path);
	op->has_arg = false;
	switch (op->kind) {
	case OP_PUT:
		op->type = cache_get32(b);
		op->mode = cache_get32(b);
		op->uid = cache_get32(b);
		op->gid = cache_get32(b);
		op->size = cache_get64(b);
		op->has_arg = get_path(b, op->arg);
		op->has_body = cache_get32(b) != 0;
		if (op->type > NODE_FIFO || (op->type == NODE_SYMLINK) != op->has_arg)
			b->bad = true;
		if (!op->has_body)
			break;
		cache_get(b, op->sha256, 64);
		op->sha256[64] = '\0';
		op->head_len = cache_get32(b);
		if (op->head_len > CONTENT_HEAD || op->type != NODE_REG || !is_hex64(op->sha256))
			b->bad = true;
		else
			cache_get(b, op->head, op->head_len);
		break;
	case OP_HARDLINK:
	case OP_WHITEOUT:
		if (!(op->has_arg = get_path(b, op->arg)))
			b->bad = true;
		break;
	case OP_OPAQUE:
		break;
	default:
		b->bad = true;
	}
}

static int apply_put(struct layer_apply *la, const struct op *op, struct ac_error *err)
{
	struct image_node *n;
	int rc;

	if (op->type == NODE_SYMLINK && image_symlink_escapes(op->path, op->arg))
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "symlink to '%.200s' escapes the image root", op->arg);
	if (op->type == NODE_CHAR || op->type == NODE_BLOCK || op->type == NODE_FIFO)
		rc = layer_put_special(la, op->path, op->type, &n, err);
	else
		rc = tree_put(la->tree, op->path, op->type, la->layer, &n, err);
	if (rc < 0)
		return -1;
	n->mode = op->mode;
	n->uid = op->uid;
	n->gid = op->gid;
	n->size = op->size;
	if (op->type == NODE_SYMLINK)
		n->link_target = xstrdup(op->arg);
	if (op->has_body) {
		if (layer_check_kept_size(la, op->size, err) < 0)
			return -1;
		n->content = content_new_cached(la->store, op->sha256, op->size, op->head,
						op->head_len);
	}
	return 0;
}

static int apply_op(struct layer_apply *la, const struct op *op, struct ac_error *err)
{
	struct image_node *n;

	switch (op->kind) {
	case OP_PUT:
		return apply_put(la, op, err);
	case OP_HARDLINK:
		return tree_hardlink(la->tree, op->path, op->arg, la->layer, &n, err);
	case OP_WHITEOUT:
		return tree_whiteout(la->tree, op->path, op->arg, la->layer, err);
	default:
		return tree_opaque(la->tree, op->path, la->layer, err);
	}
}

/* Whether every operation parses and every body is still in the cache:
 * checked before the tree is touched, so a miss changes nothing. */
static bool record_usable(struct rbuf b, uint64_t nops, const struct content_store *cs,
			  struct op *op)
{
	for (uint64_t i = 0; i < nops && !b.bad; i++) {
		get_op(&b, op);
		if (op->has_body && !content_cached_exists(cs, op->sha256))
			return false;
	}
	return !b.bad && b.off == b.n;
}

static bool get_summary(struct rbuf *b, struct layer_summary *s)
{
	uint64_t *const v[] = { &s->compressed, &s->uncompressed, &s->stats.entries,
				&s->stats.files, &s->stats.kept, &s->stats.kept_bytes,
				&s->stats.whiteouts };

	memset(s, 0, sizeof(*s));
	s->diff_id.alg = DIGEST_SHA256;
	cache_get(b, s->diff_id.hex, 64);
	s->compression = cache_get32(b);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*v[i] = cache_get64(b);
	return !b->bad && is_hex64(s->diff_id.hex) && s->compression <= BLOB_ZSTD;
}

static int replay_ops(struct layer_apply *la, struct rbuf *b, uint64_t nops, struct op *op,
		      struct ac_error *err)
{
	for (uint64_t i = 0; i < nops; i++) {
		if (!(i & 1023) && ac_interrupted())
			return ac_error_set(err, AC_ERR_INTERRUPTED, 0, "interrupted");
		get_op(b, op);
		if (apply_op(la, op, err) < 0)
			return ac_error_wrap(err, "member '%.200s'", op->path);
	}
	return 0;
}

bool layer_cache_lookup(struct layer_cache *lc, const struct digest *blob)
{
	if (lc->dir && blob->alg == DIGEST_SHA256 && cache_entry_exists(lc->dir, blob))
		return true;
	lc->misses++;
	return false;
}

int layer_cache_replay(struct layer_cache *lc, const struct digest *blob,
		       const struct digest *want_diff, struct layer_apply *la,
		       uint64_t *total_out, struct layer_summary *out, struct ac_error *err)
{
	struct rbuf b;
	uint8_t *p;
	uint64_t nops;
	struct op *op;
	int rc = 0;

	if (!lc->dir || blob->alg != DIGEST_SHA256 ||
	    !(p = cache_entry_read(lc->dir, FORMAT, KIND_LAYER, blob, &b))) {
		lc->misses++;
		return 0;
	}
	op = xmalloc(sizeof(*op));
	if (get_summary(&b, out) && (!want_diff || digest_equal(want_diff, &out->diff_id)) &&
	    (nops = cache_get64(&b), !b.bad) && record_usable(b, nops, la->store, op)) {
		*total_out += out->uncompressed;
		rc = layer_count_entries(la, out->stats.entries, err) < 0 ||
				     blob_limits_check(la->limits, out->uncompressed, out->compressed,
						       *total_out, err) < 0 ||
				     replay_ops(la, &b, nops, op, err) < 0
			     ? -1
			     : 1;
		la->stats = out->stats;
	}
	if (rc == 1)
		lc->hits++;
	else if (rc == 0)
		lc->misses++;
	free(op);
	free(p);
	return rc;
}

/* ---- blobs known to hash to their digest ---- */

bool layer_cache_stamp(struct blob_range r, struct blob_stamp *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (r.fd < 0 || fstat(r.fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->size = (uint64_t)st.st_size;
	out->mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	out->ctime_ns = (uint64_t)st.st_ctim.tv_sec * 1000000000u + (uint64_t)st.st_ctim.tv_nsec;
	out->offset = r.offset;
	out->len = r.size;
	out->ok = true;
	return true;
}

static void stamp_key(const struct blob_stamp *s, const struct digest *blob, struct digest *key)
{
	static const char tag[] = "abicheck-verified/1\n";
	struct hasher *h = hasher_new(DIGEST_SHA256);
	uint64_t f[] = { s->dev, s->ino, s->size, s->mtime_ns, s->ctime_ns, s->offset, s->len };

	hasher_update(h, tag, sizeof(tag) - 1);
	hasher_update(h, f, sizeof(f));
	hasher_update(h, blob->hex, strlen(blob->hex));
	hasher_finish(h, key);
}

bool layer_cache_verified(struct layer_cache *lc, const struct blob_stamp *s,
			  const struct digest *blob)
{
	struct digest key;

	if (!lc->dir || !s->ok || blob->alg != DIGEST_SHA256)
		return false;
	stamp_key(s, blob, &key);
	if (!cache_entry_exists(lc->dir, &key))
		return false;
	lc->unchanged++;
	return true;
}

void layer_cache_mark_verified(struct layer_cache *lc, struct blob_range r,
			       const struct blob_stamp *before, const struct digest *blob)
{
	struct blob_stamp now_s;
	struct digest key;
	struct wbuf b = { 0 };
	struct timespec now;

	if (!lc->dir || !before->ok || blob->alg != DIGEST_SHA256 || !layer_cache_stamp(r, &now_s) ||
	    memcmp(&now_s, before, sizeof(now_s)) != 0)
		return; /* changed while it was hashed */
	/* A change within the filesystem's timestamp tick after this point
	 * could leave ctime as it is: only files left alone for a second are
	 * remembered (git's "racy clean" rule). */
	clock_gettime(CLOCK_REALTIME, &now);
	if (before->ctime_ns + 1000000000u >
	    (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec)
		return;
	stamp_key(before, blob, &key);
	cache_put_str(&b, blob->hex);
	cache_entry_write(lc->dir, FORMAT, KIND_VERIFIED, &key, &b);
	free(b.p);
}
