/* images/blobstream.c — see blobstream.h. */
#include "images/blobstream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/igzip_lib.h>
#include <unistd.h>
#include <zstd.h>

#include "common/tempdir.h"
#include "common/xalloc.h"

#define IN_CHUNK (128u << 10)
#define IN_SLACK 8 /* gzip_unread puts back at most the inflater's 64 bits */
#define OUT_CHUNK (256u << 10)

struct blob_stream {
	struct blob_range range;   /* read with pread, unless reader.read is set */
	struct blob_reader reader; /* its size is range.size */
	uint64_t pos; /* compressed bytes consumed */
	struct hasher *hash, *diff_hash;
	enum blob_compression comp;
	struct inflate_state *gz; /* ISA-L: about 3x zlib's inflate speed */
	/* The member's header, read by isal_read_gzip_header into state that
	 * outlives a call: isal_inflate's own parse keeps it on its stack
	 * (flags uninitialised), so a header split across reads went wrong. */
	struct isal_gzip_header gz_hdr;
	bool gz_hdr_done;
	ZSTD_DStream *zs;
	size_t zstd_last; /* ZSTD_decompressStream's last hint; 0 = frame end */
	unsigned char *in, *out;
	size_t in_len, in_pos;
	uint64_t out_total;
	uint64_t *total_out;
	const struct image_limits *limits;
	bool at_end, failed;
	struct ac_error err;
};

const char *blob_compression_name(enum blob_compression c)
{
	static const char *const names[] = { "none", "gzip", "zstd" };
	return names[c];
}

/* Reads the next input into the buffer from byte `at` on (what is before
 * it is kept); returns bytes read, 0 at the end. */
static ssize_t fill_at(struct blob_stream *bs, size_t at)
{
	uint64_t left = bs->range.size - bs->pos;
	size_t want = left < IN_CHUNK - at ? (size_t)left : IN_CHUNK - at;
	ssize_t n;

	if (ac_interrupted()) {
		ac_error_set(&bs->err, AC_ERR_INTERRUPTED, 0, "interrupted");
		return -1;
	}
	if (!want)
		return 0;
	if (bs->reader.read) {
		n = bs->reader.read(bs->reader.ctx, bs->in + at, want, &bs->err);
		if (n < 0)
			return -1;
	} else {
		do
			n = pread(bs->range.fd, bs->in + at, want, (off_t)(bs->range.offset + bs->pos));
		while (n < 0 && errno == EINTR && !ac_interrupted());
		if (n < 0) {
			ac_error_set(&bs->err, AC_ERR_SYSTEM, errno, "read");
			return -1;
		}
	}
	if (n == 0) { /* file shorter than the range we were promised */
		ac_error_set(&bs->err, AC_ERR_INPUT, 0, "blob truncated at byte %llu of %llu",
			     (unsigned long long)bs->pos, (unsigned long long)bs->range.size);
		return -1;
	}
	hasher_update(bs->hash, bs->in + at, (size_t)n);
	bs->pos += (uint64_t)n;
	bs->in_len = at + (size_t)n;
	bs->in_pos = 0;
	return n;
}

static ssize_t fill(struct blob_stream *bs)
{
	return fill_at(bs, 0);
}

static enum blob_compression sniff(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return BLOB_GZIP;
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return BLOB_ZSTD;
	return BLOB_PLAIN;
}

/* read_gzip reads the header with isal_read_gzip_header; with
 * ISAL_GZIP_NO_HDR_VER isal_inflate then checks the member's CRC-32 and
 * ISIZE. */
static void gzip_member_start(struct blob_stream *bs)
{
	isal_inflate_init(bs->gz);
	bs->gz->crc_flag = ISAL_GZIP_NO_HDR_VER;
	memset(&bs->gz_hdr, 0, sizeof(bs->gz_hdr));
	isal_gzip_header_init(&bs->gz_hdr); /* leaves flags alone: zeroed above */
	bs->gz_hdr_done = false;
}

