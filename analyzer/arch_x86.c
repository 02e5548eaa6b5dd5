/* analyzer/arch_x86.c — x86_64 and i386.
 *
 * Syscall instructions: `syscall` (x86_64), `int 0x80` and `sysenter`
 * (i386), and i386 glibc's usual `call *%gs:0x10`, an indirect call
 * through the TCB's sysinfo slot to the vDSO's __kernel_vsyscall.  The
 * number is in rax/eax; syscall() takes it in its first argument (rdi on
 * x86_64, the stack on i386, which we do not follow).
 */
#include <Zydis/Zydis.h>
#include <pthread.h>
#include <string.h>

#include "analyzer/arch.h"

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* capstone register -> canonical number and width in bytes.  Filled from
 * capstone's enum names, so the table cannot drift from the decoder. */
struct reg_alias {
	x86_reg cs;
	int8_t canon;
	uint8_t width;
};

static const struct reg_alias aliases[] = {
	{ X86_REG_RAX, RAX, 8 }, { X86_REG_EAX, RAX, 4 }, { X86_REG_AX, RAX, 2 },
	{ X86_REG_AL, RAX, 1 },  { X86_REG_AH, RAX, 1 },  { X86_REG_RCX, RCX, 8 },
	{ X86_REG_ECX, RCX, 4 }, { X86_REG_CX, RCX, 2 },  { X86_REG_CL, RCX, 1 },
	{ X86_REG_CH, RCX, 1 },  { X86_REG_RDX, RDX, 8 }, { X86_REG_EDX, RDX, 4 },
	{ X86_REG_DX, RDX, 2 },  { X86_REG_DL, RDX, 1 },  { X86_REG_DH, RDX, 1 },
	{ X86_REG_RBX, RBX, 8 }, { X86_REG_EBX, RBX, 4 }, { X86_REG_BX, RBX, 2 },
	{ X86_REG_BL, RBX, 1 },  { X86_REG_BH, RBX, 1 },  { X86_REG_RSP, RSP, 8 },
	{ X86_REG_ESP, RSP, 4 }, { X86_REG_SP, RSP, 2 },  { X86_REG_SPL, RSP, 1 },
	{ X86_REG_RBP, RBP, 8 }, { X86_REG_EBP, RBP, 4 }, { X86_REG_BP, RBP, 2 },
	{ X86_REG_BPL, RBP, 1 }, { X86_REG_RSI, RSI, 8 }, { X86_REG_ESI, RSI, 4 },
	{ X86_REG_SI, RSI, 2 },  { X86_REG_SIL, RSI, 1 }, { X86_REG_RDI, RDI, 8 },
	{ X86_REG_EDI, RDI, 4 }, { X86_REG_DI, RDI, 2 },  { X86_REG_DIL, RDI, 1 },
	{ X86_REG_R8, R8, 8 },   { X86_REG_R8D, R8, 4 },  { X86_REG_R8W, R8, 2 },
	{ X86_REG_R8B, R8, 1 },  { X86_REG_R9, R9, 8 },   { X86_REG_R9D, R9, 4 },
	{ X86_REG_R9W, R9, 2 },  { X86_REG_R9B, R9, 1 },  { X86_REG_R10, R10, 8 },
	{ X86_REG_R10D, R10, 4 }, { X86_REG_R10W, R10, 2 }, { X86_REG_R10B, R10, 1 },
	{ X86_REG_R11, R11, 8 }, { X86_REG_R11D, R11, 4 }, { X86_REG_R11W, R11, 2 },
	{ X86_REG_R11B, R11, 1 }, { X86_REG_R12, R12, 8 }, { X86_REG_R12D, R12, 4 },
	{ X86_REG_R12W, R12, 2 }, { X86_REG_R12B, R12, 1 }, { X86_REG_R13, R13, 8 },
	{ X86_REG_R13D, R13, 4 }, { X86_REG_R13W, R13, 2 }, { X86_REG_R13B, R13, 1 },
	{ X86_REG_R14, R14, 8 }, { X86_REG_R14D, R14, 4 }, { X86_REG_R14W, R14, 2 },
	{ X86_REG_R14B, R14, 1 }, { X86_REG_R15, R15, 8 }, { X86_REG_R15D, R15, 4 },
	{ X86_REG_R15W, R15, 2 }, { X86_REG_R15B, R15, 1 },
};

static int8_t canon_of[X86_REG_ENDING];
static uint8_t width_of[X86_REG_ENDING];

