/* tests/fuzz/fuzz_archive.c — libFuzzer target: a whole image archive as
 * a user names it with a bare path (oci-archive, docker-archive, or either
 * gzip'd as `docker save | gzip` writes it) through image_open: sniffed,
 * indexed by the blob store, planned, every layer verified and flattened.
 * Digests guard everything inside, so most mutations stop at the first
 * check; what this adds to the layer and image_json targets is the outer
 * archive itself: member names, member symlinks and hardlinks, sizes,
 * truncation.  No layer cache: a record would make the next input replay.
 */
#include "images/image.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_tmpdir_in_memory();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_options o;
	struct image *img;
	struct ac_error err;
	char path[32];
	int fd = fuzz_memfd(data, size);

	image_options_default(&o);
	/* Fixed, not the host's: a finding must replay on any machine. */
	platform_parse("linux/amd64", &o.platform, &err);
	if (image_open(fuzz_fd_path(fd, path), &o, &img, &err) == 0)
		image_close(img);
	close(fd);
	return 0;
}
