/* probes/kconfig.c — see kconfig.h. */
#include "probes/kconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/sort.h"
#include "common/xalloc.h"

/* The option that names the architecture, most specific first: a 64-bit
 * x86 kernel also sets CONFIG_X86, an arm64 one never sets CONFIG_ARM. */
static const struct {
	const char *option, *also, *machine;
} arch_options[] = {
	{ "X86_64", NULL, "x86_64" },
	{ "X86_32", NULL, "i686" },
	{ "ARM64", NULL, "aarch64" },
	{ "ARM", NULL, "armv7l" },
	{ "PPC64", "CPU_LITTLE_ENDIAN", "ppc64le" },
	{ "PPC64", NULL, "ppc64" },
	{ "PPC32", NULL, "ppc" },
	{ "S390", NULL, "s390x" },
	{ "RISCV", "64BIT", "riscv64" },
	{ "RISCV", NULL, "riscv32" },
	{ "LOONGARCH", NULL, "loongarch64" },
	{ "MIPS", "64BIT", "mips64" },
	{ "MIPS", NULL, "mips" },
};

struct parsed_option {
	struct kconfig_option opt;
	size_t line; /* later lines win */
};

static int cmp_parsed(const void *a, const void *b)
{
	const struct parsed_option *x = a, *y = b;
	int r = strcmp(x->opt.name, y->opt.name);

	return r ? r : (x->line > y->line) - (x->line < y->line);
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct kconfig_option *)elem)->name);
}

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* "CONFIG_" NAME, with NAME [A-Za-z0-9_]+; returns the name's length. */
static size_t option_name(const char *s, size_t len)
{
	size_t n = 0;

	if (len < 8 || memcmp(s, "CONFIG_", 7))
		return 0;
	while (7 + n < len && is_name_char(s[7 + n]))
		n++;
	return n;
}

/* A quoted value, with kconfig's two escapes (\" and \\). */
static int unquote(const char *s, size_t len, char **out)
{
	char *buf = xmalloc(len + 1);
	size_t o = 0, i = 1;

	for (; i < len && s[i] != '"'; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		buf[o++] = s[i];
	}
	buf[o] = '\0';
	if (i != len - 1) { /* no closing quote, or text after it */
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static bool plain_value(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* "6.1.192[-suffix]" -> {6, 1, 192}; false unless major.minor leads and
 * every number fits a profile's 0..65535 (a longer one is not a release:
 * it wrapped %u and made a profile that would not load). */
static bool release_version(const char *r, unsigned v[3])
{
	for (int i = 0; i < 3; i++) {
		unsigned long n = 0;
		size_t d = 0;
		while (isdigit((unsigned char)r[d]) && d < 6)
			n = n * 10 + (unsigned long)(r[d++] - '0');
		if (!d || n > 65535 || isdigit((unsigned char)r[d]))
			return i >= 2;
		v[i] = (unsigned)n;
		r += d;
		if (*r != '.')
			return i >= 1;
		r++;
	}
	return true;
}

/* "# Linux/x86 6.1.192 Kernel Configuration" -> arch, release, version. */
static void parse_header(const char *s, size_t len, struct kconfig *c)
{
	char arch[64], release[128];
	char line[256];
	unsigned v[3] = { 0, 0, 0 };

	if (c->release || len >= sizeof(line))
		return;
	memcpy(line, s, len);
	line[len] = '\0';
	if (sscanf(line, "# Linux/%63s %127s Kernel Configuration", arch, release) != 2)
		return;
	if (!release_version(release, v))
		return;
	c->header_arch = xstrdup(arch);
	c->release = xstrdup(release);
	memcpy(c->version, v, sizeof(v));
}

/* One line; adds to *opts.  Returns -1 with err set on a bad line. */
static int parse_line(const char *s, size_t len, size_t lineno, struct kconfig *c,
		      struct parsed_option **opts, size_t *n, size_t *cap, struct ac_error *err)
{
	struct parsed_option p = { .line = lineno };
	size_t nl;
	const char *val;
	size_t vlen;

	if (len && s[len - 1] == '\r')
		len--;
	if (!len)
		return 0;
	if (s[0] == '#') {
		static const char not_set[] = " is not set";
		size_t ns = sizeof(not_set) - 1;

		parse_header(s, len, c);
		if (len > 2 && s[1] == ' ' && (nl = option_name(s + 2, len - 2)) &&
		    len == 2 + 7 + nl + ns && !memcmp(s + 2 + 7 + nl, not_set, ns)) {
			p.opt.name = xstrndup(s + 9, nl);
			p.opt.value = xstrdup("n");
			goto add;
		}
		return 0; /* a comment */
	}
	nl = option_name(s, len);
	if (!nl || 7 + nl >= len || s[7 + nl] != '=')
		return ac_error_set(err, AC_ERR_INPUT, 0,
				    "line %zu: not a kernel config line (expected CONFIG_NAME=VALUE or a comment)",
				    lineno);
	val = s + 8 + nl;
	vlen = len - 8 - nl;
	if (vlen && val[0] == '"') {
		if (unquote(val, vlen, &p.opt.value) < 0)
			return ac_error_set(err, AC_ERR_INPUT, 0, "line %zu: unterminated string value",
					    lineno);
		p.opt.is_string = true;
	} else if (plain_value(val, vlen)) {
		p.opt.value = xstrndup(val, vlen);
	} else {
		return ac_error_set(err, AC_ERR_INPUT, 0, "line %zu: invalid value for CONFIG_%.*s",
				    lineno, (int)nl, s + 7);
	}
	p.opt.name = xstrndup(s + 7, nl);
add:
	if (*n >= KCONFIG_MAX_ENTRIES) {
		free(p.opt.name);
		free(p.opt.value);
		return ac_error_set(err, AC_ERR_LIMIT, 0, "more than %d options (KCONFIG_MAX_ENTRIES)",
				    KCONFIG_MAX_ENTRIES);
	}
	xgrow((void **)opts, cap, *n, sizeof(**opts));
	(*opts)[(*n)++] = p;
	return 0;
}

static void derive_machine(struct kconfig *c)
{
	for (size_t i = 0; i < sizeof(arch_options) / sizeof(arch_options[0]); i++)
		if (kconfig_is(c, arch_options[i].option, "y") &&
		    (!arch_options[i].also || kconfig_is(c, arch_options[i].also, "y"))) {
			c->machine = arch_options[i].machine;
			return;
		}
}

/* Sorts by name, keeps each name's last assignment. */
static void build_table(struct kconfig *c, struct parsed_option *opts, size_t n)
{
	sort_array(opts, n, sizeof(*opts), cmp_parsed);
	c->options = xcalloc(n ? n : 1, sizeof(*c->options));
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && !strcmp(opts[i].opt.name, opts[i + 1].opt.name)) {
			free(opts[i].opt.name);
			free(opts[i].opt.value);
			continue;
		}
		c->options[c->count++] = opts[i].opt;
	}
}

