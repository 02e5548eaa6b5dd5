/* Unit tests for analyzer/linktable.c: a walk binds through the table as
 * ld.so binds by name and version (the requested version, else the
 * default one, never a hidden one for an unversioned request), exports
 * name the function they start or lie in, names resolve into the file
 * and nowhere else, and a damaged table read back from a cache fails
 * validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "analyzer/dynsyms.h"
#include "analyzer/linktable.h"

/* A stand-in for a mapped file: its string table is this buffer. */
static char strtab[] = "\0ELF"       /* offset 0 is never a name */
		       "\0time"      /* 5 */
		       "\0GLIBC_2.2.5" /* 10 */
		       "\0GLIBC_2.17" /* 22 */
		       "\0memcpy"    /* 33 */
		       "\0helper"    /* 40 */
		       "\0unterminated";
#define S(off) (strtab + (off))

struct fixture {
	struct elf_file ef;
	struct elf_symbol syms[2];
	struct func_range ranges[3];
	struct function_index fi;
	struct dyn_symbol exports[5], imports[2];
	struct dynsyms d;
	struct link_table lt;
};

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->ef.map = (const uint8_t *)strtab;
	f->ef.size = sizeof(strtab) - 1; /* the last name has no NUL inside */
	f->syms[0] = (struct elf_symbol){ .value = 0x1000, .name = S(5), .is_func = true };
	f->syms[1] = (struct elf_symbol){ .value = 0x2000, .name = S(40), .is_func = true };
	f->ef.syms = f->syms;
	f->ef.nsyms = 2;
	f->ef.symbols_indexed = true; /* no libelf: the index is given */
	f->ranges[0] = (struct func_range){ 0x1000, 0x1100 };
	f->ranges[1] = (struct func_range){ 0x2000, 0x2100 };
	f->ranges[2] = (struct func_range){ 0x3000, 0x3100 };
	f->fi = (struct function_index){ .ranges = f->ranges, .n = 3 };
	/* time@GLIBC_2.2.5 (hidden), time@@GLIBC_2.17, memcpy inside fn 1,
	 * helper unversioned where no function is, and a name defined only
	 * in a hidden version. */
	f->exports[0] = (struct dyn_symbol){ .name = S(5), .version = S(10), .value = 0x1000,
					     .hidden_version = true };
	f->exports[1] = (struct dyn_symbol){ .name = S(5), .version = S(22), .value = 0x3000 };
	f->exports[2] = (struct dyn_symbol){ .name = S(33), .version = S(22), .value = 0x2010 };
	f->exports[3] = (struct dyn_symbol){ .name = S(40), .value = 0x9000 };
	f->exports[4] = (struct dyn_symbol){ .name = S(47), .version = S(10), .value = 0x3000,
					     .hidden_version = true };
	f->imports[0] = (struct dyn_symbol){ .name = S(5), .version = S(10) };
	f->imports[1] = (struct dyn_symbol){ .name = S(33) };
	for (size_t i = 0; i < 5; i++) /* as dynsyms_read_symbols hashes them */
		f->exports[i].hash = link_hash(f->exports[i].name);
	for (size_t i = 0; i < 2; i++)
		f->imports[i].hash = link_hash(f->imports[i].name);
	f->d = (struct dynsyms){ .exports = f->exports, .nexports = 5,
				 .imports = f->imports, .nimports = 2 };
	link_table_build(&f->ef, &f->d, &f->fi, &f->lt);
}

static uint32_t bound_fn(const struct link_table *lt, const char *name, const char *version)
{
	const struct link_export *e = link_table_export(lt, link_hash(name),
							 version ? link_hash(version) : 0);
	return e ? e->fn : 0xdead;
}

