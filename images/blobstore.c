/* images/blobstore.c — see blobstore.h. */
#include "images/blobstore.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "images/content.h"
#include "images/path.h"
#include "common/sort.h"

#define MAX_ARCHIVE_MEMBERS 1000000
#define MAX_MEMBER_LINKS 16

struct tar_member {
	char *name;   /* canonical */
	char *link;   /* symlink target (canonical, resolved against the
			 member's directory) or hardlink target; NULL for files */
	uint64_t offset, size;
};

int blob_store_open_dir(struct blob_store *bs, const char *path, struct ac_error *err)
{
	memset(bs, 0, sizeof(*bs));
	bs->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bs->fd < 0)
		return ac_error_set(err, AC_ERR_INPUT, errno, "%s", path);
	bs->label = xstrdup(path);
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tar_member *)a)->name,
		      ((const struct tar_member *)b)->name);
}

/* A symlink "blobs/x/../y" style target relative to the member's dir. */
static int link_relative(const char *member, const char *target, char *out,
			 struct ac_error *err)
{
	char joined[2 * IMAGE_PATH_MAX];
	char dir[IMAGE_PATH_MAX];

	if (target[0] == '/')
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "archive member '%.200s' links outside the archive", member);
	image_path_split(member, dir);
	snprintf(joined, sizeof(joined), "%s%s%s", dir, *dir ? "/" : "", target);
	if (image_path_normalize(joined, out, err) < 0)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "archive member '%.200s' links outside the archive", member);
	return 0;
}

static int add_member(struct blob_store *bs, size_t *cap, struct archive *a,
		      struct archive_entry *e, struct ac_error *err)
{
	const char *raw = archive_entry_pathname(e);
	char name[IMAGE_PATH_MAX], link[IMAGE_PATH_MAX];
	struct tar_member *m;
	mode_t type = archive_entry_filetype(e);
	const char *hl = archive_entry_hardlink(e);

	if (!raw)
		return ac_error_set(err, AC_ERR_INPUT, 0, "archive member without a name");
	if (image_path_normalize(raw, name, err) < 0)
		return -1;
	if (!hl && type != AE_IFREG && type != AE_IFLNK)
		return 0; /* directories and the like carry nothing we read */
	if (bs->nmembers >= MAX_ARCHIVE_MEMBERS)
		return ac_error_set(err, AC_ERR_LIMIT, 0, "more than %d archive members",
				    MAX_ARCHIVE_MEMBERS);
	if (hl) {
		if (image_path_normalize(hl, link, err) < 0)
			return -1;
	} else if (type == AE_IFLNK) {
		if (link_relative(name, archive_entry_symlink(e) ? archive_entry_symlink(e) : "",
				  link, err) < 0)
			return -1;
	} else if (archive_entry_sparse_count(e) > 0) {
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "archive member '%.200s' is sparse", name);
	}
	xgrow((void **)&bs->members, cap, bs->nmembers, sizeof(*bs->members));
	m = &bs->members[bs->nmembers++];
	m->name = xstrdup(name);
	m->link = (hl || type == AE_IFLNK) ? xstrdup(link) : NULL;
	/* After the header, the format reader's position is where the data
	 * starts; the digest check catches any disagreement. */
	m->offset = (uint64_t)archive_filter_bytes(a, 0);
	m->size = m->link ? 0 : (uint64_t)archive_entry_size(e);
	return 0;
}

static int index_tar(struct blob_store *bs, int fd, struct ac_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct stat st;
	size_t cap = 0;
	int rc;

	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK) {
		ac_error_set(err, AC_ERR_INPUT, 0, "not a tar archive (%s)",
			     archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		if (ac_interrupted()) {
			archive_read_free(a);
			return ac_error_set(err, AC_ERR_INTERRUPTED, 0, "interrupted");
		}
		if (add_member(bs, &cap, a, e, err) < 0) {
			archive_read_free(a);
			return -1;
		}
	}
	if (rc != ARCHIVE_EOF) {
		ac_error_set(err, AC_ERR_INPUT, 0, "%s",
			     bs->nmembers ? "truncated or corrupt tar archive"
					  : "not a tar archive");
		archive_read_free(a);
		return -1;
	}
	archive_read_free(a);
	/* Ranges must lie inside the file: a member size beyond the end of the
	 * archive is a lie, not a short read to discover later. */
	if (fstat(fd, &st) < 0)
		return ac_error_set(err, AC_ERR_SYSTEM, errno, "stat");
	for (size_t i = 0; i < bs->nmembers; i++) {
		struct tar_member *m = &bs->members[i];
		if (m->offset > (uint64_t)st.st_size || m->size > (uint64_t)st.st_size - m->offset)
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "archive member '%.200s' extends beyond the archive",
					    m->name);
	}
	sort_array(bs->members, bs->nmembers, sizeof(*bs->members), member_cmp);
	return 0;
}