static int parse_text(const char *text, size_t len, struct kconfig *c, struct ac_error *err)
{
	struct parsed_option *opts = NULL;
	size_t n = 0, cap = 0, lineno = 0, pos = 0;

	if (!len)
		return ac_error_set(err, AC_ERR_INPUT, 0, "empty file, not a kernel .config");
	if (memchr(text, '\0', len))
		return ac_error_set(err, AC_ERR_INPUT, 0, "binary data (NUL byte), not a kernel .config");
	while (pos < len) {
		const char *s = text + pos, *eol = memchr(s, '\n', len - pos);
		size_t l = eol ? (size_t)(eol - s) : len - pos;

		lineno++;
		if (l > KCONFIG_MAX_LINE) {
			ac_error_set(err, AC_ERR_LIMIT, 0, "line %zu longer than %d bytes (KCONFIG_MAX_LINE)",
				     lineno, KCONFIG_MAX_LINE);
			goto fail;
		}
		if (parse_line(s, l, lineno, c, &opts, &n, &cap, err) < 0)
			goto fail;
		pos += l + (eol != NULL);
	}
	if (!n) {
		ac_error_set(err, AC_ERR_INPUT, 0, "no CONFIG_ options, not a kernel .config");
		goto fail;
	}
	build_table(c, opts, n);
	free(opts);
	derive_machine(c);
	return 0;
fail:
	for (size_t i = 0; i < n; i++) {
		free(opts[i].opt.name);
		free(opts[i].opt.value);
	}
	free(opts);
	return -1;
}

int kconfig_parse(const char *text, size_t len, const char *name, struct kconfig *c,
		  struct ac_error *err)
{
	memset(c, 0, sizeof(*c));
	c->path = xstrdup(name);
	if (len > KCONFIG_MAX_BYTES) {
		ac_error_set(err, AC_ERR_LIMIT, 0, "larger than %u bytes (KCONFIG_MAX_BYTES)",
			     KCONFIG_MAX_BYTES);
		goto fail;
	}
	if (parse_text(text, len, c, err) < 0)
		goto fail;
	return 0;
fail:
	ac_error_wrap(err, "%s", name);
	kconfig_free(c);
	return -1;
}

