#!/usr/bin/env python3
"""Validates rollout-status JSON reports against schema.json with a real JSON Schema validator.

Usage: validate-reports.py PATH...   (files, or directories searched recursively for *.json)

CI runs it over the golden reports, the sample reports in examples/, and every report the
end-to-end tests write. Exits 1 when a report is invalid, 2 when no report was found.
"""
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parent.parent


def reports(paths):
    for arg in paths:
        path = pathlib.Path(arg)
        if path.is_dir():
            yield from sorted(path.rglob("*.json"))
        else:
            yield path


def main(argv):
    schema = json.loads((ROOT / "schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    checked = 0
    failed = 0
    for path in reports(argv[1:]):
        checked += 1
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            print(f"{path}: not readable JSON: {error}", file=sys.stderr)
            failed += 1
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            location = "/".join(str(p) for p in error.absolute_path) or "(root)"
            print(f"{path}: {location}: {error.message}", file=sys.stderr)
        if errors:
            failed += 1
    if checked == 0:
        print("validate-reports: no report found", file=sys.stderr)
        return 2
    print(f"validate-reports: {checked - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
