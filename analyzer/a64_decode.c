/* analyzer/a64_decode.c — see a64_decode.h.
 *
 * Source: Arm Architecture Reference Manual for A-profile (DDI 0487),
 * chapter C4 "A64 Instruction Set Encoding": each row below is one of
 * its encoding classes, its mask and value taken from the class's fixed
 * bits, its predicate the class's "unallocated" rows that capstone 4
 * (LLVM's ARMv8.2 decoder tables) also refuses.  A row claims only
 * words capstone decodes; anything the predicate does not accept is
 * asked of capstone, so the tables can be partial but never wrong.
 * Rows are ordered by how often their classes occur in Debian's aarch64
 * code (loads/stores, moves and adds first).
 */
#include "analyzer/a64_decode.h"

#include <stdbool.h>
#include <stddef.h>

/* Bits hi..lo of w. */
#define F(w, hi, lo) (((w) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))

/* Load/store of one register: which (size, V, opc) exist (C4.1.94). */
static bool ldst_single_exists(uint32_t w)
{
	unsigned size = F(w, 31, 30), v = F(w, 26, 26), opc = F(w, 23, 22);

	if (v)
		return opc < 2 || size == 0; /* 128-bit q only as size 00 */
	return !(size >= 2 && opc == 3);
}

static bool is_prfm(uint32_t w)
{
	return F(w, 31, 30) == 3 && !F(w, 26, 26) && F(w, 23, 22) == 2;
}

/* Unscaled, post-, pre-indexed and unprivileged (imm9) forms: only the
 * unscaled one has a prefetch (prfum); unprivileged has no SIMD&FP.
 * Writing back to the transferred register (Rn == Rt, not sp) is
 * CONSTRAINED UNPREDICTABLE, which LLVM's decoder reports as a soft
 * failure and capstone as undecodable: asked, like the pairs below. */
static bool ldst_imm9(uint32_t w)
{
	unsigned type = F(w, 11, 10), rn = F(w, 9, 5);

	if (!ldst_single_exists(w) || (is_prfm(w) && type != 0))
		return false;
	if (type != 0 && !F(w, 26, 26) && rn != 31 && rn == F(w, 4, 0))
		return false;
	return !(type == 2 && F(w, 26, 26));
}

/* Register offset: option<1> (bit 14) must be set (uxtw, lsl, sxtw, sxtx). */
static bool ldst_regoff(uint32_t w)
{
	return ldst_single_exists(w) && F(w, 14, 14);
}

static bool ldst_literal(uint32_t w)
{
	return !(F(w, 26, 26) && F(w, 31, 30) == 3);
}

/* Pairs: opc 11 is unallocated; opc 01 without V is ldpsw, a load that
 * has no no-allocate form (stgp, its store, is ARMv8.5).  Unpredictable
 * (asked): a load of one register twice, a writeback to a transferred one. */
static bool ldst_pair(uint32_t w)
{
	unsigned opc = F(w, 31, 30), type = F(w, 24, 23);
	unsigned rt = F(w, 4, 0), rn = F(w, 9, 5), rt2 = F(w, 14, 10);

	if (opc == 3 || (F(w, 22, 22) && rt == rt2))
		return false;
	if ((type & 1) && rn != 31 && (rn == rt || rn == rt2))
		return false;
	if (opc == 1 && !F(w, 26, 26))
		return F(w, 22, 22) && F(w, 24, 23) != 0;
	return true;
}

/* DecodeBitMasks: N:NOT(imms) must have a set bit above bit 0, and the
 * element's imms must not be all ones; 32-bit forms have N = 0. */
static bool logical_imm(uint32_t w)
{
	unsigned sf = F(w, 31, 31), n = F(w, 22, 22), imms = F(w, 15, 10);
	unsigned pattern = n << 6 | (~imms & 0x3f);
	int len = -1;

	if (!sf && n)
		return false;
	for (unsigned p = pattern; p; p >>= 1)
		len++;
	if (len < 1)
		return false;
	return (imms & ((1u << len) - 1)) != (1u << len) - 1;
}

/* movn/movz/movk: opc 01 unallocated; 32-bit shifts are 0 and 16. */
static bool move_wide(uint32_t w)
{
	return F(w, 30, 29) != 1 && (F(w, 31, 31) || !F(w, 22, 22));
}

/* sbfm/bfm/ubfm: N equals sf; 32-bit immr and imms below 32. */
static bool bitfield(uint32_t w)
{
	unsigned sf = F(w, 31, 31);

	if (F(w, 30, 29) == 3 || F(w, 22, 22) != sf)
		return false;
	return sf || (!F(w, 21, 21) && !F(w, 15, 15));
}

