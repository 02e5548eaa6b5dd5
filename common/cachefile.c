/* common/cachefile.c — see cachefile.h. */
#include "common/cachefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"

#define MAGIC "ABICACHE"
/* An entry larger than this is not ours: refuse before reading it. */
#define ENTRY_MAX (1ull << 30)

/* ---- bodies ---- */

void cache_reserve(struct wbuf *b, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = b->n + n;
		b->p = xrealloc(b->p, b->cap);
	}
}

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

uint8_t *cache_entry_read(const char *dir, uint32_t format, uint32_t kind,
			  const struct digest *key, struct rbuf *b)
{
	char path[4200], magic[8], hex[64];
	struct digest sum;
	size_t len = 0;
	uint8_t *p;

	entry_path(dir, key, path, sizeof(path), false);
	if (!(p = read_file(path, &len)))
		return NULL;
	digest_buffer(DIGEST_SHA256, p, len - 64, &sum);
	*b = (struct rbuf){ .p = p, .n = len - 64 };
	if (!memcmp(sum.hex, p + len - 64, 64)) {
		cache_get(b, magic, 8);
		uint32_t f = cache_get32(b), k = cache_get32(b);
		cache_get(b, hex, 64);
		if (!b->bad && !memcmp(magic, MAGIC, 8) && f == format && k == kind &&
		    !memcmp(hex, key->hex, 64))
			return p;
	}
	free(p);
	return NULL;
}
