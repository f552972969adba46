#!/usr/bin/python3
"""The README and docs/ say what works: check that it does.

Usage: check_docs.py SMTP_HARNESS_BINARY SOURCE_DIR

1. Every repository path README.md and docs/*.md mention (scenarios/...,
   docs/..., ci/..., bench/..., examples/..., tests/fixtures/...) exists.
2. Every `smtp-harness ...` command line in their ```sh / ```console blocks
   is run, or skipped for a stated reason (a placeholder such as `...` or
   `$suite`, a host name, a file made earlier in the doc, a client under
   test, DNS, or a long run). Addresses 127.0.0.1:PORT are pointed at an
   `smtp-harness serve` of this test's own on a free port (`serve --tls` for
   smtps://); `serve` and `record` are started, must say they listen, and must
   exit 0 on SIGTERM. A command must exit 0 unless its line or the prose
   just before it says otherwise ("exit 2", "fails on purpose").
Prints one line per command; exits 1 on any failure.
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

binary, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
docs = [os.path.join(src, "README.md")] + sorted(
    os.path.join(src, "docs", f) for f in os.listdir(os.path.join(src, "docs")) if f.endswith(".md"))
failures = []


def rel(p):
    return os.path.relpath(p, src)


# 1. Paths.
PATH_RE = re.compile(r"(?<![\w/.-])((?:scenarios|docs|ci|bench|examples|tests/fixtures)/[\w./-]*)")
for doc in docs:
    for n, line in enumerate(open(doc, encoding="utf-8"), 1):
        for m in PATH_RE.finditer(line):
            path = m.group(1).rstrip(".,:;")
            if not (path.endswith("/") or re.search(r"\.(ya?ml|md|json|eml|py|sh|png|txt|cc|h)$", path)):
                continue  # prose like "scenarios/s" in a throughput figure
            if "*" in path:
                continue
            # From the repository root, or (a scenario's data: {file}) from the doc's folder.
            if not any(os.path.exists(os.path.join(base, path))
                       for base in (src, os.path.dirname(doc))):
                failures.append(f"{rel(doc)}:{n}: mentions {path}, which does not exist")


# 2. Commands.
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_listener(argv, cwd, marker="listening on"):
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 10
    out = ""
    os.set_blocking(p.stdout.fileno(), False)
    while time.time() < deadline and p.poll() is None:
        chunk = p.stdout.read() or b""
        out += chunk.decode("utf-8", "replace")
        if marker in out:
            return p, out
        time.sleep(0.02)
    return p, out


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        return -9


def commands(doc):
    """(line number, command, prose before it) for smtp-harness lines in shell blocks."""
    out, block, prose, pending = [], None, [], None
    for n, line in enumerate(open(doc, encoding="utf-8"), 1):
        stripped = line.rstrip("\n")
        if stripped.startswith("```"):
            block = None if block is not None else stripped[3:].strip()
            continue
        if block is None:
            prose.append(stripped)
            prose = prose[-4:]
            continue
        if block not in ("sh", "bash", "console", "shell", ""):
            continue
        text = stripped.strip()
        if pending is not None:
            pending[1] += " " + text.rstrip("\\").strip()
            if not text.endswith("\\"):
                out.append(tuple(pending))
                pending = None
            continue
        if text.startswith("$ "):
            text = text[2:]
        words = text.split()
        while words and re.match(r"^[A-Z_]+=", words[0]):
            words = words[1:]
        if not words or words[0] not in ("smtp-harness", "./smtp-harness"):
            continue
        if block == "" and not stripped.lstrip().startswith("$ "):
            continue  # an output block that happens to start with the name
        entry = [n, text.rstrip("\\").strip(), " ".join(prose)]
        if text.endswith("\\"):
            pending = entry
        else:
            out.append(tuple(entry))
    return out


def skip_reason(cmd, words):
    if "..." in cmd or "$" in cmd.split("#")[0] or "[" in cmd.split("#")[0]:
        return "a placeholder (`...`, `$VAR`, `[optional]`)"
    if re.search(r"\b(?:mail|mx)\.example(?:\.test)?\b|example\.(?:org|com):\d", cmd):
        return "a real server's name"
    sub = words[1] if len(words) > 1 else ""
    if sub == "grade" and "--" in words:
        client = words[words.index("--") + 1:]
        if client and not os.path.exists(os.path.join(src, client[-1])):
            return "the client under test (" + " ".join(client) + ")"
    if sub == "send" and "--server" not in words:
        return "MX lookup (DNS)"
    for w in words[2:]:
        if re.search(r"\.(ya?ml|eml)$", w) and not w.startswith("-"):
            i = words.index(w)
            if words[i - 1] in ("--out", "--report", "--junit", "--gradescope", "--html"):
                continue
            if not os.path.exists(os.path.join(src, w)):
                return f"{w}, a file made earlier in the doc"
    if sub == "load" and any(x in cmd for x in ("--duration", "-n 100000")):
        return "a long load run (load is tested in tests/e2e/load_fake_test.cc)"
    return ""


def expected_exit(cmd, prose):
    m = re.search(r"#.*\bexit (\d+)", cmd)
    if m:
        return int(m.group(1))
    if "fails on purpose" in prose or "unknown_user" in cmd:
        return 1
    return 0


work = tempfile.mkdtemp(prefix="check_docs_")
# grade runs a scenario's client as `nobody` when we are root: it must be able
# to enter this folder (mkdtemp makes it 0700).
os.chmod(work, 0o755)
for d in ("scenarios", "docs", "tests", "examples"):
    if os.path.exists(os.path.join(src, d)):
        os.symlink(os.path.join(src, d), os.path.join(work, d))
plain_port, tls_port = free_port(), free_port()
servers = [start_listener([binary, "serve", "--listen", f"127.0.0.1:{plain_port}"], work)[0],
           start_listener([binary, "serve", "--listen", f"127.0.0.1:{tls_port}", "--tls"], work)[0]]
ran = skipped = 0
try:
    for doc in docs:
        for n, cmd, prose in commands(doc):
            where = f"{rel(doc)}:{n}"
            command = cmd.split(" # ")[0].split("  #")[0].strip()
            command = command.rstrip("&").strip()
            try:
                words = shlex.split(command)
            except ValueError:
                words = command.split()
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]
            reason = skip_reason(cmd, words)
            if reason:
                print(f"skip {where}: needs {reason}: {command}")
                skipped += 1
                continue
            sub = words[1]
            argv = [binary] + words[1:]
            for i, w in enumerate(argv):  # 127.0.0.1:PORT -> this test's servers
                w = re.sub(r"^smtps://127\.0\.0\.1:\d+", f"smtps://127.0.0.1:{tls_port}", w)
                w = re.sub(r"^smtp://127\.0\.0\.1:\d+", f"smtp://127.0.0.1:{plain_port}", w)
                if argv[i - 1] == "--server":
                    w = re.sub(r"^127\.0\.0\.1:\d+$", f"127.0.0.1:{plain_port}", w)
                argv[i] = w
            if sub in ("serve", "record"):
                if "--listen" in argv:
                    argv[argv.index("--listen") + 1] = f"127.0.0.1:{free_port()}"
                else:
                    argv += ["--listen", f"127.0.0.1:{free_port()}"]
                if "--maildir" in argv:
                    argv[argv.index("--maildir") + 1] = os.path.join(work, "maildir")
                p, out = start_listener(argv, work)
                status = stop(p)
                # record exits 1 when it recorded nothing (docs/record.md).
                ok = "listening on" in out and (status == 0 or (sub == "record" and status == 1))
                print(f"{'ok  ' if ok else 'FAIL'} {where}: {command}")
                if not ok:
                    failures.append(f"{where}: `{command}` did not start and stop cleanly "
                                    f"(exit {status}): {out[-500:]}")
                ran += 1
                continue
            want = expected_exit(cmd, prose)
            try:
                r = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=120,
                                   stdin=subprocess.DEVNULL)
                status, out = r.returncode, r.stdout + r.stderr
            except subprocess.TimeoutExpired:
                status, out = "timeout", ""
            ok = status == want
            print(f"{'ok  ' if ok else 'FAIL'} {where}: {command}")
            if not ok:
                failures.append(f"{where}: `{command}` exited {status}, expected {want}:\n"
                                + out[-1500:])
            ran += 1
finally:
    for s in servers:
        stop(s)

for f in failures:
    print("FAIL " + f)
print(f"check_docs: {ran} commands run, {skipped} skipped, {len(failures)} failures")
sys.exit(1 if failures else 0)
