/* analyzer/sites.c — see sites.h. */
#include "analyzer/sites.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/dynsyms.h"
#include "analyzer/functions.h"
#include "analyzer/insnstarts.h"
#include "common/tempdir.h"
#include "common/xalloc.h"
#include "common/sort.h"

#define VSYSCALL_BASE 0xffffffffff600000ull
#define MAX_FUNCTION_BYTES (4u << 20) /* beyond this an FDE is garbage */
#define SYMBOLS_KEPT_MAX (1u << 20)    /* bytes of symbol index: drop_large_symbols */

struct candidate {
	uint64_t addr;
	enum insn_site kind; /* SITE_NONE: a vsyscall candidate */
};

/* The function currently lifted, reused while candidates stay inside it. */
struct lifted {
	struct func_range range, requested;
	struct insn *insns;
	size_t n, cap;
	struct flow_graph fg; /* built once per lift, shared by its sites */
	bool valid;
};

/* Instruction starts seen by the linear sweep, so a function is lifted in
 * step with it even when its recorded start is not an instruction
 * boundary (glibc starts __restore_rt's FDE one byte early, inside a nop,
 * for unwinders), and call targets no function covers are taken as
 * function starts only where the sweep decoded an instruction.  While call
 * targets are checked, insnstarts.h answers; after that only lifts ask,
 * from a function's or a region's start and at most 15 bytes on, so 16
 * bits per start remain. */
#define LIFT_SKEW START_MASK_BYTES
struct boundaries {
	struct insn_starts sweep; /* until condense_starts */
	uint16_t *fn_mask;        /* per function: bit k = start + k is an instruction start */
	uint16_t *region_mask;
};

/* The ranges symbols and CFI gave, before call targets add more (a
 * copy: adding reorders fi), and max_end[i], the furthest end among
 * ranges 0..i.  Ranges nest and overlap, so the last one starting at or
 * before an address is not enough; the address is covered when max_end of
 * that one passes it.  (A linear scan per edge cost O(edges x functions):
 * 84% of a cold run on an image with libLLVM.) */
struct coverage {
	struct function_index known;
	uint64_t *max_end;
};

/* What a pass over the code collects: everything (the sweep), or, from
 * the instructions the sweep found transfers and loads at, decoded again,
 * those into the graph and the transfers to wrappers, or only the
 * transfers to wrappers (for wrappers found later). */
enum sweep_mode { SWEEP_ALL, SWEEP_GRAPH, SWEEP_WRAPPERS };

struct ctx {
	const struct elf_file *ef;
	struct boundaries starts;
	struct coverage cv; /* the index before call targets are added, until condense_starts */
	const struct arch *a;
	csh fast, full;         /* without / with operand detail */
	csh fast_alt, full_alt; /* the same in the alternate state (Thumb) */
	cs_insn *step_ci[2];    /* for re-runs of the sweep (insnstarts.h), per state */
	bool alt_default;       /* code is mostly in the alternate state */
	struct candidate *cands;
	size_t ncands, capcands;
	enum sweep_mode mode;
	/* The call graph's raw material (callgraph.h): where the sweep found
	 * transfers and loads, until the graph is built, at the end of the
	 * analysis (the graph needs the index with its call targets, and the
	 * PLT).  What they say is decoded again then: libLLVM's 1.15 million
	 * packed were the largest thing its analysis held (7 MB). */
	struct addr_list xfers;
	struct graph_builder *graph;
	/* Transfers to code no known function covers: the calls' targets,
	 * each kept once (libLLVM's 460 000 calls to its PLT stubs were
	 * 2 MB), and the jumps (a tail call leaves its function). */
	uint64_t *loose_calls;
	size_t nloose_calls, caploose_calls;
	struct edge_list loose_jumps;
	/* The transfers to wrappers (the starts wtargets, sorted) a pass
	 * collects. */
	uint64_t *wtargets;
	size_t nwtargets;
	struct edge_list wedges;
	struct addr_list indirect; /* indirect calls and jumps (8 bytes each
				    * were 1 MB for libLLVM) */
	/* Read once for the wrappers (the PLT) and the graph, which adds the
	 * relocations. */
	struct dynsyms dyn;
	struct lifted lf;
	struct site_report *out;
	size_t capsites, capw, capv;
};

const char *vsyscall_entry_name(uint64_t target)
{
	switch (target) {
	case VSYSCALL_BASE: return "gettimeofday";
	case VSYSCALL_BASE + 0x400: return "time";
	case VSYSCALL_BASE + 0x800: return "getcpu";
	default: return NULL;
	}
}

static bool in_vsyscall_page(uint64_t v)
{
	return v >= VSYSCALL_BASE && v < VSYSCALL_BASE + 0x1000;
}

/* Cheap test on raw bytes for the vsyscall page as a 32-bit sign-extended
 * immediate/displacement or a 64-bit immediate: ?? 0? 60 ff. */
static bool mentions_vsyscall(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (b[i + 3] == 0xff && b[i + 2] == 0x60 && (b[i + 1] & 0xf0) == 0)
			return true;
	return false;
}

static void add_candidate(struct ctx *c, uint64_t addr, enum insn_site kind)
{
	xgrow((void **)&c->cands, &c->capcands, c->ncands, sizeof(*c->cands));
	c->cands[c->ncands++] = (struct candidate){ addr, kind };
}