static struct blob_stream *stream_open(struct blob_range range, struct blob_reader reader,
				       enum digest_alg alg, enum digest_alg diff_alg,
				       const struct image_limits *limits, uint64_t *total_out)
{
	struct blob_stream *bs = xcalloc(1, sizeof(*bs));

	bs->range = range;
	bs->reader = reader;
	bs->hash = hasher_new(alg);
	bs->diff_hash = hasher_new(diff_alg);
	bs->in = xmalloc(IN_CHUNK + IN_SLACK);
	bs->out = xmalloc(OUT_CHUNK);
	bs->limits = limits;
	bs->total_out = total_out;
	if (!bs->hash || !bs->diff_hash) {
		ac_error_set(&bs->err, AC_ERR_SYSTEM, 0, "cannot initialise hashing");
		bs->failed = true;
		return bs;
	}
	/* A reader may hand out fewer bytes than the longest magic. */
	do {
		if (fill_at(bs, bs->in_len) < 0) {
			bs->failed = true;
			return bs;
		}
	} while (bs->in_len < 4 && bs->pos < bs->range.size);
	bs->comp = sniff(bs->in, bs->in_len);
	if (bs->comp == BLOB_GZIP) {
		bs->gz = xmalloc(sizeof(*bs->gz));
		gzip_member_start(bs);
	} else if (bs->comp == BLOB_ZSTD) {
		bs->zs = ZSTD_createDStream();
		if (!bs->zs || ZSTD_isError(ZSTD_initDStream(bs->zs))) {
			ac_error_set(&bs->err, AC_ERR_SYSTEM, 0, "zstd init failed");
			bs->failed = true;
		}
	}
	return bs;
}

struct blob_stream *blob_stream_open(struct blob_range range, enum digest_alg alg,
				     enum digest_alg diff_alg,
				     const struct image_limits *limits,
				     uint64_t *total_out)
{
	struct blob_reader none = { 0 };

	return stream_open(range, none, alg, diff_alg, limits, total_out);
}

struct blob_stream *blob_stream_open_reader(struct blob_reader reader, enum digest_alg alg,
					    enum digest_alg diff_alg,
					    const struct image_limits *limits,
					    uint64_t *total_out)
{
	struct blob_range range = { .fd = -1, .offset = 0, .size = reader.size };

	return stream_open(range, reader, alg, diff_alg, limits, total_out);
}

int blob_limits_check(const struct image_limits *l, uint64_t blob_out, uint64_t blob_in,
		      uint64_t total_out, struct ac_error *err)
{
	if (total_out > l->max_bytes)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "image expands beyond %llu bytes (raise with --max-bytes)",
				    (unsigned long long)l->max_bytes);
	/* An uncompressed blob is held to it too: it only expands through
	 * sparse holes (blob_stream_count_holes). */
	if (blob_out > IMAGE_RATIO_GRACE &&
	    blob_out / (blob_in ? blob_in : 1) > l->max_ratio)
		return ac_error_set(err, AC_ERR_LIMIT, 0,
				    "decompression ratio above %llu:1 after %llu bytes, "
				    "likely a decompression bomb (raise with --max-ratio)",
				    (unsigned long long)l->max_ratio, (unsigned long long)blob_out);
	return 0;
}

static int account(struct blob_stream *bs, uint64_t produced)
{
	bs->out_total += produced;
	if (bs->total_out)
		*bs->total_out += produced;
	return blob_limits_check(bs->limits, bs->out_total, bs->pos,
				 bs->total_out ? *bs->total_out : 0, &bs->err);
}

int blob_stream_count_holes(struct blob_stream *bs, uint64_t bytes)
{
	if (!bs->failed && account(bs, bytes) < 0)
		bs->failed = true;
	return bs->failed ? -1 : 0;
}

static ssize_t read_plain(struct blob_stream *bs, const void **buf)
{
	size_t n;

	if (bs->in_pos == bs->in_len) {
		ssize_t r = fill(bs);
		if (r <= 0)
			return r;
	}
	n = bs->in_len - bs->in_pos;
	*buf = bs->in + bs->in_pos;
	bs->in_pos = bs->in_len;
	return (ssize_t)n;
}

