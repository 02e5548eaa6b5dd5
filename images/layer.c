/* images/layer.c — see layer.h. */
#include "images/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <unistd.h>

#include "common/tempdir.h"
#include "common/xalloc.h"
#include "images/layercache.h"
#include "images/path.h"

/* Non-ELF files the later stages read: the loader's search configuration
 * (ld.so.cache/ld.so.conf decide how NEEDED resolves) and the distribution
 * identity.  Capped in size (as are scripts, kept for their #! line):
 * these are small in every real image. */
static const char *const keep_patterns[] = {
	"etc/ld.so.cache", "etc/ld.so.conf", "etc/ld.so.conf.d/*",
	"etc/os-release",  "usr/lib/os-release", "etc/alpine-release",
	"etc/debian_version", "etc/redhat-release", "etc/system-release",
	"etc/ld-musl-*.path", /* musl's library search path */
};
#define KEEP_CONFIG_MAX (16u << 20)

bool layer_keep_file(const char *path, const unsigned char *head, size_t head_len,
		     uint64_t size)
{
	if (head_len >= 4 && !memcmp(head, "\177ELF", 4))
		return true;
	if (size > KEEP_CONFIG_MAX)
		return false;
	/* Scripts: an entrypoint script's interpreter is what really runs. */
	if (head_len >= 2 && head[0] == '#' && head[1] == '!')
		return true;
	for (size_t i = 0; i < sizeof(keep_patterns) / sizeof(keep_patterns[0]); i++)
		if (!fnmatch(keep_patterns[i], path, FNM_PATHNAME))
			return true;
	return false;
}

static la_ssize_t read_cb(struct archive *a, void *arg, const void **buf)
{
	struct blob_stream *bs = arg;
	ssize_t n = blob_stream_read(bs, buf);

	if (n < 0) {
		archive_set_error(a, EIO, "%s", blob_stream_error(bs)->msg);
		return -1;
	}
	return n;
}

/* The error of a failed libarchive call.  When our stream broke first (a
 * truncated gzip, a cap, an interrupt) its error is the cause; libarchive
 * only reports the bytes it then missed ("Truncated input file"). */
static int archive_fail(struct layer_apply *la, struct archive *a, const char *prefix,
			struct ac_error *err)
{
	if (blob_stream_failed(la->stream)) {
		*err = *blob_stream_error(la->stream);
		return -1;
	}
	return ac_error_set(err, AC_ERR_INPUT, 0, "%s%s", prefix,
			    archive_error_string(a) ? archive_error_string(a)
						    : "corrupt tar stream");
}

/* The sha256 of a kept body as it is written, holes included, so the body
 * can be filed in the cache under its hash without reading it back. */
struct body_hash {
	struct hasher *h;
	uint64_t done;
	bool broken; /* blocks came out of order: no hash */
};

static void hash_to(struct body_hash *bh, uint64_t off, const void *buf, size_t len)
{
	static const unsigned char zeros[4096];

	if (!bh->h || bh->broken)
		return;
	if (off < bh->done) {
		bh->broken = true;
		return;
	}
	while (bh->done < off) {
		size_t z = off - bh->done < sizeof(zeros) ? (size_t)(off - bh->done) : sizeof(zeros);
		hasher_update(bh->h, zeros, z);
		bh->done += z;
	}
	hasher_update(bh->h, buf, len);
	bh->done += len;
}

/* Files the finished hash in the content (and the body for the cache). */
static void hash_finish(struct layer_apply *la, struct body_hash *bh, struct content *c)
{
	struct digest d;

	if (!bh->h)
		return;
	hash_to(bh, c->size, NULL, 0);
	hasher_finish(bh->h, &d);
	bh->h = NULL;
	if (bh->broken || bh->done != c->size) {
		layer_record_fail(la->rec);
		return;
	}
	memcpy(c->sha256, d.hex, 65);
	layer_record_body(la->rec, c);
}

