/* analyzer/elf_ident.h — what kind of ELF object a file is.
 *
 * Owns the first look at an ELF file with libelf: machine, class, byte
 * order, and the kind of object (relocatable, static or dynamic executable,
 * PIE, static PIE, shared library, core).  Reads headers only; the deeper
 * analysis (symbols, syscall sites) builds on it.  Malformed input yields
 * ELF_KIND_INVALID with a reason, never a crash.
 */
#ifndef ABICHECK_ANALYZER_ELF_IDENT_H
#define ABICHECK_ANALYZER_ELF_IDENT_H

#include <stdbool.h>
#include <stdint.h>

enum elf_kind {
	ELF_KIND_INVALID,
	ELF_KIND_REL,
	ELF_KIND_EXEC,        /* ET_EXEC with an interpreter */
	ELF_KIND_STATIC,      /* ET_EXEC without one */
	ELF_KIND_PIE,         /* ET_DYN executable with an interpreter */
	ELF_KIND_STATIC_PIE,  /* ET_DYN, DF_1_PIE, no interpreter */
	ELF_KIND_SHARED,      /* a library (possibly also runnable, like libc.so.6) */
	ELF_KIND_CORE,
};

struct elf_ident {
	enum elf_kind kind;
	unsigned machine;  /* e_machine */
	int elfclass;      /* 32 or 64 */
	bool big_endian;
	char interp[256];  /* PT_INTERP, or "" */
	const char *error; /* static string when kind is INVALID */
};

/* Identifies the ELF object open on fd (read from offset 0). */
void elf_ident_fd(int fd, struct elf_ident *out);

const char *elf_kind_name(enum elf_kind k);
/* "x86_64", "aarch64", "arm", … ; "em-<N>" for others (buffer-free). */
const char *elf_machine_name(unsigned machine);

#endif