static const char *isal_error(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid deflate block";
	case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK: return "invalid back-reference distance";
	case ISAL_INVALID_WRAPPER: return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD: return "not deflate";
	case ISAL_INCORRECT_CHECKSUM: return "CRC mismatch";
	case ISAL_NEED_DICT: return "needs a preset dictionary";
	default: return "inflate failed";
	}
}

/* A member ended.  The bytes after it are the whole bytes left in the
 * inflater's bit buffer (below them, bits of the last byte it consumed)
 * followed by the unread input; they are put back in front of the input,
 * which IN_SLACK leaves room for, so the next member starts from them. */
static void gzip_unread(struct blob_stream *bs)
{
	int32_t nbits = bs->gz->read_in_length > 0 ? bs->gz->read_in_length : 0;
	uint64_t bits = bs->gz->read_in >> (nbits % 8);
	size_t k = (size_t)nbits / 8;

	if (bs->in_pos < k) {
		memmove(bs->in + k, bs->in + bs->in_pos, bs->in_len - bs->in_pos);
		bs->in_len = bs->in_len - bs->in_pos + k;
		bs->in_pos = k;
	}
	for (size_t i = 0; i < k; i++)
		bs->in[bs->in_pos - k + i] = (unsigned char)(bits >> (8 * i));
	bs->in_pos -= k;
	bs->gz->read_in = 0;
	bs->gz->read_in_length = 0;
}

/* Another member may follow (RFC 1952 §2.2): 0 when one starts or the
 * input is at its end (*more says which), -1 on anything else. */
static int gzip_next_member(struct blob_stream *bs, bool *more)
{
	*more = false;
	if (bs->in_pos == bs->in_len) {
		ssize_t r = fill(bs);
		if (r <= 0)
			return (int)r;
	}
	if (bs->in[bs->in_pos] != 0x1f) {
		ac_error_set(&bs->err, AC_ERR_INPUT, 0, "trailing garbage after gzip stream");
		return -1;
	}
	gzip_member_start(bs);
	bs->at_end = false;
	*more = true;
	return 0;
}

static ssize_t read_gzip(struct blob_stream *bs, const void **buf)
{
	for (;;) {
		int rc;
		size_t produced;
		bool more;

		if (bs->at_end) {
			if (gzip_next_member(bs, &more) < 0)
				return -1;
			if (!more)
				return 0;
		}
		if (bs->in_pos == bs->in_len) {
			ssize_t r = fill(bs);
			if (r < 0)
				return -1;
			if (r == 0) {
				ac_error_set(&bs->err, AC_ERR_INPUT, 0, "truncated gzip stream");
				return -1;
			}
		}
		bs->gz->next_in = bs->in + bs->in_pos;
		bs->gz->avail_in = (uint32_t)(bs->in_len - bs->in_pos);
		if (!bs->gz_hdr_done) {
			/* Resumable: what it has read so far is in bs->gz_hdr and
			 * the inflater's tmp_in_buffer. */
			rc = isal_read_gzip_header(bs->gz, &bs->gz_hdr);
			bs->in_pos = bs->in_len - bs->gz->avail_in;
			if (rc == ISAL_END_INPUT && bs->in_pos == bs->in_len)
				continue; /* the header goes on in the next read */
			if (rc != ISAL_DECOMP_OK) {
				ac_error_set(&bs->err, AC_ERR_INPUT, 0, "corrupt gzip stream (%s)",
					     isal_error(rc == ISAL_INCORRECT_CHECKSUM ?
							ISAL_INVALID_WRAPPER : rc));
				return -1;
			}
			bs->gz_hdr_done = true;
		}
		bs->gz->next_out = bs->out;
		bs->gz->avail_out = OUT_CHUNK;
		rc = isal_inflate(bs->gz);
		bs->in_pos = bs->in_len - bs->gz->avail_in;
		if (rc != ISAL_DECOMP_OK) {
			ac_error_set(&bs->err, AC_ERR_INPUT, 0, "corrupt gzip stream (%s)",
				     isal_error(rc));
			return -1;
		}
		if (bs->gz->block_state == ISAL_BLOCK_FINISH) {
			gzip_unread(bs);
			bs->at_end = true;
		}
		produced = OUT_CHUNK - bs->gz->avail_out;
		if (produced) {
			*buf = bs->out;
			return (ssize_t)produced;
		}
	}
}