static void condense_starts(struct ctx *c)
{
	const struct function_index *fi = &c->out->funcs;

	c->starts.fn_mask = xcalloc(fi->n + 1, sizeof(uint16_t));
	c->starts.region_mask = xcalloc(c->ef->ncode + 1, sizeof(uint16_t));
	for (size_t f = 0; f < fi->n; f++)
		c->starts.fn_mask[f] = insn_starts_mask(&c->starts.sweep, fi->ranges[f].start);
	for (size_t i = 0; i < c->ef->ncode; i++)
		c->starts.region_mask[i] = insn_starts_mask(&c->starts.sweep, c->ef->code[i].vaddr);
	insn_starts_free(&c->starts.sweep);
	function_index_free(&c->cv.known);
	free(c->cv.max_end);
	c->cv.max_end = NULL;
}

/* The instruction starts from a lift's start on (see struct boundaries):
 * a function's start or a code region's, which is all lift_around makes. */
static uint16_t lift_start_mask(const struct ctx *c, uint64_t addr)
{
	size_t f = function_index_upper(&c->out->funcs, addr);

	if (f && c->out->funcs.ranges[f - 1].start == addr)
		return c->starts.fn_mask[f - 1];
	for (size_t i = 0; i < c->ef->ncode; i++)
		if (c->ef->code[i].vaddr == addr)
			return c->starts.region_mask[i];
	return (uint16_t)~0u; /* outside swept code, as is_start says */
}

/* One instruction of the sweep: the backend's fast decoder where it has
 * one (not in Thumb), capstone where it has none or asks for it. */
static bool sweep_one(const struct arch *a, csh h, bool alt, const uint8_t **code,
		      size_t *size, uint64_t *addr, cs_insn *ci)
{
	enum sweep_result r = a->sweep_decode && !alt ? a->sweep_decode(*code, *size, *addr, ci)
						      : SWEEP_ASK;

	if (r == SWEEP_ASK)
		return cs_disasm_iter(h, code, size, addr, ci);
	if (r == SWEEP_OK)
		*code += ci->size, *size -= ci->size, *addr += ci->size;
	return r == SWEEP_OK;
}

/* Past undecodable bytes the sweep moves on by the instruction alignment
 * (as objdump does); insnstarts.h's re-runs must move exactly alike. */
static size_t resync_skip(const struct arch *a, size_t size)
{
	return size < a->insn_align ? size : a->insn_align;
}

/* One step of the sweep as insnstarts.h re-runs it: where sweep_span
 * would go next from `addr`. */
static size_t sweep_step(void *arg, bool alt, const uint8_t *code, size_t size, uint64_t addr)
{
	struct ctx *c = arg;
	csh h = alt ? c->fast_alt : c->fast;
	cs_insn **ci = &c->step_ci[alt];
	size_t left = size;

	if (!*ci)
		*ci = cs_malloc(h);
	if (sweep_one(c->a, h, alt, &code, &left, &addr, *ci))
		return size - left;
	return resync_skip(c->a, size);
}

/* Calls repeat their targets (libLLVM's 500 000 calls to its PLT stubs
 * made 4 MB of starts, copied and sorted again): a full list keeps each
 * once before it grows. */
static void add_start(uint64_t **starts, size_t *n, size_t *cap, uint64_t addr)
{
	if (*n && *n == *cap) {
		*n = function_starts_unique(*starts, *n);
		if (*n > *cap / 2)
			xgrow((void **)starts, cap, *cap, sizeof(**starts));
	}
	xgrow((void **)starts, cap, *n, sizeof(**starts));
	(*starts)[(*n)++] = addr;
}

/* The code region holding addr (the first, where hostile files overlap
 * them), or -1. */
static long region_of(const struct ctx *c, uint64_t addr)
{
	for (size_t i = 0; i < c->ef->ncode; i++)
		if (addr - c->ef->code[i].vaddr < c->ef->code[i].size)
			return (long)i;
	return -1;
}

static bool in_code(const struct ctx *c, uint64_t addr, uint64_t *end)
{
	long i = region_of(c, addr);

	if (i >= 0)
		*end = c->ef->code[i].vaddr + c->ef->code[i].size;
	return i >= 0;
}
static bool covered(const struct coverage *cv, uint64_t addr);

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_wrapper_target(const struct ctx *c, uint64_t target)
{
	return c->nwtargets &&
	       search_array(&target, c->wtargets, c->nwtargets, sizeof(target), u64_cmp);
}

/* A transfer, or (ref) an address load, a pass found. */
static void found_edge(struct ctx *c, const struct code_edge *e, bool ref)
{
	uint64_t end;

	if (c->mode != SWEEP_ALL) {
		if (c->mode == SWEEP_GRAPH)
			call_graph_add_code(c->graph, e, ref);
		if (!ref && is_wrapper_target(c, e->target))
			edge_list_add(&c->wedges, e);
		return;
	}
	if (ref || !in_code(c, e->target, &end) || covered(&c->cv, e->target))
		return;
	if (e->call)
		add_start(&c->loose_calls, &c->nloose_calls, &c->caploose_calls, e->target);
	else
		edge_list_add(&c->loose_jumps, e);
}

