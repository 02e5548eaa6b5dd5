/* analyzer/elf_file.h — one ELF object opened for analysis.
 *
 * Owns mapping the file read-only and the questions every analysis asks of
 * it through libelf: where the executable bytes are (sections with
 * SHF_EXECINSTR, or PF_X segments when there are no section headers), how
 * a virtual address maps to file bytes, and which symbols exist.  Every
 * offset and size read from the file is bounds-checked against the mapping:
 * a truncated or hostile ELF yields an error, never a read out of range.
 * Ownership: elf_file_close() releases the mapping and all arrays.
 */
#ifndef ABICHECK_ANALYZER_ELF_FILE_H
#define ABICHECK_ANALYZER_ELF_FILE_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct code_region {
	uint64_t vaddr;
	const uint8_t *bytes;
	size_t size;
	const char *name; /* section name, or "segment" */
};

struct elf_symbol {
	uint64_t value, size;
	const char *name;
	bool is_func;
	bool thumb; /* ARM: the low bit of a function symbol */
};

/* ARM ELF mapping symbols ($a ARM code, $t Thumb code, $d data; aarch64
 * $x/$d): where code changes state or data sits inside .text. */
struct mapping_symbol {
	uint64_t addr;
	char kind; /* 'a', 't', 'x' or 'd' */
};

struct elf_file {
	const uint8_t *map;
	size_t size;
	Elf *elf;
	GElf_Ehdr ehdr;
	size_t phnum, shnum, shstrndx;
	bool has_sections;
	struct code_region *code;
	size_t ncode;
	/* Filled by elf_file_index_symbols (elf_file_symbol_at calls it). */
	struct elf_symbol *syms; /* functions and objects, sorted by value */
	size_t nsyms;
	struct mapping_symbol *maps; /* sorted by addr; empty when stripped */
	size_t nmaps;
	_Atomic bool symbols_indexed;
	/* Why the file can be analysed only in part (static string), or NULL:
	 * headers or segments beyond the end of the file. */
	const char *problem;
};

/* Maps fd (not closed) and indexes it.  AC_ERR_INPUT for non-ELF or
 * malformed headers. */
int elf_file_open(int fd, struct elf_file *ef, struct ac_error *err);
void elf_file_close(struct elf_file *ef);
/* Lets the kernel drop the mapping's resident pages; what is read later
 * faults back in from the file.  An image's ELF bytes would otherwise all
 * stay resident until the end of a run (600 MB on a toolchain image),
 * though each is needed only while its file is analysed. */
void elf_file_release_pages(const struct elf_file *ef);
/* Between the steps of one file's analysis: the same, but only for a file
 * of at least RELEASE_STEP_MIN, since each release of a mapping costs
 * every other core a TLB flush (on the minbase image, whose files average
 * 100 kB, 6 % of a 2-core run went to them); a smaller file's pages go at
 * the end of its analysis. */
#define RELEASE_STEP_MIN (1u << 20)
void elf_file_release_step(const struct elf_file *ef);
/* The whole pages inside [p, p + len), a range of the mapping: what a
 * long pass (the sweep of libLLVM's 48 MB of text) has left behind it.
 * A step too: nothing for a file below RELEASE_STEP_MIN. */
void elf_file_release_range(const struct elf_file *ef, const void *p, size_t len);
/* After one small read at p (a name a chain prints): the kernel mapped
 * the whole aligned window around the page it faulted (64 kB of file,
 * FAULT_AROUND_BYTES); gives it back.  Only for files of at least
 * RELEASE_AROUND_MIN, whose names can add up to megabytes (libLLVM's
 * string table is 17 MB); a smaller file's pages go at the end of its
 * round: libc's names, in nearly every chain, cost 64 000 releases on the
 * minbase image when each went at once. */
#define FAULT_AROUND_BYTES (64u << 10)
#define RELEASE_AROUND_MIN (16u << 20)
void elf_file_release_around(const struct elf_file *ef, const char *p);
/* For a long pass over the mapping from `base` (libLLVM: 48 MB of text
 * swept, 31 MB of .rodata searched, 8 MB of relocations read): once the
 * pass at offset `at` is RELEASE_BEHIND_STEP past *behind, releases what
 * lies between and moves *behind to `at` (nothing when `at` is behind). */
#define RELEASE_BEHIND_STEP (1u << 20)
void elf_file_release_behind(const struct elf_file *ef, const void *base, size_t *behind,
			     size_t at);

/* Frees libelf's handle while the file is not in use (a few kB each: an
 * image's thousands of files held 6 MB of them), keeping the mapping and
 * what elf_file_open found; elf_file_resume makes it again from the
 * mapping.  Native-endian files only: libelf converted a foreign file's
 * headers in place and would convert them twice.  Neither while another
 * thread uses the file. */
void elf_file_suspend(struct elf_file *ef);
void elf_file_resume(const struct elf_file *ef);

/* Pointer to `len` bytes at virtual address `vaddr`, from the file image of
 * a PT_LOAD segment; NULL when not backed by file bytes. */
const uint8_t *elf_file_at(const struct elf_file *ef, uint64_t vaddr, size_t len);
/* The same for a file offset range. */
const uint8_t *elf_file_range(const struct elf_file *ef, uint64_t off, uint64_t len);

/* Reads and sorts the symbol tables, once; safe from several threads.
 * Not done by elf_file_open: a warm check opens every file for its facts
 * and asks most of them nothing about symbols (sorting them was a tenth
 * of its time). */
void elf_file_index_symbols(const struct elf_file *ef);

/* Frees the index; the next question reads the tables again.  Only while
 * no other thread uses the file: kept, the indexes of every file analysed
 * would grow with the image (8 MB of a toolchain image's). */
void elf_file_drop_symbols(const struct elf_file *ef);

/* Function symbol whose [value, value+size) contains addr, or NULL. */
const struct elf_symbol *elf_file_symbol_at(const struct elf_file *ef, uint64_t addr);

/* Section header by name, or false. */
bool elf_file_section(const struct elf_file *ef, const char *name, GElf_Shdr *out);

#endif
