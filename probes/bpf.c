/* probes/bpf.c — see bpf.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "probes/bpf.h"

/* Kernel limits: BPF_MAXINSNS (include/uapi/linux/bpf_common.h) and the
 * 16-word scratch memory (BPF_MEMWORDS). */
#define BPF_MAX_LEN 4096
#define BPF_MEM_WORDS 16
#define MAX_ERRNO 4095

/* The opcodes seccomp_check_filter() lets through. */
static bool opcode_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K: case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K: case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM: case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
	case BPF_ST: case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	default:
		return false;
	}
}

static int bad(struct ac_error *err, size_t pc, const char *why)
{
	return ac_error_set(err, AC_ERR_INPUT, 0, "BPF instruction %zu: %s", pc, why);
}

/* Per-instruction checks; jumps are checked against `len`. */
static int check_insn(const struct sock_filter *f, size_t pc, size_t len, struct ac_error *err)
{
	if (!opcode_allowed(f->code))
		return bad(err, pc, "opcode not allowed in a seccomp filter");
	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (f->k % 4 || f->k >= sizeof(struct seccomp_data))
			return bad(err, pc, "load outside struct seccomp_data or unaligned");
		break;
	case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_MOD | BPF_K:
		if (f->k == 0)
			return bad(err, pc, "division by constant zero");
		break;
	case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_K:
		if (f->k >= 32)
			return bad(err, pc, "shift by 32 or more");
		break;
	case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM: case BPF_ST: case BPF_STX:
		if (f->k >= BPF_MEM_WORDS)
			return bad(err, pc, "scratch memory index out of range");
		break;
	case BPF_JMP | BPF_JA:
		if (f->k >= len - pc - 1)
			return bad(err, pc, "jump out of the program");
		break;
	default:
		if (BPF_CLASS(f->code) == BPF_JMP &&
		    ((size_t)f->jt >= len - pc - 1 || (size_t)f->jf >= len - pc - 1))
			return bad(err, pc, "jump out of the program");
	}
	return 0;
}

/* The kernel's check_load_and_stores(): a scratch word must be written on
 * every path before it is read. */
static int check_memory(const struct sock_filter *insns, size_t len, struct ac_error *err)
{
	uint16_t *masks = xmalloc(len * sizeof(*masks)), valid = 0;
	int rc = 0;

	memset(masks, 0xff, len * sizeof(*masks));
	for (size_t pc = 0; pc < len && rc == 0; pc++) {
		const struct sock_filter *f = &insns[pc];

		valid &= masks[pc];
		switch (f->code) {
		case BPF_ST: case BPF_STX:
			valid |= (uint16_t)(1u << f->k);
			break;
		case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f->k)))
				rc = bad(err, pc, "scratch memory read before it is written");
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (BPF_CLASS(f->code) == BPF_JMP) {
				masks[pc + 1 + f->jt] &= valid;
				masks[pc + 1 + f->jf] &= valid;
				valid = 0xffff;
			}
		}
	}
	free(masks);
	return rc;
}

int bpf_validate(const struct sock_filter *insns, size_t len, struct ac_error *err)
{
	if (len == 0 || len > BPF_MAX_LEN)
		return ac_error_set(err, AC_ERR_INPUT, 0, "BPF program of %zu instructions (1..%d)",
				    len, BPF_MAX_LEN);
	for (size_t pc = 0; pc < len; pc++)
		if (check_insn(&insns[pc], pc, len, err) < 0)
			return -1;
	if (BPF_CLASS(insns[len - 1].code) != BPF_RET)
		return bad(err, len - 1, "the program does not end with a return");
	return check_memory(insns, len, err);
}

int bpf_prog_from_bytes(const void *bytes, size_t nbytes, struct bpf_prog *out,
			struct ac_error *err)
{
	size_t len = nbytes / sizeof(struct sock_filter);

	if (nbytes % sizeof(struct sock_filter))
		return ac_error_set(err, AC_ERR_INPUT, 0, "BPF program of %zu bytes is not a whole "
				    "number of instructions", nbytes);
	if (bpf_validate(bytes, len, err) < 0)
		return -1;
	out->insns = xmalloc(nbytes);
	memcpy(out->insns, bytes, nbytes);
	out->len = len;
	return 0;
}

int bpf_prog_concat(const struct bpf_prog *a, const struct bpf_prog *b, struct bpf_prog *out,
		    struct ac_error *err)
{
	struct bpf_prog p = { xmalloc((a->len + b->len) * sizeof(*p.insns)), a->len + b->len };

	memcpy(p.insns, a->insns, a->len * sizeof(*p.insns));
	memcpy(p.insns + a->len, b->insns, b->len * sizeof(*p.insns));
	if (bpf_validate(p.insns, p.len, err) < 0) {
		bpf_prog_free(&p);
		return -1;
	}
	*out = p;
	return 0;
}

