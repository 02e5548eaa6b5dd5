/* analyzer/sites.h — what an ELF file's own code asks of the kernel.
 *
 * Owns finding every syscall instruction (a linear sweep of the code, like
 * objdump -d, so nothing it shows is missed), resolving each one's number
 * by backward data flow over its function, resolving the callers of
 * syscall()-style wrappers from the argument register, and finding legacy
 * vsyscall use (x86_64) and the vDSO symbols the code looks up.
 * Ownership: site_report_free() frees the arrays; names point into the
 * elf_file, which must outlive the report.
 */
#ifndef ABICHECK_ANALYZER_SITES_H
#define ABICHECK_ANALYZER_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/arch.h"
#include "analyzer/callgraph.h"
#include "analyzer/dataflow.h"
#include "analyzer/elf_file.h"
#include "analyzer/functions.h"
#include "analyzer/linktable.h"

struct syscall_site {
	uint64_t addr;
	enum insn_site kind;
	/* Which table the number indexes: int 0x80 and sysenter enter the
	 * i386 ABI even from 64-bit code (the kernel's ia32 entry points). */
	enum syscall_arch table;
	const char *function; /* containing function's symbol, or NULL */
	uint64_t func_start;  /* 0 when no bounds were found */
	struct resolution res;
};

/* A call to a function whose syscall number is its argument. */
struct wrapper_call {
	uint64_t addr;       /* the call/jmp instruction */
	uint64_t wrapper;    /* the callee's address */
	const char *wrapper_name, *caller;
	struct resolution res;
};

enum vsyscall_access { VSYSCALL_EXEC, VSYSCALL_READ };

struct vsyscall_use {
	uint64_t addr;   /* the instruction */
	uint64_t target; /* 0xffffffffff600000 / …400 / …800, or the address read */
	enum vsyscall_access access;
	bool fallback;   /* only used when the vDSO lacks the symbol */
	const char *function;
};

struct site_report {
	const struct arch *arch;
	/* Function bounds used for the sites, call targets included. */
	struct function_index funcs;
	/* The functions' calls (analyzer/callgraph.h), what reach.c walks. */
	struct call_graph graph;
	/* Its dynamic symbols as a walk binds them (analyzer/linktable.h). */
	struct link_table links;
	size_t nindirect; /* indirect calls/jumps the sweep found */
	struct syscall_site *sites;
	size_t nsites;
	struct wrapper_call *wcalls;
	size_t nwcalls;
	struct vsyscall_use *vsyscalls;
	size_t nvsyscalls;
	const char **vdso_symbols; /* point into the mapped file */
	size_t nvdso;
	size_t code_bytes, undecodable_bytes;
	char *owned_strings; /* names a cached report could not point into the file for */
};

/* Decodes `len` bytes at `addr` and lifts them (stops at the first
 * undecodable instruction).  Returns the count; *out is caller-freed.
 * The path every function takes before resolution; exposed for tests. */
size_t lift_code(csh h, const struct arch *a, const struct elf_file *ef, bool alt,
		 const uint8_t *code, size_t len, uint64_t addr, struct insn **out, size_t *cap);
/* The same with a capstone handle of its own (tests, one-off use). */
size_t lift_bytes(const struct arch *a, const uint8_t *code, size_t len, uint64_t addr,
		  struct insn **out);

/* Sites with every path resolved; distinct numbers over sites and wrapper
 * calls (resolved values, partial ones included). */
size_t site_report_resolved(const struct site_report *r);
size_t site_report_distinct(const struct site_report *r);

int analyze_sites(const struct elf_file *ef, const struct arch *a, struct site_report *out,
		  struct ac_error *err);
void site_report_free(struct site_report *r);
/* Roughly the heap the report holds (its arrays), for memory budgets. */
size_t site_report_bytes(const struct site_report *r);

/* The vsyscall entry a target names ("gettimeofday", "time", "getcpu"), or
 * NULL for other addresses of the page. */
const char *vsyscall_entry_name(uint64_t target);

#endif
