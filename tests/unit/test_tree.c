/* Unit tests for images/tree.c: the OCI layer rules (later layers replace,
 * whiteouts and opaque directories hide only lower layers, hardlinks share
 * bodies) and in-root symlink resolution with loop detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "images/tree.h"

struct fixture {
	struct content_store store;
	struct image_tree *t;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->store.rootfd = -1;
	f->store.bodies_fd = -1;
	f->t = tree_new(&f->store);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tree_free(f->t);
	assert_int_equal(f->store.live_files, 0); /* every body released */
	free(f);
	return 0;
}

static struct image_node *put(struct image_tree *t, const char *path, enum node_type type,
			      unsigned layer)
{
	struct image_node *n = NULL;
	struct ac_error err;

	assert_int_equal(tree_put(t, path, type, layer, &n, &err), 0);
	return n;
}

static void link_(struct image_tree *t, const char *path, const char *target, unsigned layer)
{
	put(t, path, NODE_SYMLINK, layer)->link_target = xstrdup(target);
}

static const char *resolve(struct image_tree *t, const char *path, int *errnum)
{
	struct image_node *n;
	struct ac_error err;

	*errnum = 0;
	if (tree_resolve(t, path, true, &n, NULL, NULL, &err) < 0) {
		*errnum = err.errnum;
		return NULL;
	}
	return n->path;
}

static void later_layer_replaces(void **state)
{
	struct fixture *f = *state;
	struct image_node *n;

	put(f->t, "etc/hostname", NODE_REG, 1)->size = 5;
	n = put(f->t, "etc/hostname", NODE_REG, 2);
	n->size = 9;
	assert_ptr_equal(tree_lookup(f->t, "etc/hostname"), n);
	assert_int_equal(tree_lookup(f->t, "etc/hostname")->layer, 2);
	/* A file replacing a directory removes the whole subtree. */
	put(f->t, "opt/app/bin/x", NODE_REG, 1);
	put(f->t, "opt/app", NODE_REG, 2);
	assert_null(tree_lookup(f->t, "opt/app/bin/x"));
	assert_null(tree_lookup(f->t, "opt/app/bin"));
	assert_int_equal(tree_lookup(f->t, "opt/app")->type, NODE_REG);
	/* Directory over directory keeps the children. */
	put(f->t, "usr/lib/a", NODE_REG, 1);
	put(f->t, "usr/lib", NODE_DIR, 2);
	assert_non_null(tree_lookup(f->t, "usr/lib/a"));
	/* Missing parents are created as directories. */
	assert_int_equal(tree_lookup(f->t, "etc")->type, NODE_DIR);
}

static void whiteout_hides_lower_only(void **state)
{
	struct fixture *f = *state;
	struct ac_error err;

	put(f->t, "bin/a", NODE_REG, 1);
	put(f->t, "bin/b", NODE_REG, 1);
	put(f->t, "bin/dir/inner", NODE_REG, 1);
	assert_int_equal(tree_whiteout(f->t, "bin", "a", 2, &err), 0);
	assert_int_equal(tree_whiteout(f->t, "bin", "dir", 2, &err), 0);
	assert_null(tree_lookup(f->t, "bin/a"));
	assert_null(tree_lookup(f->t, "bin/dir/inner"));
	assert_non_null(tree_lookup(f->t, "bin/b"));
	/* Same-layer entries are not hidden by a whiteout of that layer. */
	put(f->t, "bin/c", NODE_REG, 3);
	assert_int_equal(tree_whiteout(f->t, "bin", "c", 3, &err), 0);
	assert_non_null(tree_lookup(f->t, "bin/c"));
	/* Whiteout of something absent, or in an absent dir, is harmless. */
	assert_int_equal(tree_whiteout(f->t, "bin", "nothing", 3, &err), 0);
	assert_int_equal(tree_whiteout(f->t, "no/such/dir", "x", 3, &err), 0);
	/* Malformed whiteout names are refused. */
	assert_int_equal(tree_whiteout(f->t, "bin", "", 3, &err), -1);
	assert_int_equal(tree_whiteout(f->t, "bin", "..", 3, &err), -1);
	/* A later layer may re-create what was whited out. */
	put(f->t, "bin/a", NODE_REG, 4);
	assert_non_null(tree_lookup(f->t, "bin/a"));
}

