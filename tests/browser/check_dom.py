#!/usr/bin/python3
"""Checks the DOM Chromium rendered from an smtp-harness HTML report.

    check_dom.py KIND DOM_FILE     KIND: run | grade | load | hostile

Parses the serialized DOM (what `chromium --dump-dom` printed, i.e. the page
after the browser's own parsing) and asserts the elements a reader relies on
are there: lanes, arrows, the highlighted failure, matrix cells, charts; and,
for every kind, that nothing a peer sent became an element (no <script>, no
element with an id or tag the writer never makes). Exit 1 with the reasons.
"""
import sys
from html.parser import HTMLParser

# Every element the writer makes (html_*.cc); anything else came from a peer.
OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4",
    "main", "section", "div", "span", "p", "table", "tbody", "tr", "th", "td", "details",
    "summary", "a", "code", "pre", "dl", "dt", "dd", "footer", "br", "strong", "svg", "g",
    "rect", "text", "tspan", "line", "path", "polyline",
}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []
        self.text = []

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def all_text(self):
        out = list(self.text)
        for c in self.children:
            out.append(c.all_text())
        return "".join(out)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find(self, tag=None, cls=()):
        cls = set(cls) if not isinstance(cls, str) else {cls}
        return [n for n in self.walk()
                if (tag is None or n.tag == tag) and cls <= n.classes]


VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "embed", "source"}


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


errors = []


def expect(cond, what):
    if not cond:
        errors.append(what)


def check_common(root):
    tags = {n.tag for n in root.walk()} - {"#root"}
    expect(tags <= OUR_TAGS, f"elements the writer never makes: {sorted(tags - OUR_TAGS)}")
    expect(not root.find("script"), "a <script> element")
    for n in root.walk():
        for a in n.attrs:
            expect(not a.startswith("on"), f"event handler attribute {a} on <{n.tag}>")
        expect(n.attrs.get("id") not in ("pwn", "pwn2"), "an element with a peer's id")
    expect(root.find("meta") and any(
        m.attrs.get("http-equiv") == "Content-Security-Policy" for m in root.find("meta")),
        "no Content-Security-Policy")


def check_diagrams(root, want_tls=True, want_auth=True):
    seqs = root.find("svg", "seq")
    expect(seqs, "no sequence diagram")
    for svg in seqs:
        expect(len(svg.find("g", {"lane", "client"})) == 1, "a diagram without its client lane")
        expect(len(svg.find("g", {"lane", "server"})) == 1, "a diagram without its server lane")
    expect(sum(len(s.find("g", {"msg", "c2s"})) for s in seqs) > 0, "no client->server arrow")
    expect(sum(len(s.find("g", {"msg", "s2c"})) for s in seqs) > 0, "no server->client arrow")
    if want_tls:
        expect(root.find("g", {"note", "tls"}), "no TLS marker")
    if want_auth:
        expect(root.find("g", {"msg", "auth"}), "no AUTH marker")
    times = [t for s in seqs for t in s.find("text", "t")]
    expect(times and all(t.all_text().endswith(("ms", "s")) for t in times), "arrows without times")


def check_failure(root, expected_text, actual_text):
    boxes = root.find("g", "failbox")
    expect(boxes, "no highlighted failure in a diagram")
    box_text = " ".join(b.all_text() for b in boxes)
    expect("expected" in box_text and expected_text in box_text,
           f"failure box lacks expected {expected_text!r}: {box_text[:300]!r}")
    expect(actual_text in box_text, f"failure box lacks actual {actual_text!r}")
    expect(root.find("g", {"msg", "fail"}), "no failing arrow drawn in red")
    failed = [d for d in root.find("details", {"scenario", "failed"})]
    expect(failed and all("open" in d.attrs for d in failed), "failed scenarios are not open")


def check_run(root):
    check_diagrams(root)
    check_failure(root, "250", "550 5.1.1 <nobody@example.test>: no such user")
    rows = root.find("table", "scenarios")
    expect(rows, "no scenario table")
    links = [a.attrs.get("href", "") for a in rows[0].find("a")] if rows else []
    ids = {n.attrs.get("id") for n in root.find("details", "scenario")}
    expect(links and all(l[1:] in ids for l in links), "scenario table links to nothing")
    cells = root.find("a", "cell")
    expect(any("passed" in c.classes for c in cells), "no passed matrix cell")
    expect(any("failed" in c.classes for c in cells), "no failed matrix cell")
    expect(any("skipped" in c.classes for c in cells), "no skipped matrix cell")
    expect(all(c.attrs.get("href", "#")[1:] in ids for c in cells), "a matrix cell links nowhere")
    # The bare LF the scenario sends shows as a marked token.
    expect(any(t.all_text() == "\\n" for t in root.find("tspan", "ctl")), "bare LF not visible")
    expect(root.find("details", "fold"), "the long message body is not folded")


def check_grade(root):
    check_diagrams(root, want_tls=False, want_auth=False)
    check_failure(root, "", "HELO")
    expect(root.find("section") and any(s.attrs.get("id") == "grade" for s in root.find("section")),
           "no grade section")
    checks = root.find("tr", "check")
    expect(len(checks) >= 5, "no points per check")
    expect(any("failed" in c.classes for c in checks), "no failed check")
    expect(root.find("pre", "out") or "(empty)" in root.all_text(), "no client output")
    expect(any(t.all_text() == "\\n" for t in root.find("tspan", "ctl")), "bare LF not visible")


def check_load(root):
    charts = root.find("svg", "chart")
    kinds = set().union(*(c.classes for c in charts)) if charts else set()
    expect("throughput" in kinds, "no throughput chart")
    expect("latency-session" in kinds, "no latency histogram")
    expect(root.find("polyline", "series"), "the throughput chart has no line")
    expect(len(root.find("rect", "bar")) >= 2, "the histogram has no bars")
    expect(len(root.find("g", "marker")) >= 3, "no percentile markers")
    expect(root.find("table", "percentiles"), "no percentile table")


def check_hostile(root):
    text = root.all_text()
    expect("<script>alert(1)</script>" in text, "the peer's <script> is not shown as text")
    expect("</svg>" in text, "the peer's </svg> is not shown as text")
    check_failure(root, "250", "<script>")


def main():
    kind, path = sys.argv[1], sys.argv[2]
    b = Builder()
    with open(path, encoding="utf-8", errors="strict") as f:
        b.feed(f.read())
    root = b.root
    check_common(root)
    {"run": check_run, "grade": check_grade, "load": check_load, "hostile": check_hostile}[kind](root)
    if errors:
        for e in errors:
            print(f"{path}: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"{path}: {kind} DOM ok")


if __name__ == "__main__":
    main()