/* What one decoded instruction adds: a syscall or vsyscall candidate, a
 * transfer, an indirect call, an address load (only transfers and loads
 * when decoded again). */
static void sweep_insn(struct ctx *c, const cs_insn *ci, bool alt)
{
	bool all = c->mode == SWEEP_ALL, direct, is_call;
	uint64_t target = 0;
	enum insn_site k = all ? c->a->site_of(ci) : SITE_NONE;

	/* Thumb has only EABI's `svc #0` (OABI's svc #0x9xxxxx is ARM
	 * state); without mapping symbols any other svc in Thumb is a
	 * literal-pool word decoded as code. */
	if (k == SITE_SVC && alt && !c->ef->nmaps && ci->size == 2 && ci->bytes[0] != 0)
		k = SITE_NONE;
	if (k != SITE_NONE)
		add_candidate(c, ci->address, k);
	if ((direct = c->a->direct_target(ci, alt, &target, &is_call))) {
		if (all)
			addr_list_add(&c->xfers, ci->address, alt);
		found_edge(c, &(struct code_edge){ ci->address, target, is_call }, false);
		if (all && in_vsyscall_page(target) && c->a == &arch_x86_64)
			add_candidate(c, ci->address, SITE_NONE);
	} else if (c->a->indirect_branch(ci)) {
		if (all) {
			addr_list_add(&c->indirect, ci->address, false);
		}
	} else if (c->a->address_ref && c->a->address_ref(ci, &target)) {
		if (all)
			addr_list_add(&c->xfers, ci->address, alt);
		found_edge(c, &(struct code_edge){ ci->address, target, false }, true);
	}
	if (all && c->a == &arch_x86_64 && mentions_vsyscall(ci->bytes, ci->size) &&
	    !(direct && in_vsyscall_page(target)))
		add_candidate(c, ci->address, SITE_NONE);
}

/* Linear sweep of [off, end) of a region with one decoder state. */
static void sweep_span(struct ctx *c, size_t ri, size_t off, size_t end, bool alt)
{
	const struct code_region *r = &c->ef->code[ri];
	const uint8_t *code = r->bytes + off;
	size_t size = end - off;
	uint64_t addr = r->vaddr + off;
	csh h = alt ? c->fast_alt : c->fast;
	cs_insn *ci = cs_malloc(h);
	size_t behind = off; /* swept text released up to here: libLLVM's 48 MB
			      * would all be resident at the end of its sweep;
			      * the lifts fault back what they read */

	while (size && !ac_interrupted()) {
		elf_file_release_behind(c->ef, r->bytes, &behind, (size_t)(code - r->bytes));
		insn_starts_mark(&c->starts.sweep, ri, addr);
		if (!sweep_one(c->a, h, alt, &code, &size, &addr, ci)) {
			size_t skip = resync_skip(c->a, size);
			code += skip, size -= skip, addr += skip;
			c->out->undecodable_bytes += skip;
			continue;
		}
		sweep_insn(c, ci, alt);
	}
	cs_free(ci, 1);
}

/* Sweeps a region as objdump does: where ARM mapping symbols exist, $d
 * spans are data and $a/$t choose the state; otherwise one state. */
static void sweep_region(struct ctx *c, size_t ri)
{
	const struct code_region *r = &c->ef->code[ri];
	size_t off = 0;
	bool alt = c->alt_default, data = false;

	c->out->code_bytes += r->size;
	for (size_t i = 0; i <= c->ef->nmaps; i++) {
		const struct mapping_symbol *m = i < c->ef->nmaps ? &c->ef->maps[i] : NULL;
		size_t next;
		if (m && (m->addr < r->vaddr + off || m->addr >= r->vaddr + r->size)) {
			if (m->addr < r->vaddr + off) { /* the state in force at our start */
				data = m->kind == 'd';
				alt = m->kind == 't';
			}
			continue;
		}
		next = m ? (size_t)(m->addr - r->vaddr) : r->size;
		if (next > off && !data) {
			insn_starts_span(&c->starts.sweep, ri, off, next, alt && c->fast_alt);
			sweep_span(c, ri, off, next, alt && c->fast_alt);
		}
		if (!m)
			break;
		off = next;
		data = m->kind == 'd';
		alt = m->kind == 't';
	}
}

/* The instructions the sweep found transfers and loads at, decoded again
 * in the same state from the same bytes, in sweep order (`mode`: into the
 * graph, or only the transfers to wrappers). */
static void revisit(struct ctx *c, enum sweep_mode mode)
{
	cs_insn *ci[2] = { cs_malloc(c->fast), c->fast_alt ? cs_malloc(c->fast_alt) : NULL };
	struct addr_cursor cur;
	uint64_t addr;
	long ri = -1;
	size_t behind = 0; /* of region ri, released up to here */
	bool alt;

	c->mode = mode;
	addr_cursor_init(&cur, &c->xfers);
	while (addr_cursor_next(&cur, &addr, &alt) && !ac_interrupted()) {
		const struct code_region *r = ri >= 0 ? &c->ef->code[ri] : NULL;
		if (!r || addr - r->vaddr >= r->size) {
			if ((ri = region_of(c, addr)) < 0)
				continue;
			r = &c->ef->code[ri];
			behind = (size_t)(addr - r->vaddr);
		}
		size_t off = (size_t)(addr - r->vaddr), size = r->size - off;
		const uint8_t *code = r->bytes + off;
		uint64_t at = addr;
		elf_file_release_behind(c->ef, r->bytes, &behind, off);
		alt = alt && ci[1];
		if (sweep_one(c->a, alt ? c->fast_alt : c->fast, alt, &code, &size, &at, ci[alt]))
			sweep_insn(c, ci[alt], alt);
	}
	c->mode = SWEEP_ALL;
	for (int k = 0; k < 2; k++)
		if (ci[k])
			cs_free(ci[k], 1);
}