static int write_block(int fd, struct body_hash *bh, const void *buf, size_t len, uint64_t off)
{
	if (pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
		return -1;
	hash_to(bh, off, buf, len);
	return 0;
}

/* A kept body's sparse holes are not in the stream, yet they become bytes
 * that are written, hashed and analysed: they count against the caps as
 * the zeros they stand for (blobstream.h), before any of them is made. */
static int count_holes(struct layer_apply *la, uint64_t *end, uint64_t upto, struct ac_error *err)
{
	if (upto <= *end)
		return 0;
	if (la->stream && blob_stream_count_holes(la->stream, upto - *end) < 0) {
		*err = *blob_stream_error(la->stream);
		return ac_error_wrap(err, "sparse hole of %llu bytes",
				     (unsigned long long)(upto - *end));
	}
	*end = upto;
	return 0;
}

/* Copies the rest of a kept body (after its head) to fd; *end: how far
 * the body reaches so far (blocks and holes). */
static int copy_body(struct layer_apply *la, struct archive *a, int fd, struct body_hash *bh,
		     size_t head_len, const void *buf, size_t len, la_int64_t off,
		     uint64_t *end, struct ac_error *err)
{
	for (;;) {
		if (len) {
			/* Part of this block may already be in head. */
			size_t skip = (uint64_t)off < head_len ? head_len - (size_t)off : 0;
			if (count_holes(la, end, (uint64_t)off, err) < 0)
				return -1;
			if (skip < len && write_block(fd, bh, (const char *)buf + skip, len - skip,
						      (uint64_t)off + skip) < 0)
				return ac_error_set(err, AC_ERR_SYSTEM, errno,
						    "writing to the temp dir");
			if ((uint64_t)off + len > *end)
				*end = (uint64_t)off + len;
		}
		int rc = archive_read_data_block(a, &buf, &len, &off);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc != ARCHIVE_OK)
			return archive_fail(la, a, "", err);
	}
}

/* A finished ELF body goes to whoever wants to start on it early
 * (analyzer/prefetch.h), as its own fd. */
static void hand_over(const struct layer_apply *la, int fd, const struct content *c)
{
	int dfd;

	if (!la->on_body || !c->sha256[0] || c->head_len < 4 || memcmp(c->head, "\177ELF", 4))
		return;
	if ((dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) >= 0)
		la->on_body(dfd, c->sha256, la->on_body_arg);
}

/* Reads the entry's first bytes (blocks can be tiny), then either keeps the
 * body in a temp file or skips it. */
static int read_body(struct layer_apply *la, struct archive *a, struct image_node *n,
		     struct ac_error *err)
{
	unsigned char head[CONTENT_HEAD];
	size_t head_len = 0;
	const void *buf;
	size_t len;
	la_int64_t off;
	int rc, fd;
	struct content *c;
	struct body_hash bh = { 0 };
	uint64_t end;

	/* Gather the head; a block at offset > 0 means a sparse hole first. */
	while (head_len < sizeof(head) && (uint64_t)head_len < n->size) {
		rc = archive_read_data_block(a, &buf, &len, &off);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK)
			return archive_fail(la, a, "", err);
		if ((size_t)off != head_len) /* hole: head is zeros */
			goto decide_with_pending;
		size_t take = len < sizeof(head) - head_len ? len : sizeof(head) - head_len;
		memcpy(head + head_len, buf, take);
		head_len += take;
		if (take < len)
			goto decide_with_pending;
	}
	buf = NULL;
	len = 0;
	off = (la_int64_t)head_len;
decide_with_pending:
	if (!layer_keep_file(n->path, head, head_len, n->size))
		return 0; /* archive_read_next_header skips the rest */
	if (layer_check_kept_size(la, n->size, err) < 0)
		return -1;
	fd = content_new_temp(la->store, &c, err);
	if (fd < 0)
		return -1;
	n->content = c;
	c->size = n->size;
	memcpy(c->head, head, head_len);
	c->head_len = (unsigned)head_len;
	la->store->live_bytes += n->size;
	if (la->rec)
		bh.h = hasher_new(DIGEST_SHA256);
	end = head_len;
	rc = write_block(fd, &bh, head, head_len, 0) < 0
		     ? ac_error_set(err, AC_ERR_SYSTEM, errno, "writing to the temp dir")
		     : copy_body(la, a, fd, &bh, head_len, buf, len, off, &end, err);
	/* A trailing sparse hole. */
	if (rc == 0)
		rc = count_holes(la, &end, n->size, err);
	if (rc == 0 && ftruncate(fd, (off_t)n->size) < 0)
		rc = ac_error_set(err, AC_ERR_SYSTEM, errno, "writing to the temp dir");
	if (rc < 0) {
		close(fd);
		if (bh.h)
			hasher_free(bh.h);
		return -1;
	}
	hash_finish(la, &bh, c);
	hand_over(la, fd, c);
	close(fd);
	la->stats.kept++;
	la->stats.kept_bytes += n->size;
	return 0;
}

int layer_check_kept_size(const struct layer_apply *la, uint64_t size, struct ac_error *err)
{
	if (size > la->limits->max_file_bytes)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "file of %llu bytes exceeds --max-file-bytes",
				    (unsigned long long)size);
	return 0;
}

int layer_put_special(struct layer_apply *la, const char *path, enum node_type nt,
		      struct image_node **n, struct ac_error *err)
{
	if (!la->allow_special)
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "%s member (a %s; pass --allow-special to record it)",
				    nt == NODE_FIFO ? "FIFO" : "device node",
				    node_type_name(nt));
	return tree_put(la->tree, path, nt, la->layer, n, err);
}

