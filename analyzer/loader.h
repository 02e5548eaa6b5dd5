/* analyzer/loader.h — which files an ELF object's NEEDED entries load.
 *
 * Owns resolving the load closure inside the image the way the image's own
 * dynamic loader would at run time.  glibc (dl-load.c _dl_map_object):
 * DT_RPATH of the object and of the executable (only when the object has
 * no DT_RUNPATH), LD_LIBRARY_PATH from the image's Env, DT_RUNPATH,
 * /etc/ld.so.cache, then the system directories; $ORIGIN, $LIB and
 * $PLATFORM expanded; candidates of the wrong ELF class or machine skipped
 * as ld.so skips them.  ld.so.conf is read by ldconfig, not by ld.so: it
 * only explains a miss ("listed in ld.so.conf, but no ld.so.cache").
 * musl: LD_LIBRARY_PATH, RPATH/RUNPATH, /etc/ld-musl-ARCH.path or
 * /lib:/usr/local/lib:/usr/lib.
 * Ownership: the loader caches what it parsed per library; closures borrow
 * its strings and must be freed before loader_free().
 */
#ifndef ABICHECK_ANALYZER_LOADER_H
#define ABICHECK_ANALYZER_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer/ldcache.h"
#include "images/image.h"

struct loader_object;

struct loader {
	const struct image *img;
	struct ldcache cache;
	char *cache_buf;
	bool has_cache;
	char **conf_dirs;       /* from ld.so.conf, for explanations only */
	size_t nconf;
	char **ld_library_path; /* from the image config's Env */
	size_t nllp;
	struct loader_object *objs;
	size_t nobjs, capobjs;
};

struct loaded_lib {
	const char *name;     /* as NEEDED says */
	const struct image_node *node;
	const char *via;      /* "ld.so.cache", "runpath", "rpath", "LD_LIBRARY_PATH", "system path", "musl path", "path" */
	const struct image_node *needed_by;
};

struct missing_lib {
	const char *name;
	const struct image_node *needed_by;
	char hint[512]; /* why, when we can tell */
};

struct load_closure {
	struct loaded_lib *libs;
	size_t nlibs;
	struct missing_lib *missing;
	size_t nmissing;
};

void loader_init(struct loader *ld, const struct image *img);
void loader_free(struct loader *ld);

/* Breadth-first closure from `root` (an ELF node of the image). */
void loader_closure(struct loader *ld, const struct image_node *root, struct load_closure *out);
void load_closure_free(struct load_closure *c);

#endif
