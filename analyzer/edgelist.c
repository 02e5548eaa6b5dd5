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
static void put_varint65(uint8_t *p, size_t *len, uint64_t lo, unsigned hi)
{
	for (;;) {
		uint8_t b = lo & 0x7f;
		lo = lo >> 7 | (uint64_t)hi << 57;
		hi = 0;
		if (!lo) {
			p[(*len)++] = b;
			return;
		}
		p[(*len)++] = (uint8_t)(b | 0x80);
	}
}

void edge_list_add(struct edge_list *l, const struct code_edge *e)
{
	uint64_t from = zigzag(e->from - l->last_from);

	if (l->len + 2 * VARINT_MAX > l->cap) {
		l->cap = (l->len + 2 * VARINT_MAX) * 2;
		l->p = xrealloc(l->p, l->cap);
	}
	put_varint65(l->p, &l->len, from << 1 | e->call, (unsigned)(from >> 63));
	put_varint65(l->p, &l->len, zigzag(e->target - e->from), 0);
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
static uint64_t get_varint65(const uint8_t *p, size_t *off, unsigned *hi)
{
	uint64_t v = 0;

	*hi = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t b = p[(*off)++], bits = b & 0x7f;
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
	first = get_varint65(c->l->p, &c->off, &hi);
	c->from += unzigzag(first >> 1 | (uint64_t)hi << 63);
	out->from = c->from;
	out->call = first & 1;
	out->target = out->from + unzigzag(get_varint65(c->l->p, &c->off, &hi));
	return true;
}

/* ---- addresses ---- */

void addr_list_add(struct addr_list *l, uint64_t addr, bool alt)
{
	uint64_t d = zigzag(addr - l->last);

	if (l->len + VARINT_MAX > l->cap) {
		l->cap = (l->len + VARINT_MAX) * 2;
		l->p = xrealloc(l->p, l->cap);
	}
	put_varint65(l->p, &l->len, d << 1 | alt, (unsigned)(d >> 63));
	l->last = addr;
	l->n++;
}

void addr_list_free(struct addr_list *l)
{
	free(l->p);
	memset(l, 0, sizeof(*l));
}

void addr_cursor_init(struct addr_cursor *c, const struct addr_list *l)
{
	c->l = l;
	c->off = 0;
	c->addr = 0;
}

bool addr_cursor_next(struct addr_cursor *c, uint64_t *addr, bool *alt)
{
	unsigned hi;
	uint64_t v;

	if (c->off >= c->l->len)
		return false;
	v = get_varint65(c->l->p, &c->off, &hi);
	c->addr += unzigzag(v >> 1 | (uint64_t)hi << 63);
	*addr = c->addr;
	*alt = v & 1;
	return true;
}
