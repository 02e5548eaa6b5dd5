/* analyzer/insn.h — the small instruction model the resolver reads.
 *
 * Each architecture backend (x86.c, arm64.c, arm.c) turns disassembled
 * instructions into this form: control flow, the one register effect we
 * can model exactly (a constant, a copy plus offset, an add), and the set
 * of every register the instruction writes.  Anything written that is not
 * modelled makes the value unknown, with the reason.  Registers are small
 * canonical numbers per architecture (rax and eax are the same register).
 */
#ifndef ABICHECK_ANALYZER_INSN_H
#define ABICHECK_ANALYZER_INSN_H

#include <stdbool.h>
#include <stdint.h>

#define REG_NONE (-1)

enum insn_flow {
	FLOW_NEXT,     /* falls through */
	FLOW_JUMP,     /* unconditional, target known */
	FLOW_CJUMP,    /* conditional, target known, also falls through */
	FLOW_IJUMP,    /* indirect jump: successors unknown */
	FLOW_CALL,     /* returns to the next instruction */
	FLOW_RET,
	FLOW_STOP,     /* hlt, ud2, brk: no successor */
};

enum insn_site {
	SITE_NONE,
	SITE_SYSCALL,  /* x86_64 syscall */
	SITE_INT80,    /* int 0x80 */
	SITE_SYSENTER,
	SITE_GS10,     /* i386 call *%gs:0x10 (glibc's _dl_sysinfo -> __kernel_vsyscall) */
	SITE_SVC,      /* arm/aarch64 svc */
};

enum reg_effect {
	EFF_NONE,
	EFF_CONST,   /* reg = imm */
	EFF_COPY,    /* reg = src + imm */
	EFF_ADD,     /* reg = reg + imm */
};

/* Why a written register's value is unknown. */
enum unknown_why { WHY_COMPUTED, WHY_MEMORY, WHY_CALL, WHY_PARTIAL };

struct insn {
	uint64_t addr;
	uint64_t target;   /* branch/call target when known */
	uint64_t written;  /* bitmask of canonical registers written */
	int64_t imm;
	uint8_t size;
	uint8_t flow;      /* enum insn_flow */
	uint8_t site;      /* enum insn_site */
	uint8_t effect;    /* enum reg_effect for def_reg */
	int8_t def_reg;
	int8_t src_reg;
	uint8_t why;       /* enum unknown_why for other written registers */
	bool has_target;
	/* An absolute address this instruction uses as a constant, an
	 * immediate, a direct target or a memory operand (vsyscall page,
	 * RIP-relative string references). */
	uint64_t abs_ref;
	uint8_t abs_ref_kind; /* 0 none, 1 immediate/address, 2 memory read, 3 branch */
	uint8_t svc_imm_low;  /* arm OABI: svc #0x900000+nr keeps nr here */
	uint32_t svc_imm;
};

#endif
