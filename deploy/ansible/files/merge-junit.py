#!/usr/bin/env python3
"""Merges the per-host JUnit reports of an audit.yml run into one <testsuites> file for CI.

    merge-junit.py FLEET_JSON OUTPUT

FLEET_JSON is the run's hostcontract-fleet.json: {"hosts": [{"host", "verdict", "message",
"junit"}, ...]}. Each testsuite of a host's report (one per entry kind) is renamed HOST/KIND
and its test cases' classnames HOST/CLASSNAME, so suites and cases stay distinct across hosts;
each suite carries hostname="HOST". A host without a report (hostcontract or the contract not
installed, an invalid contract, unreachable) becomes one suite named HOST with one test case
"hostcontract check" in error, whose type is the verdict and message the reason, so CI shows it.
The file is written atomically. Only the Python standard library is used.
"""
import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

COUNTS = ("tests", "failures", "errors", "skipped")


def number(element, name, kind=int):
    try:
        return kind(element.get(name, "0"))
    except ValueError:
        return kind(0)


def host_suites(entry):
    """The host's testsuites, renamed, and the time its run took."""
    host = entry["host"]
    path = entry.get("junit") or ""
    if path:
        document = ET.parse(path).getroot()
        suites = [document] if document.tag == "testsuite" else document.findall("testsuite")
        for suite in suites:
            suite.set("name", f"{host}/{suite.get('name', '')}")
            suite.set("hostname", host)
            for case in suite.iter("testcase"):
                case.set("classname", f"{host}/{case.get('classname', '')}")
        # hostcontract times the whole run, on <testsuites>.
        return suites, number(document, "time", float)
    suite = ET.Element("testsuite", name=host, hostname=host, tests="1", failures="0", errors="1",
                       skipped="0", time="0")
    case = ET.SubElement(suite, "testcase", classname=host, name="hostcontract check", time="0")
    error = ET.SubElement(case, "error", message=entry.get("message", ""), type=entry.get("verdict", "error"))
    error.text = entry.get("message", "")
    return [suite], 0.0


def main(arguments):
    if len(arguments) != 2:
        sys.exit("usage: merge-junit.py FLEET_JSON OUTPUT")
    with open(arguments[0], encoding="utf-8") as file:
        fleet = json.load(file)
    merged = ET.Element("testsuites", name="hostcontract fleet")
    totals = dict.fromkeys(COUNTS, 0)
    time = 0.0
    for entry in fleet["hosts"]:
        suites, seconds = host_suites(entry)
        time += seconds
        for suite in suites:
            merged.append(suite)
            for name in COUNTS:
                totals[name] += number(suite, name)
    for name in COUNTS:
        merged.set(name, str(totals[name]))
    merged.set("time", f"{time:.3f}")
    if hasattr(ET, "indent"):  # Python 3.9
        ET.indent(merged, space="  ")
    output = os.path.abspath(arguments[1])
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(output), prefix=".merge-junit-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            ET.ElementTree(merged).write(file, encoding="UTF-8", xml_declaration=True)
            file.write(b"\n")
        os.chmod(temporary, 0o640)
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise


if __name__ == "__main__":
    main(sys.argv[1:])
