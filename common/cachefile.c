/* common/cachefile.c — see cachefile.h. */
#include "common/cachefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/xalloc.h"

#define MAGIC "ABICACHE"
/* An entry larger than this is not ours: refuse before reading it. */
#define ENTRY_MAX (1ull << 30)

/* ---- bodies ---- */

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

static void stream_get(struct rbuf *b, void *v, size_t len);

void cache_get(struct rbuf *b, void *v, size_t len)
{
	if (b->bad || len > b->n - b->off) {
		b->bad = true;
		memset(v, 0, len);
		return;
	}
	if (b->st) {
		stream_get(b, v, len);
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
	char *str = xmalloc((size_t)len);
	cache_get(b, str, (size_t)len - 1);
	str[len - 1] = '\0';
	return str;
}

void *cache_get_array(struct rbuf *b, uint64_t n, size_t rec, size_t elem)
{
	if (b->bad || n > (b->n - b->off) / rec) {
		b->bad = true;
		return NULL;
	}
	return xcalloc(n + 1, elem);
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

int cache_dir_open(const char *root, const char *sub, char *out, size_t len,
		   struct ac_error *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *s = sub ? "/" : "", *ss = sub ? sub : "";
	struct stat st;
	int n;

	if (root)
		n = snprintf(out, len, "%s%s%s", root, s, ss);
	else if (xdg && *xdg == '/')
		n = snprintf(out, len, "%s/abicheck%s%s", xdg, s, ss);
	else if (home && *home == '/')
		n = snprintf(out, len, "%s/.cache/abicheck%s%s", home, s, ss);
	else
		return ac_error_set(err, AC_ERR_SYSTEM, 0,
				    "no cache directory (neither XDG_CACHE_HOME nor HOME is set)");
	if (n < 0 || (size_t)n >= len)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "cache directory path too long");
	errno = 0;
	if (mkdir_p(out) < 0 || stat(out, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    access(out, W_OK | X_OK) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno ? errno : ENOTDIR,
				    "cache directory %s", out);
	return 0;
}

static void entry_path(const char *dir, const struct digest *key, char *buf, size_t len,
		       bool make_dir)
{
	snprintf(buf, len, "%s/%.2s", dir, key->hex);
	if (make_dir)
		mkdir(buf, 0700);
	snprintf(buf, len, "%s/%.2s/%s", dir, key->hex, key->hex);
}

/* ---- entries ---- */

bool cache_entry_exists(const char *dir, const struct digest *key)
{
	char path[4200];
	struct stat st;

	entry_path(dir, key, path, sizeof(path), false);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool write_all(int fd, const void *p, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, (const uint8_t *)p + off, n - off);
		if (w <= 0)
			return false;
		off += (size_t)w;
	}
	return true;
}

/* Header, parts and trailing checksum go straight to the file: a large
 * library's report is tens of MB, and concatenating it into one buffer
 * first held it three times over. */
static int write_entry(const char *path, const uint8_t *head, size_t headlen,
		       const struct wbuf *parts, size_t nparts)
{
	struct hasher *h = hasher_new(DIGEST_SHA256);
	struct digest sum;
	char tmp[4300];
	bool ok;
	int fd;

	if (!h)
		return -1;
	/* Unique per process and thread: analysis runs on several threads. */
	snprintf(tmp, sizeof(tmp), "%s.%ld.%ld.tmp", path, (long)getpid(), (long)gettid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		hasher_free(h);
		return -1;
	}
	hasher_update(h, head, headlen);
	ok = write_all(fd, head, headlen);
	for (size_t i = 0; ok && i < nparts; i++) {
		if (!parts[i].n)
			continue; /* an empty array may have no buffer */
		hasher_update(h, parts[i].p, parts[i].n);
		ok = write_all(fd, parts[i].p, parts[i].n);
	}
	hasher_finish(h, &sum);
	ok = ok && write_all(fd, sum.hex, 64);
	if (close(fd) < 0 || !ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int cache_entry_writev(const char *dir, uint32_t format, uint32_t kind,
		       const struct digest *key, const struct wbuf *parts, size_t nparts)
{
	struct wbuf head = { 0 };
	char path[4200];
	int rc;

	mkdir(dir, 0700);
	cache_put(&head, MAGIC, 8);
	cache_put32(&head, format);
	cache_put32(&head, kind);
	cache_put(&head, key->hex, 64);
	entry_path(dir, key, path, sizeof(path), true);
	rc = write_entry(path, head.p, head.n, parts, nparts);
	free(head.p);
	return rc;
}

int cache_entry_write(const char *dir, uint32_t format, uint32_t kind,
		      const struct digest *key, const struct wbuf *body)
{
	return cache_entry_writev(dir, format, kind, key, body, 1);
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

/* The entry's frame: ours, this format and kind, this key. */
static bool frame_matches(struct rbuf *b, uint32_t format, uint32_t kind,
			  const struct digest *key)
{
	char magic[8], hex[64];
	uint32_t f, k;

	cache_get(b, magic, 8);
	f = cache_get32(b);
	k = cache_get32(b);
	cache_get(b, hex, 64);
	return !b->bad && !memcmp(magic, MAGIC, 8) && f == format && k == kind &&
	       !memcmp(hex, key->hex, 64);
}

uint8_t *cache_entry_read(const char *dir, uint32_t format, uint32_t kind,
			  const struct digest *key, struct rbuf *b)
{
	char path[4200];
	struct digest sum;
	size_t len = 0;
	uint8_t *p;

	entry_path(dir, key, path, sizeof(path), false);
	if (!(p = read_file(path, &len)))
		return NULL;
	digest_buffer(DIGEST_SHA256, p, len - 64, &sum);
	*b = (struct rbuf){ .p = p, .n = len - 64 };
	if (!memcmp(sum.hex, p + len - 64, 64) && frame_matches(b, format, kind, key))
		return p;
	free(p);
	return NULL;
}

/* ---- reading piece by piece ---- */

#define STREAM_WINDOW (64u << 10)

struct rstream {
	int fd;
	struct hasher *h;
	size_t len;      /* of the file */
	size_t hashed;   /* the file's bytes read in order and hashed so far */
	uint8_t *win;    /* the bytes [hashed - nwin, hashed) */
	size_t nwin;
	bool failed;     /* a read failed: the entry is a miss */
};

static bool pread_all(int fd, void *v, size_t len, size_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t r = pread(fd, (uint8_t *)v + done, len - done, (off_t)(off + done));
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

static bool stream_read(struct rstream *st, void *v, size_t len)
{
	if (!pread_all(st->fd, v, len, st->hashed)) {
		st->failed = true;
		memset(v, 0, len);
		return false;
	}
	hasher_update(st->h, v, len);
	st->hashed += len;
	return true;
}

/* b->off is a file offset; reads go forward only (the tail is read apart,
 * and hashed at close). */
static void stream_get(struct rbuf *b, void *v, size_t len)
{
	struct rstream *st = b->st;
	uint8_t *out = v;

	while (len) {
		size_t winstart = st->hashed - st->nwin;
		if (b->off >= winstart && b->off < st->hashed) {
			size_t k = st->hashed - b->off < len ? st->hashed - b->off : len;
			memcpy(out, st->win + (b->off - winstart), k);
			out += k, len -= k, b->off += k;
			continue;
		}
		if (b->off != st->hashed) { /* forward and in order only */
			b->bad = true;
			memset(out, 0, len);
			return;
		}
		if (len >= STREAM_WINDOW) { /* a large array: straight in */
			st->nwin = 0;
			if (!stream_read(st, out, len))
				b->bad = true;
			b->off += len;
			return;
		}
		st->nwin = st->len - 64 - st->hashed < STREAM_WINDOW ? st->len - 64 - st->hashed
									: STREAM_WINDOW;
		if (!st->nwin || !stream_read(st, st->win, st->nwin)) {
			st->nwin = 0;
			b->bad = true;
			memset(out, 0, len);
			return;
		}
	}
}

bool cache_entry_open(const char *dir, uint32_t format, uint32_t kind,
		      const struct digest *key, struct rbuf *b)
{
	char path[4200];
	struct stat st;
	struct rstream *s;
	int fd;

	memset(b, 0, sizeof(*b));
	entry_path(dir, key, path, sizeof(path), false);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 64 ||
	    (uint64_t)st.st_size >= ENTRY_MAX) {
		close(fd);
		return false;
	}
	s = xcalloc(1, sizeof(*s));
	*s = (struct rstream){ .fd = fd, .h = hasher_new(DIGEST_SHA256), .len = (size_t)st.st_size,
			       .win = xmalloc(STREAM_WINDOW) };
	*b = (struct rbuf){ .n = s->len - 64, .st = s };
	if (s->h && frame_matches(b, format, kind, key))
		return true;
	cache_entry_close(b);
	return false;
}

void cache_get_tail(struct rbuf *b, void *v, size_t len)
{
	if (b->bad || len > b->n - b->off) {
		b->bad = true;
		return;
	}
	b->n -= len;
	if (!b->st) {
		memcpy(v, b->p + b->n, len);
		return;
	}
	if (!pread_all(b->st->fd, v, len, b->n))
		b->bad = true;
}

bool cache_entry_close(struct rbuf *b)
{
	struct rstream *st = b->st;
	struct digest sum;
	char want[64];
	bool ok;

	if (!st)
		return false;
	/* The rest (the tail, anything unread) goes through the hash too. */
	while (st->h && !st->failed && st->hashed < st->len - 64) {
		size_t k = st->len - 64 - st->hashed < STREAM_WINDOW ? st->len - 64 - st->hashed
								       : STREAM_WINDOW;
		stream_read(st, st->win, k);
	}
	ok = !st->failed && st->h && pread_all(st->fd, want, 64, st->len - 64);
	if (st->h) {
		hasher_finish(st->h, &sum);
		ok = ok && !memcmp(sum.hex, want, 64);
	}
	close(st->fd);
	free(st->win);
	free(st);
	b->st = NULL;
	return ok;
}
