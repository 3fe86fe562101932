#!/usr/bin/env python3
"""Counts the test cases of the last build from its surefire and failsafe reports, and
keeps the README's sentence about them current.

Run after `./mvnw -B verify` (the reports of every module must be there):
    python3 scripts/test-counts.py            # print the counts and the sentence
    python3 scripts/test-counts.py --update   # also rewrite the README's sentence
    python3 scripts/test-counts.py --check    # exit 1 when the README's sentence differs
The sentence sits between <!-- test-counts --> and <!-- /test-counts --> in README.md.
Corpus cases (one parametrized test run over every input of a corpus) are counted apart,
so that the number of tests is not read as the number of things tested.
"""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

root = pathlib.Path(__file__).resolve().parent.parent
readme = root / "README.md"

# parametrized tests whose cases are the inputs of a corpus: (class, method name prefix)
CORPUS_TESTS = [("io.pubsubclub.wamp.PublishReaderTests", "eventTextIsTheTreePathsText")]


def reports():
    for pattern in ("*/target/surefire-reports/TEST-*.xml", "*/target/failsafe-reports/TEST-*.xml"):
        yield from sorted(root.glob(pattern))


def count():
    totals = {"cases": 0, "failures": 0, "errors": 0, "skipped": 0, "corpus": 0, "classes": 0, "modules": set()}
    for path in reports():
        suite = ET.parse(path).getroot()
        totals["classes"] += 1
        totals["modules"].add(path.parts[len(root.parts)])
        for case in suite.iter("testcase"):
            totals["cases"] += 1
            if case.find("failure") is not None:
                totals["failures"] += 1
            if case.find("error") is not None:
                totals["errors"] += 1
            if case.find("skipped") is not None:
                totals["skipped"] += 1
            for cls, method in CORPUS_TESTS:
                if case.get("classname") == cls and case.get("name", "").startswith(method):
                    totals["corpus"] += 1
    return totals


def sentence(totals):
    tests = totals["cases"] - totals["corpus"]
    return ("The build runs {cases:,} test cases in {classes} test classes: {tests:,} tests plus the "
            "{corpus:,} cases of the PUBLISH corpus (`PublishReaderTests`: each event read by the streaming "
            "reader and by the tree, compared).").format(cases=totals["cases"], classes=totals["classes"],
                                                        tests=tests, corpus=totals["corpus"])


def main(args):
    totals = count()
    if totals["cases"] == 0:
        print("No test reports under */target/surefire-reports: run ./mvnw -B verify first", file=sys.stderr)
        return 2
    print("modules: %s" % ", ".join(sorted(totals["modules"])))
    print("test classes: %d, cases: %d (failures %d, errors %d, skipped %d), corpus cases: %d"
          % (totals["classes"], totals["cases"], totals["failures"], totals["errors"], totals["skipped"],
             totals["corpus"]))
    text = sentence(totals)
    print(text)
    if "--update" in args or "--check" in args:
        content = readme.read_text()
        marked = re.compile(r"(<!-- test-counts -->\n?)(.*?)(\n?<!-- /test-counts -->)", re.S)
        match = marked.search(content)
        if not match:
            print("README.md has no <!-- test-counts --> ... <!-- /test-counts --> markers", file=sys.stderr)
            return 2
        if "--check" in args:
            if match.group(2).strip() != text:
                print("README.md's test counts are out of date: run scripts/test-counts.py --update",
                      file=sys.stderr)
                return 1
            return 0
        readme.write_text(content[:match.start()] + match.group(1) + text + match.group(3) + content[match.end():])
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
