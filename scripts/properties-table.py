#!/usr/bin/env python3
"""Regenerates the README's properties table from the configuration metadata.

Run after `./mvnw -pl pubsubclub-spring-boot-autoconfigure compile`:
    python3 scripts/properties-table.py [--check]
With --check it only reports whether the README is up to date (exit 1 when not).
"""
import json
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
metadata = root / "pubsubclub-spring-boot-autoconfigure/target/classes/META-INF/spring-configuration-metadata.json"
readme = root / "README.md"


def default_of(prop):
    value = prop.get("defaultValue")
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, list):
        if not value:
            return ""
        value = ", ".join(str(v) for v in value)
    return "`%s`" % value


def existing_defaults(old_table):
    """Defaults written by hand in the README (e.g. "all interfaces") where the metadata has none."""
    cells = {}
    for line in old_table.splitlines()[2:]:
        parts = [c.strip() for c in line.strip("|").split("|")]
        if len(parts) >= 2 and parts[0].startswith("`"):
            cells[parts[0].strip("`")] = parts[1]
    return cells


def table(old_table):
    kept = existing_defaults(old_table)
    props = json.loads(metadata.read_text())["properties"]
    seen = {}
    for prop in props:
        if prop["name"].startswith(("pubsubclub.", "management.endpoint.pubsubclub.", "management.health.pubsubclub.")):
            seen.setdefault(prop["name"], prop)
    rows = ["| property | default | description |", "|---|---|---|"]
    for name in sorted(seen):
        prop = seen[name]
        description = " ".join(prop.get("description", "").split()).replace("|", "\\|")
        rows.append("| `%s` | %s | %s |" % (name, default_of(prop) or kept.get(name, ""), description))
    return "\n".join(rows) + "\n"


def main():
    text = readme.read_text()
    match = re.search(r"(## Properties\n(?:(?!\n## ).)*?\n)(\| property \| default \| description \|\n(?:\|[^\n]*\n)+)", text, re.S)
    if not match:
        sys.exit("README.md has no '| property | default | description |' table under '## Properties'")
    new = text[: match.start(2)] + table(match.group(2)) + text[match.end(2):]
    if "--check" in sys.argv:
        if new != text:
            print("README.md's properties table is out of date: run python3 scripts/properties-table.py")
            sys.exit(1)
        return
    readme.write_text(new)


if __name__ == "__main__":
    main()