static bool is_compressed(int fd)
{
	unsigned char m[6];
	ssize_t n = pread(fd, m, sizeof(m), 0);

	if (n < 4)
		return false;
	return (m[0] == 0x1f && m[1] == 0x8b) ||                                  /* gzip */
	       (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) || /* zstd */
	       (n == 6 && !memcmp(m, "\xfd" "7zXZ\0", 6)) ||                      /* xz */
	       (m[0] == 'B' && m[1] == 'Z' && m[2] == 'h');                       /* bzip2 */
}

/* The compressions an outer archive may have (is_compressed), each decoded
 * by libarchive's own code (it links zlib, libbz2, liblzma, libzstd).  Not
 * archive_read_support_filter_all: that also bids lrzip, lzop, grzip...,
 * which libarchive decodes by running those programs from $PATH, and a
 * hostile archive (or what its gzip layer unwraps to) would choose them. */
static void support_filters(struct archive *a)
{
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
}

/* `docker save img | gzip > img.tar.gz` is common; decompress once into
 * the private temp dir so the tar can then be read in place. */
static int decompress_to_temp(int fd, struct ac_tempdir *td,
			      const struct image_limits *limits, struct ac_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char name[24];
	int out = -1;
	uint64_t total = 0;
	struct stat st;

	support_filters(a);
	archive_read_support_format_raw(a);
	if (fstat(fd, &st) < 0 || archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		ac_error_set(err, AC_ERR_INPUT, 0, "cannot decompress (%s)",
			     archive_error_string(a) ? archive_error_string(a) : "unknown format");
		goto out;
	}
	out = ac_tempdir_new_file(td, name, err);
	if (out < 0)
		goto out;
	for (;;) {
		const void *buf;
		size_t len;
		la_int64_t off;
		int rc = archive_read_data_block(a, &buf, &len, &off);

		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK || ac_interrupted()) {
			ac_error_set(err, ac_interrupted() ? AC_ERR_INTERRUPTED : AC_ERR_INPUT, 0,
				     "%s", ac_interrupted() ? "interrupted"
				     : archive_error_string(a) ? archive_error_string(a)
							       : "corrupt compressed stream");
			goto fail;
		}
		total += len;
		if (total > limits->max_bytes ||
		    (total > IMAGE_RATIO_GRACE && total / ((uint64_t)st.st_size + 1) > limits->max_ratio)) {
			ac_error_set(err, AC_ERR_LIMIT, 0,
				     "archive expands beyond the caps (raise with --max-bytes / --max-ratio)");
			goto fail;
		}
		if (pwrite(out, buf, len, off) != (ssize_t)len) {
			ac_error_set(err, AC_ERR_SYSTEM, errno, "write temp file");
			goto fail;
		}
	}
	archive_read_free(a);
	return out;
fail:
	close(out);
	out = -1;
out:
	archive_read_free(a);
	return out;
}

