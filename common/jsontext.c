/* common/jsontext.c — see jsontext.h. */
#include "common/jsontext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

json_t *json_text(const char *s)
{
	json_t *j;
	char *esc, *o;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	o = esc = xmalloc(4 * strlen(s) + 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		o += *p < 0x80 ? sprintf(o, "%c", *p) : sprintf(o, "\\x%02x", *p);
	j = json_string(esc);
	free(esc);
	return j;
}
