/* analyzer/edgelist.c — see edgelist.h. */
#include "analyzer/edgelist.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#define VARINT_MAX 10 /* bytes of a 65-bit value, 7 bits each */

/* Differences wrap modulo 2^64; zigzag keeps small negative ones short. */
static uint64_t zigzag(uint64_t d)
{
	return d << 1 ^ (uint64_t)-(int64_t)(d >> 63);
}

static uint64_t unzigzag(uint64_t z)
{
	return z >> 1 ^ (uint64_t)-(int64_t)(z & 1);
}

/* A varint of 65 bits (hi is the top one): a 64-bit difference with the
 * call flag beside it. */
static void put_varint65(struct edge_list *l, uint64_t lo, unsigned hi)
{
	for (;;) {
		uint8_t b = lo & 0x7f;
		lo = lo >> 7 | (uint64_t)hi << 57;
		hi = 0;
		if (!lo) {
			l->p[l->len++] = b;
			return;
		}
		l->p[l->len++] = (uint8_t)(b | 0x80);
	}
}

void edge_list_add(struct edge_list *l, const struct code_edge *e)
{
	uint64_t from = zigzag(e->from - l->last_from);

	if (l->len + 2 * VARINT_MAX > l->cap) {
		l->cap = (l->len + 2 * VARINT_MAX) * 2;
		l->p = xrealloc(l->p, l->cap);
	}
	put_varint65(l, from << 1 | e->call, (unsigned)(from >> 63));
	put_varint65(l, zigzag(e->target - e->from), 0);
	l->last_from = e->from;
	l->n++;
}

void edge_list_free(struct edge_list *l)
{
	free(l->p);
	memset(l, 0, sizeof(*l));
}

void edge_cursor_init(struct edge_cursor *c, const struct edge_list *l)
{
	c->l = l;
	c->off = 0;
	c->from = 0;
}

/* The buffer is our own writing: every varint in it is complete. */
static uint64_t get_varint65(struct edge_cursor *c, unsigned *hi)
{
	uint64_t v = 0;

	*hi = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t b = c->l->p[c->off++], bits = b & 0x7f;
		if (shift < 64)
			v |= (uint64_t)bits << shift;
		if (shift == 63)
			*hi = bits >> 1 & 1;
		if (!(b & 0x80))
			return v;
	}
}

bool edge_cursor_next(struct edge_cursor *c, struct code_edge *out)
{
	unsigned hi;
	uint64_t first;

	if (c->off >= c->l->len)
		return false;
	first = get_varint65(c, &hi);
	c->from += unzigzag(first >> 1 | (uint64_t)hi << 63);
	out->from = c->from;
	out->call = first & 1;
	out->target = out->from + unzigzag(get_varint65(c, &hi));
	return true;
}
