/* tests/fuzz/fuzz_registry.c — libFuzzer target: what a registry (or a
 * user's command line) hands the registry client besides the documents
 * fuzz_image_json covers: a WWW-Authenticate challenge, a token server's
 * reply, and an image reference.  The input is up to three parts separated
 * by "\n--\n", in that order.  A reference that parses must print back to
 * one that parses to the same thing: a report names the image by the
 * printed form, and a user pastes it back.
 */
#include <string.h>

#include "common/xalloc.h"
#include "images/auth.h"
#include "images/reference.h"
#include "tests/fuzz/fuzz.h"

#define SEP "\n--\n"

/* Part `i` of the input as a string (empty when there are fewer). */
static char *part(const char *p, size_t size, int i)
{
	const char *end = p + size;

	while (i-- > 0) {
		const char *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		if (!sep)
			return xstrdup("");
		p = sep + strlen(SEP);
	}
	const char *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
	size_t n = (size_t)((sep ? sep : end) - p);
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void reference_round_trip(const char *s)
{
	struct image_reference r, back;
	struct ac_error err;
	char text[2 * REFERENCE_NAME_MAX + REFERENCE_TAG_MAX + DIGEST_STR_MAX + 8];

	if (reference_parse(s, &r, &err) < 0)
		return;
	reference_format(&r, text, sizeof(text));
	if (reference_parse(text, &back, &err) < 0 || strcmp(r.domain, back.domain) ||
	    strcmp(r.path, back.path) || strcmp(r.tag, back.tag) ||
	    r.has_digest != back.has_digest) {
		fprintf(stderr, "reference '%s' prints as '%s', which parses differently\n", s, text);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *challenge = part((const char *)data, size, 0);
	char *token = part((const char *)data, size, 1);
	char *ref = part((const char *)data, size, 2);
	struct auth_challenge ch;
	struct ac_error err;
	char *header = NULL;

	auth_parse_challenge(challenge, &ch);
	if (memchr(ch.realm, '\0', sizeof(ch.realm)) == NULL)
		abort();
	if (auth_token_header(token, strlen(token), &header, &err) == 0) {
		if (strpbrk(header, "\r\n"))
			abort(); /* a token must not be able to add a header */
		auth_wipe_free(header);
	}
	reference_round_trip(ref);
	free(challenge);
	free(token);
	free(ref);
	return 0;
}
