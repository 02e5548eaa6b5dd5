/* common/sort.h — qsort/bsearch that accept empty arrays.
 *
 * C11 declares their base pointer non-null even for zero elements, and an
 * empty dynamic array here is NULL (UBSan reports the call).  Every sort and
 * binary search of a possibly-empty array goes through these.
 */
#ifndef ABICHECK_COMMON_SORT_H
#define ABICHECK_COMMON_SORT_H

#include <stdlib.h>

static inline void sort_array(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline void *search_array(const void *key, const void *base, size_t n, size_t size,
				 int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

#endif
