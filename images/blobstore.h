/* images/blobstore.h — named files of an image container: a directory
 * (oci: layout) or a tar archive (oci-archive:, docker-archive:).
 *
 * Owns locating a member ("index.json", "blobs/sha256/…", "abc/layer.tar")
 * as a byte range.  A tar archive is indexed once and then read in place
 * with pread (no extraction: nothing from it is written anywhere); a
 * compressed archive (`docker save | gzip`) is first decompressed once into
 * the private temp dir.  Member symlinks (docker save links duplicate
 * layers) are followed within the archive or directory only; a directory
 * is otherwise read with open_beneath(), one O_NOFOLLOW open per component.
 */
#ifndef ABICHECK_IMAGES_BLOBSTORE_H
#define ABICHECK_IMAGES_BLOBSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/tempdir.h"
#include "images/blobstream.h"
#include "images/limits.h"

struct tar_member;

struct blob_store {
	bool is_tar;
	int fd;    /* directory fd, or the (uncompressed) tar file fd */
	char *label; /* for messages: the path the user gave */
	struct tar_member *members;
	size_t nmembers;
	/* fds opened for directory members, closed by blob_store_close */
	int *open_fds;
	size_t nopen, capopen;
};

int blob_store_open_dir(struct blob_store *bs, const char *path, struct ac_error *err);
int blob_store_open_tar(struct blob_store *bs, const char *path, struct ac_tempdir *td,
			const struct image_limits *limits, struct ac_error *err);
void blob_store_close(struct blob_store *bs);

/* Finds member `name` (canonical relative path).  The range's fd stays
 * owned by the store.  Missing member: AC_ERR_INPUT with errnum ENOENT. */
int blob_store_find(struct blob_store *bs, const char *name, struct blob_range *out,
		    struct ac_error *err);
bool blob_store_has(struct blob_store *bs, const char *name);

/* Small member into memory (NUL-terminated), capped at `max`. */
int blob_store_read(struct blob_store *bs, const char *name, uint64_t max,
		    char **out, size_t *len, struct ac_error *err);

/* Whether `path` starts like a tar archive, possibly compressed; used to
 * sniff bare paths. */
bool blob_store_looks_tar(const char *path);

#endif