static void fill_tables(void)
{
	memset(canon_of, REG_NONE, sizeof(canon_of));
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		canon_of[aliases[i].cs] = aliases[i].canon;
		width_of[aliases[i].cs] = aliases[i].width;
	}
}

/* Files are analysed on several threads: fill the tables exactly once. */
static void init_tables(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fill_tables);
}

static int canon(unsigned r)
{
	return r < X86_REG_ENDING ? canon_of[r] : REG_NONE;
}

static const char *reg_name64(int reg)
{
	static const char *const n[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
					 "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
	return reg >= 0 && reg < 16 ? n[reg] : "?";
}

static const char *reg_name32(int reg)
{
	static const char *const n[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	return reg >= 0 && reg < 8 ? n[reg] : "?";
}

static bool in_vsyscall_page(uint64_t v)
{
	return v >= 0xffffffffff600000ull && v < 0xffffffffff601000ull;
}

static void note_abs(struct insn *out, uint64_t v, uint8_t kind)
{
	if (!out->abs_ref_kind || in_vsyscall_page(v)) {
		out->abs_ref = v;
		out->abs_ref_kind = kind;
	}
}

static void lift_flow(csh h, const cs_insn *ci, struct insn *out)
{
	const cs_x86 *x = &ci->detail->x86;
	bool imm_target = x->op_count == 1 && x->operands[0].type == X86_OP_IMM;

	if (cs_insn_group(h, ci, CS_GRP_RET) || ci->id == X86_INS_IRET || ci->id == X86_INS_IRETQ)
		out->flow = FLOW_RET;
	else if (cs_insn_group(h, ci, CS_GRP_CALL))
		out->flow = FLOW_CALL;
	else if (ci->id == X86_INS_JMP || ci->id == X86_INS_LJMP)
		out->flow = imm_target ? FLOW_JUMP : FLOW_IJUMP;
	else if (cs_insn_group(h, ci, CS_GRP_JUMP))
		out->flow = FLOW_CJUMP;
	else if (ci->id == X86_INS_HLT || ci->id == X86_INS_UD2)
		out->flow = FLOW_STOP;
	if (imm_target && out->flow != FLOW_NEXT) {
		out->has_target = true;
		out->target = (uint64_t)x->operands[0].imm;
		note_abs(out, out->target, 3);
	}
}

static void lift_effect(const cs_insn *ci, struct insn *out)
{
	const cs_x86 *x = &ci->detail->x86;
	const cs_x86_op *d = &x->operands[0], *s = &x->operands[1];
	int dst = x->op_count >= 1 && d->type == X86_OP_REG ? canon(d->reg) : REG_NONE;
	unsigned width = dst != REG_NONE ? width_of[d->reg] : 0;

	/* Only a real write counts: cmp/test name rax but write only flags. */
	if (dst == REG_NONE || !(out->written & (1ull << dst)))
		return;
	out->def_reg = (int8_t)dst;
	if (width < 4) { /* al/ax writes keep the upper bits: unknown */
		out->why = WHY_PARTIAL;
		return;
	}
	switch (ci->id) {
	case X86_INS_MOV:
	case X86_INS_MOVABS:
		if (s->type == X86_OP_IMM) {
			out->effect = EFF_CONST;
			out->imm = width == 4 ? (int64_t)(uint32_t)s->imm : s->imm;
		} else if (s->type == X86_OP_REG && canon(s->reg) != REG_NONE) {
			out->effect = EFF_COPY;
			out->src_reg = (int8_t)canon(s->reg);
		}
		break;
	case X86_INS_XOR:
	case X86_INS_SUB:
		if (s->type == X86_OP_REG && s->reg == d->reg) {
			out->effect = EFF_CONST; /* xor eax, eax */
			out->imm = 0;
		} else if (s->type == X86_OP_IMM) {
			out->effect = ci->id == X86_INS_SUB ? EFF_ADD : EFF_NONE;
			out->imm = -s->imm;
		}
		break;
	case X86_INS_ADD:
		if (s->type == X86_OP_IMM) {
			out->effect = EFF_ADD;
			out->imm = s->imm;
		}
		break;
	case X86_INS_INC:
	case X86_INS_DEC:
		out->effect = EFF_ADD;
		out->imm = ci->id == X86_INS_INC ? 1 : -1;
		break;
	case X86_INS_LEA:
		if (s->mem.index == X86_REG_INVALID && s->mem.base == X86_REG_RIP) {
			out->effect = EFF_CONST;
			out->imm = (int64_t)(ci->address + ci->size) + s->mem.disp;
		} else if (s->mem.index == X86_REG_INVALID && canon(s->mem.base) != REG_NONE) {
			out->effect = EFF_COPY;
			out->src_reg = (int8_t)canon(s->mem.base);
			out->imm = s->mem.disp;
		}
		break;
	default:
		break;
	}
	if (out->effect == EFF_NONE)
		out->why = x->op_count >= 2 && s->type == X86_OP_MEM ? WHY_MEMORY : WHY_COMPUTED;
}

/* Absolute addresses in operands: immediates, RIP-relative and absolute
 * memory operands (a read of the vsyscall page is `mov rax, [0xff600000]`). */
static void lift_refs(const cs_insn *ci, struct insn *out)
{
	const cs_x86 *x = &ci->detail->x86;

	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *o = &x->operands[i];
		if (o->type == X86_OP_IMM && out->flow == FLOW_NEXT)
			note_abs(out, (uint64_t)o->imm, 1);
		else if (o->type == X86_OP_MEM && o->mem.base == X86_REG_RIP &&
			 o->mem.index == X86_REG_INVALID)
			note_abs(out, ci->address + ci->size + (uint64_t)o->mem.disp,
				 ci->id == X86_INS_LEA ? 1 : 2);
		else if (o->type == X86_OP_MEM && o->mem.base == X86_REG_INVALID &&
			 o->mem.index == X86_REG_INVALID && o->mem.segment == X86_REG_INVALID)
			note_abs(out, (uint64_t)o->mem.disp, ci->id == X86_INS_LEA ? 1 : 2);
	}
}

static void lift_x86(csh h, const cs_insn *ci, const struct arch *a, struct insn *out)
{
	init_tables();
	lift_begin(h, ci, canon, out);
	lift_flow(h, ci, out);
	if (!lift_call(a, out))
		lift_effect(ci, out);
	lift_refs(ci, out);
}

/* The kernel returns in rax: after a syscall the number is gone (and
 * `syscall` also clobbers rcx and r11). */
static void lift_site(struct insn *out)
{
	if (out->site == SITE_NONE)
		return;
	out->written |= 1ull << RAX;
	if (out->site == SITE_SYSCALL)
		out->written |= 1ull << RCX | 1ull << R11;
	out->def_reg = REG_NONE;
	out->effect = EFF_NONE;
	out->why = WHY_CALL;
}

static void lift64(csh h, const cs_insn *ci, const struct elf_file *ef, bool alt,
		   struct insn *out)
{
	(void)ef;
	(void)alt;
	lift_x86(h, ci, &arch_x86_64, out);
	out->site = (uint8_t)arch_x86_64.site_of(ci);
	lift_site(out);
}

static void lift32(csh h, const cs_insn *ci, const struct elf_file *ef, bool alt,
		   struct insn *out)
{
	(void)ef;
	(void)alt;
	lift_x86(h, ci, &arch_i386, out);
	out->site = (uint8_t)arch_i386.site_of(ci);
	lift_site(out);
}

static enum insn_site site_of(const cs_insn *ci)
{
	const uint8_t *b = ci->bytes;

	if (ci->id == X86_INS_SYSCALL)
		return SITE_SYSCALL;
	if (ci->id == X86_INS_SYSENTER)
		return SITE_SYSENTER;
	if (ci->id == X86_INS_INT && ci->size == 2 && b[1] == 0x80)
		return SITE_INT80;
	/* call *%gs:0x10 = 65 ff 15 10 00 00 00 */
	if (ci->id == X86_INS_CALL && ci->size == 7 &&
	    !memcmp(b, "\x65\xff\x15\x10\x00\x00\x00", 7))
		return SITE_GS10;
	return SITE_NONE;
}

/* call/jmp rel32 (e8/e9) and jmp rel8 (eb) from their bytes. */
static bool direct_target(const cs_insn *ci, bool alt, uint64_t *target, bool *is_call)
{
	const uint8_t *b = ci->bytes;
	int32_t rel;

	(void)alt;
	if ((b[0] == 0xe8 || b[0] == 0xe9) && ci->size == 5) {
		memcpy(&rel, b + 1, 4);
		*target = ci->address + 5 + (uint64_t)(int64_t)rel;
		*is_call = b[0] == 0xe8;
		return true;
	}
	return false;
}

static bool indirect_branch(const cs_insn *ci)
{
	size_t i = 0;

	if (ci->id != X86_INS_CALL && ci->id != X86_INS_JMP)
		return false;
	while (i < ci->size && (ci->bytes[i] == 0x3e || ci->bytes[i] == 0x2e || ci->bytes[i] == 0x64 ||
				ci->bytes[i] == 0x65 || ci->bytes[i] == 0xf2 || (ci->bytes[i] & 0xf0) == 0x40))
		i++; /* notrack/segment/bnd/REX prefixes */
	return i < ci->size && ci->bytes[i] == 0xff;
}

/* lea r64, [rip+disp32] = REX.W 8d modrm(00 reg 101) disp32 */
static bool address_ref(const cs_insn *ci, uint64_t *target)
{
	const uint8_t *b = ci->bytes;
	int32_t d;

	if (ci->size != 7 || (b[0] & 0xf8) != 0x48 || b[1] != 0x8d || (b[2] & 0xc7) != 0x05)
		return false;
	memcpy(&d, b + 3, 4);
	*target = ci->address + 7 + (uint64_t)(int64_t)d;
	return true;
}



/* ---- the sweep decoder (Zydis, minimal mode: lengths and mnemonics) ---- */

static ZydisDecoder zdec64, zdec32;

static void init_zydis(void)
{
	ZydisDecoderInit(&zdec64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderEnableMode(&zdec64, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);
	ZydisDecoderInit(&zdec32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
	ZydisDecoderEnableMode(&zdec32, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);
}

static unsigned cs_id_of(ZydisMnemonic m)
{
	switch (m) {
	case ZYDIS_MNEMONIC_SYSCALL: return X86_INS_SYSCALL;
	case ZYDIS_MNEMONIC_SYSENTER: return X86_INS_SYSENTER;
	case ZYDIS_MNEMONIC_INT: return X86_INS_INT;
	case ZYDIS_MNEMONIC_CALL: return X86_INS_CALL;
	case ZYDIS_MNEMONIC_JMP: return X86_INS_JMP;
	default: return X86_INS_INVALID;
	}
}

static enum sweep_result sweep_decode(const ZydisDecoder *d, const uint8_t *code, size_t size,
				      uint64_t addr, cs_insn *ci)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	ZydisDecodedInstruction in;

	pthread_once(&once, init_zydis);
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(d, ZYAN_NULL, code, size, &in)))
		return SWEEP_BAD;
	ci->id = cs_id_of(in.mnemonic);
	ci->address = addr;
	ci->size = in.length;
	memcpy(ci->bytes, code, in.length);
	return SWEEP_OK;
}