void bpf_prog_free(struct bpf_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}

/* The word at byte offset k of seccomp_data, in host byte order like the
 * kernel's view of it. */
static uint32_t load_word(const struct seccomp_data *d, uint32_t k)
{
	uint32_t w;

	memcpy(&w, (const unsigned char *)d + k, sizeof(w));
	return w;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV: return a / v;
	case BPF_MOD: return a % v;
	case BPF_AND: return a & v;
	case BPF_OR: return a | v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v < 32 ? a << v : 0;
	case BPF_RSH: return v < 32 ? a >> v : 0;
	default: return -a; /* BPF_NEG */
	}
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	default: return (a & v) != 0; /* BPF_JSET */
	}
}

uint32_t bpf_run(const struct bpf_prog *p, const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPF_MEM_WORDS] = { 0 };

	/* Validation guarantees forward jumps in bounds and a final return. */
	for (size_t pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->insns[pc];
		uint32_t v = BPF_SRC(f->code) == BPF_X ? X : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			A = BPF_MODE(f->code) == BPF_ABS ? load_word(d, f->k)
			    : BPF_MODE(f->code) == BPF_LEN ? sizeof(*d)
			    : BPF_MODE(f->code) == BPF_MEM ? M[f->k] : f->k;
			break;
		case BPF_LDX:
			X = BPF_MODE(f->code) == BPF_LEN ? sizeof(*d)
			    : BPF_MODE(f->code) == BPF_MEM ? M[f->k] : f->k;
			break;
		case BPF_ST: M[f->k] = A; break;
		case BPF_STX: M[f->k] = X; break;
		case BPF_ALU:
			/* Classic BPF ends the program with 0 on a division by X == 0. */
			if ((BPF_OP(f->code) == BPF_DIV || BPF_OP(f->code) == BPF_MOD) && v == 0)
				return 0;
			A = alu(BPF_OP(f->code), A, v);
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				pc += f->k;
			else
				pc += jump_taken(BPF_OP(f->code), A, v) ? f->jt : f->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? A : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		}
	}
	return 0; /* unreachable for a validated program */
}

struct seccomp_ret seccomp_ret_decode(uint32_t ret)
{
	struct seccomp_ret r = { SECCOMP_ACT_KILL_PROCESS, ret & SECCOMP_RET_DATA };

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: r.action = SECCOMP_ACT_KILL_PROCESS; break;
	case SECCOMP_RET_KILL_THREAD: r.action = SECCOMP_ACT_KILL_THREAD; break;
	case SECCOMP_RET_TRAP: r.action = SECCOMP_ACT_TRAP; break;
	case SECCOMP_RET_ERRNO:
		r.action = SECCOMP_ACT_ERRNO;
		if (r.data > MAX_ERRNO)
			r.data = MAX_ERRNO;
		break;
	case SECCOMP_RET_USER_NOTIF: r.action = SECCOMP_ACT_USER_NOTIF; break;
	case SECCOMP_RET_TRACE: r.action = SECCOMP_ACT_TRACE; break;
	case SECCOMP_RET_LOG: r.action = SECCOMP_ACT_LOG; break;
	case SECCOMP_RET_ALLOW: r.action = SECCOMP_ACT_ALLOW; break;
	default: r.data = 0; break;
	}
	if (r.action == SECCOMP_ACT_KILL_PROCESS || r.action == SECCOMP_ACT_KILL_THREAD ||
	    r.action == SECCOMP_ACT_ALLOW || r.action == SECCOMP_ACT_LOG ||
	    r.action == SECCOMP_ACT_USER_NOTIF)
		r.data = 0;
	return r;
}

const char *seccomp_action_name(enum seccomp_action a)
{
	static const char *const names[] = {
		[SECCOMP_ACT_KILL_PROCESS] = "KILL_PROCESS", [SECCOMP_ACT_KILL_THREAD] = "KILL_THREAD",
		[SECCOMP_ACT_TRAP] = "TRAP", [SECCOMP_ACT_ERRNO] = "ERRNO",
		[SECCOMP_ACT_USER_NOTIF] = "USER_NOTIF", [SECCOMP_ACT_TRACE] = "TRACE",
		[SECCOMP_ACT_LOG] = "LOG", [SECCOMP_ACT_ALLOW] = "ALLOW",
	};

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

const char *seccomp_ret_format(struct seccomp_ret r, char *buf, size_t len)
{
	if (r.action == SECCOMP_ACT_ERRNO || r.action == SECCOMP_ACT_TRACE ||
	    r.action == SECCOMP_ACT_TRAP)
		snprintf(buf, len, "%s(%u)", seccomp_action_name(r.action), r.data);
	else
		snprintf(buf, len, "%s", seccomp_action_name(r.action));
	return buf;
}
