/* Unit tests for analyzer/dataflow.c: the backward resolver on hand-made
 * machine code, lifted by the real x86_64 and aarch64 backends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "analyzer/sites.h"

#define RAX 0
#define RDI 7
#define X8 8
#define X0 0

/* Resolves `reg` before the instruction at `site` of the given code. */
static void resolve_at(const struct arch *a, const uint8_t *code, size_t len, uint64_t site,
		       int reg, struct resolution *r)
{
	struct insn *in;
	size_t n = lift_bytes(a, code, len, 0x1000, &in);
	size_t at = n;

	for (size_t i = 0; i < n; i++)
		if (in[i].addr == site)
			at = i;
	assert_true(at < n);
	resolve_register(in, n, at, reg, r);
	free(in);
}

static void assert_values(const struct resolution *r, int n, const int64_t *want)
{
	assert_int_equal(r->nvalues, n);
	for (int i = 0; i < n; i++) {
		int found = 0;
		for (int k = 0; k < r->nvalues; k++)
			found |= r->values[k] == want[i];
		assert_true(found);
	}
}

static void x86_constant(void **state)
{
	/* 1000: mov eax, 39 ; 1005: syscall */
	static const uint8_t code[] = { 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x1005, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 39 });
	assert_int_equal(r.reason, UNRES_NONE);
}

static void x86_register_copy_and_add(void **state)
{
	/* mov ecx, 180 ; mov edx, ecx ; add edx, 6 ; mov rax, rdx ; syscall */
	static const uint8_t code[] = { 0xb9, 0xb4, 0, 0, 0, 0x89, 0xca, 0x83, 0xc2, 0x06,
					0x48, 0x89, 0xd0, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x100d, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 186 });
}

static void x86_xor_and_lea(void **state)
{
	/* xor eax, eax ; syscall  ;  lea eax, [rdi+3] with rdi unknown */
	static const uint8_t zero[] = { 0x31, 0xc0, 0x0f, 0x05 };
	/* mov edi, 10 ; lea eax, [rdi+3] ; syscall */
	static const uint8_t lea[] = { 0xbf, 0x0a, 0, 0, 0, 0x8d, 0x47, 0x03, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, zero, sizeof(zero), 0x1002, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 0 });
	resolve_at(&arch_x86_64, lea, sizeof(lea), 0x1008, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 13 });
}

static void x86_across_blocks(void **state)
{
	/* 1000: test edi, edi
	 * 1002: je 100b
	 * 1004: mov eax, 102 ; 1009: jmp 1010
	 * 100b: mov eax, 104
	 * 1010: syscall                      -> {102, 104} */
	static const uint8_t code[] = { 0x85, 0xff, 0x74, 0x07, 0xb8, 0x66, 0, 0, 0, 0xeb, 0x05,
					0xb8, 0x68, 0, 0, 0, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x1010, RAX, &r);
	assert_values(&r, 2, (int64_t[]){ 102, 104 });
	assert_int_equal(r.reason, UNRES_NONE);
}

static void x86_loop_terminates(void **state)
{
	/* 1000: mov eax, 1 ; 1005: add eax, 1 ; 1008: cmp eax, 5 ; 100b: jne 1005 ;
	 * 100d: syscall — the loop must not hang nor yield a wrong constant. */
	static const uint8_t code[] = { 0xb8, 1, 0, 0, 0, 0x83, 0xc0, 0x01, 0x83, 0xf8, 0x05,
					0x75, 0xf8, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x100d, RAX, &r);
	/* eax is 5 at the syscall; "2" (one trip) would be wrong: unresolved. */
	assert_int_equal(r.reason, UNRES_COMPUTED);
}

static void x86_unresolved_reasons(void **state)
{
	/* mov eax, [rdi] ; syscall */
	static const uint8_t mem[] = { 0x8b, 0x07, 0x0f, 0x05 };
	/* call 1005 (next) ; syscall */
	static const uint8_t call[] = { 0xe8, 0, 0, 0, 0, 0x0f, 0x05 };
	/* mov rax, rdi ; syscall — the syscall() wrapper shape */
	static const uint8_t arg[] = { 0x48, 0x89, 0xf8, 0x0f, 0x05 };
	/* mov al, 1 ; syscall — a partial write keeps unknown upper bits */
	static const uint8_t partial[] = { 0xb0, 0x01, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, mem, sizeof(mem), 0x1002, RAX, &r);
	assert_int_equal(r.reason, UNRES_MEMORY);
	resolve_at(&arch_x86_64, call, sizeof(call), 0x1005, RAX, &r);
	assert_int_equal(r.reason, UNRES_CALL);
	resolve_at(&arch_x86_64, arg, sizeof(arg), 0x1003, RAX, &r);
	assert_int_equal(r.reason, UNRES_ARGUMENT);
	assert_int_equal(r.arg_reg, RDI);
	resolve_at(&arch_x86_64, partial, sizeof(partial), 0x1002, RAX, &r);
	assert_int_equal(r.reason, UNRES_PARTIAL);
}

