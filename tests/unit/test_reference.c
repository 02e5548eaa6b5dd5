/* Unit tests for images/reference.c: docker's normalisation of image
 * references and the registry API URLs they map to (docker.io is only
 * ever a string here: nothing is contacted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "images/reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void assert_normalized(const char *in, const char *want)
{
	struct image_reference r;
	struct ac_error err;
	char buf[600];

	if (reference_parse(in, &r, &err) < 0)
		fail_msg("%s: %s", in, err.msg);
	reference_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void assert_refused(const char *in, const char *msg_part)
{
	struct image_reference r;
	struct ac_error err;

	assert_int_equal(reference_parse(in, &r, &err), -1);
	assert_int_equal(err.kind, AC_ERR_INPUT);
	if (!strstr(err.msg, msg_part))
		fail_msg("%s: '%s' lacks '%s'", in, err.msg, msg_part);
}

static void docker_hub_names(void **state)
{
	(void)state;
	assert_normalized("centos:6", "docker.io/library/centos:6");
	assert_normalized("centos", "docker.io/library/centos:latest");
	assert_normalized("library/centos:7", "docker.io/library/centos:7");
	assert_normalized("user/app", "docker.io/user/app:latest");
	assert_normalized("docker.io/centos", "docker.io/library/centos:latest");
	assert_normalized("index.docker.io/user/app:v1", "docker.io/user/app:v1");
	/* "localhost:5000" alone is a name and a tag, as docker reads it. */
	assert_normalized("localhost:5000", "docker.io/library/localhost:5000");
}

static void other_registries(void **state)
{
	(void)state;
	assert_normalized("127.0.0.1:5000/fixture:tag", "127.0.0.1:5000/fixture:tag");
	assert_normalized("localhost/a/b", "localhost/a/b:latest");
	assert_normalized("ghcr.io/org/app@sha256:" HEX64, "ghcr.io/org/app@sha256:" HEX64);
	assert_normalized("ghcr.io/org/app:1.0@sha256:" HEX64,
			  "ghcr.io/org/app:1.0@sha256:" HEX64);
	assert_normalized("[::1]:5000/x", "[::1]:5000/x:latest");
	assert_normalized("Registry/x", "Registry/x:latest"); /* upper case: a host */
	assert_normalized("a.b/c__d/e-f.g_h---i", "a.b/c__d/e-f.g_h---i:latest");
}

static void malformed(void **state)
{
	(void)state;
	assert_refused("", "not an image reference");
	assert_refused("Centos", "lowercase");
	assert_refused("docker.io/Centos", "lowercase");
	assert_refused("centos:", "invalid tag");
	assert_refused("centos:-x", "invalid tag");
	assert_refused("a//b", "invalid repository name");
	assert_refused("a/b_", "invalid repository name");
	assert_refused("a/b___c", "invalid repository name");
	assert_refused("-bad.host/x", "invalid registry host");
	assert_refused("host:99999999/x", "invalid registry host");
	assert_refused("x@sha256:abc", "sha256");
	assert_refused(HEX64, "image ID");
}

static void api_urls(void **state)
{
	struct image_reference r;
	struct ac_error err;
	char url[600], sel[200];

	(void)state;
	assert_int_equal(reference_parse("centos:6", &r, &err), 0);
	assert_string_equal(reference_api_host(&r), "registry-1.docker.io");
	assert_int_equal(reference_url(&r, true, "manifests", "6", url, sizeof(url)), 0);
	assert_string_equal(url, "https://registry-1.docker.io/v2/library/centos/manifests/6");
	assert_int_equal(reference_parse("127.0.0.1:5000/fix/ture@sha256:" HEX64, &r, &err), 0);
	reference_selector(&r, sel, sizeof(sel));
	assert_string_equal(sel, "sha256:" HEX64);
	assert_int_equal(reference_url(&r, false, "manifests", sel, url, sizeof(url)), 0);
	assert_string_equal(url, "http://127.0.0.1:5000/v2/fix/ture/manifests/sha256:" HEX64);
	assert_int_equal(reference_url(&r, false, "blobs", sel, url, 20), -1);
}

static void loopback_hosts(void **state)
{
	(void)state;
	assert_true(reference_host_is_loopback("localhost"));
	assert_true(reference_host_is_loopback("localhost:5000"));
	assert_true(reference_host_is_loopback("127.0.0.1:5000"));
	assert_true(reference_host_is_loopback("127.1.2.3"));
	assert_true(reference_host_is_loopback("[::1]:5000"));
	assert_false(reference_host_is_loopback("128.0.0.1"));
	assert_false(reference_host_is_loopback("127.0.0.1.example.com"));
	assert_false(reference_host_is_loopback("localhost.example.com:5000"));
	assert_false(reference_host_is_loopback("docker.io"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_hub_names),
		cmocka_unit_test(other_registries),
		cmocka_unit_test(malformed),
		cmocka_unit_test(api_urls),
		cmocka_unit_test(loopback_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
