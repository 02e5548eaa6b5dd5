/* images/rootfs.h — the dir: source: a root filesystem already on disk.
 *
 * Owns walking it into the flattened view (as layer 0) with openat/fstatat
 * relative to directory fds and O_NOFOLLOW everywhere: symlinks in the
 * directory are recorded, never followed on the host.  Nothing is copied;
 * kept files are read in place through content_open().
 */
#ifndef ABICHECK_IMAGES_ROOTFS_H
#define ABICHECK_IMAGES_ROOTFS_H

#include "common/error.h"
#include "images/layer.h"

/* `rootfd` is the rootfs directory; la->layer should be 0.  Files that
 * cannot be read are counted in *unreadable and listed without a body. */
int rootfs_load(int rootfd, struct layer_apply *la, uint64_t *unreadable,
		struct ac_error *err);

#endif
