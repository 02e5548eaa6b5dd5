/* common/digest.h — content digests as OCI names them ("sha256:<64 hex>").
 *
 * Owns parsing/validating digest strings (a digest from an image names a
 * file we open, so it is validated strictly before use) and streaming
 * hashing.  Hashing is OpenSSL's libcrypto: it uses the SHA-NI/ARMv8 SHA
 * instructions, several times faster than a portable C implementation on
 * the gigabytes a large image holds.
 */
#ifndef ABICHECK_COMMON_DIGEST_H
#define ABICHECK_COMMON_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define DIGEST_MAX_HEX 128
#define DIGEST_STR_MAX (7 + DIGEST_MAX_HEX + 1) /* "sha512:" + hex + NUL */

enum digest_alg { DIGEST_SHA256, DIGEST_SHA512 };

struct digest {
	enum digest_alg alg;
	char hex[DIGEST_MAX_HEX + 1]; /* lowercase */
};

/* Strict parse of "sha256:<64 lowercase hex>" / "sha512:<128 hex>". */
int digest_parse(const char *s, struct digest *out, struct ac_error *err);
void digest_format(const struct digest *d, char *buf, size_t len);
/* "sha256:0123456789ab" — short form for messages. */
void digest_short(const struct digest *d, char *buf, size_t len);
bool digest_equal(const struct digest *a, const struct digest *b);
const char *digest_alg_name(enum digest_alg alg);

struct hasher; /* opaque streaming state */
struct hasher *hasher_new(enum digest_alg alg);
void hasher_update(struct hasher *h, const void *buf, size_t len);
/* Finishes and frees. */
void hasher_finish(struct hasher *h, struct digest *out);
void hasher_free(struct hasher *h);

void digest_buffer(enum digest_alg alg, const void *buf, size_t len,
		   struct digest *out);

#endif
