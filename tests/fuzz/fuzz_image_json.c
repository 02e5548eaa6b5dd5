/* tests/fuzz/fuzz_image_json.c — libFuzzer target: an image's JSON
 * (index.json, nested indexes, manifests, docker's manifest.json, the
 * config) through the layout readers, as image.c reaches them.
 *
 * The readers follow digests, and a fuzzer cannot compute a sha256, so
 * the input is documents separated by "\n--\n" and the harness files
 * them: document 0 as index.json and manifest.json, every other one as
 * blobs/sha256/<its digest>, in an uncompressed archive beside a valid
 * oci-layout.  In document i, "@Dn" becomes "sha256:<digest of document
 * n>", "@Hn" the digest's hex alone (docker's "blobs/sha256/<hex>" paths)
 * and "@Sn" its size, for n > i (later documents are final first), so an
 * index can name a manifest that names a config.  The archive is
 * a memfd read by the blob store under /proc/self/fd/N.  Each document is
 * also parsed as a config on its own, needing no digest at all.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <string.h>

#include "common/xalloc.h"
#include "images/config.h"
#include "images/plan.h"
#include "tests/fuzz/fuzz.h"

#define MAX_DOCS 8
#define SEP "\n--\n"

struct doc {
	char *text;
	size_t len;
	struct digest digest;
};

static void expand(struct doc *docs, size_t i, size_t ndocs)
{
	const char *s = docs[i].text;
	size_t len = docs[i].len;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	for (size_t k = 0; k < len; k++) {
		/* A byte below '0' wraps to a huge n, refused by n < ndocs. */
		size_t n = k + 2 < len ? (size_t)(s[k + 2] - '0') : 0;
		if (n > i && n < ndocs && s[k] == '@' && s[k + 1] && strchr("DHS", s[k + 1])) {
			if (s[k + 1] == 'S')
				fprintf(f, "%zu", docs[n].len);
			else
				fprintf(f, "%s%s", s[k + 1] == 'D' ? "sha256:" : "",
					docs[n].digest.hex);
			k += 2;
		} else {
			fputc(s[k], f);
		}
	}
	fclose(f);
	free(docs[i].text);
	docs[i].text = out;
	docs[i].len = outlen;
	digest_buffer(DIGEST_SHA256, out, outlen, &docs[i].digest);
}

static void add_member(struct archive *a, const char *name, const char *buf, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(a, buf, len) != (la_ssize_t)len))
		abort();
	archive_entry_free(e);
}

static void plan(struct blob_store *bs, bool docker, const char *selector)
{
	struct image_limits limits = image_limits_default();
	struct plan_request req = { .selector = selector, .limits = &limits };
	struct image_plan p;
	struct image_config cfg;
	struct ac_error err;

	/* Fixed, not the host's: a crash must reproduce on any machine. */
	platform_parse("linux/amd64", &req.platform, &err);
	if ((docker ? docker_archive_plan(bs, &req, &p, &err) : oci_plan(bs, &req, &p, &err)) < 0)
		return;
	if (image_config_parse(p.config_json, p.config_len, &cfg, &err) == 0) {
		image_config_getenv(&cfg, "PATH");
		image_config_free(&cfg);
	}
	image_plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct doc docs[MAX_DOCS];
	size_t ndocs = 0;
	const char *p = (const char *)data, *end = p + size;
	struct image_limits limits = image_limits_default();
	struct blob_store bs;
	struct image_config cfg;
	struct ac_error err;
	struct archive *a = archive_write_new();
	int fd = memfd_create("abicheck-fuzz", MFD_CLOEXEC);
	char path[32];

	while (ndocs < MAX_DOCS) {
		const char *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		const char *stop = sep && ndocs + 1 < MAX_DOCS ? sep : end;
		docs[ndocs].len = (size_t)(stop - p);
		docs[ndocs].text = xmalloc(docs[ndocs].len + 1);
		memcpy(docs[ndocs++].text, p, (size_t)(stop - p));
		if (stop == end)
			break;
		p = stop + strlen(SEP);
	}
	for (size_t i = ndocs; i-- > 0;)
		expand(docs, i, ndocs);

	if (fd < 0 || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		abort();
	add_member(a, "oci-layout", layout, strlen(layout));
	add_member(a, "index.json", docs[0].text, docs[0].len);
	add_member(a, "manifest.json", docs[0].text, docs[0].len);
	for (size_t i = 1; i < ndocs; i++) {
		char name[DIGEST_STR_MAX + 16];
		plan_blob_name(&docs[i].digest, name, sizeof(name));
		add_member(a, name, docs[i].text, docs[i].len);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		abort();
	archive_write_free(a);

	if (blob_store_open_tar(&bs, fuzz_fd_path(fd, path), NULL, &limits, &err) == 0) {
		plan(&bs, false, NULL);
		plan(&bs, false, "latest");
		plan(&bs, true, NULL);
		plan(&bs, true, "busybox:latest");
	}
	blob_store_close(&bs);
	for (size_t i = 0; i < ndocs; i++) {
		if (image_config_parse(docs[i].text, docs[i].len, &cfg, &err) == 0)
			image_config_free(&cfg);
		free(docs[i].text);
	}
	close(fd);
	return 0;
}