/* Reads all of FD, at most KCONFIG_MAX_BYTES (+1 to see the excess).
 * Sizes of /proc files are 0 in stat, so the cap is checked while reading. */
static int read_all(int fd, unsigned char **out, size_t *len, struct ac_error *err)
{
	size_t cap = 0, n = 0;
	unsigned char *buf = NULL;
	ssize_t r;

	for (;;) {
		xgrow((void **)&buf, &cap, n + 65536, 1);
		do
			r = read(fd, buf + n, cap - n);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			free(buf);
			return ac_error_set(err, AC_ERR_INPUT, errno, "read");
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > KCONFIG_MAX_BYTES) {
			free(buf);
			return ac_error_set(err, AC_ERR_LIMIT, 0, "larger than %u bytes (KCONFIG_MAX_BYTES)",
					    KCONFIG_MAX_BYTES);
		}
	}
	*out = buf;
	*len = n;
	return 0;
}

/* gzip (several members allowed, as gzip -c a b > c writes) -> text. */
static int gunzip(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen,
		  struct ac_error *err)
{
	z_stream z;
	size_t cap = 0, n = 0;
	unsigned char *buf = NULL;
	int rc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return ac_error_set(err, AC_ERR_SYSTEM, 0, "zlib initialisation failed");
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	for (;;) {
		if (rc == Z_STREAM_END) {
			if (!z.avail_in)
				break;
			inflateReset(&z);
		}
		xgrow((void **)&buf, &cap, n + 65536, 1);
		z.next_out = buf + n;
		z.avail_out = (uInt)(cap - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
		if (n > KCONFIG_MAX_BYTES) {
			ac_error_set(err, AC_ERR_LIMIT, 0,
				     "decompresses to more than %u bytes (KCONFIG_MAX_BYTES)",
				     KCONFIG_MAX_BYTES);
			goto fail;
		}
		if (rc == Z_STREAM_END)
			continue;
		if (rc == Z_BUF_ERROR && !z.avail_in) {
			ac_error_set(err, AC_ERR_INPUT, 0, "truncated gzip stream");
			goto fail;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			ac_error_set(err, AC_ERR_INPUT, 0, "corrupt gzip stream (%s)",
				     z.msg ? z.msg : "inflate failed");
			goto fail;
		}
	}
	inflateEnd(&z);
	*out = buf;
	*outlen = n;
	return 0;
fail:
	inflateEnd(&z);
	free(buf);
	return -1;
}

int kconfig_load(const char *path, struct kconfig *c, struct ac_error *err)
{
	unsigned char *raw = NULL, *text = NULL;
	size_t len = 0, tlen = 0;
	bool gz;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return ac_error_set(err, AC_ERR_INPUT, errno, "%s: cannot open", path);
	rc = read_all(fd, &raw, &len, err);
	close(fd);
	if (rc < 0)
		return ac_error_wrap(err, "%s", path);
	gz = len >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
	if (gz && gunzip(raw, len, &text, &tlen, err) < 0) {
		free(raw);
		return ac_error_wrap(err, "%s", path);
	}
	rc = kconfig_parse(gz ? (const char *)text : (const char *)raw, gz ? tlen : len, path, c,
			   err);
	free(raw);
	free(text);
	if (rc == 0)
		c->gzipped = gz;
	return rc;
}

void kconfig_free(struct kconfig *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->options[i].name);
		free(c->options[i].value);
	}
	free(c->options);
	free(c->path);
	free(c->release);
	free(c->header_arch);
	memset(c, 0, sizeof(*c));
}

const char *kconfig_get(const struct kconfig *c, const char *name)
{
	const struct kconfig_option *o;

	if (!strncmp(name, "CONFIG_", 7))
		name += 7;
	o = search_array(name, c->options, c->count, sizeof(*c->options), cmp_key);
	return o ? o->value : NULL;
}

bool kconfig_is(const struct kconfig *c, const char *name, const char *value)
{
	const char *v = kconfig_get(c, name);

	return v && !strcmp(v, value);
}

bool kconfig_enabled(const struct kconfig *c, const char *name)
{
	return kconfig_is(c, name, "y") || kconfig_is(c, name, "m");
}

int kconfig_version_cmp(const unsigned version[3], unsigned major, unsigned minor)
{
	if (version[0] != major)
		return version[0] < major ? -1 : 1;
	if (version[1] != minor)
		return version[1] < minor ? -1 : 1;
	return 0;
}
