/* images/content.c — see content.h. */
#include "images/content.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
			    (end ? O_RDONLY | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
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

	if (c->rootfs_path)
		return open_beneath(cs->rootfd, c->rootfs_path, O_RDONLY, err);
	fd = openat(cs->tempdir->dirfd, c->tmpname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "open kept file %s",
				    c->tmpname);
	return fd;
}
