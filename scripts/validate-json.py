#!/usr/bin/python3
"""validate-json.py SCHEMA FILE... — validates JSON documents against a JSON
Schema with Debian's python3-jsonschema (the draft is taken from the schema's
$schema: 2020-12, 2019-09, 7, 6, 4).  Prints one line per file, "ok FILE" or
"FAIL FILE: <where>: <what>" (the most relevant error, plus how many more),
and exits 1 if any file fails, 2 on a usage error or a broken schema.

The interpreter is /usr/bin/python3 on purpose: the package installed by
scripts/deps.sh is Debian's, whatever python3 comes first in PATH.
"""
import json
import sys

import jsonschema
from jsonschema.exceptions import best_match


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def where(error):
    return "/" + "/".join(str(p) for p in error.absolute_path)


def one_line(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def validator_for(schema_path):
    try:
        schema = load(schema_path)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"validate-json: {schema_path}: not a usable schema: {one_line(e)}", file=sys.stderr)
        sys.exit(2)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def check(validator, path):
    try:
        doc = load(path)
    except (OSError, ValueError) as e:
        return f"FAIL {path}: not readable JSON: {one_line(e)}"
    try:
        errors = list(validator.iter_errors(doc))
    except jsonschema.exceptions.RefResolutionError as e:
        return f"FAIL {path}: the schema has an unresolvable $ref: {one_line(e)}"
    if not errors:
        return None
    e = best_match(errors)
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"FAIL {path}: {where(e)}: {one_line(e.message)}{more}"


def main(argv):
    if len(argv) < 3:
        print("usage: validate-json.py SCHEMA FILE...", file=sys.stderr)
        return 2
    validator = validator_for(argv[1])
    failed = 0
    for path in argv[2:]:
        problem = check(validator, path)
        print(problem or f"ok {path}")
        failed += problem is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