size_t lift_code(csh h, const struct arch *a, const struct elf_file *ef, bool alt,
		 const uint8_t *code, size_t len, uint64_t addr, struct insn **out, size_t *cap)
{
	cs_insn *ci = cs_malloc(h);
	size_t n = 0;

	while (len && cs_disasm_iter(h, &code, &len, &addr, ci)) {
		xgrow((void **)out, cap, n, sizeof(**out));
		a->lift(h, ci, ef, alt, &(*out)[n++]);
	}
	cs_free(ci, 1);
	return n;
}

size_t lift_bytes(const struct arch *a, const uint8_t *code, size_t len, uint64_t addr,
		  struct insn **out)
{
	csh h;
	size_t n, cap = 0;

	*out = NULL;
	if (cs_open(a->cs_arch, a->cs_mode, &h) != CS_ERR_OK)
		return 0;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	n = lift_code(h, a, NULL, false, code, len, addr, out, &cap);
	cs_close(&h);
	return n;
}

static bool lift_function(struct ctx *c, struct func_range fr)
{
	struct lifted *lf = &c->lf;
	const uint8_t *code;
	size_t size;
	uint64_t addr = fr.start;
	const struct elf_symbol *sym = c->full_alt ? elf_file_symbol_at(c->ef, fr.start) : NULL;
	/* ARM: a function symbol's low bit says Thumb; else the file's habit. */
	bool alt = c->full_alt && (sym && sym->value == fr.start ? sym->thumb : c->alt_default);

	if (lf->valid && lf->requested.start == fr.start && lf->requested.end == fr.end)
		return true;
	lf->requested = fr;
	lf->valid = false;
	lf->n = 0;
	flow_graph_free(&lf->fg);
	if (fr.end <= fr.start || fr.end - fr.start > MAX_FUNCTION_BYTES)
		return false;
	uint16_t starts = lift_start_mask(c, addr);

	for (int skew = 0; skew < LIFT_SKEW && addr < fr.end && !(starts >> skew & 1); skew++)
		addr++;
	fr.start = addr;
	size = (size_t)(fr.end - addr);
	code = elf_file_at(c->ef, addr, size);
	if (!code)
		return false;
	lf->n = lift_code(alt ? c->full_alt : c->full, c->a, c->ef, alt, code, size, addr,
			  &lf->insns, &lf->cap);
	lf->range = fr;
	lf->valid = lf->n > 0;
	if (lf->valid)
		flow_graph_build(&lf->fg, lf->insns, lf->n);
	return lf->valid;
}