static void x86_partial_paths(void **state)
{
	/* test edi,edi ; je 100b ; mov eax,[rsi] ; jmp 1010 ... ; 100b: mov eax,60 ; 1010: syscall
	 * padded: one path from memory, one constant. */
	static const uint8_t code[] = { 0x85, 0xff, 0x74, 0x07, 0x8b, 0x06, 0x90, 0x90, 0x90,
					0xeb, 0x05, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x1010, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 60 });
	assert_int_equal(r.reason, UNRES_MEMORY);
	assert_true(r.partial);
}

static void x86_dead_padding_is_not_a_path(void **state)
{
	/* 1000: mov esi, 231 ; 1005: jmp 100a ; 1007: nop x3 (dead) ;
	 * 100a: mov eax, esi ; 100c: syscall */
	static const uint8_t code[] = { 0xbe, 0xe7, 0, 0, 0, 0xeb, 0x03, 0x90, 0x90, 0x90,
					0x89, 0xf0, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x100c, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 231 });
	assert_int_equal(r.reason, UNRES_NONE);
}

static void x86_syscall_result_replaces_number(void **state)
{
	/* mov eax, 39 ; syscall ; syscall — the second gets getpid's result */
	static const uint8_t code[] = { 0xb8, 0x27, 0, 0, 0, 0x0f, 0x05, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x1005, RAX, &r);
	assert_values(&r, 1, (int64_t[]){ 39 });
	resolve_at(&arch_x86_64, code, sizeof(code), 0x1007, RAX, &r);
	assert_int_equal(r.nvalues, 0);
	assert_int_equal(r.reason, UNRES_CALL);
}

static void x86_unreachable_site(void **state)
{
	/* mov eax, 60 ; ret ; syscall — nothing reaches the syscall */
	static const uint8_t code[] = { 0xb8, 0x3c, 0, 0, 0, 0xc3, 0x0f, 0x05 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_x86_64, code, sizeof(code), 0x1006, RAX, &r);
	assert_int_equal(r.nvalues, 0);
	assert_int_equal(r.reason, UNRES_UNREACHABLE);
}

static void arm64_mov_and_copy(void **state)
{
	/* mov w8, #93 ; svc #0 */
	static const uint8_t exit_[] = { 0xa8, 0x0b, 0x80, 0x52, 0x01, 0x00, 0x00, 0xd4 };
	/* mov x9, #172 ; mov x8, x9 ; svc #0 */
	static const uint8_t copy[] = { 0x89, 0x15, 0x80, 0xd2, 0xe8, 0x03, 0x09, 0xaa,
					0x01, 0x00, 0x00, 0xd4 };
	/* mov x8, x0 ; svc #0 : wrapper */
	static const uint8_t arg[] = { 0xe8, 0x03, 0x00, 0xaa, 0x01, 0x00, 0x00, 0xd4 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_aarch64, exit_, sizeof(exit_), 0x1004, X8, &r);
	assert_values(&r, 1, (int64_t[]){ 93 });
	resolve_at(&arch_aarch64, copy, sizeof(copy), 0x1008, X8, &r);
	assert_values(&r, 1, (int64_t[]){ 172 });
	resolve_at(&arch_aarch64, arg, sizeof(arg), 0x1004, X8, &r);
	assert_int_equal(r.reason, UNRES_ARGUMENT);
	assert_int_equal(r.arg_reg, X0);
}

static void arm64_across_blocks(void **state)
{
	/* 1000: cbz w0, 100c ; 1004: mov w8, #174 ; 1008: b 1010 ;
	 * 100c: mov w8, #175 ; 1010: svc #0            -> {174, 175} */
	static const uint8_t code[] = { 0x60, 0x00, 0x00, 0x34, 0xc8, 0x15, 0x80, 0x52,
					0x02, 0x00, 0x00, 0x14, 0xe8, 0x15, 0x80, 0x52,
					0x01, 0x00, 0x00, 0xd4 };
	struct resolution r;

	(void)state;
	resolve_at(&arch_aarch64, code, sizeof(code), 0x1010, X8, &r);
	assert_values(&r, 2, (int64_t[]){ 174, 175 });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(x86_constant),
		cmocka_unit_test(x86_register_copy_and_add),
		cmocka_unit_test(x86_xor_and_lea),
		cmocka_unit_test(x86_across_blocks),
		cmocka_unit_test(x86_loop_terminates),
		cmocka_unit_test(x86_unresolved_reasons),
		cmocka_unit_test(x86_partial_paths),
		cmocka_unit_test(x86_dead_padding_is_not_a_path),
		cmocka_unit_test(x86_syscall_result_replaces_number),
		cmocka_unit_test(x86_unreachable_site),
		cmocka_unit_test(arm64_mov_and_copy),
		cmocka_unit_test(arm64_across_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
