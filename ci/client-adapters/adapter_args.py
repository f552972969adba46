"""The suite's uniform client command line, shared by the adapters here.

Every scenario in scenarios/clients/ runs the reference client with these
words (see its `client:` line); ci/client-conformance hands the same words
to an adapter, which turns them into its client's own options. An adapter
that cannot drive its client the way a scenario asks exits 77 (NOT_DRIVABLE)
with the reason on stderr, and the scenario is reported as n/a.
"""
import argparse
import os
import sys

NOT_DRIVABLE = 77


def add_suite_arguments(p):
    """The words every client of the suite takes (the reference client too)."""
    p.add_argument("--from", dest="from_", required=True)
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--body", required=True)
    p.add_argument("--helo", default="client.example.test")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--auth-mech", choices=["PLAIN", "LOGIN"])
    p.add_argument("--pipeline", action="store_true", help="group commands when PIPELINING is offered")


def parse():
    p = argparse.ArgumentParser()
    add_suite_arguments(p)
    a = p.parse_args()
    a.port = os.environ["SMTP_HARNESS_PORT"]
    return a


def not_drivable(client, why):
    sys.stderr.write("%s cannot be driven this way: %s\n" % (client, why))
    sys.exit(NOT_DRIVABLE)


def run(argv, stdin_file=None, stdin_bytes=None):
    """Runs the client, passing its exit status on (stdout/stderr inherited)."""
    import subprocess
    if stdin_bytes is not None:
        sys.exit(subprocess.run(argv, input=stdin_bytes).returncode)
    stdin = open(stdin_file, "rb") if stdin_file else subprocess.DEVNULL
    sys.exit(subprocess.call(argv, stdin=stdin))
