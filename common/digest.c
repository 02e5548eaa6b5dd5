/* common/digest.c — see digest.h. */
#include "common/digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hasher {
	EVP_MD_CTX *ctx;
	enum digest_alg alg;
};

static size_t hex_len(enum digest_alg alg)
{
	return alg == DIGEST_SHA256 ? 64 : 128;
}

const char *digest_alg_name(enum digest_alg alg)
{
	return alg == DIGEST_SHA256 ? "sha256" : "sha512";
}

int digest_parse(const char *s, struct digest *out, struct ac_error *err)
{
	const char *hex;
	size_t n;

	if (!strncmp(s, "sha256:", 7))
		out->alg = DIGEST_SHA256;
	else if (!strncmp(s, "sha512:", 7))
		out->alg = DIGEST_SHA512;
	else
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "unsupported or malformed digest '%.80s'", s);
	hex = s + 7;
	n = strlen(hex);
	if (n != hex_len(out->alg))
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "malformed digest '%.80s' (wrong length)", s);
	for (size_t i = 0; i < n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		      (hex[i] >= 'a' && hex[i] <= 'f')))
			return ac_error_set(err, AC_ERR_INPUT, 0,
					    "malformed digest '%.80s' (not lowercase hex)", s);
	memcpy(out->hex, hex, n + 1);
	return 0;
}

void digest_format(const struct digest *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", digest_alg_name(d->alg), d->hex);
}

void digest_short(const struct digest *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%.12s", digest_alg_name(d->alg), d->hex);
}

bool digest_equal(const struct digest *a, const struct digest *b)
{
	return a->alg == b->alg && !strcmp(a->hex, b->hex);
}

struct hasher *hasher_new(enum digest_alg alg)
{
	struct hasher *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->alg = alg;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx ||
	    !EVP_DigestInit_ex(h->ctx, alg == DIGEST_SHA256 ? EVP_sha256() : EVP_sha512(),
			       NULL)) {
		hasher_free(h);
		return NULL;
	}
	return h;
}

void hasher_update(struct hasher *h, const void *buf, size_t len)
{
	EVP_DigestUpdate(h->ctx, buf, len);
}

void hasher_finish(struct hasher *h, struct digest *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char xd[] = "0123456789abcdef";

	EVP_DigestFinal_ex(h->ctx, md, &n);
	out->alg = h->alg;
	for (unsigned int i = 0; i < n; i++) {
		out->hex[2 * i] = xd[md[i] >> 4];
		out->hex[2 * i + 1] = xd[md[i] & 15];
	}
	out->hex[2 * n] = '\0';
	hasher_free(h);
}

void hasher_free(struct hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void digest_buffer(enum digest_alg alg, const void *buf, size_t len,
		   struct digest *out)
{
	struct hasher *h = hasher_new(alg);

	if (!h) {
		memset(out, 0, sizeof(*out));
		return;
	}
	hasher_update(h, buf, len);
	hasher_finish(h, out);
}
