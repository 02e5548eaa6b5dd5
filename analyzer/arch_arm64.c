/* analyzer/arch_arm64.c — aarch64.
 *
 * Syscalls are `svc #0` with the number in x8 (w8); syscall() takes it in
 * x0.  Numbers below 65536 are one `mov w8, #n` (movz), which is what gcc
 * and glibc emit.
 */
#include <stdio.h>
#include <string.h>

#include "analyzer/a64_decode.h"
#include "analyzer/arch.h"

enum { X0 = 0, X8 = 8, X18 = 18, X29 = 29, X30 = 30, SP = 31 };

static int canon(unsigned r)
{
	if (r >= ARM64_REG_X0 && r <= ARM64_REG_X28)
		return (int)(r - ARM64_REG_X0);
	if (r >= ARM64_REG_W0 && r <= ARM64_REG_W30)
		return (int)(r - ARM64_REG_W0);
	if (r == ARM64_REG_X29)
		return X29;
	if (r == ARM64_REG_X30)
		return X30;
	if (r == ARM64_REG_SP || r == ARM64_REG_WSP)
		return SP;
	return REG_NONE; /* xzr/wzr and vector registers */
}

static bool is_zero_reg(unsigned r)
{
	return r == ARM64_REG_XZR || r == ARM64_REG_WZR;
}

static const char *reg_name(int reg)
{
	static const char *const names[32] = {
		"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
		"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
		"x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",
	};

	return reg < 0 || reg > 31 ? "?" : names[reg];
}

static int64_t shifted(const cs_arm64_op *o)
{
	return o->shift.type == ARM64_SFT_LSL ? (int64_t)((uint64_t)o->imm << o->shift.value)
					      : o->imm;
}

static void lift_flow(const cs_insn *ci, struct insn *out)
{
	const cs_arm64 *a = &ci->detail->arm64;
	const cs_arm64_op *last = a->op_count ? &a->operands[a->op_count - 1] : NULL;

	switch (ci->id) {
	case ARM64_INS_B:
		out->flow = a->cc == ARM64_CC_INVALID || a->cc == ARM64_CC_AL ? FLOW_JUMP : FLOW_CJUMP;
		break;
	case ARM64_INS_CBZ: case ARM64_INS_CBNZ: case ARM64_INS_TBZ: case ARM64_INS_TBNZ:
		out->flow = FLOW_CJUMP;
		break;
	case ARM64_INS_BL: case ARM64_INS_BLR: out->flow = FLOW_CALL; break;
	case ARM64_INS_BR: out->flow = FLOW_IJUMP; break;
	case ARM64_INS_RET: out->flow = FLOW_RET; break;
	case ARM64_INS_BRK: case ARM64_INS_HLT: out->flow = FLOW_STOP; break;
	default: return;
	}
	if (last && last->type == ARM64_OP_IMM && ci->id != ARM64_INS_BRK && ci->id != ARM64_INS_HLT) {
		out->has_target = true;
		out->target = (uint64_t)last->imm;
	}
}

