/* Unit tests for images/path.c: member-name canonicalisation, the symlink
 * breakout rule and whiteout names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "images/path.h"

static void assert_norm(const char *raw, const char *want)
{
	char out[IMAGE_PATH_MAX];
	struct ac_error err;

	assert_int_equal(image_path_normalize(raw, out, &err), 0);
	assert_string_equal(out, want);
}

static void assert_refused(const char *raw, const char *msg_part)
{
	char out[IMAGE_PATH_MAX];
	struct ac_error err;

	assert_int_equal(image_path_normalize(raw, out, &err), -1);
	assert_int_equal(err.kind, AC_ERR_INPUT);
	assert_non_null(strstr(err.msg, msg_part));
}

static void normalizes_ordinary_names(void **state)
{
	(void)state;
	assert_norm("usr/bin/ls", "usr/bin/ls");
	assert_norm("./usr/bin/ls", "usr/bin/ls");
	assert_norm("usr//bin///ls", "usr/bin/ls");
	assert_norm("usr/bin/", "usr/bin");
	assert_norm("./", "");
	assert_norm(".", "");
	assert_norm("a/./b/.", "a/b");
	assert_norm("a/b/../c", "a/c");
	assert_norm("a/..", "");
	assert_norm("...", "...");          /* a legal name, not ".." */
	assert_norm("..a/b..", "..a/b..");
}

static void refuses_escapes(void **state)
{
	(void)state;
	assert_refused("../etc/passwd", "climbs out");
	assert_refused("./../x", "climbs out");
	assert_refused("a/../../x", "climbs out");
	assert_refused("a/b/../../../x", "climbs out");
	assert_refused("..", "climbs out");
	assert_refused("/etc/passwd", "absolute");
	assert_refused("//etc/passwd", "absolute");
}

static void refuses_overlong(void **state)
{
	char name[300], path[IMAGE_PATH_MAX + 10];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_refused(name, "component longer");
	memset(path, 'b', sizeof(path) - 1);
	for (size_t i = 100; i < sizeof(path) - 1; i += 100)
		path[i] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_refused(path, "longer than");
}

static void symlink_breakout_rule(void **state)
{
	(void)state;
	/* Absolute targets resolve inside the image root: never an escape. */
	assert_false(image_symlink_escapes("bin/sh", "/usr/bin/dash"));
	assert_false(image_symlink_escapes("evil", "/../../../etc"));
	assert_false(image_symlink_escapes("lib", "usr/lib"));
	assert_false(image_symlink_escapes("usr/lib/x/libc.so", "../../../lib/libc.so.6"));
	assert_true(image_symlink_escapes("usr/lib/x/libc.so", "../../../../lib/libc.so.6"));
	assert_true(image_symlink_escapes("a", "../etc/passwd"));
	assert_true(image_symlink_escapes("a/b", "c/../../../x"));
	assert_false(image_symlink_escapes("a/b", "c/../../x"));
}

static void whiteout_names(void **state)
{
	const char *hidden = NULL;

	(void)state;
	assert_int_equal(image_path_whiteout("ls", &hidden), WHITEOUT_NONE);
	assert_int_equal(image_path_whiteout(".wh.ls", &hidden), WHITEOUT_FILE);
	assert_string_equal(hidden, "ls");
	assert_int_equal(image_path_whiteout(".wh..wh..opq", &hidden), WHITEOUT_OPAQUE);
	assert_int_equal(image_path_whiteout(".wh..wh.plnk", &hidden), WHITEOUT_META);
	assert_int_equal(image_path_whiteout(".wh", &hidden), WHITEOUT_NONE);
	assert_int_equal(image_path_whiteout(".whx", &hidden), WHITEOUT_NONE);
}

static void split_parent(void **state)
{
	char parent[IMAGE_PATH_MAX];

	(void)state;
	assert_string_equal(image_path_split("usr/bin/ls", parent), "ls");
	assert_string_equal(parent, "usr/bin");
	assert_string_equal(image_path_split("etc", parent), "etc");
	assert_string_equal(parent, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalizes_ordinary_names),
		cmocka_unit_test(refuses_escapes),
		cmocka_unit_test(refuses_overlong),
		cmocka_unit_test(symlink_breakout_rule),
		cmocka_unit_test(whiteout_names),
		cmocka_unit_test(split_parent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