static void opaque_dir_hides_lower_only(void **state)
{
	struct fixture *f = *state;
	struct ac_error err;

	put(f->t, "var/lib/old", NODE_REG, 1);
	put(f->t, "var/lib/sub/deep", NODE_REG, 1);
	put(f->t, "var/lib/sub/new-in-2", NODE_REG, 2); /* written before the marker */
	put(f->t, "var/other", NODE_REG, 1);
	assert_int_equal(tree_opaque(f->t, "var/lib", 2, &err), 0);
	assert_null(tree_lookup(f->t, "var/lib/old"));
	assert_null(tree_lookup(f->t, "var/lib/sub/deep"));
	assert_non_null(tree_lookup(f->t, "var/lib/sub/new-in-2"));
	assert_non_null(tree_lookup(f->t, "var/lib"));
	assert_non_null(tree_lookup(f->t, "var/other")); /* outside the opaque dir */
	/* An opaque marker for a directory that does not exist creates it. */
	assert_int_equal(tree_opaque(f->t, "srv/new", 2, &err), 0);
	assert_int_equal(tree_lookup(f->t, "srv/new")->type, NODE_DIR);
}

static void hardlinks_share_bodies(void **state)
{
	struct fixture *f = *state;
	struct image_node *a, *b;
	struct ac_error err;
	unsigned char head[4] = { 0x7f, 'E', 'L', 'F' };

	a = put(f->t, "usr/bin/perl5.36", NODE_REG, 1);
	a->size = 4;
	a->mode = 0755;
	a->content = content_new_rootfs(&f->store, "usr/bin/perl5.36", 4, head, 4);
	assert_int_equal(tree_hardlink(f->t, "usr/bin/perl", "usr/bin/perl5.36", 1, &b, &err), 0);
	assert_ptr_equal(b->content, a->content);
	assert_int_equal(b->content->refs, 2);
	assert_int_equal(b->mode, 0755);
	/* Removing one name keeps the body alive for the other. */
	assert_int_equal(tree_whiteout(f->t, "usr/bin", "perl5.36", 2, &err), 0);
	assert_int_equal(tree_lookup(f->t, "usr/bin/perl")->content->refs, 1);
	/* Missing targets and directories are refused. */
	assert_int_equal(tree_hardlink(f->t, "x", "no/such", 1, &b, &err), -1);
	assert_non_null(strstr(err.msg, "missing member"));
	assert_int_equal(tree_hardlink(f->t, "y", "usr/bin", 1, &b, &err), -1);
	assert_non_null(strstr(err.msg, "directory"));
	/* A link to itself changes nothing. */
	assert_int_equal(tree_hardlink(f->t, "usr/bin/perl", "usr/bin/perl", 2, &b, &err), 0);
	assert_int_equal(b->content->refs, 1);
}

static void hardlink_replacing_ancestor_of_target(void **state)
{
	struct fixture *f = *state;
	struct image_node *n;
	struct ac_error err;

	/* "d" becomes a hardlink to "d/f": the put removes d (and d/f). */
	put(f->t, "d/f", NODE_REG, 1)->size = 7;
	assert_int_equal(tree_hardlink(f->t, "d", "d/f", 2, &n, &err), 0);
	assert_int_equal(n->type, NODE_REG);
	assert_int_equal(n->size, 7);
	assert_null(tree_lookup(f->t, "d/f"));
}

static void symlinks_resolve_inside_root(void **state)
{
	struct fixture *f = *state;
	int e;

	put(f->t, "usr/bin/dash", NODE_REG, 1);
	put(f->t, "usr/lib/x86_64-linux-gnu/libc.so.6", NODE_REG, 1);
	link_(f->t, "bin", "usr/bin", 1);
	link_(f->t, "lib64", "/usr/lib/x86_64-linux-gnu", 1);
	link_(f->t, "usr/bin/sh", "dash", 1);
	link_(f->t, "escape", "../../../../usr/bin/dash", 1);
	link_(f->t, "abs-escape", "/../../usr/bin/dash", 1);
	assert_string_equal(resolve(f->t, "/bin/sh", &e), "usr/bin/dash");
	/* After a symlinked dir, ".." is the physical parent (/usr), as in
	 * the kernel's walk: /bin/../usr/bin/sh is /usr/usr/bin/sh. */
	assert_string_equal(resolve(f->t, "bin/../bin/sh", &e), "usr/bin/dash");
	assert_null(resolve(f->t, "bin/../usr/bin/sh", &e));
	assert_int_equal(e, ENOENT);
	assert_string_equal(resolve(f->t, "/lib64/libc.so.6", &e), "usr/lib/x86_64-linux-gnu/libc.so.6");
	/* ".." at the root stays at the root, as in a chroot. */
	assert_string_equal(resolve(f->t, "escape", &e), "usr/bin/dash");
	assert_string_equal(resolve(f->t, "abs-escape", &e), "usr/bin/dash");
	assert_string_equal(resolve(f->t, "/../../../usr/bin/dash", &e), "usr/bin/dash");
	/* ".." after a symlinked dir goes to the physical parent. */
	assert_string_equal(resolve(f->t, "/lib64/../../bin/dash", &e), "usr/bin/dash");
	assert_null(resolve(f->t, "/bin/nothing", &e));
	assert_int_equal(e, ENOENT);
	assert_null(resolve(f->t, "/usr/bin/dash/x", &e));
	assert_int_equal(e, ENOTDIR);
}

