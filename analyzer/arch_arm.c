/* analyzer/arch_arm.c — 32-bit ARM, ARM and Thumb-2 states.
 *
 * EABI syscalls are `svc #0` with the number in r7 (syscall() takes it in
 * r0); OABI used `svc #0x900000+nr`, whose number is in the instruction.
 * Numbers reach r7 by `mov`/`movw`, or by a load from the literal pool
 * (`ldr r7, [pc, #n]`), read here from the file.  Debian's armhf code is
 * mostly Thumb-2: the state comes from the function symbol's low bit.
 */
#include <stdio.h>
#include <string.h>

#include "analyzer/arch.h"

enum { R0 = 0, R7 = 7, R12 = 12, SP = 13, LR = 14, PC = 15 };

static int canon(unsigned r)
{
	if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
		return (int)(r - ARM_REG_R0);
	if (r == ARM_REG_SP)
		return SP;
	if (r == ARM_REG_LR)
		return LR;
	if (r == ARM_REG_PC)
		return PC;
	return REG_NONE;
}

static const char *reg_name(int reg)
{
	static const char *const n[] = { "r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
					 "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc" };
	return reg >= 0 && reg < 16 ? n[reg] : "?";
}

static bool writes_pc(const cs_arm *a)
{
	for (int i = 0; i < a->op_count; i++)
		if (a->operands[i].type == ARM_OP_REG && a->operands[i].reg == ARM_REG_PC &&
		    (a->operands[i].access & CS_AC_WRITE))
			return true;
	return false;
}

static void lift_flow(const cs_insn *ci, struct insn *out)
{
	const cs_arm *a = &ci->detail->arm;
	bool cond = a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID;
	const cs_arm_op *last = a->op_count ? &a->operands[a->op_count - 1] : NULL;

	switch (ci->id) {
	case ARM_INS_B:
	case ARM_INS_CBZ:
	case ARM_INS_CBNZ:
		out->flow = cond || ci->id != ARM_INS_B ? FLOW_CJUMP : FLOW_JUMP;
		break;
	case ARM_INS_BL:
	case ARM_INS_BLX:
		out->flow = FLOW_CALL;
		break;
	case ARM_INS_BX:
		out->flow = last && last->reg == ARM_REG_LR ? FLOW_RET : FLOW_IJUMP;
		break;
	case ARM_INS_UDF:
	case ARM_INS_BKPT:
		out->flow = FLOW_STOP;
		break;
	default:
		if (writes_pc(a)) /* pop {…, pc}, ldr pc, mov pc, lr */
			out->flow = ci->id == ARM_INS_POP || ci->id == ARM_INS_LDM ? FLOW_RET : FLOW_IJUMP;
		return;
	}
	if (last && last->type == ARM_OP_IMM && out->flow != FLOW_STOP) {
		out->has_target = true;
		out->target = (uint64_t)(uint32_t)last->imm;
	}
}

/* ldr rX, [pc, #n]: the word at Align(pc, 4) + n, pc reading as the
 * instruction address + 8 (ARM) or + 4 (Thumb). */
static bool literal(const cs_insn *ci, const cs_arm_op *m, const struct elf_file *ef,
		    bool thumb, int64_t *v)
{
	uint64_t pc = (ci->address + (thumb ? 4 : 8)) & ~3ull;
	const uint8_t *p;
	uint32_t w;

	if (!ef || m->mem.base != ARM_REG_PC || m->mem.index != ARM_REG_INVALID)
		return false;
	p = elf_file_at(ef, pc + (uint64_t)(int64_t)m->mem.disp, 4);
	if (!p)
		return false;
	memcpy(&w, p, 4);
	*v = w;
	return true;
}

static void lift_effect(const cs_insn *ci, const struct elf_file *ef, bool thumb,
			struct insn *out)
{
	const cs_arm *a = &ci->detail->arm;
	const cs_arm_op *d = &a->operands[0], *s = &a->operands[1], *t = &a->operands[2];
	int dst = a->op_count >= 2 && d->type == ARM_OP_REG ? canon(d->reg) : REG_NONE;

