/* analyzer/elf_facts.h — what an ELF file declares about its needs.
 *
 * Owns reading, from headers and notes alone: the dynamic section (NEEDED,
 * RPATH, RUNPATH, SONAME, FLAGS_1), symbol version needs and definitions
 * (GLIBC_2.34, GLIBCXX_3.4.30…), the GNU build-id and ABI tag (the minimum
 * kernel glibc was built for), PT_LOAD alignment against 4K/16K/64K pages,
 * PT_GNU_STACK, Go build information, and which C library the file belongs
 * to.  Everything is read through program headers (PT_DYNAMIC, PT_NOTE), so
 * section-header-less files work; every offset is bounds-checked.
 * Ownership: the facts own their strings (copied out of the mapping, one
 * block) and arrays, all freed by elf_facts_free().
 */
#ifndef ABICHECK_ANALYZER_ELF_FACTS_H
#define ABICHECK_ANALYZER_ELF_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/elf_file.h"
#include "analyzer/elf_ident.h"

enum libc_kind { LIBC_UNKNOWN, LIBC_GLIBC, LIBC_MUSL, LIBC_BIONIC, LIBC_NONE };

struct version_need {
	const char *file;    /* "libc.so.6" */
	const char *version; /* "GLIBC_2.34" */
};

struct elf_facts {
	struct elf_ident ident;
	const char **needed;
	size_t nneeded;
	const char *soname, *rpath, *runpath; /* NULL when absent */
	bool pie_flag, now_flag;
	char build_id[2 * 64 + 1];
	bool has_abi_tag;
	unsigned abi_tag_os; /* 0 = Linux */
	unsigned abi_tag_version[3];
	struct version_need *needs;
	size_t nneeds;
	const char **defs; /* versions this object defines */
	size_t ndefs;
	uint64_t max_align;
	bool page_ok[3]; /* 4K, 16K, 64K */
	bool has_gnu_stack, exec_stack;
	bool is_go;
	char go_version[64]; /* "go1.21.5", or "" when not recorded */
	enum libc_kind libc;
	const char *libc_evidence; /* a static string */
	char *strings; /* what the pointers above point into */
};

void elf_facts_read(const struct elf_file *ef, int fd, struct elf_facts *out);
void elf_facts_free(struct elf_facts *f);
const char *libc_kind_name(enum libc_kind k);

#endif
