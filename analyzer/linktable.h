/* analyzer/linktable.h — an object's dynamic linking, as a walk binds it.
 *
 * Owns the compact form of what dynsyms.h reads that reach.c needs to bind
 * one object's imports to another's exports and to name the steps of a
 * chain: exports by name hash (with the function each one starts), the
 * imports in the call graph's order, symbol versions as hashes, and for
 * every function the file offset of its symbol's name.  It is built when
 * the file is analysed and cached with its report, so a walk never reads
 * the symbol or string tables: libLLVM's take 4 MB of file pages and 3 MB
 * of parsed symbols, its link table 0.7 MB.  Names stay in the file, as
 * offsets resolved only when a chain prints them.
 * Ownership: link_table_free() frees the arrays.
 */
#ifndef ABICHECK_ANALYZER_LINKTABLE_H
#define ABICHECK_ANALYZER_LINKTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/elf_file.h"
#include "analyzer/functions.h"

struct dynsyms;

#define LINK_NO_FN UINT32_MAX  /* an export that starts no known function */
#define LINK_NO_NAME 0u        /* offset 0 is the ELF header: never a name */

struct link_export {
	uint64_t name;    /* link_hash of the symbol's name */
	uint32_t fn;      /* function index, or LINK_NO_FN */
	uint16_t version; /* index into versions; 0 = unversioned */
	uint8_t hidden;   /* not the default version (sym@VER, not @@) */
	uint8_t pad;
};

struct link_import {
	uint64_t name;
	uint32_t name_off; /* file offset of the name, or LINK_NO_NAME */
	uint16_t version;
	uint16_t pad;
};

struct link_version {
	uint64_t hash;
	uint32_t name_off;
	uint32_t pad;
};

struct link_table {
	struct link_export *exports; /* by name hash, dynsym order among equal ones */
	size_t nexports;
	struct link_import *imports; /* the graph's import indices */
	size_t nimports;
	struct link_version *versions; /* [0] is "no version" */
	size_t nversions;
	uint32_t *fn_names; /* per function: its symbol's name offset, or LINK_NO_NAME */
	size_t nfn;
};

/* 64 bits of a name: a walk binds by it, so two names an object exports
 * and imports would have to collide (odds below 1e-9 on the largest
 * image) to bind the wrong function. */
uint64_t link_hash(const char *s);

void link_table_build(const struct elf_file *ef, const struct dynsyms *d,
		      const struct function_index *funcs, struct link_table *lt);
/* The same in two steps, so that the symbol index (what names the
 * functions) can go before the dynamic symbols (what binding needs) are
 * read: libLLVM's are 2 MB each. */
void link_table_build_names(const struct elf_file *ef, const struct function_index *funcs,
			    struct link_table *lt);
void link_table_build_binding(const struct elf_file *ef, const struct dynsyms *d,
			      const struct function_index *funcs, struct link_table *lt);
void link_table_free(struct link_table *lt);
size_t link_table_bytes(const struct link_table *lt);
/* Whether a table read back from the cache is one link_table_build could
 * have made (sorted, indices in range) for nfn functions, nimports imports. */
bool link_table_valid(const struct link_table *lt, size_t nfn, size_t nimports);

/* The export an import (name hash, version hash or 0) binds to in this
 * object, as ld.so picks it: the export of that version, else the default
 * one; NULL when the object defines no such name. */
const struct link_export *link_table_export(const struct link_table *lt, uint64_t name,
					    uint64_t version);
uint64_t link_version_hash(const struct link_table *lt, uint16_t version);

/* A name the table refers to, in the mapped file; NULL when the offset is
 * none or the file holds no string there. */
const char *link_table_string(const struct elf_file *ef, uint32_t off);

#endif
