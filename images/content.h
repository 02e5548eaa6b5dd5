/* images/content.h — bodies of the files abicheck keeps from an image.
 *
 * Only some regular files are kept (ELF objects and the loader's
 * configuration; see layer.c); the rest of the image is a path index.  A
 * kept body lives in one of three places: the run's private temp dir under
 * a generated name (archive sources, while a layer is read), the cache's
 * content-addressed bodies/ directory under its sha256 (once its layer
 * verified, see layercache.h), or where it is inside a rootfs directory
 * (dir: source, opened beneath the rootfs fd without following symlinks).
 * Contents are reference counted because hardlinks share one body.
 * Ownership: the store owns nothing but counters; each content is owned by
 * the nodes that reference it and freed by the last content_unref().
 */
#ifndef ABICHECK_IMAGES_CONTENT_H
#define ABICHECK_IMAGES_CONTENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/tempdir.h"

#define CONTENT_HEAD 64 /* first bytes cached: enough for an ELF header */

struct content {
	unsigned refs;
	uint64_t size;
	char tmpname[24];  /* in the temp dir, or "" */
	char *rootfs_path; /* relative to the store's rootfs, or NULL */
	char sha256[65];   /* hex of the body, "" when not computed */
	bool cached;       /* the body is bodies/<sha256> in the cache */
	unsigned char head[CONTENT_HEAD];
	unsigned head_len;
};

struct content_store {
	struct ac_tempdir *tempdir; /* borrowed; NULL for rootfs-only stores */
	int rootfd;                 /* borrowed; -1 unless dir: source */
	int bodies_fd;              /* borrowed; the cache's bodies/, or -1 */
	uint64_t live_files;
	uint64_t live_bytes;
};

/* New temp-file content (refs = 1); returns the writable fd. */
int content_new_temp(struct content_store *cs, struct content **out,
		     struct ac_error *err);
/* New content that refers to a file below the rootfs (refs = 1). */
struct content *content_new_rootfs(struct content_store *cs, const char *relpath,
				   uint64_t size, const unsigned char *head,
				   unsigned head_len);
/* Content whose body is already in the cache's bodies/ (refs = 1). */
struct content *content_new_cached(struct content_store *cs, const char *sha256,
				   uint64_t size, const unsigned char *head,
				   unsigned head_len);
/* Moves a temp body whose sha256 is known into the cache's bodies/
 * (a body already there is kept: same name, same bytes). */
int content_commit(struct content_store *cs, struct content *c, struct ac_error *err);
/* Whether bodies/<sha256> exists. */
bool content_cached_exists(const struct content_store *cs, const char *sha256);
struct content *content_ref(struct content *c);
void content_unref(struct content_store *cs, struct content *c);

/* Opens the body read-only. */
int content_open(const struct content_store *cs, const struct content *c,
		 struct ac_error *err);

/* Opens `relpath` below `rootfd` one component at a time with O_NOFOLLOW, so
 * a symlink inside a rootfs directory can never lead outside it; the last
 * component also with O_NONBLOCK, so a FIFO in the place of a file cannot
 * block the open (callers check what they got). */
int open_beneath(int rootfd, const char *relpath, int flags,
		 struct ac_error *err);

#endif
