/* images/tree.h — the flattened view of an image's filesystem.
 *
 * Owns the path index that layers are applied to, with the OCI layer rules:
 * later layers replace earlier entries, whiteouts (.wh.NAME) and opaque
 * directories (.wh..wh..opq) hide what lower layers put there, hardlinks
 * share a body.  Paths are canonical ("usr/bin/ls", "" = root).  Symlinks
 * are stored, never created anywhere, and resolved only inside the image
 * root: an absolute target starts at the image root, ".." at the root stays
 * at the root, and more than TREE_MAX_SYMLINKS hops is a loop (ELOOP), as in
 * the kernel's path walk.
 * Ownership: the tree owns its nodes and their strings; node contents are
 * reference counted in the content store given to tree_new().
 */
#ifndef ABICHECK_IMAGES_TREE_H
#define ABICHECK_IMAGES_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "images/content.h"

#define TREE_MAX_SYMLINKS 40 /* the kernel's MAXSYMLINKS */

enum node_type { NODE_DIR, NODE_REG, NODE_SYMLINK, NODE_CHAR, NODE_BLOCK, NODE_FIFO };

struct image_node {
	char *path;       /* canonical, in the node's own block */
	const char *name; /* base name, points into path */
	enum node_type type;
	unsigned mode;    /* permission bits */
	unsigned uid, gid;
	uint64_t size;
	char *link_target;        /* symlinks, owned */
	struct content *content;  /* kept body of a regular file, or NULL */
	unsigned layer;           /* layer that last wrote this entry */
	bool from_hardlink;       /* created by a hardlink member */
	struct image_node *parent, *first_child, *next_sibling, *prev_sibling;
	struct image_node *hash_next;
	uint32_t hash;
};

struct image_tree {
	struct image_node *root;
	struct image_node **buckets;
	size_t nbuckets;
	size_t count; /* nodes, root included */
	struct content_store *store; /* borrowed */
};

struct image_tree *tree_new(struct content_store *store);
void tree_free(struct image_tree *t);

/* Exact lookup of a canonical path; never follows symlinks. */
struct image_node *tree_lookup(const struct image_tree *t, const char *path);

/* Called for each symlink followed during resolution (for explanations). */
typedef void (*tree_hop_fn)(const struct image_node *link, void *arg);

/* Resolves any path (absolute or relative to the root) inside the image.
 * follow_final: whether a symlink as last component is followed.
 * Errors: ENOENT, ENOTDIR, ELOOP (in err->errnum, kind AC_ERR_INPUT). */
int tree_resolve(const struct image_tree *t, const char *path, bool follow_final,
		 struct image_node **out, tree_hop_fn hop, void *hop_arg,
		 struct ac_error *err);

/* Creates or replaces the entry for canonical member `path` written by
 * `layer`.  The parent path is walked like a chrooted unpacker would:
 * missing directories are created, symlinked directories are followed
 * inside the root.  An existing entry is replaced unless both are
 * directories (then metadata is updated and children kept).  The new node
 * is returned for the caller to fill (type set, everything else zeroed
 * except the directory's children). */
int tree_put(struct image_tree *t, const char *path, enum node_type type,
	     unsigned layer, struct image_node **out, struct ac_error *err);

/* Hardlink member `path` -> `target` (canonical): shares the body. */
int tree_hardlink(struct image_tree *t, const char *path, const char *target,
		  unsigned layer, struct image_node **out, struct ac_error *err);

/* .wh.NAME in directory `dir`: removes NAME if a lower layer wrote it. */
int tree_whiteout(struct image_tree *t, const char *dir, const char *name,
		  unsigned layer, struct ac_error *err);

/* .wh..wh..opq in `dir`: removes everything lower layers put below it,
 * keeping entries this layer already wrote. */
int tree_opaque(struct image_tree *t, const char *dir, unsigned layer,
		struct ac_error *err);

/* Removes a node and its subtree (not the root). */
void tree_remove(struct image_tree *t, struct image_node *n);

/* All nodes sorted by path (root first); caller frees the array only. */
struct image_node **tree_sorted(const struct image_tree *t, size_t *count);

const char *node_type_name(enum node_type type);

#endif