static ssize_t read_zstd(struct blob_stream *bs, const void **buf)
{
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = { bs->out, OUT_CHUNK, 0 };

		if (bs->in_pos == bs->in_len) {
			ssize_t r = fill(bs);
			if (r < 0)
				return -1;
			if (r == 0) {
				if (bs->zstd_last == 0)
					return 0;
				ac_error_set(&bs->err, AC_ERR_INPUT, 0, "truncated zstd stream");
				return -1;
			}
		}
		in.src = bs->in;
		in.size = bs->in_len;
		in.pos = bs->in_pos;
		bs->zstd_last = ZSTD_decompressStream(bs->zs, &out, &in);
		bs->in_pos = in.pos;
		if (ZSTD_isError(bs->zstd_last)) {
			ac_error_set(&bs->err, AC_ERR_INPUT, 0, "corrupt zstd stream (%s)",
				     ZSTD_getErrorName(bs->zstd_last));
			return -1;
		}
		if (out.pos) {
			*buf = bs->out;
			return (ssize_t)out.pos;
		}
	}
}

ssize_t blob_stream_read(struct blob_stream *bs, const void **buf)
{
	ssize_t n;

	if (bs->failed)
		return -1;
	switch (bs->comp) {
	case BLOB_GZIP: n = read_gzip(bs, buf); break;
	case BLOB_ZSTD: n = read_zstd(bs, buf); break;
	default: n = read_plain(bs, buf); break;
	}
	if (n > 0) {
		hasher_update(bs->diff_hash, *buf, (size_t)n);
		if (account(bs, (size_t)n) < 0)
			n = -1;
	}
	if (n < 0)
		bs->failed = true;
	return n;
}

const struct ac_error *blob_stream_error(const struct blob_stream *bs)
{
	return &bs->err;
}

bool blob_stream_failed(const struct blob_stream *bs)
{
	return bs->failed;
}

enum blob_compression blob_stream_compression(const struct blob_stream *bs)
{
	return bs->comp;
}

uint64_t blob_stream_bytes_out(const struct blob_stream *bs)
{
	return bs->out_total;
}

/* Hashes the rest of the range without decoding it. */
static int drain_raw(struct blob_stream *bs)
{
	while (bs->pos < bs->range.size) {
		bs->in_pos = bs->in_len;
		if (fill(bs) <= 0)
			return -1;
	}
	return 0;
}

static int mismatch(struct ac_error *err, const char *what, const struct digest *want,
		    const struct digest *got)
{
	char w[DIGEST_STR_MAX], g[DIGEST_STR_MAX];

	digest_short(want, w, sizeof(w));
	digest_short(got, g, sizeof(g));
	return ac_error_set(err, AC_ERR_INTEGRITY, 0, "%s mismatch: content hashes to %s…, "
			    "expected %s… (corrupted or tampered blob)", what, g, w);
}

int blob_stream_finish(struct blob_stream *bs, const struct digest *want,
		       const struct digest *want_diff, bool consumer_ok,
		       struct ac_error *err)
{
	struct digest got, got_diff;
	bool decode_failed = bs->failed;
	const void *buf;

