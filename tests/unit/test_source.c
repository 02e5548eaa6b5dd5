/* Unit tests for images/source.c and engine.c's name check: which bare
 * names read as image references, which names may enter a request path,
 * and --from's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "images/engine.h"
#include "images/source.h"

static void references_as_docker_reads_them(void **state)
{
	(void)state;
	assert_true(image_ref_plausible("centos:6"));
	assert_true(image_ref_plausible("busybox"));
	assert_true(image_ref_plausible("library/busybox:1.36.1-musl"));
	assert_true(image_ref_plausible("localhost/fixture:v1"));
	assert_true(image_ref_plausible("localhost:5000/team/app"));
	assert_false(image_ref_plausible("ghcr.io/Org-Name/app:Latest"));
	assert_true(image_ref_plausible("Registry.Example.com/app:Latest"));
	assert_true(image_ref_plausible("my_app__x.y-z/a"));
	assert_true(image_ref_plausible(
		"app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_true(image_ref_plausible("app:1@sha256:"
					"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
}

static void paths_are_not_references(void **state)
{
	(void)state;
	assert_false(image_ref_plausible(""));
	assert_false(image_ref_plausible("/tmp/img.tar"));
	assert_false(image_ref_plausible("./img"));
	assert_false(image_ref_plausible("../img"));
	assert_false(image_ref_plausible("Image.TAR"));
	assert_false(image_ref_plausible("a//b"));
	assert_false(image_ref_plausible("a/"));
	assert_false(image_ref_plausible("app:"));
	assert_false(image_ref_plausible("app:-x"));
	assert_false(image_ref_plausible("app@sha256:12"));
	assert_false(image_ref_plausible("a..b"));
	assert_false(image_ref_plausible("app:tag with space"));
	assert_false(image_ref_plausible("localhost:/app"));
}

static void request_path_names(void **state)
{
	(void)state;
	assert_true(engine_name_valid("fixture:v1"));
	assert_true(engine_name_valid("localhost:5000/a/b@sha256:00ff"));
	assert_true(engine_name_valid("3e229b6beb48"));
	assert_false(engine_name_valid(""));
	assert_false(engine_name_valid("../../containers/json"));
	assert_false(engine_name_valid("a/../b"));
	assert_false(engine_name_valid("/images"));
	assert_false(engine_name_valid("a/"));
	assert_false(engine_name_valid("a//b"));
	assert_false(engine_name_valid("a?b=1"));
	assert_false(engine_name_valid("a#b"));
	assert_false(engine_name_valid("a%2e%2e"));
	assert_false(engine_name_valid("a b"));
}

static void from_words(void **state)
{
	enum image_from f;

	(void)state;
	assert_int_equal(image_from_parse("docker", &f), 0);
	assert_int_equal(f, IMAGE_FROM_DOCKER);
	assert_int_equal(image_from_parse("podman", &f), 0);
	assert_int_equal(f, IMAGE_FROM_PODMAN);
	assert_int_equal(image_from_parse("registry", &f), 0);
	assert_int_equal(f, IMAGE_FROM_REGISTRY);
	assert_int_equal(image_from_parse("containerd", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(references_as_docker_reads_them),
		cmocka_unit_test(paths_are_not_references),
		cmocka_unit_test(request_path_names),
		cmocka_unit_test(from_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
