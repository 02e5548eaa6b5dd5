/* tests/fuzz/fuzz_ldcache.c — libFuzzer target: an image's
 * /etc/ld.so.cache (kept from the layers, read by the loader model to
 * resolve DT_NEEDED) through ldcache_parse and lookups with the flags of
 * the common ABIs.  Not in issue 10's list, but image bytes all the same.
 */
#include <elf.h>

#include "analyzer/ldcache.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned machines[] = { EM_X86_64, EM_386, EM_AARCH64, EM_ARM };
	struct ldcache c;

	if (ldcache_parse(data, size, &c) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		int32_t flags = ldcache_flags_for(machines[i], machines[i] == EM_X86_64 ||
						  machines[i] == EM_AARCH64 ? ELFCLASS64 : ELFCLASS32, 0);
		ldcache_lookup(&c, "libc.so.6", flags);
		for (size_t k = 0; k < c.n && k < 64; k++)
			ldcache_lookup(&c, c.entries[k].soname, flags);
	}
	ldcache_free(&c);
	return 0;
}
