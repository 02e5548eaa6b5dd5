/* analyzer/cache.h — per-file analysis results kept on disk.
 *
 * Owns the expensive part of an ELF file's analysis (disassembly, data
 * flow: the site_report) stored under $XDG_CACHE_HOME/abicheck, keyed by
 * the sha256 of the file's content and the analyzer's version, so a libc
 * is analysed once across images and runs.  The version is a hash of the
 * analyzer's own sources (Makefile), so a changed analyzer never reads
 * results an older one wrote.  Entries are written to a temporary name and
 * renamed (concurrent runs are safe) and end with a sha256 of their bytes:
 * a truncated or damaged entry is a miss, never wrong results.  Everything
 * read back is bounds-checked against the entry and the mapped file.
 * Ownership: the cache struct owns its directory path; loaded reports own
 * their strings (site_report.owned_strings).
 */
#ifndef ABICHECK_ANALYZER_CACHE_H
#define ABICHECK_ANALYZER_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "analyzer/elf_file.h"
#include "analyzer/sites.h"
#include "common/cachefile.h"
#include "common/digest.h"

struct analysis_cache {
	char *dir;       /* .../abicheck/analysis/<version>; NULL = disabled */
	/* Files are analysed on several threads (reach_prepare). */
	_Atomic size_t hits, misses, stores, store_failures;
	/* Reports loaded again after reach.c released them to bound memory:
	 * not analyses, so neither hits nor misses. */
	_Atomic size_t reloads;
};

/* Opens the cache in `root` (NULL: $XDG_CACHE_HOME/abicheck, else
 * ~/.cache/abicheck).  A cache that cannot be created disables itself
 * and returns -1 with the reason (callers warn and go on). */
int analysis_cache_open(struct analysis_cache *c, const char *root, struct ac_error *err);
void analysis_cache_close(struct analysis_cache *c);

/* The analyzer version that keys entries ("<release>-<source hash>"). */
const char *analysis_cache_version(void);

/* What an entry holds: a file's site_report, or a program's reach result
 * (keyed by everything the walk reads: analyzer/reach.c). */
enum cache_kind { CACHE_SITES = 1, CACHE_REACH = 2 };

void analysis_cache_write(struct analysis_cache *c, enum cache_kind kind,
			  const struct digest *key, const struct wbuf *body);
/* The body of an intact entry (positioned in *b; free the returned
 * buffer), or NULL on a miss. */
uint8_t *analysis_cache_read(struct analysis_cache *c, enum cache_kind kind,
			     const struct digest *key, struct rbuf *b);

/* The key of ef: the sha256 of its bytes. */
void analysis_cache_key(const struct elf_file *ef, struct digest *key);

/* Fills *out from the entry for `key`; false on a miss.  `a` is the
 * backend the report is for (the entry does not store pointers). */
bool analysis_cache_load(struct analysis_cache *c, const struct digest *key,
			 const struct elf_file *ef, const struct arch *a, struct site_report *out);
/* Whether an entry for `key` is there, without reading it: for a caller
 * that may never need the report (a warm check needs only the reach
 * results).  Counted as a hit; when the entry is read later and found
 * damaged, analysis_cache_reload counts that as a miss too. */
bool analysis_cache_has(struct analysis_cache *c, const struct digest *key);
/* The same for a report this run loaded or stored before: a hit counts as
 * a reload, a miss as a miss (the caller analyses the file again). */
bool analysis_cache_reload(struct analysis_cache *c, const struct digest *key,
			   const struct elf_file *ef, const struct arch *a, struct site_report *out);
void analysis_cache_store(struct analysis_cache *c, const struct digest *key,
			  const struct elf_file *ef, const struct site_report *r);

#endif
