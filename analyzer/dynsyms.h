/* analyzer/dynsyms.h — an object's dynamic linking interface.
 *
 * Owns reading, with libelf, what binds objects together at run time:
 * defined dynamic symbols (exports, with their GLIBC_x.y version and IFUNC
 * flag), undefined ones (imports, with the version they need), which PLT
 * stub calls which import (GNU ld's layout: stub i serves .rela.plt[i]),
 * and which addresses are stored in data by relocations (function-pointer
 * tables: the candidate targets of indirect calls).
 * A walk binds through the compact form analyzer/linktable.h makes of it.
 * Ownership: strings point into the elf_file; dynsyms_free() frees arrays.
 */
#ifndef ABICHECK_ANALYZER_DYNSYMS_H
#define ABICHECK_ANALYZER_DYNSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/elf_file.h"

struct dyn_symbol {
	const char *name;
	uint64_t hash;       /* link_hash(name), made as the names are read */
	const char *version; /* NULL when unversioned */
	uint64_t value;      /* exports: address */
	bool ifunc;
	bool hidden_version; /* exports: not the default version (sym@VER, not @@) */
};

struct plt_stub {
	uint64_t addr, size;
	size_t import; /* index into imports */
};

struct dynsyms {
	struct dyn_symbol *exports, *imports;
	size_t nexports, nimports;
	struct plt_stub *plt; /* sorted by addr */
	size_t nplt;
	uint64_t *data_refs;  /* addresses stored by RELATIVE relocations */
	size_t ndata_refs;
	/* Code the loader runs around main: DT_INIT, DT_FINI and the entries
	 * of DT_PREINIT_ARRAY, DT_INIT_ARRAY, DT_FINI_ARRAY. */
	uint64_t *ctors;
	size_t nctors;
};

void dynsyms_read(const struct elf_file *ef, struct dynsyms *out);
/* Without the relocations and constructors (the call graph took them, and
 * they are most of a large library's table): what binding needs. */
void dynsyms_read_symbols(const struct elf_file *ef, struct dynsyms *out);
/* Adds them (data_refs, ctors) to what dynsyms_read_symbols read:
 * dynsyms_read is the two.  With a sink, each data ref goes to it, in
 * relocation order, instead of into data_refs. */
typedef void (*data_ref_sink)(void *arg, uint64_t target);
void dynsyms_read_relocations(const struct elf_file *ef, struct dynsyms *d, data_ref_sink sink,
			      void *arg);
void dynsyms_free(struct dynsyms *d);
/* Frees the exports and imports themselves; nimports stays, the PLT's
 * import indices and the constructors too (what a call graph needs). */
void dynsyms_drop_symbols(struct dynsyms *d);

/* The import a call to `addr` goes through (inside a PLT stub), or -1. */
long dynsyms_plt_import(const struct dynsyms *d, uint64_t addr);

#endif