static void symlink_loops_are_detected(void **state)
{
	struct fixture *f = *state;
	struct image_node *n;
	struct ac_error err;
	int e;

	link_(f->t, "loop/a", "b", 1);
	link_(f->t, "loop/b", "a", 1);
	link_(f->t, "self", "self", 1);
	link_(f->t, "dirloop", "dirloop/x", 1);
	assert_null(resolve(f->t, "/loop/a", &e));
	assert_int_equal(e, ELOOP);
	assert_null(resolve(f->t, "/self", &e));
	assert_int_equal(e, ELOOP);
	assert_null(resolve(f->t, "/dirloop/y", &e));
	assert_int_equal(e, ELOOP);
	/* Not following the final component sees the link itself. */
	assert_int_equal(tree_resolve(f->t, "/loop/a", false, &n, NULL, NULL, &err), 0);
	assert_int_equal(n->type, NODE_SYMLINK);
	/* A member put below a looping symlink fails cleanly. */
	assert_int_equal(tree_put(f->t, "self/file", NODE_REG, 2, &n, &err), -1);
	assert_non_null(strstr(err.msg, "loop"));
}

static void members_below_symlinked_dirs(void **state)
{
	struct fixture *f = *state;
	struct image_node *n;
	struct ac_error err;

	/* A chrooted unpacker writes "lib/x" through lib -> usr/lib. */
	put(f->t, "usr/lib", NODE_DIR, 1);
	link_(f->t, "lib", "usr/lib", 1);
	n = put(f->t, "lib/libfoo.so", NODE_REG, 2);
	assert_string_equal(n->path, "usr/lib/libfoo.so");
	/* An absolute link to a host-looking path stays in the image. */
	link_(f->t, "evil", "/etc", 1);
	assert_int_equal(tree_put(f->t, "evil/passwd", NODE_REG, 2, &n, &err), -1);
	assert_non_null(strstr(err.msg, "does not exist in the image")); /* dangling, like docker */
	put(f->t, "etc", NODE_DIR, 1);
	n = put(f->t, "evil/passwd", NODE_REG, 2);
	assert_string_equal(n->path, "etc/passwd");
	/* A file as a parent is an error. */
	put(f->t, "plain", NODE_REG, 1);
	assert_int_equal(tree_put(f->t, "plain/x", NODE_REG, 2, &n, &err), -1);
	assert_non_null(strstr(err.msg, "not a directory"));
}

static void sorted_listing(void **state)
{
	struct fixture *f = *state;
	struct image_node **all;
	size_t n;

	put(f->t, "b", NODE_REG, 1);
	put(f->t, "a/z", NODE_REG, 1);
	all = tree_sorted(f->t, &n);
	assert_int_equal(n, 4);
	assert_string_equal(all[0]->path, "");
	assert_string_equal(all[1]->path, "a");
	assert_string_equal(all[2]->path, "a/z");
	assert_string_equal(all[3]->path, "b");
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(later_layer_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(whiteout_hides_lower_only, setup, teardown),
		cmocka_unit_test_setup_teardown(opaque_dir_hides_lower_only, setup, teardown),
		cmocka_unit_test_setup_teardown(hardlinks_share_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(hardlink_replacing_ancestor_of_target, setup, teardown),
		cmocka_unit_test_setup_teardown(symlinks_resolve_inside_root, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_loops_are_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(members_below_symlinked_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(sorted_listing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
