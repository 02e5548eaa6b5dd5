/* common/jsontext.h — text from an image as a JSON string, always.
 *
 * jansson refuses strings that are not UTF-8 (json_string returns NULL,
 * and json_pack then fails, dropping the whole object).  Paths and names in
 * an image are bytes, not text, so every report writes them through this:
 * valid UTF-8 as is, anything else with its non-ASCII bytes as \xNN.
 */
#ifndef ABICHECK_COMMON_JSONTEXT_H
#define ABICHECK_COMMON_JSONTEXT_H

#include <jansson.h>

/* NULL gives JSON null. */
json_t *json_text(const char *s);

#endif