static long find_insn(const struct lifted *lf, uint64_t addr)
{
	size_t lo = 0, hi = lf->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lf->insns[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < lf->n && lf->insns[lo].addr == addr ? (long)lo : -1;
}

/* Lifts the function around addr; returns the instruction's index or -1. */
static long lift_around(struct ctx *c, uint64_t addr, struct func_range *fr)
{
	long ri = region_of(c, addr);
	const struct code_region *r = ri >= 0 ? &c->ef->code[ri] : NULL;

	if (!function_index_find(&c->out->funcs, addr, fr) &&
	    !(r && function_index_gap(&c->out->funcs, addr, r->vaddr, r->vaddr + r->size, fr)))
		return -1;
	if (!lift_function(c, *fr))
		return -1;
	return find_insn(&c->lf, addr);
}

static const char *symbol_name(const struct ctx *c, uint64_t addr)
{
	const struct elf_symbol *s = elf_file_symbol_at(c->ef, addr);

	return s ? s->name : NULL;
}

static void resolve_site(struct ctx *c, const struct candidate *cand)
{
	struct syscall_site *s;
	struct func_range fr;
	long at = lift_around(c, cand->addr, &fr);

	xgrow((void **)&c->out->sites, &c->capsites, c->out->nsites, sizeof(*c->out->sites));
	s = &c->out->sites[c->out->nsites++];
	memset(s, 0, sizeof(*s));
	s->addr = cand->addr;
	s->kind = cand->kind;
	s->table = c->a->table;
	if (c->a == &arch_x86_64 && (cand->kind == SITE_INT80 || cand->kind == SITE_SYSENTER))
		s->table = SYSCALL_I386;
	s->function = symbol_name(c, cand->addr);
	if (at < 0) {
		s->res.reason = UNRES_NO_FUNCTION;
		s->res.arg_reg = REG_NONE;
		return;
	}
	s->func_start = fr.start;
	if (c->a->inline_number && c->a->inline_number(&c->lf.insns[at]) >= 0) { /* arm OABI */
		s->res.values[0] = c->a->inline_number(&c->lf.insns[at]);
		s->res.nvalues = 1;
		s->res.arg_reg = REG_NONE;
		return;
	}
	flow_graph_resolve(&c->lf.fg, (size_t)at, c->a->number_reg, &s->res);
}

/* True when the function references a vDSO lookup string: glibc <= 2.13's
 * IFUNC resolvers try _dl_vdso_vsym("__vdso_time", LINUX_2.6) first and
 * only fall back to the vsyscall address when the vDSO lacks it. */
static bool looks_up_vdso(const struct ctx *c)
{
	for (size_t i = 0; i < c->lf.n; i++) {
		const struct insn *in = &c->lf.insns[i];
		const char *s;
		if (in->abs_ref_kind != 1 && in->abs_ref_kind != 2)
			continue;
		s = (const char *)elf_file_at(c->ef, in->abs_ref, 9);
		if (s && (!strncmp(s, "__vdso_", 7) || !strncmp(s, "LINUX_2.6", 9)))
			return true;
	}
	return false;
}

/* Most candidates only look like the page's address (a displacement
 * ?? 0? 60 ff); decoding the one instruction rules them out before its
 * whole function is lifted: gcc's cc1 has such bytes in functions of
 * 100 000 instructions, 7 MB lifted for each.  The lift decodes the same
 * bytes at the same address, so this never drops a use. */
static bool names_vsyscall_page(const struct ctx *c, uint64_t addr)
{
	uint64_t end, at = addr;
	size_t len;
	const uint8_t *code;
	cs_insn *ci;
	struct insn in = { 0 };
	bool yes = false;

	if (!in_code(c, addr, &end))
		return true; /* the lift decides */
	len = end - addr < 16 ? (size_t)(end - addr) : 16;
	code = elf_file_at(c->ef, addr, len);
	if (!code)
		return true;
	ci = cs_malloc(c->full);
	if (cs_disasm_iter(c->full, &code, &len, &at, ci)) {
		c->a->lift(c->full, ci, c->ef, false, &in);
		yes = in_vsyscall_page(in.abs_ref) && in.abs_ref_kind;
	}
	cs_free(ci, 1);
	return yes;
}

static void vsyscall_candidate(struct ctx *c, const struct candidate *cand)
{
	struct func_range fr;
	long at;
	const struct insn *in;
	struct vsyscall_use *v;

	if (!names_vsyscall_page(c, cand->addr))
		return;
	at = lift_around(c, cand->addr, &fr);
	if (at < 0)
		return;
	in = &c->lf.insns[at];
	if (!in_vsyscall_page(in->abs_ref) || !in->abs_ref_kind)
		return;
	xgrow((void **)&c->out->vsyscalls, &c->capv, c->out->nvsyscalls, sizeof(*c->out->vsyscalls));
	v = &c->out->vsyscalls[c->out->nvsyscalls++];
	v->addr = in->addr;
	v->target = in->abs_ref;
	/* A direct branch or an address loaded as a constant (to be called
	 * through a register, or returned by an IFUNC resolver) executes the
	 * page; a memory operand reads it. */
	v->access = in->abs_ref_kind == 2 ? VSYSCALL_READ : VSYSCALL_EXEC;
	v->fallback = looks_up_vdso(c);
	v->function = symbol_name(c, in->addr);
}

static int cand_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Before the sweep, which asks of each transfer whether its target is
 * covered: the index itself (the sweep does not change it) and max_end. */
static void coverage_init(struct coverage *cv, const struct function_index *fi)
{
	size_t n = fi->n;

	cv->known = *fi; /* borrowed until coverage_copy */
	cv->max_end = xcalloc(n + 1, sizeof(*cv->max_end));
	for (size_t i = 0; i < n; i++) {
		uint64_t e = fi->ranges[i].end;
		cv->max_end[i] = i && cv->max_end[i - 1] > e ? cv->max_end[i - 1] : e;
	}
}

/* After it: adding call targets reorders the index, and the starts' bits
 * stay with this copy (made only now, not during the sweep: libLLVM's is
 * 2 MB); covered() is asked no more. */
static void coverage_copy(struct coverage *cv)
{
	struct func_range *r = xcalloc(cv->known.n + 1, sizeof(*r));

	if (cv->known.n)
		memcpy(r, cv->known.ranges, cv->known.n * sizeof(*r));
	cv->known.ranges = r;
	free(cv->max_end);
	cv->max_end = NULL;
}

static bool covered(const struct coverage *cv, uint64_t addr)
{
	size_t next = function_index_upper(&cv->known, addr);

	return next > 0 && cv->max_end[next - 1] > addr;
}

/* Stripped code without CFI (musl's libc.so) has no bounds for its hidden
 * functions.  A call target starts one; so does the target of a jump that
 * leaves its function (a tail call, like musl's __syscall_cp thunk).  Each
 * runs to the next known start.  Symbols and CFI always win. */
static void add_call_targets(struct ctx *c)
{
	struct function_index *fi = &c->out->funcs;
	uint64_t *starts = NULL;
	size_t n = 0, cap = 0;
	struct edge_cursor cur;
	struct code_edge e;

	/* The calls first: their functions decide which jumps leave one. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			starts = NULL, n = 0, cap = 0;
			edge_cursor_init(&cur, &c->loose_jumps);
			while (edge_cursor_next(&cur, &e)) {
				struct func_range from;
				/* A jump leaving its function, or a function that
				 * is only a jump (a thunk), is a tail call. */
				if (function_index_find(fi, e.from, &from) &&
				    (e.target < from.start || e.target >= from.end || e.from == from.start))
					add_start(&starts, &n, &cap, e.target);
			}
		} else {
			starts = c->loose_calls, n = c->nloose_calls;
			c->loose_calls = NULL;
		}
		/* Only where the sweep decoded an instruction (asked once each). */
		n = function_starts_unique(starts, n);
		n = insn_starts_filter(&c->starts.sweep, c->ef, starts, n);
		function_index_add_starts(fi, starts, n, c->ef->code, c->ef->ncode);
		free(starts);
	}
	edge_list_free(&c->loose_jumps);
}

