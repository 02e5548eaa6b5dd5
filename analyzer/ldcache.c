/* analyzer/ldcache.c — see ldcache.h. */
#include "analyzer/ldcache.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache1.1"
#define NEW_HEADER 48 /* magic[20], nlibs, len_strings, flags+pad, ext offset, unused[3] */
#define NEW_ENTRY 24  /* flags, key, value, osversion, hwcap (u64) */
#define OLD_ENTRY 12  /* flags, key, value */

/* ldconfig.h */
enum {
	FLAG_ELF_LIBC6 = 0x0003,
	FLAG_IA64_LIB64 = 0x0200, FLAG_X8664_LIB64 = 0x0300, FLAG_S390_LIB64 = 0x0400,
	FLAG_POWERPC_LIB64 = 0x0500, FLAG_ARM_LIBHF = 0x0900, FLAG_AARCH64_LIB64 = 0x0a00,
	FLAG_ARM_LIBSF = 0x0b00, FLAG_RISCV_FLOAT_ABI_DOUBLE = 0x1000,
};

int32_t ldcache_flags_for(unsigned e_machine, int elfclass, uint32_t e_flags)
{
	switch (e_machine) {
	case EM_X86_64: return elfclass == 64 ? FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 : -1;
	case EM_386: return FLAG_ELF_LIBC6;
	case EM_AARCH64: return FLAG_ELF_LIBC6 | FLAG_AARCH64_LIB64;
	case EM_ARM:
		return FLAG_ELF_LIBC6 | (e_flags & EF_ARM_ABI_FLOAT_HARD ? FLAG_ARM_LIBHF : FLAG_ARM_LIBSF);
	case EM_PPC64: return FLAG_ELF_LIBC6 | FLAG_POWERPC_LIB64;
	case EM_S390: return elfclass == 64 ? FLAG_ELF_LIBC6 | FLAG_S390_LIB64 : FLAG_ELF_LIBC6;
	case EM_RISCV: return FLAG_ELF_LIBC6 | FLAG_RISCV_FLOAT_ABI_DOUBLE;
	case EM_IA_64: return FLAG_ELF_LIBC6 | FLAG_IA64_LIB64;
	default: return -1;
	}
}

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const char *string_at(const uint8_t *base, size_t len, uint32_t off)
{
	if (off >= len || !memchr(base + off, '\0', len - off))
		return NULL;
	return (const char *)base + off;
}

int ldcache_parse(const uint8_t *buf, size_t len, struct ldcache *out)
{
	const uint8_t *hdr = buf;
	size_t avail = len;
	uint32_t nlibs;

	memset(out, 0, sizeof(out[0]));
	if (len >= 16 && !memcmp(buf, OLD_MAGIC, 11)) {
		/* Old format first: skip its entries; the new format follows,
		 * 8-byte aligned. */
		uint64_t skip = 16 + (uint64_t)u32(buf + 12) * OLD_ENTRY;
		skip = (skip + 7) & ~7ull;
		if (skip > len)
			return -1;
		hdr = buf + skip;
		avail = len - skip;
	}
	if (avail < NEW_HEADER || memcmp(hdr, NEW_MAGIC, 20))
		return -1;
	nlibs = u32(hdr + 20);
	if ((uint64_t)nlibs * NEW_ENTRY > avail - NEW_HEADER)
		return -1;
	out->entries = xcalloc(nlibs + 1, sizeof(*out->entries));
	for (uint32_t i = 0; i < nlibs; i++) {
		const uint8_t *e = hdr + NEW_HEADER + (size_t)i * NEW_ENTRY;
		/* Offsets are relative to the new-format header. */
		const char *key = string_at(hdr, avail, u32(e + 4));
		const char *val = string_at(hdr, avail, u32(e + 8));
		if (!key || !val)
			continue;
		out->entries[out->n++] = (struct ldcache_entry){ (int32_t)u32(e), key, val };
	}
	return 0;
}

void ldcache_free(struct ldcache *c)
{
	free(c->entries);
	memset(c, 0, sizeof(*c));
}

const char *ldcache_lookup(const struct ldcache *c, const char *soname, int32_t flags)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->entries[i].flags == flags && !strcmp(c->entries[i].soname, soname))
			return c->entries[i].path;
	return NULL;
}
