/* analyzer/scan.h — everything the analyzer knows about one ELF file of an
 * image: facts, syscall sites, vsyscall/vDSO use, and where its NEEDED
 * libraries resolve.  The single entry point later stages call.
 * Ownership: elf_scan_free() releases everything, including the mapping
 * the facts' strings point into.
 */
#ifndef ABICHECK_ANALYZER_SCAN_H
#define ABICHECK_ANALYZER_SCAN_H

#include "analyzer/elf_facts.h"
#include "analyzer/elf_file.h"
#include "analyzer/sites.h"
#include "common/error.h"

struct elf_scan {
	struct elf_file file;
	struct elf_facts facts;
	struct site_report sites;
	bool has_sites;       /* false: architecture without a backend */
	bool sites_released;  /* has_sites, but `sites` was freed to save memory */
	char sha256[65];      /* the content's, when the cache computed it; else "" */
	/* Per-file error, NULL when fine (owned: a buffer in each of an
	 * image's objects was 1 kB of its 2 kB record). */
	char *error;
};

struct analysis_cache;

/* Analyses the ELF open on fd, through `cache` when not NULL; `sha256`
 * (hex, or NULL) is the content's hash when the image layer already
 * computed it, saving a pass over the bytes.  Never fails as a whole: a
 * malformed file fills scan->error and leaves the rest empty. */
void elf_scan_fd(int fd, struct elf_scan *scan, struct analysis_cache *cache,
		 const char *sha256);
/* The same, but a report the cache holds is not read: the scan is left
 * as elf_scan_release_sites leaves it, and elf_scan_reload_sites reads it
 * when it is needed (and analyses the file again if it turns out
 * damaged). */
void elf_scan_fd_lazy(int fd, struct elf_scan *scan, struct analysis_cache *cache,
		      const char *sha256);
void elf_scan_free(struct elf_scan *scan);
/* Sets (replaces) the scan's error. */
void elf_scan_set_error(struct elf_scan *scan, const char *msg);

/* Frees the site report of a scan made through a cache (facts, error and
 * the mapping stay), and loads it back from the cache: what bounds the
 * memory of a run over a large image (reach.c).  Reloading fails only when
 * the cache entry vanished and the file cannot be analysed again. */
void elf_scan_release_sites(struct elf_scan *scan);
int elf_scan_reload_sites(struct elf_scan *scan, struct analysis_cache *cache);

#endif
