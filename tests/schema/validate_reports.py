#!/usr/bin/python3
"""Checks the JSON reports of `run`, `grade` and `load` against the published
schemas (docs/report.schema.json, docs/load-report.schema.json) with
python3-jsonschema, a validator this project did not write.

Usage: validate_reports.py SMTP_HARNESS_BINARY SOURCE_DIR
Run by CTest (report_schemas); needs Debian's python3-jsonschema
(ci/install-deps). Exit 0 when every report is valid.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("validate_reports: python3-jsonschema is missing (ci/install-deps installs it)")

binary, source = sys.argv[1], sys.argv[2]
docs = os.path.join(source, "docs")
scen = os.path.join(source, "scenarios")
clients = os.path.join(source, "tests", "fixtures", "clients")


def schema(name):
    with open(os.path.join(docs, name)) as f:
        s = json.load(f)
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


run_schema = schema("report.schema.json")
load_schema = schema("load-report.schema.json")
failures = []


def check(label, args, validator, expect_status):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        # --report right after the command: grade's client command follows "--".
        argv = [binary, args[0], "--report", report] + args[1:]
        p = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, timeout=120)
        if p.returncode not in expect_status:
            failures.append(f"{label}: exit {p.returncode}, expected {expect_status}\n{p.stderr}")
            return
        with open(report) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            path = "/".join(str(x) for x in e.absolute_path)
            failures.append(f"{label}: {path}: {e.message}")
        print(f"validate_reports: {label}: {'valid' if not errors else 'INVALID'}")


FAILING = """name: schema_failing
steps:
  - expect: 220
  - send: NOOP
    expect: 550
"""
with tempfile.TemporaryDirectory() as fixtures:
    failing = os.path.join(fixtures, "failing.yaml")
    with open(failing, "w") as f:
        f.write(FAILING)
    check("run (passed, failed, skipped, not run)",
          ["run", os.path.join(scen, "basic_send.yaml"), os.path.join(scen, "rfc5321"), failing,
           os.path.join(scen, "auth.yaml"), "--fail-fast"], run_schema, {1})
check("run (allow-empty)",
      ["run", scen, "--filter", "no-such-scenario-*", "--allow-empty"], run_schema, {0})
check("grade", ["grade", os.path.join(scen, "lab", "lab_strict.yaml"), "--port", "0", "--",
                "/usr/bin/python3", os.path.join(clients, "lab_client.py")], run_schema, {0})
check("load", ["load", os.path.join(scen, "basic_send.yaml"), "-n", "20", "-c", "2"], load_schema,
      {0})
check("load (failures)", ["load", os.path.join(scen, "greylisting.yaml"), "-n", "5"],
      load_schema, {0, 1})

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("validate_reports: every report is valid against its schema")
