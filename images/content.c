/* images/content.c — see content.h. */
#include "images/content.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "images/path.h"

int content_new_temp(struct content_store *cs, struct content **out,
		     struct ac_error *err)
{
	struct content *c = xcalloc(1, sizeof(*c));
	int fd = ac_tempdir_new_file(cs->tempdir, c->tmpname, err);

	if (fd < 0) {
		free(c);
		return -1;
	}
	c->refs = 1;
	cs->live_files++;
	*out = c;
	return fd;
}

struct content *content_new_rootfs(struct content_store *cs, const char *relpath,
				   uint64_t size, const unsigned char *head,
				   unsigned head_len)
{
	struct content *c = xcalloc(1, sizeof(*c));

	c->refs = 1;
	c->rootfs_path = xstrdup(relpath);
	c->size = size;
	if (head_len > CONTENT_HEAD)
		head_len = CONTENT_HEAD;
	memcpy(c->head, head, head_len);
	c->head_len = head_len;
	cs->live_files++;
	return c;
}

struct content *content_new_cached(struct content_store *cs, const char *sha256,
				   uint64_t size, const unsigned char *head,
				   unsigned head_len)
{
	struct content *c = content_new_rootfs(cs, "", size, head, head_len);

	free(c->rootfs_path);
	c->rootfs_path = NULL;
	snprintf(c->sha256, sizeof(c->sha256), "%s", sha256);
	c->cached = true;
	return c;
}

static void body_name(const char *sha256, char *buf, size_t len, bool make_dir, int dirfd)
{
	snprintf(buf, len, "%.2s", sha256);
	if (make_dir)
		mkdirat(dirfd, buf, 0700);
	snprintf(buf, len, "%.2s/%s", sha256, sha256);
}

bool content_cached_exists(const struct content_store *cs, const char *sha256)
{
	char name[80];
	struct stat st;

	if (cs->bodies_fd < 0)
		return false;
	body_name(sha256, name, sizeof(name), false, cs->bodies_fd);
	return fstatat(cs->bodies_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static bool copy_fd(int in, int out, uint64_t size)
{
	char buf[1 << 16];
	uint64_t done = 0;
	ssize_t n;

	while (done < size && (n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			return false;
		done += (uint64_t)n;
	}
	return done == size;
}

/* The temp dir and the cache may be on different filesystems. */
static int copy_into(struct content_store *cs, const struct content *c, const char *name)
{
	char tmp[128];
	int in = openat(cs->tempdir->dirfd, c->tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out;
	bool ok;

	if (in < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%ld.%ld.tmp", name, (long)getpid(), (long)gettid());
	out = openat(cs->bodies_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	ok = out >= 0 && copy_fd(in, out, c->size);
	close(in);
	if (out < 0)
		return -1;
	if (close(out) < 0 || !ok || renameat(cs->bodies_fd, tmp, cs->bodies_fd, name) < 0) {
		unlinkat(cs->bodies_fd, tmp, 0);
		return -1;
	}
	return 0;
}

int content_commit(struct content_store *cs, struct content *c, struct ac_error *err)
{
	char name[80];

	if (c->cached || !c->tmpname[0] || !c->sha256[0] || cs->bodies_fd < 0)
		return 0;
	body_name(c->sha256, name, sizeof(name), true, cs->bodies_fd);
	if (renameat(cs->tempdir->dirfd, c->tmpname, cs->bodies_fd, name) < 0) {
		if (errno != EXDEV || copy_into(cs, c, name) < 0)
			return ac_error_set(err, AC_ERR_SYSTEM, errno, "caching a body");
		unlinkat(cs->tempdir->dirfd, c->tmpname, 0);
	}
	cs->live_bytes -= c->size;
	c->tmpname[0] = '\0';
	c->cached = true;
	return 0;
}

struct content *content_ref(struct content *c)
{
	c->refs++;
	return c;
}

void content_unref(struct content_store *cs, struct content *c)
{
	if (!c || --c->refs)
		return;
	if (c->tmpname[0] && cs->tempdir && cs->tempdir->dirfd >= 0) {
		unlinkat(cs->tempdir->dirfd, c->tmpname, 0);
		cs->live_bytes -= c->size;
	}
	cs->live_files--;
	free(c->rootfs_path);
	free(c);
}

int open_beneath(int rootfd, const char *relpath, int flags,
		 struct ac_error *err)
{
	char comp[IMAGE_NAME_MAX + 1];
	const char *p = relpath;
	int dfd = dup(rootfd);

	if (dfd < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "dup");
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int fd;

		if (n > IMAGE_NAME_MAX || (n == 2 && !memcmp(p, "..", 2))) {
			close(dfd);
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "refusing path '%.200s'", relpath);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		fd = openat(dfd, comp,
			    (end ? O_RDONLY | O_DIRECTORY : flags | O_NONBLOCK) | O_NOFOLLOW |
				    O_CLOEXEC);
		close(dfd);
		if (fd < 0)
			return ac_error_set(err, AC_ERR_INPUT, errno, "open '%.200s'",
					    relpath);
		dfd = fd;
		p += n;
		while (*p == '/')
			p++;
	}
	return dfd;
}

int content_open(const struct content_store *cs, const struct content *c,
		 struct ac_error *err)
{
	int fd;

	if (c->rootfs_path) {
		struct stat st;

		/* The walk saw a regular file; it may have been swapped since. */
		fd = open_beneath(cs->rootfd, c->rootfs_path, O_RDONLY, err);
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			return ac_error_set(err, AC_ERR_INPUT, 0, "'/%.200s' is not a regular file",
					    c->rootfs_path);
		}
		return fd;
	}
	if (c->cached) {
		char name[80];

		body_name(c->sha256, name, sizeof(name), false, cs->bodies_fd);
		fd = openat(cs->bodies_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return ac_error_set(err, AC_ERR_SYSTEM, errno, "open cached body %.12s",
					    c->sha256);
		return fd;
	}
	fd = openat(cs->tempdir->dirfd, c->tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "open kept file %s",
				    c->tmpname);
	return fd;
}
