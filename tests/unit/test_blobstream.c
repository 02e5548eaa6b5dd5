/* Unit tests for images/blobstream.c's decoding: gzip (ISA-L) and zstd
 * streams, one member or several (RFC 1952 §2.2), fed in chunks of every
 * awkward size, must come out byte-identical with both digests right; a
 * flipped byte, a cut stream or trailing garbage must be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "common/xalloc.h"
#include "images/blobstream.h"

/* Compressible but not trivial: text with a counter, plus incompressible
 * runs so the encoder mixes stored, fixed and dynamic blocks. */
static unsigned char *make_plain(size_t len, unsigned seed)
{
	unsigned char *p = xmalloc(len);
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (i / 4096) % 3 == 2 ? (unsigned char)(x >> 16) : (unsigned char)("abicheck "[i % 9] + (i / 9) % 5);
	}
	return p;
}

/* Optional header fields a member carries (RFC 1952 §2.3: FEXTRA, FNAME,
 * FCOMMENT, FHCRC), as bits. */
enum { HDR_EXTRA = 1, HDR_NAME = 2, HDR_COMMENT = 4, HDR_HCRC = 8 };

/* Appends `len` bytes of `src` as one gzip member (zlib's encoder), its
 * header carrying the fields `hdr` names. */
static void gzip_member_hdr(unsigned char **out, size_t *out_len, const unsigned char *src,
			    size_t len, int level, int hdr)
{
	static unsigned char extra[300] = "AB";
	z_stream z = { 0 };
	gz_header h = { 0 };
	size_t cap;

	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	if (hdr) {
		h.extra = (hdr & HDR_EXTRA) ? extra : Z_NULL;
		h.extra_len = sizeof(extra);
		h.name = (hdr & HDR_NAME) ? (Bytef *)"usr-bin-a-rather-long-layer-name.tar" : Z_NULL;
		h.comment = (hdr & HDR_COMMENT) ? (Bytef *)"made by test_blobstream.c" : Z_NULL;
		h.hcrc = (hdr & HDR_HCRC) != 0;
		assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
	}
	cap = deflateBound(&z, (uLong)len) + 512;
	*out = xrealloc(*out, *out_len + cap);
	z.next_in = (unsigned char *)src;
	z.avail_in = (uInt)len;
	z.next_out = *out + *out_len;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len += cap - z.avail_out;
	deflateEnd(&z);
}

static void gzip_member(unsigned char **out, size_t *out_len, const unsigned char *src, size_t len,
			int level)
{
	gzip_member_hdr(out, out_len, src, len, level, 0);
}

struct chunks {
	const unsigned char *buf;
	size_t len, pos, step;
};

/* Hands out at most `step` bytes per call, so member ends, headers and
 * trailers fall across every kind of buffer boundary. */
static ssize_t chunk_read(void *ctx, void *buf, size_t len, struct ac_error *err)
{
	struct chunks *c = ctx;
	size_t n = c->len - c->pos;

	(void)err;
	if (n > c->step)
		n = c->step;
	if (n > len)
		n = len;
	memcpy(buf, c->buf + c->pos, n);
	c->pos += n;
	return (ssize_t)n;
}

/* Decodes `blob` fed `step` bytes at a time; returns the finish result and
 * the decoded bytes in *out. */
static int decode(const unsigned char *blob, size_t len, size_t step, unsigned char **out,
		  size_t *out_len, struct ac_error *err)
{
	struct chunks c = { blob, len, 0, step };
	struct blob_reader r = { chunk_read, &c, len };
	struct image_limits lim = image_limits_default();
	struct blob_stream *bs = blob_stream_open_reader(r, DIGEST_SHA256, DIGEST_SHA256, &lim, NULL);
	struct digest want, want_diff;
	const void *p;
	ssize_t n;
	int rc;
	size_t cap = 0;

	*out = NULL;
	*out_len = 0;
	while ((n = blob_stream_read(bs, &p)) > 0) {
		xgrow((void **)out, &cap, *out_len + (size_t)n, 1);
		memcpy(*out + *out_len, p, (size_t)n);
		*out_len += (size_t)n;
	}
	digest_buffer(DIGEST_SHA256, blob, len, &want);
	digest_buffer(DIGEST_SHA256, *out ? *out : (unsigned char *)"", *out_len, &want_diff);
	rc = blob_stream_finish(bs, &want, &want_diff, n == 0, err);
	blob_stream_free(bs);
	return rc;
}

static const size_t steps[] = { 1, 2, 3, 7, 8, 9, 17, 4093, 65536, 1 << 20 };