	if (!bs->hash || !bs->diff_hash)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "hashing unavailable");
	if (bs->err.kind == AC_ERR_INTERRUPTED || bs->err.kind == AC_ERR_LIMIT) {
		*err = bs->err;
		return -1;
	}
	if (!decode_failed && consumer_ok) /* tar stops at its end-of-archive */
		while (!bs->failed && blob_stream_read(bs, &buf) > 0)
			;
	decode_failed = bs->failed;
	if (decode_failed && bs->err.kind != AC_ERR_INPUT) {
		*err = bs->err;
		return -1;
	}
	if (drain_raw(bs) < 0) {
		*err = bs->err;
		return -1;
	}
	hasher_finish(bs->hash, &got);
	bs->hash = NULL;
	if (want && !digest_equal(want, &got))
		return mismatch(err, "digest", want, &got);
	if (decode_failed) {
		*err = bs->err;
		return -1;
	}
	if (!consumer_ok)
		return 0;
	hasher_finish(bs->diff_hash, &got_diff);
	bs->diff_hash = NULL;
	if (want_diff && !digest_equal(want_diff, &got_diff))
		return mismatch(err, "diff_id (uncompressed digest)", want_diff, &got_diff);
	return 0;
}

void blob_stream_free(struct blob_stream *bs)
{
	if (!bs)
		return;
	free(bs->gz);
	ZSTD_freeDStream(bs->zs);
	hasher_free(bs->hash);
	hasher_free(bs->diff_hash);
	free(bs->in);
	free(bs->out);
	free(bs);
}

int blob_check_digest(const void *buf, size_t len, const struct digest *want,
		      struct ac_error *err)
{
	struct digest d;

	digest_buffer(want->alg, buf, len, &d);
	return digest_equal(want, &d) ? 0 : mismatch(err, "digest", want, &d);
}

int blob_json_cap(uint64_t size, uint64_t max, struct ac_error *err)
{
	if (size <= max)
		return 0;
	return ac_error_set(err, AC_ERR_LIMIT, 0,
			    "%llu bytes, above the %llu-byte cap for JSON documents "
			    "(raise with --max-json-bytes)",
			    (unsigned long long)size, (unsigned long long)max);
}

int blob_read_small(struct blob_range range, uint64_t max, const struct digest *want,
		    char **out, size_t *len, struct ac_error *err)
{
	char *buf;
	uint64_t got = 0;

	if (blob_json_cap(range.size, max, err) < 0)
		return -1;
	buf = xmalloc((size_t)range.size + 1);
	while (got < range.size) {
		ssize_t n = pread(range.fd, buf + got, (size_t)(range.size - got),
				  (off_t)(range.offset + got));
		if (n < 0 && errno == EINTR && !ac_interrupted())
			continue;
		if (n <= 0) {
			free(buf);
			return ac_error_set(err, n < 0 ? AC_ERR_SYSTEM : AC_ERR_INPUT,
					    n < 0 ? errno : 0, n < 0 ? "read" : "truncated");
		}
		got += (uint64_t)n;
	}
	buf[got] = '\0';
	if (want && blob_check_digest(buf, (size_t)got, want, err) < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = (size_t)got;
	return 0;
}

int blob_range_digest(struct blob_range r, enum digest_alg alg, struct digest *out,
		      struct ac_error *err)
{
	enum { CHUNK = 1 << 20 };
	unsigned char *buf = xmalloc(CHUNK);
	struct hasher *h = hasher_new(alg);
	uint64_t pos = 0;

	while (pos < r.size) {
		size_t want = r.size - pos < CHUNK ? (size_t)(r.size - pos) : CHUNK;
		ssize_t n = ac_interrupted() ? -2 : pread(r.fd, buf, want, (off_t)(r.offset + pos));

		if (n < 0 && errno == EINTR && !ac_interrupted())
			continue;
		if (n <= 0) {
			hasher_free(h);
			free(buf);
			if (n == -2 || ac_interrupted())
				return ac_error_set(err, AC_ERR_INTERRUPTED, 0, "interrupted");
			return ac_error_set(err, n < 0 ? AC_ERR_SYSTEM : AC_ERR_INPUT, n < 0 ? errno : 0,
					    n < 0 ? "read" : "blob truncated at byte %llu of %llu",
					    (unsigned long long)pos, (unsigned long long)r.size);
		}
		hasher_update(h, buf, (size_t)n);
		pos += (uint64_t)n;
	}
	hasher_finish(h, out);
	free(buf);
	return 0;
}