	if (dst == REG_NONE || !(out->written & (1ull << dst)))
		return;
	out->def_reg = (int8_t)dst;
	if (a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID) {
		out->why = WHY_COMPUTED; /* conditional: may or may not happen */
		return;
	}
	switch (ci->id) {
	case ARM_INS_MOV:
	case ARM_INS_MOVW:
		if (s->type == ARM_OP_IMM) {
			out->effect = EFF_CONST;
			out->imm = (uint32_t)s->imm;
		} else if (s->type == ARM_OP_REG && canon(s->reg) != REG_NONE && !s->shift.value) {
			out->effect = EFF_COPY;
			out->src_reg = (int8_t)canon(s->reg);
		}
		break;
	case ARM_INS_LDR:
		if (s->type == ARM_OP_MEM && literal(ci, s, ef, thumb, &out->imm))
			out->effect = EFF_CONST;
		break;
	case ARM_INS_ADD:
	case ARM_INS_SUB:
		if (a->op_count == 3 && s->type == ARM_OP_REG && t->type == ARM_OP_IMM &&
		    canon(s->reg) != REG_NONE && canon(s->reg) != PC) {
			out->effect = EFF_COPY;
			out->src_reg = (int8_t)canon(s->reg);
			out->imm = ci->id == ARM_INS_ADD ? t->imm : -(int64_t)t->imm;
		}
		break;
	default:
		break;
	}
	if (out->effect == EFF_NONE)
		out->why = a->op_count >= 2 && s->type == ARM_OP_MEM ? WHY_MEMORY : WHY_COMPUTED;
}

static void lift(csh h, const cs_insn *ci, const struct elf_file *ef, bool thumb,
		 struct insn *out)
{
	lift_begin(h, ci, canon, out);
	lift_flow(ci, out);
	if (lift_call(&arch_arm, out))
		return;
	lift_effect(ci, ef, thumb, out);
	if (ci->id == ARM_INS_SVC) {
		out->site = SITE_SVC;
		out->svc_imm = (uint32_t)ci->detail->arm.operands[0].imm;
	}
}

static enum insn_site site_of(const cs_insn *ci)
{
	return ci->id == ARM_INS_SVC ? SITE_SVC : SITE_NONE;
}

/* Thumb-2 bl/b.w (T4): hw1 = 11110 S imm10, hw2 = 1 J1 x J2 imm11, with
 * I1 = !(J1 ^ S), I2 = !(J2 ^ S) (ARM ARM A7.7.12/A7.7.18). */
static bool thumb_target(const cs_insn *ci, uint64_t *target, bool *is_call)
{
	uint16_t h1, h2;
	uint32_t s, j1, j2, imm;
	int32_t off;

	if (ci->size != 4)
		return false;
	memcpy(&h1, ci->bytes, 2);
	memcpy(&h2, ci->bytes + 2, 2);
	if ((h1 & 0xf800) != 0xf000 || ((h2 & 0xd000) != 0xd000 && (h2 & 0xd000) != 0x9000))
		return false;
	s = (h1 >> 10) & 1;
	j1 = (h2 >> 13) & 1;
	j2 = (h2 >> 11) & 1;
	imm = s << 24 | (!(j1 ^ s)) << 23 | (!(j2 ^ s)) << 22 | (uint32_t)(h1 & 0x3ff) << 12 |
	      (uint32_t)(h2 & 0x7ff) << 1;
	off = (int32_t)(imm << 7) >> 7;
	*target = (uint32_t)(ci->address + 4 + (uint64_t)(int64_t)off);
	*is_call = (h2 & 0x4000) != 0;
	return true;
}

/* ARM-state bl/b imm24 from the instruction word. */
static bool direct_target(const cs_insn *ci, bool thumb, uint64_t *target, bool *is_call)
{
	uint32_t w;

	if (thumb)
		return thumb_target(ci, target, is_call);
	if (ci->size != 4)
		return false;
	memcpy(&w, ci->bytes, 4);
	if ((w & 0x0e000000u) != 0x0a000000u || (w >> 28) == 0xf)
		return false;
	*target = (uint32_t)(ci->address + 8 + (uint64_t)((int64_t)((int32_t)(w << 8) >> 8) * 4));
	*is_call = (w & 0x01000000u) != 0;
	return true;
}

static bool indirect_branch(const cs_insn *ci)
{
	/* blx/bx with a register; pop/ldr/mov into pc are returns or jumps
	 * that the detailed lift classifies. */
	return (ci->id == ARM_INS_BLX || ci->id == ARM_INS_BX) && ci->size != 4;
}


/* OABI: svc #0x900000 + nr. */
static long inline_number(const struct insn *site)
{
	return site->svc_imm >= 0x900000 && site->svc_imm < 0x9f0000 ? (long)(site->svc_imm - 0x900000)
								      : -1;
}

const struct arch arch_arm = {
	.name = "arm", .table = SYSCALL_ARM, .cs_arch = CS_ARCH_ARM, .cs_mode = CS_MODE_ARM,
	.cs_mode_alt = CS_MODE_THUMB, .insn_align = 2, .number_reg = R7,
	.arg_regs = { 0, 1, 2, 3 }, .nargs = 4,
	.caller_saved = (1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 3) | (1ull << R12) |
			(1ull << LR),
	.lift = lift, .site_of = site_of, .direct_target = direct_target,
	.indirect_branch = indirect_branch, .address_ref = NULL,
	.reg_name = reg_name, .inline_number = inline_number,
};