static enum sweep_result sweep_decode64(const uint8_t *code, size_t size, uint64_t addr,
					cs_insn *ci)
{
	return sweep_decode(&zdec64, code, size, addr, ci);
}

static enum sweep_result sweep_decode32(const uint8_t *code, size_t size, uint64_t addr,
					cs_insn *ci)
{
	return sweep_decode(&zdec32, code, size, addr, ci);
}

#define BIT(r) (1ull << (r))

const struct arch arch_x86_64 = {
	.name = "x86_64", .table = SYSCALL_X86_64, .cs_arch = CS_ARCH_X86, .cs_mode = CS_MODE_64,
	.insn_align = 1, .number_reg = RAX, .arg_regs = { RDI, RSI, RDX, RCX, R8, R9 }, .nargs = 6,
	.caller_saved = BIT(RAX) | BIT(RCX) | BIT(RDX) | BIT(RSI) | BIT(RDI) | BIT(R8) | BIT(R9) |
			BIT(R10) | BIT(R11),
	.lift = lift64, .site_of = site_of, .direct_target = direct_target,
	.indirect_branch = indirect_branch, .address_ref = address_ref,
	.sweep_decode = sweep_decode64, .reg_name = reg_name64, .inline_number = NULL,
};

const struct arch arch_i386 = {
	.name = "i386", .table = SYSCALL_I386, .cs_arch = CS_ARCH_X86, .cs_mode = CS_MODE_32,
	.insn_align = 1, .number_reg = RAX, .nargs = 0, /* cdecl: arguments on the stack */
	.caller_saved = BIT(RAX) | BIT(RCX) | BIT(RDX),
	.lift = lift32, .site_of = site_of, .direct_target = direct_target,
	.indirect_branch = indirect_branch, .address_ref = NULL,
	.sweep_decode = sweep_decode32, .reg_name = reg_name32, .inline_number = NULL,
};
