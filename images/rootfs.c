/* images/rootfs.c — see rootfs.h. */
#include "images/rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/tempdir.h"
#include "common/xalloc.h"
#include "images/path.h"

struct walk {
	struct layer_apply *la;
	uint64_t *unreadable;
	struct ac_error *err;
};

static int walk_dir(struct walk *w, int dfd, const char *path);

static enum node_type type_of(mode_t m)
{
	return S_ISDIR(m) ? NODE_DIR : S_ISLNK(m) ? NODE_SYMLINK : S_ISCHR(m) ? NODE_CHAR
	     : S_ISBLK(m) ? NODE_BLOCK : S_ISFIFO(m) ? NODE_FIFO : NODE_REG;
}

static void read_head(struct walk *w, int dfd, const char *name, struct image_node *n)
{
	unsigned char head[CONTENT_HEAD];
	ssize_t got;
	/* O_NONBLOCK: the entry could be swapped for a FIFO under us. */
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		(*w->unreadable)++;
		return;
	}
	got = read(fd, head, sizeof(head));
	close(fd);
	if (got < 0) {
		(*w->unreadable)++;
		return;
	}
	if (layer_keep_file(n->path, head, (size_t)got, n->size)) {
		n->content = content_new_rootfs(w->la->store, n->path, n->size, head,
						(unsigned)got);
		w->la->stats.kept++;
		w->la->stats.kept_bytes += n->size;
	}
}

static int visit(struct walk *w, int dfd, const char *dirpath, const char *name)
{
	char path[IMAGE_PATH_MAX];
	struct stat st;
	struct image_node *n;
	struct layer_apply *la = w->la;

	if (snprintf(path, sizeof(path), "%s%s%s", dirpath, *dirpath ? "/" : "", name) >=
	    (int)sizeof(path))
		return ac_error_set(w->err, AC_ERR_INPUT, 0, "path too long below '/%.200s'",
				    dirpath);
	if (++*la->entries_total > la->limits->max_entries)
		return ac_error_set(w->err, AC_ERR_LIMIT, 0,
				    "more than %llu entries (raise with --max-entries)",
				    (unsigned long long)la->limits->max_entries);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ac_error_set(w->err, AC_ERR_INPUT, errno, "stat '/%.200s'", path);
	if (S_ISSOCK(st.st_mode))
		return 0; /* a socket cannot be part of an image */
	la->stats.entries++;
	if (tree_put(la->tree, path, type_of(st.st_mode), la->layer, &n, w->err) < 0)
		return -1;
	n->mode = st.st_mode & 07777;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	n->size = S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ? (uint64_t)st.st_size : 0;
	if (S_ISLNK(st.st_mode)) {
		char target[IMAGE_PATH_MAX];
		ssize_t len = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (len < 0)
			return ac_error_set(w->err, AC_ERR_INPUT, errno, "readlink '/%.200s'", path);
		target[len] = '\0';
		n->link_target = xstrdup(target);
	} else if (S_ISREG(st.st_mode)) {
		la->stats.files++;
		read_head(w, dfd, name, n);
	} else if (S_ISDIR(st.st_mode)) {
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int rc;
		if (sub < 0)
			return ac_error_set(w->err, AC_ERR_INPUT, errno, "open '/%.200s'", path);
		rc = walk_dir(w, sub, path);
		close(sub);
		return rc;
	}
	return 0;
}

/* Takes ownership of nothing; `dfd` stays open for the caller. */
static int walk_dir(struct walk *w, int dfd, const char *path)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return ac_error_set(w->err, AC_ERR_SYSTEM, errno, "opendir '/%.200s'", path);
	}
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ac_interrupted())
			rc = ac_error_set(w->err, AC_ERR_INTERRUPTED, 0, "interrupted");
		else
			rc = visit(w, dfd, path, de->d_name);
	}
	closedir(d);
	return rc;
}

int rootfs_load(int rootfd, struct layer_apply *la, uint64_t *unreadable,
		struct ac_error *err)
{
	struct walk w = { .la = la, .unreadable = unreadable, .err = err };

	return walk_dir(&w, rootfd, "");
}
