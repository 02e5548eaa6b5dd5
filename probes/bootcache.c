/* probes/bootcache.c — see bootcache.h. */
#include "probes/bootcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/cachefile.h"
#include "common/digest.h"

#define FORMAT 1u
#define KIND_KALLSYMS 5u /* kinds are unique across namespaces (cache.h, layercache.c) */

/* The boot id, release and version, hashed; false when the boot id is
 * unreadable (no /proc, or not Linux): then nothing is kept. */
static bool boot_key(struct digest *key)
{
	char id[64] = "", text[512];
	struct utsname u;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	bool ok = f && fgets(id, sizeof(id), f) && strlen(id) >= 32;

	if (f)
		fclose(f);
	if (!ok || uname(&u) < 0)
		return false;
	snprintf(text, sizeof(text), "kallsyms/%u\n%s%s\n%s\n", FORMAT, id, u.release, u.version);
	digest_buffer(DIGEST_SHA256, text, strlen(text), key);
	return true;
}

static struct kallsyms *load_copy(const char *dir, const struct digest *key)
{
	struct rbuf b;
	uint8_t *p = cache_entry_read(dir, FORMAT, KIND_KALLSYMS, key, &b);
	struct kallsyms *k = p ? kallsyms_decode(&b) : NULL;

	free(p);
	return k;
}

static void store_copy(const char *dir, const struct digest *key, const struct kallsyms *k)
{
	struct wbuf b = { 0 };

	kallsyms_encode(k, &b);
	cache_entry_write(dir, FORMAT, KIND_KALLSYMS, key, &b);
	free(b.p);
}

int bootcache_kallsyms(const struct boot_cache *c, struct kallsyms **out, struct ac_error *err)
{
	char dir[4096];
	struct digest key;
	struct ac_error derr;
	bool cached = c && c->use && boot_key(&key) &&
		      cache_dir_open(c->root, "boot", dir, sizeof(dir), &derr) == 0;

	if (cached && (*out = load_copy(dir, &key)))
		return 0;
	if (kallsyms_load(NULL, out, err) < 0)
		return -1;
	if (cached)
		store_copy(dir, &key, *out);
	return 0;
}