static int apply_entry(struct layer_apply *la, struct archive *a,
		       struct archive_entry *e, const char *path, struct ac_error *err)
{
	char parent[IMAGE_PATH_MAX];
	const char *base = image_path_split(path, parent);
	const char *hidden = NULL;
	const char *hl = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	struct image_node *n = NULL;
	char target[IMAGE_PATH_MAX];

	switch (*path ? image_path_whiteout(base, &hidden) : WHITEOUT_NONE) {
	case WHITEOUT_FILE:
		la->stats.whiteouts++;
		layer_record_whiteout(la->rec, parent, hidden);
		return tree_whiteout(la->tree, parent, hidden, la->layer, err);
	case WHITEOUT_OPAQUE:
		la->stats.whiteouts++;
		layer_record_opaque(la->rec, parent);
		return tree_opaque(la->tree, parent, la->layer, err);
	case WHITEOUT_META:
		return 0;
	case WHITEOUT_NONE:
		break;
	}
	if (hl) {
		if (image_path_normalize(hl, target, err) < 0)
			return ac_error_wrap(err, "hardlink target");
		layer_record_hardlink(la->rec, path, target);
		return tree_hardlink(la->tree, path, target, la->layer, &n, err);
	}
	switch (type) {
	case AE_IFDIR:
		if (tree_put(la->tree, path, NODE_DIR, la->layer, &n, err) < 0)
			return -1;
		break;
	case AE_IFREG:
		if (tree_put(la->tree, path, NODE_REG, la->layer, &n, err) < 0)
			return -1;
		n->size = (uint64_t)archive_entry_size(e);
		la->stats.files++;
		break;
	case AE_IFLNK: {
		const char *t = archive_entry_symlink(e);
		if (!t || !*t)
			return ac_error_set(err, AC_ERR_INPUT, 0, "symlink with an empty target");
		if (image_symlink_escapes(path, t))
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "symlink to '%.200s' escapes the image root", t);
		if (tree_put(la->tree, path, NODE_SYMLINK, la->layer, &n, err) < 0)
			return -1;
		n->link_target = xstrdup(t);
		n->size = strlen(t);
		break;
	}
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		if (layer_put_special(la, path,
				      type == AE_IFCHR ? NODE_CHAR
				      : type == AE_IFBLK ? NODE_BLOCK : NODE_FIFO,
				      &n, err) < 0)
			return -1;
		break;
	default:
		return ac_error_set(err, AC_ERR_INPUT, 0, "unsupported member type 0%o",
				    (unsigned)type);
	}
	n->mode = archive_entry_perm(e);
	n->uid = (unsigned)archive_entry_uid(e);
	n->gid = (unsigned)archive_entry_gid(e);
	if (type == AE_IFREG && read_body(la, a, n, err) < 0)
		return -1;
	layer_record_node(la->rec, n);
	return 0;
}

static int next_entry(struct layer_apply *la, struct archive *a, struct archive_entry **e,
		      struct ac_error *err)
{
	int rc = archive_read_next_header(a, e);

	if (rc == ARCHIVE_EOF)
		return 0;
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
		return archive_fail(la, a, la->stats.entries ? "" : "not a tar archive: ", err);
	if (layer_count_entries(la, 1, err) < 0)
		return -1;
	return 1;
}

int layer_count_entries(struct layer_apply *la, uint64_t n, struct ac_error *err)
{
	*la->entries_total += n;
	la->stats.entries += n;
	if (*la->entries_total > la->limits->max_entries)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "more than %llu entries (raise with --max-entries)",
				    (unsigned long long)la->limits->max_entries);
	return 0;
}

int layer_apply_stream(struct layer_apply *la, struct blob_stream *bs,
		       struct ac_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc;

	la->stream = bs;
	archive_read_support_format_tar(a);
	if (archive_read_open(a, bs, NULL, read_cb, NULL) != ARCHIVE_OK) {
		archive_fail(la, a, "not a tar archive: ", err);
		archive_read_free(a);
		return -1;
	}
	while ((rc = next_entry(la, a, &e, err)) > 0) {
		char path[IMAGE_PATH_MAX];
		const char *raw = archive_entry_pathname(e);

		if (!raw)
			raw = archive_entry_pathname_utf8(e);
		if (!raw) {
			rc = ac_error_set(err, AC_ERR_INPUT, 0, "member without a usable name");
			break;
		}
		if (image_path_normalize(raw, path, err) < 0 ||
		    apply_entry(la, a, e, path, err) < 0) {
			rc = ac_error_wrap(err, "member '%.200s'", raw);
			break;
		}
	}
	archive_read_free(a);
	return rc < 0 ? -1 : 0;
}