static bool extract(uint32_t w)
{
	unsigned sf = F(w, 31, 31);

	return F(w, 30, 29) == 0 && !F(w, 21, 21) && F(w, 22, 22) == sf && (sf || !F(w, 15, 15));
}

/* Shifted-register logical and add/sub: 32-bit shift amounts below 32;
 * add/sub has no ror. */
static bool logical_shifted(uint32_t w)
{
	return F(w, 31, 31) || !F(w, 15, 15);
}

static bool addsub_shifted(uint32_t w)
{
	return F(w, 23, 22) != 3 && (F(w, 31, 31) || !F(w, 15, 15));
}

static bool addsub_extended(uint32_t w)
{
	return F(w, 23, 22) == 0 && F(w, 12, 10) <= 4;
}

static bool cond_compare(uint32_t w)
{
	return F(w, 29, 29) && !F(w, 10, 10) && !F(w, 4, 4);
}

static bool cond_select(uint32_t w)
{
	return !F(w, 29, 29) && !F(w, 11, 11);
}

/* madd/msub (mul, mneg); the widening and high multiplies are asked. */
static bool dp_3source(uint32_t w)
{
	return F(w, 30, 29) == 0 && F(w, 23, 21) == 0;
}

struct a64_row {
	uint32_t mask, value;
	enum a64_class cls;
	bool (*exists)(uint32_t w); /* NULL: every word of the class */
};

static const struct a64_row rows[] = {
	{ 0x3b000000, 0x39000000, A64_OTHER, ldst_single_exists }, /* ldr/str uimm12 */
	{ 0x3a000000, 0x28000000, A64_OTHER, ldst_pair },          /* ldp/stp */
	{ 0x1f800000, 0x11000000, A64_OTHER, NULL },               /* add/sub imm */
	{ 0x7c000000, 0x14000000, A64_OTHER, NULL },               /* b, bl */
	{ 0x1f000000, 0x0a000000, A64_OTHER, logical_shifted },    /* and/orr/eor (mov) */
	{ 0x1f800000, 0x12800000, A64_OTHER, move_wide },          /* movn/movz/movk */
	{ 0x1f000000, 0x10000000, A64_OTHER, NULL },               /* adr, adrp */
	{ 0x7c000000, 0x34000000, A64_OTHER, NULL },               /* cbz/cbnz, tbz/tbnz */
	{ 0xff000010, 0x54000000, A64_OTHER, NULL },               /* b.cond */
	{ 0x1f200000, 0x0b000000, A64_OTHER, addsub_shifted },     /* add/sub (cmp) */
	{ 0x3b200000, 0x38000000, A64_OTHER, ldst_imm9 },          /* ldur/stur, pre/post */
	{ 0x3b200c00, 0x38200800, A64_OTHER, ldst_regoff },        /* ldr/str [xn, xm] */
	{ 0x1fe00000, 0x1a800000, A64_OTHER, cond_select },        /* csel/csinc/csinv/csneg */
	{ 0x1f800000, 0x13000000, A64_OTHER, bitfield },           /* sbfm/bfm/ubfm */
	{ 0x1f800000, 0x12000000, A64_OTHER, logical_imm },        /* and/orr/eor #mask */
	{ 0xfffffc1f, 0xd65f0000, A64_OTHER, NULL },               /* ret */
	{ 0xfffffc1f, 0xd63f0000, A64_BLR, NULL },
	{ 0xfffffc1f, 0xd61f0000, A64_BR, NULL },
	{ 0xffe0001f, 0xd4000001, A64_SVC, NULL },
	{ 0xfffff01f, 0xd503201f, A64_OTHER, NULL },               /* hint: nop, bti, paciasp */
	{ 0x3b000000, 0x18000000, A64_OTHER, ldst_literal },       /* ldr literal */
	{ 0x1fe00000, 0x1a400000, A64_OTHER, cond_compare },       /* ccmp/ccmn */
	{ 0x1f200000, 0x0b200000, A64_OTHER, addsub_extended },    /* add/sub (uxtw) */
	{ 0x1f000000, 0x1b000000, A64_OTHER, dp_3source },         /* madd/msub */
	{ 0x1f800000, 0x13800000, A64_OTHER, extract },            /* extr (ror) */
	{ 0x1fe0fc00, 0x1a000000, A64_OTHER, NULL },               /* adc/sbc */
};

enum a64_class a64_classify(uint32_t word)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct a64_row *r = &rows[i];

		if ((word & r->mask) == r->value)
			return !r->exists || r->exists(word) ? r->cls : A64_ASK;
	}
	return A64_ASK;
}
