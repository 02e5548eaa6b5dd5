/* analyzer/scan.c — see scan.h. */
#include "analyzer/scan.h"

#include <stdio.h>
#include <string.h>

#include "analyzer/arch.h"
#include "analyzer/cache.h"
#include "common/xalloc.h"

static const struct arch *scan_arch(const struct elf_file *ef)
{
	return arch_for_elf(ef->ehdr.e_machine, ef->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32);
}

/* Whether the layer reader gave the content's sha256 (hex), sparing a
 * pass over the bytes. */
static bool have_sha256(const char *sha256)
{
	return sha256 && strlen(sha256) == 64;
}

/* The cache key of the scanned content, kept in scan->sha256 too. */
static void content_key(struct elf_scan *scan, const char *sha256, struct digest *key)
{
	if (have_sha256(sha256)) {
		key->alg = DIGEST_SHA256;
		memcpy(key->hex, sha256, 65);
	} else {
		analysis_cache_key(&scan->file, key);
	}
	memcpy(scan->sha256, key->hex, 64);
}

/* Whether the cache holds the report: not read (elf_scan_fd_lazy). */
static bool in_cache(struct elf_scan *scan, struct analysis_cache *cache, const char *sha256)
{
	struct digest key;

	content_key(scan, sha256, &key);
	return analysis_cache_has(cache, &key);
}

/* reload: the report was in the cache earlier in this run (counted apart,
 * elf_scan_reload_sites). */
static int analyze(struct elf_scan *scan, const struct arch *a, struct analysis_cache *cache,
		   const char *sha256, bool reload, struct ac_error *err)
{
	struct digest key;

	if (!cache || !cache->dir) {
		elf_file_resume(&scan->file);
		return analyze_sites(&scan->file, a, &scan->sites, err);
	}
	content_key(scan, sha256, &key);
	if (reload ? analysis_cache_reload(cache, &key, &scan->file, a, &scan->sites)
		   : analysis_cache_load(cache, &key, &scan->file, a, &scan->sites))
		return 0;
	/* Failures are not cached: they are cheap to find again.  A
	 * reloaded file's libelf handle was freed (elf_file_suspend). */
	elf_file_resume(&scan->file);
	if (analyze_sites(&scan->file, a, &scan->sites, err) < 0)
		return -1;
	analysis_cache_store(cache, &key, &scan->file, &scan->sites);
	return 0;
}

/* A cached report is left in the cache (sites_released) when `lazy`. */
static void scan_fd(int fd, struct elf_scan *scan, struct analysis_cache *cache,
		    const char *sha256, bool lazy)
{
	struct ac_error err;
	const struct arch *a;

	memset(scan, 0, sizeof(*scan));
	if (elf_file_open(fd, &scan->file, &err) < 0) {
		elf_scan_set_error(scan, err.msg);
		return;
	}
	elf_facts_read(&scan->file, fd, &scan->facts);
	/* What the facts read (headers, notes, the dynamic section) is not
	 * what the analysis reads. */
	elf_file_release_step(&scan->file);
	/* Partial results are kept; the error says why they are partial. */
	if (scan->file.problem)
		elf_scan_set_error(scan, scan->file.problem);
	else if (scan->facts.ident.kind == ELF_KIND_INVALID)
		elf_scan_set_error(scan, scan->facts.ident.error ? scan->facts.ident.error
								 : "malformed ELF");
	a = scan_arch(&scan->file);
	if (a && scan->file.ehdr.e_ident[EI_DATA] == ELFDATA2LSB) {
		if (lazy && cache && have_sha256(sha256) && in_cache(scan, cache, sha256)) {
			scan->has_sites = scan->sites_released = true;
		} else if (analyze(scan, a, cache, sha256, false, &err) == 0)
			scan->has_sites = true;
		else if (!scan->error)
			elf_scan_set_error(scan, err.msg);
	}
	elf_file_drop_symbols(&scan->file);
	elf_file_release_pages(&scan->file);
	elf_file_suspend(&scan->file);
}

void elf_scan_fd(int fd, struct elf_scan *scan, struct analysis_cache *cache,
		 const char *sha256)
{
	scan_fd(fd, scan, cache, sha256, false);
}

void elf_scan_fd_lazy(int fd, struct elf_scan *scan, struct analysis_cache *cache,
		      const char *sha256)
{
	scan_fd(fd, scan, cache, sha256, true);
}

void elf_scan_release_sites(struct elf_scan *scan)
{
	if (!scan->has_sites || scan->sites_released || !scan->sha256[0])
		return;
	site_report_free(&scan->sites);
	scan->sites_released = true;
}

int elf_scan_reload_sites(struct elf_scan *scan, struct analysis_cache *cache)
{
	struct ac_error err;
	const struct arch *a = scan_arch(&scan->file);

	if (!scan->sites_released)
		return 0;
	scan->sites_released = false;
	/* The entry was there a moment ago; if it went, analyse again. */
	if (!a || analyze(scan, a, cache, scan->sha256, true, &err) < 0) {
		scan->has_sites = false;
		return -1;
	}
	/* A walk reads only the report (names are offsets into the mapping),
	 * and a reload touches only the names the entry points to: a small
	 * file's few pages go with its round's (reach.c, release_round). */
	elf_file_drop_symbols(&scan->file);
	elf_file_release_step(&scan->file);
	elf_file_suspend(&scan->file);
	return 0;
}

void elf_scan_set_error(struct elf_scan *scan, const char *msg)
{
	free(scan->error);
	scan->error = xstrdup(msg);
}

void elf_scan_free(struct elf_scan *scan)
{
	free(scan->error);
	site_report_free(&scan->sites);
	elf_facts_free(&scan->facts);
	elf_file_close(&scan->file);
	memset(scan, 0, sizeof(*scan));
}