static bool is_arg_reg(const struct arch *a, int reg)
{
	for (int i = 0; i < a->nargs; i++)
		if (a->arg_regs[i] == reg)
			return true;
	return false;
}

/* A function whose syscall number arrives in argument register `reg`. */
struct wrapper {
	uint64_t start;
	int reg;
	const char *name;
	bool named_later; /* found through a caller: named by name_wrapper_calls */
};

/* Wrappers in the order found; the passes collected the transfers to the
 * first `collected` of them. */
struct wrappers {
	struct wrapper *w;
	size_t n, cap, collected;
};

static void add_wrapper(struct wrappers *ws, uint64_t start, int reg, const char *name,
			bool named_later)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->w[i].start == start)
			return;
	if (ws->n >= 256)
		return;
	xgrow((void **)&ws->w, &ws->cap, ws->n, sizeof(*ws->w));
	ws->w[ws->n++] = (struct wrapper){ start, reg, name, named_later };
}

/* The C library's syscall(number, ...) imported through the PLT: its
 * stubs are wrappers whose number is the first argument, so a program's
 * syscall(SYS_x) is resolved where it is called, not only inside libc.
 * And the functions whose syscall number is an argument. */
static void wrappers_init(struct ctx *c, struct wrappers *ws)
{
	const struct dynsyms *d = &c->dyn;
	uint64_t h = link_hash("syscall"); /* not a read of every import's name */

	for (size_t i = 0; i < d->nplt; i++)
		if (d->imports[d->plt[i].import].hash == h &&
		    !strcmp(d->imports[d->plt[i].import].name, "syscall"))
			add_wrapper(ws, d->plt[i].addr, c->a->arg_regs[0], "syscall@plt", false);
	for (size_t i = 0; i < c->out->nsites; i++) {
		const struct syscall_site *s = &c->out->sites[i];
		if (s->res.reason == UNRES_ARGUMENT && !s->res.nvalues && is_arg_reg(c->a, s->res.arg_reg))
			add_wrapper(ws, s->func_start, s->res.arg_reg, s->function, false);
	}
}

/* A pass (`mode`) collects the transfers to the wrappers from `first` on
 * into c->wedges. */
static void collect_wrapper_calls(struct ctx *c, struct wrappers *ws, size_t first,
			       enum sweep_mode mode)
{
	edge_list_free(&c->wedges);
	c->nwtargets = 0;
	c->wtargets = xrealloc(c->wtargets, (ws->n - first + 1) * sizeof(*c->wtargets));
	for (size_t i = first; i < ws->n; i++)
		c->wtargets[c->nwtargets++] = ws->w[i].start;
	sort_array(c->wtargets, c->nwtargets, sizeof(*c->wtargets), u64_cmp);
	revisit(c, mode);
	ws->collected = ws->n;
}

/* A transfer to wrapper wr at e: its number resolved there, or the
 * caller passing its own argument on (a wrapper too). */
static void wrapper_call(struct ctx *c, struct wrappers *ws, const struct wrapper *wr,
			 const struct code_edge *e)
{
	struct func_range fr;
	struct wrapper_call *w;
	struct resolution res;
	long at = lift_around(c, e->from, &fr);

	if (at < 0)
		return;
	flow_graph_resolve(&c->lf.fg, (size_t)at, wr->reg, &res);
	if (res.reason == UNRES_ARGUMENT && !res.nvalues && is_arg_reg(c->a, res.arg_reg)) {
		add_wrapper(ws, fr.start, res.arg_reg, NULL, true);
		return;
	}
	xgrow((void **)&c->out->wcalls, &c->capw, c->out->nwcalls, sizeof(*c->out->wcalls));
	w = &c->out->wcalls[c->out->nwcalls++];
	memset(w, 0, sizeof(*w));
	w->addr = e->from;
	w->wrapper = wr->start;
	w->wrapper_name = wr->name;
	w->res = res;
}

/* The names of the callers and of the wrappers found through them, once
 * the rest of the analysis is done: the symbol index they come from is
 * not held beside the graph being placed (libLLVM: 2 MB). */
static void name_wrapper_calls(struct ctx *c, const struct wrappers *ws)
{
	for (size_t i = 0; i < c->out->nwcalls; i++) {
		struct wrapper_call *w = &c->out->wcalls[i];
		w->caller = symbol_name(c, w->addr);
		for (size_t k = 0; k < ws->n; k++)
			if (ws->w[k].start == w->wrapper && ws->w[k].named_later)
				w->wrapper_name = symbol_name(c, w->wrapper);
	}
}