static void lift_effect(const cs_insn *ci, struct insn *out)
{
	const cs_arm64 *a = &ci->detail->arm64;
	const cs_arm64_op *d = &a->operands[0], *s = &a->operands[1], *t = &a->operands[2];
	int dst = a->op_count >= 2 && d->type == ARM64_OP_REG ? canon(d->reg) : REG_NONE;

	if (dst == REG_NONE || !(out->written & (1ull << dst)))
		return;
	out->def_reg = (int8_t)dst;
	switch (ci->id) {
	case ARM64_INS_MOV:
	case ARM64_INS_MOVZ:
		if (s->type == ARM64_OP_IMM) {
			out->effect = EFF_CONST;
			out->imm = shifted(s);
		} else if (s->type == ARM64_OP_REG && is_zero_reg(s->reg)) {
			out->effect = EFF_CONST;
			out->imm = 0;
		} else if (s->type == ARM64_OP_REG && canon(s->reg) != REG_NONE) {
			out->effect = EFF_COPY;
			out->src_reg = (int8_t)canon(s->reg);
		}
		break;
	case ARM64_INS_ADD:
	case ARM64_INS_SUB:
		if (a->op_count == 3 && s->type == ARM64_OP_REG && t->type == ARM64_OP_IMM &&
		    canon(s->reg) != REG_NONE) {
			out->effect = EFF_COPY;
			out->src_reg = (int8_t)canon(s->reg);
			out->imm = ci->id == ARM64_INS_ADD ? shifted(t) : -shifted(t);
		}
		break;
	case ARM64_INS_ADR:
	case ARM64_INS_ADRP:
		if (s->type == ARM64_OP_IMM) {
			out->effect = EFF_CONST;
			out->imm = s->imm;
		}
		break;
	default:
		break;
	}
	if (out->effect == EFF_NONE)
		out->why = a->op_count >= 2 && s->type == ARM64_OP_MEM ? WHY_MEMORY : WHY_COMPUTED;
}

static void lift(csh h, const cs_insn *ci, const struct elf_file *ef, bool alt,
		 struct insn *out)
{
	(void)ef;
	(void)alt;
	lift_begin(h, ci, canon, out);
	lift_flow(ci, out);
	if (lift_call(&arch_aarch64, out))
		return;
	lift_effect(ci, out);
	if (ci->id == ARM64_INS_SVC) {
		out->site = SITE_SVC;
		out->svc_imm = (uint32_t)ci->detail->arm64.operands[0].imm;
	}
}

static enum insn_site site_of(const cs_insn *ci)
{
	return ci->id == ARM64_INS_SVC ? SITE_SVC : SITE_NONE;
}

/* b/bl imm26 from the instruction word. */
static bool direct_target(const cs_insn *ci, bool alt, uint64_t *target, bool *is_call)
{
	uint32_t w;
	int64_t off;

	(void)alt;
	memcpy(&w, ci->bytes, 4);
	if ((w & 0x7c000000u) != 0x14000000u)
		return false;
	off = (int64_t)((int32_t)(w << 6) >> 6) * 4;
	*target = ci->address + (uint64_t)off;
	*is_call = (w & 0x80000000u) != 0;
	return true;
}

static bool indirect_branch(const cs_insn *ci)
{
	return ci->id == ARM64_INS_BLR || ci->id == ARM64_INS_BR;
}

static enum sweep_result sweep_decode(const uint8_t *code, size_t size, uint64_t addr,
				      cs_insn *ci)
{
	static const unsigned ids[] = {
		[A64_OTHER] = ARM64_INS_INVALID, [A64_SVC] = ARM64_INS_SVC,
		[A64_BR] = ARM64_INS_BR, [A64_BLR] = ARM64_INS_BLR,
	};
	enum a64_class k;
	uint32_t w;

	if (size < 4)
		return SWEEP_ASK;
	memcpy(&w, code, 4);
	k = a64_classify(w);
	if (k == A64_ASK)
		return SWEEP_ASK;
	ci->id = ids[k];
	ci->address = addr;
	ci->size = 4;
	memcpy(ci->bytes, code, 4);
	return SWEEP_OK;
}


const struct arch arch_aarch64 = {
	.name = "aarch64", .table = SYSCALL_AARCH64, .cs_arch = CS_ARCH_ARM64,
	.cs_mode = CS_MODE_ARM, .insn_align = 4, .number_reg = X8,
	.arg_regs = { 0, 1, 2, 3, 4, 5 }, .nargs = 6,
	.caller_saved = ((1ull << (X18 + 1)) - 1) | (1ull << X30),
	.lift = lift, .site_of = site_of, .direct_target = direct_target,
	.indirect_branch = indirect_branch, .address_ref = NULL,
	.sweep_decode = sweep_decode, .reg_name = reg_name, .inline_number = NULL,
};