static void binds_like_ld_so(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	assert_true(link_table_valid(&f.lt, 3, 2));
	/* The version asked for, hidden or not. */
	assert_int_equal(bound_fn(&f.lt, "time", "GLIBC_2.2.5"), 0);
	assert_int_equal(bound_fn(&f.lt, "time", "GLIBC_2.17"), 2);
	/* Unversioned, or a version the object lacks: the default (@@). */
	assert_int_equal(bound_fn(&f.lt, "time", NULL), 2);
	assert_int_equal(bound_fn(&f.lt, "time", "GLIBC_2.34"), 2);
	/* An address inside a function binds to that function. */
	assert_int_equal(bound_fn(&f.lt, "memcpy", "GLIBC_2.17"), 1);
	assert_int_equal(bound_fn(&f.lt, "memcpy", NULL), 1);
	/* Defined where no function is: found, but it binds nothing. */
	assert_int_equal(bound_fn(&f.lt, "helper", NULL), LINK_NO_FN);
	assert_int_equal(bound_fn(&f.lt, "absent", NULL), 0xdead);
	link_table_free(&f.lt);
}

static void hidden_versions_only_on_request(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	/* A name defined only as name@VER (no default): an unversioned
	 * request finds nothing, a request for VER finds it. */
	assert_int_equal(bound_fn(&f.lt, "unterminated", NULL), 0xdead);
	assert_int_equal(bound_fn(&f.lt, "unterminated", "GLIBC_2.17"), 0xdead);
	assert_int_equal(bound_fn(&f.lt, "unterminated", "GLIBC_2.2.5"), 2);
	link_table_free(&f.lt);
}

static void names_stay_in_the_file(void **state)
{
	struct fixture f;
	const struct link_import *imp;

	(void)state;
	setup(&f);
	imp = &f.lt.imports[0];
	assert_string_equal(link_table_string(&f.ef, imp->name_off), "time");
	assert_string_equal(link_table_string(&f.ef, f.lt.versions[imp->version].name_off),
			    "GLIBC_2.2.5");
	assert_int_equal(f.lt.imports[1].version, 0); /* unversioned */
	assert_true(imp->name == link_hash("time"));
	assert_string_equal(link_table_string(&f.ef, f.lt.fn_names[0]), "time");
	assert_string_equal(link_table_string(&f.ef, f.lt.fn_names[1]), "helper");
	assert_int_equal(f.lt.fn_names[2], LINK_NO_NAME); /* no symbol there */
	assert_null(link_table_string(&f.ef, LINK_NO_NAME));
	assert_null(link_table_string(&f.ef, (uint32_t)f.ef.size));
	assert_null(link_table_string(&f.ef, 47)); /* "unterminated": no NUL before the end */
	link_table_free(&f.lt);
}

static void damaged_tables_fail(void **state)
{
	struct fixture f;
	struct link_export saved;

	(void)state;
	setup(&f);
	assert_false(link_table_valid(&f.lt, 4, 2));  /* another function count */
	assert_false(link_table_valid(&f.lt, 3, 1));  /* another import count */
	saved = f.lt.exports[0];
	f.lt.exports[0].name = ~0ull;                  /* out of order */
	assert_false(link_table_valid(&f.lt, 3, 2));
	f.lt.exports[0] = saved;
	f.lt.exports[0].fn = 3;                        /* past the functions */
	assert_false(link_table_valid(&f.lt, 3, 2));
	f.lt.exports[0] = saved;
	f.lt.exports[0].version = (uint16_t)f.lt.nversions;
	assert_false(link_table_valid(&f.lt, 3, 2));
	f.lt.exports[0] = saved;
	f.lt.imports[1].version = (uint16_t)f.lt.nversions;
	assert_false(link_table_valid(&f.lt, 3, 2));
	f.lt.imports[1].version = 0;
	f.lt.versions[0].hash = 1;                     /* slot 0 is "none" */
	assert_false(link_table_valid(&f.lt, 3, 2));
	f.lt.versions[0].hash = 0;
	assert_true(link_table_valid(&f.lt, 3, 2));
	link_table_free(&f.lt);
}

static void hash_is_never_zero(void **state)
{
	(void)state;
	/* 0 means "no version" in a lookup. */
	assert_true(link_hash("") != 0);
	assert_true(link_hash("time") != link_hash("timf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(binds_like_ld_so),
		cmocka_unit_test(hidden_versions_only_on_request),
		cmocka_unit_test(names_stay_in_the_file),
		cmocka_unit_test(damaged_tables_fail),
		cmocka_unit_test(hash_is_never_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
