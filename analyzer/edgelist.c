/* analyzer/edgelist.c — see edgelist.h. */
#include "analyzer/edgelist.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/varint.h"
#include "common/xalloc.h"

void edge_list_add(struct edge_list *l, const struct code_edge *e)
{
	uint64_t from = zigzag(e->from - l->last_from);

	if (l->len + 2 * VARINT_MAX > l->cap) {
		l->cap = (l->len + 2 * VARINT_MAX) * 2;
		l->p = xrealloc(l->p, l->cap);
	}
	varint_put(l->p, &l->len, from << 1 | e->call, (unsigned)(from >> 63));
	varint_put(l->p, &l->len, zigzag(e->target - e->from), 0);
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

bool edge_cursor_next(struct edge_cursor *c, struct code_edge *out)
{
	unsigned hi;
	uint64_t first;

	if (c->off >= c->l->len)
		return false;
	first = varint_get(c->l->p, &c->off, &hi);
	c->from += unzigzag(first >> 1 | (uint64_t)hi << 63);
	out->from = c->from;
	out->call = first & 1;
	out->target = out->from + unzigzag(varint_get(c->l->p, &c->off, &hi));
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
	varint_put(l->p, &l->len, d << 1 | alt, (unsigned)(d >> 63));
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
	v = varint_get(c->l->p, &c->off, &hi);
	c->addr += unzigzag(v >> 1 | (uint64_t)hi << 63);
	*addr = c->addr;
	*alt = v & 1;
	return true;
}