/* Callers of functions whose syscall number is an argument, transitively:
 * musl's write() passes its number to __syscall_cp, which passes it on to
 * __syscall_cp_asm, where the syscall instruction is. */
static void resolve_wrappers(struct ctx *c, struct wrappers *ws)
{
	for (size_t k = 0; k < ws->n; k++) { /* grows while we walk it */
		struct wrapper wr = ws->w[k];
		struct edge_cursor cur;
		struct code_edge e;
		if (k >= ws->collected)
			collect_wrapper_calls(c, ws, k, SWEEP_WRAPPERS);
		edge_cursor_init(&cur, &c->wedges);
		while (edge_cursor_next(&cur, &e))
			if (e.target == wr.start)
				wrapper_call(c, ws, &wr, &e);
	}
}

/* NUL-terminated "__vdso_*" / "__kernel_*" strings in read-only data: the
 * names libc passes to its vDSO lookup. */
static void find_vdso_names(const struct elf_file *ef, struct site_report *out)
{
	size_t cap = 0;
	Elf_Scn *scn = NULL;

	while (ef->has_sections && (scn = elf_nextscn(ef->elf, scn))) {
		GElf_Shdr sh;
		const char *b;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    (sh.sh_flags & (SHF_EXECINSTR | SHF_WRITE)) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		size_t behind = 0; /* released up to here */
		b = (const char *)elf_file_range(ef, sh.sh_offset, sh.sh_size);
		for (size_t i = 0; b && i + 8 < sh.sh_size; i++) {
			const char *p = b + i;
			size_t len;
			elf_file_release_behind(ef, b, &behind, i);
			if ((i && p[-1]) || (strncmp(p, "__vdso_", 7) && strncmp(p, "__kernel_", 9)))
				continue;
			len = strnlen(p, sh.sh_size - i);
			if (len == sh.sh_size - i || len > 64)
				continue;
			xgrow((void **)&out->vdso_symbols, &cap, out->nvdso, sizeof(char *));
			out->vdso_symbols[out->nvdso++] = p;
			i += len;
		}
		/* 31 MB of libLLVM's .rodata, of which the names keep a few
		 * pages: released behind, as the sweep does the text. */
		if (b)
			elf_file_release_range(ef, b + behind, sh.sh_size - behind);
	}
}

static int open_pair(const struct arch *a, cs_mode mode, csh *fast, csh *full,
		     struct ac_error *err)
{
	if (cs_open(a->cs_arch, mode, fast) != CS_ERR_OK)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "capstone cannot open %s", a->name);
	if (cs_open(a->cs_arch, mode, full) != CS_ERR_OK) {
		cs_close(fast);
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "capstone cannot open %s", a->name);
	}
	cs_option(*full, CS_OPT_DETAIL, CS_OPT_ON);
	return 0;
}

/* ARM files are swept in Thumb state when the entry point or most
 * function symbols say so (Debian armhf), else in ARM state. */
static bool mostly_alt(const struct elf_file *ef)
{
	size_t thumb = 0, funcs = 0;

	for (size_t i = 0; i < ef->nsyms; i++)
		if (ef->syms[i].is_func) {
			funcs++;
			thumb += ef->syms[i].thumb;
		}
	return (ef->ehdr.e_entry & 1) || (funcs && thumb * 2 > funcs);
}

/* The graph is built once the index has its call targets and the PLT is
 * read; each input goes before the next is read: the names (hashed into
 * the link table) before the transfers are decoded again and placed,
 * those before the relocations stream in (libLLVM: 4 MB of symbol and
 * string tables, 1.15 million transfers and loads, 335 000 data refs,
 * 8 MB of .rela.dyn). */
static void build_graph(struct ctx *c, struct wrappers *ws)
{
	struct graph_input in = {
		.funcs = &c->out->funcs, .indirect = &c->indirect,
		.dyn = &c->dyn,
	};
	struct graph_builder b;

	link_table_build_binding(c->ef, &c->dyn, &c->out->funcs, &c->out->links);
	/* The link table has what the rest needed of the dynamic symbols
	 * (libLLVM: 2 MB): placement and the relocations need only the PLT
	 * and the import count. */
	dynsyms_drop_symbols(&c->dyn);
	elf_file_release_step(c->ef);
	call_graph_begin(&in, &c->out->graph, &b);
	c->graph = &b;
	collect_wrapper_calls(c, ws, 0, SWEEP_GRAPH);
	c->graph = NULL;
	resolve_wrappers(c, ws);
	addr_list_free(&c->xfers);
	edge_list_free(&c->wedges);
	free(c->wtargets);
	c->wtargets = NULL;
	call_graph_end_code(&b);
	elf_file_release_step(c->ef);
	dynsyms_read_relocations(c->ef, &c->dyn, call_graph_add_data_ref, &b);
	call_graph_finish(&in, &b);
	dynsyms_free(&c->dyn);
	c->out->nindirect = c->indirect.n;
	addr_list_free(&c->indirect);
	name_wrapper_calls(c, ws);
	elf_file_drop_symbols(c->ef);
}

