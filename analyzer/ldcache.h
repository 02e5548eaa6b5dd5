/* analyzer/ldcache.h — glibc's /etc/ld.so.cache, read as data.
 *
 * Owns parsing the "glibc-ld.so.cache1.1" format (and skipping the old
 * "ld.so-1.7.0" prefix some ldconfigs still write) into soname -> path
 * entries with their flags.  Layout and flag values: glibc
 * sysdeps/generic/dl-cache.h and sysdeps/generic/ldconfig.h.
 * Ownership: strings point into the caller's buffer.
 */
#ifndef ABICHECK_ANALYZER_LDCACHE_H
#define ABICHECK_ANALYZER_LDCACHE_H

#include <stddef.h>
#include <stdint.h>

struct ldcache_entry {
	int32_t flags;
	const char *soname, *path;
};

struct ldcache {
	struct ldcache_entry *entries;
	size_t n;
};

/* 0 on success; -1 when the buffer is not a cache glibc would accept. */
int ldcache_parse(const uint8_t *buf, size_t len, struct ldcache *out);
void ldcache_free(struct ldcache *c);

/* The flags an ELF object's libraries carry in the cache (type libc6 plus
 * the ABI bits), from e_machine, class and e_flags; -1 when unknown. */
int32_t ldcache_flags_for(unsigned e_machine, int elfclass, uint32_t e_flags);

/* The path of `soname` for objects with `flags`, or NULL. */
const char *ldcache_lookup(const struct ldcache *c, const char *soname, int32_t flags);

#endif
