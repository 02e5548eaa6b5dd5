/* Unit tests for images/auth.c: WWW-Authenticate challenges, and which
 * credentials the auth files give a registry (files written to a temp
 * dir, pointed at through the environment). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "images/auth.h"

static char dir[] = "/tmp/abicheck-test-auth.XXXXXX";

static void challenges(void **state)
{
	struct auth_challenge c;

	(void)state;
	auth_parse_challenge("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
			     "scope=\"repository:library/centos:pull\"", &c);
	assert_int_equal(c.scheme, AUTH_BEARER);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/centos:pull");
	auth_parse_challenge("bearer  realm=http://127.0.0.1:1/t , scope=\"a\\\"b\"", &c);
	assert_int_equal(c.scheme, AUTH_BEARER);
	assert_string_equal(c.realm, "http://127.0.0.1:1/t");
	assert_string_equal(c.service, "");
	assert_string_equal(c.scope, "a\"b");
	auth_parse_challenge("Basic realm=\"abicheck-test\", Bearer realm=\"x\"", &c);
	assert_int_equal(c.scheme, AUTH_BASIC);
	assert_string_equal(c.realm, "abicheck-test");
	auth_parse_challenge("Negotiate abc", &c);
	assert_int_equal(c.scheme, AUTH_NONE);
	auth_parse_challenge("", &c);
	assert_int_equal(c.scheme, AUTH_NONE);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* base64("u:host") = dTpob3N0, ("u:repo") = dTpyZXBv, ("u:hub") = dTpodWI= */
static void lookup(const char *domain, const char *path, const char *want_pass)
{
	struct registry_credentials c;
	struct ac_error err;

	if (auth_find_credentials(domain, path, &c, &err) < 0)
		fail_msg("%s/%s: %s", domain, path, err.msg);
	if (!want_pass) {
		assert_null(c.user);
		return;
	}
	assert_non_null(c.user);
	assert_string_equal(c.user, "u");
	assert_string_equal(c.password, want_pass);
	auth_credentials_free(&c);
}

static void credentials(void **state)
{
	char file[600], docker[600];
	struct registry_credentials c;
	struct ac_error err;

	(void)state;
	snprintf(file, sizeof(file), "%s/auth.json", dir);
	snprintf(docker, sizeof(docker), "%s/config.json", dir);
	setenv("REGISTRY_AUTH_FILE", file, 1);
	setenv("DOCKER_CONFIG", dir, 1);
	setenv("HOME", dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	write_file(file, "{\"auths\": {\"reg:5000\": {\"auth\": \"dTpob3N0\"},"
			 " \"reg:5000/team/app\": {\"auth\": \"dTpyZXBv\"}}}");
	write_file(docker, "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"dTpodWI=\"},"
			   " \"other\": {}}}");
	lookup("reg:5000", "team/app", "repo");    /* the most specific key */
	lookup("reg:5000", "team/app2", "host");   /* a prefix only at a '/' */
	lookup("reg:5000", "x", "host");
	lookup("docker.io", "library/centos", "hub"); /* from the second file */
	lookup("reg:5001", "x", NULL);
	write_file(file, "{\"auths\": {\"reg:5000\": {\"auth\": \"not base64!\"}}}");
	assert_int_equal(auth_find_credentials("reg:5000", "x", &c, &err), -1);
	assert_non_null(strstr(err.msg, "is not base64 of user:password"));
	write_file(file, "{\"auths\": {\"reg:5000\": {\"auth\": \"s3cret\"");
	assert_int_equal(auth_find_credentials("reg:5000", "x", &c, &err), -1);
	assert_non_null(strstr(err.msg, "malformed JSON at line 1"));
	assert_null(strstr(err.msg, "s3cret"));
	unlink(file);
	unlink(docker);
}

static void basic_header(void **state)
{
	struct registry_credentials c = { .user = "u", .password = "host" };
	char *h = auth_basic_header(&c);

	(void)state;
	assert_string_equal(h, "Authorization: Basic dTpob3N0");
	auth_wipe_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(challenges),
		cmocka_unit_test(credentials),
		cmocka_unit_test(basic_header),
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