static int open_handles(struct ctx *c, struct ac_error *err)
{
	if (open_pair(c->a, c->a->cs_mode, &c->fast, &c->full, err) < 0)
		return -1;
	if (c->a->cs_mode_alt) {
		if (open_pair(c->a, c->a->cs_mode_alt, &c->fast_alt, &c->full_alt, err) < 0) {
			cs_close(&c->fast);
			cs_close(&c->full);
			return -1;
		}
		c->alt_default = mostly_alt(c->ef);
	}
	return 0;
}

/* A large symbol index goes while a step needs none of it (the sweep
 * needs only ARM's mapping symbols): a name asked for later indexes the
 * symbols again (libLLVM's is 2 MB; minbase's largest 0.2). */
static void drop_large_symbols(const struct elf_file *ef)
{
	if (!ef->nmaps && ef->nsyms * sizeof(*ef->syms) >= SYMBOLS_KEPT_MAX)
		elf_file_drop_symbols(ef);
}

int analyze_sites(const struct elf_file *ef, const struct arch *a, struct site_report *out,
		  struct ac_error *err)
{
	struct ctx c = { .ef = ef, .a = a, .out = out };
	struct wrappers ws = { 0 };

	memset(out, 0, sizeof(*out));
	out->arch = a;
	elf_file_index_symbols(ef); /* functions, mapping symbols, Thumb */
	if (open_handles(&c, err) < 0)
		return -1;
	function_index_build(ef, &c.out->funcs);
	drop_large_symbols(ef);
	/* Each step reads its own part of the file (.eh_frame, the text, the
	 * relocations); what it read is released behind it, or a large
	 * library's analysis holds most of its file (libLLVM: 20 MB). */
	elf_file_release_step(ef);
	coverage_init(&c.cv, &out->funcs);
	insn_starts_init(&c.starts.sweep, ef->code, ef->ncode, &out->funcs, sweep_step, &c);
	for (size_t i = 0; i < ef->ncode; i++)
		sweep_region(&c, i);
	insn_starts_finish(&c.starts.sweep);
	coverage_copy(&c.cv);
	insn_starts_set_known(&c.starts.sweep, &c.cv.known);
	elf_file_release_step(ef);
	add_call_targets(&c);
	condense_starts(&c);
	elf_file_release_step(ef); /* what the checks of call targets re-read */
	sort_array(c.cands, c.ncands, sizeof(*c.cands), cand_cmp);
	for (size_t i = 0; i < c.ncands && !ac_interrupted(); i++) {
		if (c.cands[i].kind == SITE_NONE)
			vsyscall_candidate(&c, &c.cands[i]);
		else
			resolve_site(&c, &c.cands[i]);
	}
	elf_file_release_step(ef); /* the lifted functions: libLLVM's 4 MB */
	link_table_build_names(ef, &out->funcs, &out->links);
	drop_large_symbols(ef);
	dynsyms_read_symbols(ef, &c.dyn);
	wrappers_init(&c, &ws);
	elf_file_release_step(ef);
	build_graph(&c, &ws);
	free(ws.w);
	free(c.starts.fn_mask);
	free(c.starts.region_mask);
	elf_file_release_step(ef);
	find_vdso_names(ef, out);
	free(c.cands);
	free(c.lf.insns);
	flow_graph_free(&c.lf.fg);
	for (int k = 0; k < 2; k++)
		if (c.step_ci[k])
			cs_free(c.step_ci[k], 1);
	cs_close(&c.fast);
	cs_close(&c.full);
	if (c.full_alt) {
		cs_close(&c.fast_alt);
		cs_close(&c.full_alt);
	}
	return 0;
}

size_t site_report_resolved(const struct site_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsites; i++)
		n += r->sites[i].res.reason == UNRES_NONE;
	return n;
}

static int value_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

size_t site_report_distinct(const struct site_report *r)
{
	size_t n = 0, cap = 0, distinct = 0;
	int64_t *all = NULL;

	for (size_t i = 0; i < r->nsites + r->nwcalls; i++) {
		const struct resolution *res = i < r->nsites ? &r->sites[i].res
							     : &r->wcalls[i - r->nsites].res;
		for (int k = 0; k < res->nvalues; k++) {
			xgrow((void **)&all, &cap, n, sizeof(*all));
			all[n++] = res->values[k];
		}
	}
	sort_array(all, n, sizeof(*all), value_cmp);
	for (size_t i = 0; i < n; i++)
		distinct += !i || all[i] != all[i - 1];
	free(all);
	return distinct;
}

size_t site_report_bytes(const struct site_report *r)
{
	return (r->funcs.ranges ? r->funcs.n * sizeof(*r->funcs.ranges) : 0) +
	       call_graph_bytes(&r->graph) +
	       link_table_bytes(&r->links) +
	       r->nsites * sizeof(*r->sites) + r->nwcalls * sizeof(*r->wcalls) +
	       r->nvsyscalls * sizeof(*r->vsyscalls) + r->nvdso * sizeof(*r->vdso_symbols);
}

void site_report_free(struct site_report *r)
{
	function_index_free(&r->funcs);
	call_graph_free(&r->graph);
	link_table_free(&r->links);
	free(r->sites);
	free(r->wcalls);
	free(r->vsyscalls);
	free(r->vdso_symbols);
	free(r->owned_strings);
	memset(r, 0, sizeof(*r));
}