static void expect_roundtrip(const unsigned char *blob, size_t len, const unsigned char *plain,
			     size_t plain_len)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		unsigned char *out;
		size_t out_len;
		struct ac_error err = { 0 };

		if (steps[i] < 64 && len > (4u << 20))
			continue; /* byte-at-a-time over megabytes proves nothing more */
		if (decode(blob, len, steps[i], &out, &out_len, &err) != 0)
			fail_msg("step %zu: %s", steps[i], err.msg);
		if (out_len != plain_len)
			fail_msg("step %zu: %zu of %zu bytes", steps[i], out_len, plain_len);
		assert_int_equal(out_len, plain_len);
		assert_memory_equal(out, plain, plain_len);
		free(out);
	}
}

static void test_gzip_one_member(void **state)
{
	size_t plain_len = 1u << 20;
	unsigned char *plain = make_plain(plain_len, 1), *gz = NULL;
	size_t gz_len = 0;

	(void)state;
	gzip_member(&gz, &gz_len, plain, plain_len, 6);
	expect_roundtrip(gz, gz_len, plain, plain_len);
	free(gz);
	free(plain);
}

/* Members of 0, 1, 5 bytes and larger, back to back, at several levels:
 * the inflater's bit buffer may already hold the next member's header
 * when one ends. */
static void test_gzip_members(void **state)
{
	static const size_t sizes[] = { 1000, 0, 1, 5, 70000, 0, 300000, 1 };
	size_t total = 0, gz_len = 0;
	unsigned char *plain = make_plain(400000, 2), *gz = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		gzip_member(&gz, &gz_len, plain + total, sizes[i], (int)(i % 10));
		total += sizes[i];
	}
	expect_roundtrip(gz, gz_len, plain, total);
	free(gz);
	free(plain);
}

/* Every combination of optional header fields, two members each, fed at
 * every awkward size: a header split across reads must be resumed where
 * it stopped (ISA-L's own header parse is not resumable, intel/isa-l#224,
 * so blobstream.c reads headers with isal_read_gzip_header). */
static void test_gzip_header_fields(void **state)
{
	unsigned char *plain = make_plain(20000, 5);

	(void)state;
	for (int hdr = 1; hdr < 16; hdr++) {
		unsigned char *gz = NULL;
		size_t gz_len = 0;

		gzip_member_hdr(&gz, &gz_len, plain, 12000, 6, hdr);
		gzip_member_hdr(&gz, &gz_len, plain + 12000, 8000, 1, hdr);
		expect_roundtrip(gz, gz_len, plain, 20000);
		free(gz);
	}
	free(plain);
}

static void expect_refused(const unsigned char *blob, size_t len, const char *what)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		unsigned char *out;
		size_t out_len;
		struct ac_error err = { 0 };
		int rc = decode(blob, len, steps[i], &out, &out_len, &err);

		free(out);
		if (rc == 0)
			fail_msg("%s accepted at step %zu", what, steps[i]);
		assert_int_equal(err.kind, AC_ERR_INPUT);
	}
}

static void test_gzip_refused(void **state)
{
	size_t plain_len = 200000, gz_len = 0;
	unsigned char *plain = make_plain(plain_len, 3), *gz = NULL, *bad;

	(void)state;
	gzip_member(&gz, &gz_len, plain, plain_len, 6);
	gzip_member(&gz, &gz_len, plain, 100, 6);
	bad = xmalloc(gz_len + 4);

	memcpy(bad, gz, gz_len);
	bad[gz_len - 30] ^= 0x5a; /* the second member's data or CRC */
	expect_refused(bad, gz_len, "a flipped byte");
	memcpy(bad, gz, gz_len);
	bad[gz_len - 8] ^= 1; /* its CRC-32 itself */
	expect_refused(bad, gz_len, "a wrong CRC");
	memcpy(bad, gz, gz_len);
	bad[gz_len - 1] ^= 1; /* its ISIZE */
	expect_refused(bad, gz_len, "a wrong length");
	expect_refused(gz, gz_len - 3, "a cut trailer");
	expect_refused(gz, gz_len / 2, "a cut stream");
	memcpy(bad, gz, gz_len);
	memcpy(bad + gz_len, "junk", 4);
	expect_refused(bad, gz_len + 4, "trailing garbage");
	free(bad);
	free(gz);
	free(plain);
}

static void test_zstd_frames(void **state)
{
	size_t plain_len = 1u << 20, cap = ZSTD_compressBound(plain_len) * 2, len;
	unsigned char *plain = make_plain(plain_len, 4), *z = xmalloc(cap);

	(void)state;
	len = ZSTD_compress(z, cap, plain, plain_len / 2, 3);
	assert_false(ZSTD_isError(len));
	len += ZSTD_compress(z + len, cap - len, plain + plain_len / 2, plain_len / 2, 19);
	expect_roundtrip(z, len, plain, plain_len);
	expect_refused(z, len - 1, "a cut zstd frame");
	free(z);
	free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_one_member),
		cmocka_unit_test(test_gzip_members),
		cmocka_unit_test(test_gzip_header_fields),
		cmocka_unit_test(test_gzip_refused),
		cmocka_unit_test(test_zstd_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