int blob_store_open_tar(struct blob_store *bs, const char *path, struct ac_tempdir *td,
			const struct image_limits *limits, struct ac_error *err)
{
	int fd;

	memset(bs, 0, sizeof(*bs));
	bs->fd = -1;
	bs->label = xstrdup(path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ac_error_set(err, AC_ERR_INPUT, errno, "%s", path);
	if (is_compressed(fd)) {
		int plain = decompress_to_temp(fd, td, limits, err);
		close(fd);
		if (plain < 0)
			return -1;
		fd = plain;
	}
	bs->fd = fd;
	bs->is_tar = true;
	return index_tar(bs, fd, err);
}

void blob_store_close(struct blob_store *bs)
{
	for (size_t i = 0; i < bs->nmembers; i++) {
		free(bs->members[i].name);
		free(bs->members[i].link);
	}
	free(bs->members);
	for (size_t i = 0; i < bs->nopen; i++)
		close(bs->open_fds[i]);
	free(bs->open_fds);
	if (bs->fd >= 0)
		close(bs->fd);
	free(bs->label);
	memset(bs, 0, sizeof(*bs));
	bs->fd = -1;
}

static struct tar_member *tar_find(struct blob_store *bs, const char *name)
{
	struct tar_member key = { .name = (char *)name };

	return search_array(&key, bs->members, bs->nmembers, sizeof(key), member_cmp);
}

static int find_in_tar(struct blob_store *bs, const char *name, struct blob_range *out,
		       struct ac_error *err)
{
	struct tar_member *m = tar_find(bs, name);

	for (int hops = 0; m && m->link; hops++) {
		if (hops >= MAX_MEMBER_LINKS)
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "archive member '%.200s': link loop", name);
		m = tar_find(bs, m->link);
	}
	if (!m) {
		ac_error_set(err, AC_ERR_INPUT, 0, "missing '%.200s'", name);
		err->errnum = ENOENT;
		return -1;
	}
	out->fd = bs->fd;
	out->offset = m->offset;
	out->size = m->size;
	return 0;
}

/* If `name` inside the layout directory is a symlink, its target (resolved
 * against the link's directory, never leaving the layout) goes to `out`. */
static int dir_member_link(struct blob_store *bs, const char *name, char *out,
			   struct ac_error *err)
{
	char parent[IMAGE_PATH_MAX], target[IMAGE_PATH_MAX];
	const char *base = image_path_split(name, parent);
	int dfd = *parent ? open_beneath(bs->fd, parent, O_RDONLY | O_DIRECTORY, err)
			  : dup(bs->fd);
	ssize_t n;

	if (dfd < 0)
		return -1;
	n = readlinkat(dfd, base, target, sizeof(target) - 1);
	close(dfd);
	if (n < 0)
		return -1;
	target[n] = '\0';
	return link_relative(name, target, out, err);
}

static int find_in_dir(struct blob_store *bs, const char *name, struct blob_range *out,
		       struct ac_error *err)
{
	struct stat st;
	char canon[IMAGE_PATH_MAX], link[IMAGE_PATH_MAX];
	int fd, hops = 0;

	if (image_path_normalize(name, canon, err) < 0)
		return -1;
	/* `docker save` links duplicate layers: <id>/layer.tar -> ../<id2>/layer.tar */
	while ((fd = open_beneath(bs->fd, canon, O_RDONLY, err)) < 0 && err->errnum == ELOOP &&
	       hops++ < MAX_MEMBER_LINKS && dir_member_link(bs, canon, link, err) == 0)
		strcpy(canon, link);

	if (fd < 0) {
		int e = err->errnum;
		if (e == ENOENT) {
			ac_error_set(err, AC_ERR_INPUT, 0, "missing '%.200s'", name);
			err->errnum = ENOENT;
		}
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ac_error_set(err, AC_ERR_INPUT, 0, "'%.200s' is not a regular file",
				    name);
	}
	xgrow((void **)&bs->open_fds, &bs->capopen, bs->nopen, sizeof(int));
	bs->open_fds[bs->nopen++] = fd;
	out->fd = fd;
	out->offset = 0;
	out->size = (uint64_t)st.st_size;
	return 0;
}

int blob_store_find(struct blob_store *bs, const char *name, struct blob_range *out,
		    struct ac_error *err)
{
	return bs->is_tar ? find_in_tar(bs, name, out, err) : find_in_dir(bs, name, out, err);
}

bool blob_store_has(struct blob_store *bs, const char *name)
{
	struct blob_range r;
	struct ac_error e;

	return blob_store_find(bs, name, &r, &e) == 0;
}

int blob_store_read(struct blob_store *bs, const char *name, uint64_t max,
		    char **out, size_t *len, struct ac_error *err)
{
	struct blob_range r;

	if (blob_store_find(bs, name, &r, err) < 0)
		return -1;
	if (blob_read_small(r, max, NULL, out, len, err) < 0)
		return ac_error_wrap(err, "%s", name);
	return 0;
}

bool blob_store_looks_tar(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool ok;

	support_filters(a);
	archive_read_support_format_tar(a);
	ok = archive_read_open_filename(a, path, 64 * 1024) == ARCHIVE_OK &&
	     archive_read_next_header(a, &e) == ARCHIVE_OK;
	archive_read_free(a);
	return ok;
}
