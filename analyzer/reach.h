/* analyzer/reach.h — what a program can reach, through which chain.
 *
 * Owns turning per-file facts into a per-program answer.  Each object of
 * the load closure becomes a graph of its functions: direct calls and tail
 * jumps, PLT calls bound to the export that satisfies them (name and
 * version, in load order, as ld.so binds), address loads (IFUNC resolvers
 * returning implementations, callbacks), and indirect calls, which may
 * reach any function whose address the object stores in data (relocated
 * function-pointer tables) or loads in code.  A breadth-first walk from the
 * program gives every syscall site, vsyscall use and vDSO lookup it can
 * reach, each with one shortest chain.  Syscalls reachable from the start-up
 * path (the interpreter, the entry point and libc's start-up, without
 * indirect calls) are marked: they run even for --version.
 * Over-approximation is deliberate (recall first, as sysfilter/Confine):
 * the counts of indirect calls per object say how much.
 * Ownership: reach_ctx caches objects across programs of one image.
 * Threads: reach_prepare and reach_programs spread their work over
 * threads themselves; a reach_ctx is otherwise used from one thread.
 */
#ifndef ABICHECK_ANALYZER_REACH_H
#define ABICHECK_ANALYZER_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/loader.h"
#include "analyzer/scan.h"
#include "analyzer/sites.h"

#define REACH_CHAIN_MAX 48

struct reach_chain {
	char *steps[REACH_CHAIN_MAX]; /* owned */
	size_t n;
};

struct reached_syscall {
	long nr;
	enum syscall_arch table;
	bool startup;
	struct reach_chain chain;
	uint32_t depth; /* of the chain kept: the shortest found */
};

struct reached_vsyscall {
	uint64_t target;
	enum vsyscall_access access;
	bool fallback;
	struct reach_chain chain;
};

struct reached_vdso {
	char *name; /* owned */
	struct reach_chain chain;
};

/* Per object of the walk: how much of it is over-approximated. */
struct reach_object_stats {
	char label[128];
	size_t functions, reached, indirect_calls, address_taken;
};

struct reach_result {
	struct reach_object_stats *per_object;
	size_t nper_object;
	struct reached_syscall *syscalls;
	size_t nsyscalls;
	struct reached_vsyscall *vsyscalls;
	size_t nvsyscalls;
	struct reached_vdso *vdso;
	size_t nvdso;
	size_t objects, functions, unresolved_sites, indirect_calls;
	char **unbound; /* imports no object defines, "name@version" */
	size_t nunbound;
};

struct reach_object;

struct reach_ctx {
	const struct image *img;
	struct analysis_cache *cache; /* NULL: analyse every object afresh */
	struct loader *loader;
	struct reach_object **objs;
	size_t nobjs, capobjs;
	uint64_t clock; /* counts rounds of walks: which objects were needed last */
	size_t resident_max; /* bytes of reports and graphs kept between rounds */
	/* Objects whose report is cached are not read until a walk needs
	 * one (a warm check needs none); scan --reach reports them all. */
	bool lazy_sites;
};

void reach_init(struct reach_ctx *rc, const struct image *img, struct loader *ld);
void reach_free(struct reach_ctx *rc);

/* The per-file analysis of `n` the walk uses (cached, owned by rc): its
 * facts and error.  With an analysis cache its site report may have been
 * released (sites_released) to bound memory; reach_scan_sites loads it
 * back, valid until a later reach_program whose walk does not need it:
 * what `scan --reach` reports, so a --reach run analyses each file once. */
const struct elf_scan *reach_scan(struct reach_ctx *rc, const struct image_node *n);
const struct elf_scan *reach_scan_sites(struct reach_ctx *rc, const struct image_node *n);

/* Analyses `nodes` (ELF nodes of the image) on `threads` threads ahead of
 * the walks, which then find them ready. */
void reach_prepare(struct reach_ctx *rc, const struct image_node *const *nodes, size_t n,
		   unsigned threads);

/* Everything `program` (an ELF node of the image) can reach. */
void reach_program(struct reach_ctx *rc, const struct image_node *program, struct reach_result *out);
/* The same for `n` programs, walked on `threads` threads: out[i] is
 * programs[i]'s, exactly as reach_program would give it.  The walks go in
 * rounds bounded by the graphs they load; the results are all held until
 * the call returns, so callers pass a batch of programs at a time, not a
 * whole image. */
void reach_programs(struct reach_ctx *rc, const struct image_node *const *programs, size_t n,
		    unsigned threads, struct reach_result *out);
void reach_result_free(struct reach_result *r);

/* A result in the analysis cache (analyzer/reach_cache.c), keyed by all
 * the walk read; load returns false on a miss. */
struct analysis_cache;
struct digest;
bool reach_result_load(struct analysis_cache *c, const struct digest *key,
		       struct reach_result *out);
void reach_result_store(struct analysis_cache *c, const struct digest *key,
			const struct reach_result *r);

#endif
