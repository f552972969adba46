#include "harness/report/html_sequence.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "harness/core/reply.h"
#include "harness/report/html_escape.h"
#include "harness/report/html_format.h"
#include "harness/util/ascii.h"

namespace smtp::html {
namespace {

// Geometry (SVG user units). Time stamps sit left of the client lane, step
// labels right of the server lane, the text of each arrow between them.
constexpr int kWidth = 960;
constexpr int kClientX = 130;
constexpr int kServerX = 820;
constexpr int kHeadBottom = 34;
constexpr int kLineHeight = 15;
constexpr size_t kMaxLabelBytes = 92;        // one label line in the diagram
constexpr size_t kMaxTitleBytes = 2048;      // the hover text of an arrow
constexpr size_t kMaxFoldBytes = 64 * 1024;  // the text of one fold
constexpr size_t kMaxBoxLines = 6;           // expected/actual lines in the failure box

constexpr char kFont[] = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";
constexpr char kClientColor[] = "#1d4ed8";
constexpr char kServerColor[] = "#047857";
constexpr char kFailColor[] = "#b91c1c";

struct StepInfo {
  int line = 0;
  std::string kind;
  std::string status;
};

struct Row {
  enum class Kind { kArrow, kNote, kTls, kFailure, kOmitted };
  Kind kind = Kind::kArrow;
  char dir = 'C';
  double t_ms = 0;
  int step = -1;
  std::vector<std::string> lines;
  bool auth = false, tls = false, fail = false;
};

// "250 OK" and "250" end a reply; "250-PIPELINING" does not.
bool IsFinalReplyLine(const std::string& line) {
  if (line.size() < 3) return true;
  for (int i = 0; i < 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return true;
  }
  return line.size() == 3 || line[3] != '-';
}

std::string Attr(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + value + "\"";
}

// One label line: capped, wire bytes escaped and marked.
std::string LabelText(const std::string& line) {
  std::string_view cut = TruncateUtf8(line, kMaxLabelBytes);
  return HtmlWire(cut, Markup::kSvg) + (cut.size() < line.size() ? "\xe2\x80\xa6" : "");
}

// The lines of a fold, each escaped and marked, one per line of the <pre>.
std::string FoldText(const std::vector<std::string>& lines) {
  std::string out;
  size_t bytes = 0;
  for (const auto& l : lines) {
    if (bytes > kMaxFoldBytes) {
      out += "<span class=\"note\">[cut: the JSON report has the rest]</span>";
      break;
    }
    out += HtmlWire(l, Markup::kHtml) + "\n";
    bytes += l.size() + 1;
  }
  return out;
}

std::string Joined(const std::vector<std::string>& lines, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
    if (out.size() > max_bytes) break;
  }
  return out;
}

// Groups the transcript into arrows and notes. An arrow is a run of lines in
// one direction for one step; a server run ends with the last line of a reply
// ("250 ..." after "250-..."), so pipelined replies stay separate arrows.
std::vector<Row> GroupTranscript(const Json& transcript) {
  std::vector<Row> rows;
  for (const Json& e : transcript) {
    std::string dir = Str(e, "dir");
    if (dir.size() != 1 || (dir[0] != 'C' && dir[0] != 'S' && dir[0] != '*')) continue;
    std::string text = Str(e, "text");
    int step = static_cast<int>(Int(e, "step", -1));
    double t = Num(e, "t_ms");
    if (dir[0] == '*') {
      Row r;
      r.kind = Row::Kind::kNote;
      r.t_ms = t;
      r.step = step;
      r.lines.push_back(std::move(text));
      rows.push_back(std::move(r));
      continue;
    }
    bool continues = !rows.empty() && rows.back().kind == Row::Kind::kArrow &&
                     rows.back().dir == dir[0] && rows.back().step == step &&
                     !(dir[0] == 'S' && IsFinalReplyLine(rows.back().lines.back()));
    if (continues) {
      rows.back().lines.push_back(std::move(text));
      continue;
    }
    Row r;
    r.dir = dir[0];
    r.t_ms = t;
    r.step = step;
    r.lines.push_back(std::move(text));
    rows.push_back(std::move(r));
  }
  return rows;
}

// Marks the AUTH exchanges (from "AUTH ..." to the first reply that is not a
// 334 challenge) and the TLS part (after a 220 answer to STARTTLS), adding a
// TLS row where the handshake happens.
std::vector<Row> MarkTlsAndAuth(std::vector<Row> rows, bool implicit_tls) {
  std::vector<Row> out;
  bool tls = implicit_tls, in_auth = false, starttls_sent = false;
  if (implicit_tls) {
    Row r;
    r.kind = Row::Kind::kTls;
    r.lines.push_back("TLS from the start (smtps)");
    out.push_back(std::move(r));
  }
  for (Row& r : rows) {
    if (r.kind != Row::Kind::kArrow) {
      out.push_back(std::move(r));
      continue;
    }
    r.tls = tls;
    std::string first = Upper(r.lines.front());
    if (r.dir == 'C') {
      starttls_sent = first == "STARTTLS" || first.rfind("STARTTLS ", 0) == 0;
      if (first.rfind("AUTH ", 0) == 0) in_auth = true;
      r.auth = in_auth;
      out.push_back(std::move(r));
      continue;
    }
    r.auth = in_auth;
    int code = LeadingCode(r.lines.back());
    if (in_auth && code != 334) in_auth = false;
    bool handshake = starttls_sent && code == 220;
    starttls_sent = false;
    int step = r.step;
    double t = r.t_ms;
    out.push_back(std::move(r));
    if (handshake) {
      Row h;
      h.kind = Row::Kind::kTls;
      h.step = step;
      h.t_ms = t;
      h.lines.push_back("TLS handshake (STARTTLS accepted)");
      out.push_back(std::move(h));
      tls = true;
    }
  }
  return out;
}

// Draws the failing step's arrows in red and puts the failure box after the
// last of them (or where the step would have been, if it exchanged nothing).
void MarkFailure(std::vector<Row>& rows, const Json& scenario) {
  std::string status = Str(scenario, "status");
  const Json& failure = Field(scenario, "failure");
  if ((status != "failed" && status != "error") || !failure.is_object()) return;
  int step = static_cast<int>(Int(failure, "step", -1));
  size_t at = rows.size();
  bool exact = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (step >= 0 && rows[i].step == step) {
      if (rows[i].kind == Row::Kind::kArrow) rows[i].fail = true;
      at = i + 1;
      exact = true;
    } else if (!exact && step >= 0 && rows[i].step >= 0 && rows[i].step < step) {
      at = i + 1;
    }
  }
  Row box;
  box.kind = Row::Kind::kFailure;
  box.step = step;
  rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(at), std::move(box));
}

// Keeps the first and the last rows when there are too many (a failure is
// usually at the end), with one row saying how many are not drawn.
void Cap(std::vector<Row>& rows, size_t max_rows) {
  if (max_rows < 2 || rows.size() <= max_rows) return;
  size_t head = max_rows / 2, tail = max_rows - head - 1;
  size_t dropped = rows.size() - head - tail;
  Row omitted;
  omitted.kind = Row::Kind::kOmitted;
  omitted.lines.push_back(std::to_string(dropped) +
                          " more rows not drawn: the JSON report has the whole transcript");
  std::vector<Row> kept(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(head));
  kept.push_back(std::move(omitted));
  kept.insert(kept.end(), rows.end() - static_cast<std::ptrdiff_t>(tail), rows.end());
  rows = std::move(kept);
}

class Painter {
 public:
  Painter(const Json& scenario, const SequenceOptions& options)
      : scenario_(scenario), options_(options) {
    for (const Json& st : Array(scenario, "steps")) {
      steps_[static_cast<int>(Int(st, "index", -1))] = {static_cast<int>(Int(st, "line")),
                                                        Str(st, "kind"), Str(st, "status")};
    }
  }

  SequenceDiagram Paint(const std::vector<Row>& rows) {
    y_ = kHeadBottom + 10;
    if (rows.empty()) {
      Note("note", "nothing was exchanged", "#f3f4f6", "#6b7280");
    }
    for (const Row& r : rows) {
      switch (r.kind) {
        case Row::Kind::kArrow:
          Arrow(r);
          break;
        case Row::Kind::kNote:
          Note("note", r.lines.front(), "#f3f4f6", "#4b5563");
          break;
        case Row::Kind::kTls:
          if (tls_from_ < 0) tls_from_ = y_;
          Note("note tls", r.lines.front(), "#dcfce7", "#15803d");
          break;
        case Row::Kind::kOmitted:
          Note("note omitted", r.lines.front(), "#ffffff", "#6b7280");
          break;
        case Row::Kind::kFailure:
          FailureBox();
          break;
      }
    }
    int height = y_ + 8;
    SequenceDiagram d;
    std::string& s = d.svg;
    s += "<svg class=\"seq\" xmlns=\"http://www.w3.org/2000/svg\" xml:space=\"preserve\"";
    s += Attr("width", std::to_string(kWidth)) + Attr("height", std::to_string(height));
    s += Attr("viewBox", "0 0 " + std::to_string(kWidth) + " " + std::to_string(height));
    s += Attr("font-family", kFont) + Attr("font-size", "12") + Attr("fill", "#111827");
    s += " role=\"img\" aria-label=\"sequence diagram of the conversation\">";
    if (tls_from_ >= 0) {
      s += "<rect class=\"tls-bg\"" + Attr("x", std::to_string(kClientX)) +
           Attr("y", std::to_string(tls_from_)) +
           Attr("width", std::to_string(kServerX - kClientX)) +
           Attr("height", std::to_string(std::max(0, y_ - tls_from_))) + Attr("fill", "#f0fdf4") +
           "/>";
    }
    Lane(s, "client", kClientX, ClientLabel(), kClientColor, height);
    Lane(s, "server", kServerX, ServerLabel(), kServerColor, height);
    s += body_;
    s += "</svg>";
    d.folds = std::move(folds_);
    return d;
  }

 private:
  std::string Mode() const { return Str(scenario_, "mode", "client"); }
  std::string ClientLabel() const {
    return Mode() == "server" ? "client under test" : "smtp-harness (client)";
  }
  std::string ServerLabel() const {
    if (Mode() == "server") return "smtp-harness (server)";
    std::string target = Str(scenario_, "target", "server");
    return target == "fake" ? "fake server" : target;
  }

  void Lane(std::string& s, const char* side, int x, const std::string& label, const char* color,
            int height) {
    s += std::string("<g class=\"lane ") + side + "\">";
    s += "<rect" + Attr("x", std::to_string(x - 95)) + Attr("y", "4") + Attr("width", "190") +
         Attr("height", std::to_string(kHeadBottom - 6)) + Attr("rx", "4") +
         Attr("fill", "#f9fafb") + Attr("stroke", color) + "/>";
    s += "<text" + Attr("x", std::to_string(x)) + Attr("y", "23") + Attr("text-anchor", "middle") +
         Attr("font-weight", "bold") + Attr("fill", color) + ">" +
         HtmlEscape(TruncateUtf8(label, 26)) + "</text>";
    s += "<line" + Attr("x1", std::to_string(x)) + Attr("y1", std::to_string(kHeadBottom - 2)) +
         Attr("x2", std::to_string(x)) + Attr("y2", std::to_string(height - 4)) +
         Attr("stroke", "#9ca3af") + Attr("stroke-dasharray", "4 4") + "/>";
    s += "</g>";
  }

  void Arrow(const Row& r) {
    const bool c2s = r.dir == 'C';
    const char* color = r.fail ? kFailColor : c2s ? kClientColor : kServerColor;
    std::vector<std::string> shown;  // already markup
    size_t max_lines = std::max<size_t>(options_.max_label_lines, 3);
    if (r.lines.size() > max_lines) {
      std::string id = options_.id_prefix + "-fold-" + std::to_string(++fold_count_);
      size_t bytes = 0;
      for (const auto& l : r.lines) bytes += l.size() + 2;
      for (size_t i = 0; i + 2 < max_lines; ++i) shown.push_back(LabelText(r.lines[i]));
      size_t folded = r.lines.size() - (max_lines - 2) - 1;
      std::string what = std::to_string(folded) + " more lines (" + FormatBytes(bytes) + " in all)";
      shown.push_back("<a class=\"foldlink\" href=\"#" + id + "\"><tspan fill=\"#6b21a8\">" +
                      std::string("\xe2\x8b\xaf ") + what + " \xe2\x80\x94 show all</tspan></a>");
      shown.push_back(LabelText(r.lines.back()));
      folds_ += "<details class=\"fold\" id=\"" + id + "\"><summary>" +
                std::string(c2s ? "client" : "server") + " at " + FormatMs(r.t_ms) + ": " +
                std::to_string(r.lines.size()) + " lines, " + FormatBytes(bytes) +
                "</summary><pre class=\"wire\">" + FoldText(r.lines) + "</pre></details>";
    } else {
      for (const auto& l : r.lines) shown.push_back(LabelText(l));
    }

    std::string cls = std::string("msg ") + (c2s ? "c2s" : "s2c");
    if (r.fail) cls += " fail";
    if (r.auth) cls += " auth";
    if (r.tls) cls += " tls";
    std::string& b = body_;
    b += "<g" + Attr("class", cls);
    if (r.step >= 0) b += Attr("data-step", std::to_string(r.step));
    b += "><title>" + HtmlEscape(TruncateUtf8(Joined(r.lines, kMaxTitleBytes), kMaxTitleBytes)) +
         "</title>";
    int text_x = kClientX + 10;
    int top = y_ + 4;
    if (r.auth) {
      b += "<rect" + Attr("x", std::to_string(text_x)) + Attr("y", std::to_string(top + 2)) +
           Attr("width", "38") + Attr("height", "13") + Attr("rx", "2") + Attr("fill", "#fef3c7") +
           Attr("stroke", "#d97706") + "/>";
      b += "<text class=\"badge\"" + Attr("x", std::to_string(text_x + 19)) +
           Attr("y", std::to_string(top + 12)) + Attr("font-size", "10") +
           Attr("text-anchor", "middle") + Attr("fill", "#92400e") + ">AUTH</text>";
      text_x += 44;
    }
    for (size_t i = 0; i < shown.size(); ++i) {
      b += "<text" + Attr("x", std::to_string(text_x)) +
           Attr("y", std::to_string(top + 12 + static_cast<int>(i) * kLineHeight)) +
           Attr("fill", r.fail ? kFailColor : "#111827") + ">" + shown[i] + "</text>";
    }
    int ay = top + static_cast<int>(shown.size()) * kLineHeight + 5;
    int from = c2s ? kClientX : kServerX, to = c2s ? kServerX : kClientX;
    int dir = c2s ? -1 : 1;  // the arrowhead points at `to`
    b += "<line" + Attr("x1", std::to_string(from)) + Attr("y1", std::to_string(ay)) +
         Attr("x2", std::to_string(to + dir * 2)) + Attr("y2", std::to_string(ay)) +
         Attr("stroke", color) + Attr("stroke-width", r.fail ? "2.5" : "1.5") + "/>";
    b += "<path" +
         Attr("d", "M" + std::to_string(to) + "," + std::to_string(ay) + " l" +
                       std::to_string(dir * 9) + ",-5 v10 z") +
         Attr("fill", color) + "/>";
    b += "<text class=\"t\"" + Attr("x", std::to_string(kClientX - 8)) +
         Attr("y", std::to_string(ay + 4)) + Attr("text-anchor", "end") + Attr("font-size", "11") +
         Attr("fill", "#6b7280") + ">" + FormatMs(r.t_ms) + "</text>";
    if (r.step >= 0 && r.step != labelled_step_) {
      labelled_step_ = r.step;
      auto it = steps_.find(r.step);
      std::string label = "step " + std::to_string(r.step);
      // Other failed steps (server mode goes on after the first) are named
      // in red too; only the first failure's arrows are drawn red.
      bool step_failed =
          it != steps_.end() && (it->second.status == "failed" || it->second.status == "error");
      if (it != steps_.end() && it->second.line > 0)
        label += " \xc2\xb7 L" + std::to_string(it->second.line);
      b += "<text class=\"st\"" + Attr("x", std::to_string(kServerX + 10)) +
           Attr("y", std::to_string(ay + 4)) + Attr("font-size", "11") +
           Attr("fill", r.fail || step_failed ? kFailColor : "#6b7280") + ">" + label +
           (step_failed ? " \xe2\x9c\x97" : "") + "</text>";
    }
    b += "</g>";
    y_ = ay + 10;
  }

  void Note(const char* cls, const std::string& text, const char* fill, const char* color) {
    std::string& b = body_;
    b += std::string("<g class=\"") + cls + "\">";
    b += "<rect" + Attr("x", std::to_string(kClientX - 60)) + Attr("y", std::to_string(y_ + 3)) +
         Attr("width", std::to_string(kServerX - kClientX + 120)) + Attr("height", "20") +
         Attr("rx", "10") + Attr("fill", fill) + Attr("stroke", color) +
         Attr("stroke-width", "0.8") + "/>";
    b += "<text" + Attr("x", std::to_string((kClientX + kServerX) / 2)) +
         Attr("y", std::to_string(y_ + 17)) + Attr("text-anchor", "middle") +
         Attr("font-size", "11") + Attr("font-style", "italic") + Attr("fill", color) + ">" +
         LabelText(text) + "</text></g>";
    y_ += 28;
  }

  void FailureBox() {
    const Json& f = Field(scenario_, "failure");
    int step = static_cast<int>(Int(f, "step", -1));
    std::string status = Str(scenario_, "status");
    std::string head = "\xe2\x9c\x97 " + std::string(status == "error" ? "error" : "failed");
    if (step >= 0) {
      head += " at step " + std::to_string(step);
      auto it = steps_.find(step);
      if (it != steps_.end() && !it->second.kind.empty()) head += " (" + it->second.kind + ")";
      long long line = Int(f, "line");
      if (line > 0) head += ", line " + std::to_string(line);
    }
    std::vector<std::string> lines;  // markup
    lines.push_back("<tspan font-weight=\"bold\">" + HtmlEscape(head) + "</tspan>");
    auto add = [&](const char* cls, const char* label, const std::string& text) {
      std::vector<std::string> parts;
      size_t start = 0;
      while (start <= text.size() && parts.size() < kMaxBoxLines) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        parts.push_back(text.substr(start, nl - start));
        start = nl + 1;
      }
      for (size_t i = 0; i < parts.size(); ++i) {
        lines.push_back(std::string("<tspan class=\"") + cls + "\" fill=\"#7f1d1d\">" +
                        (i ? "          " : std::string(label)) + "</tspan>" + LabelText(parts[i]));
      }
    };
    std::string expected = Str(f, "expected");
    std::string actual = Str(f, "actual");
    if (!expected.empty()) add("expected", "expected: ", expected);
    add("actual", "actual:   ", actual.empty() ? Str(f, "message") : actual);
    int h = 10 + static_cast<int>(lines.size()) * kLineHeight;
    std::string& b = body_;
    b += "<g class=\"failbox\"";
    if (step >= 0) b += Attr("data-step", std::to_string(step));
    b += "><rect" + Attr("x", std::to_string(kClientX - 40)) + Attr("y", std::to_string(y_ + 4)) +
         Attr("width", std::to_string(kServerX - kClientX + 80)) +
         Attr("height", std::to_string(h)) + Attr("rx", "4") + Attr("fill", "#fef2f2") +
         Attr("stroke", kFailColor) + Attr("stroke-width", "1.5") + "/>";
    for (size_t i = 0; i < lines.size(); ++i) {
      b += "<text" + Attr("x", std::to_string(kClientX - 30)) +
           Attr("y", std::to_string(y_ + 19 + static_cast<int>(i) * kLineHeight)) +
           Attr("fill", kFailColor) + ">" + lines[i] + "</text>";
    }
    b += "</g>";
    y_ += h + 14;
  }

  const Json& scenario_;
  const SequenceOptions& options_;
  std::map<int, StepInfo> steps_;
  std::string body_, folds_;
  int y_ = 0;
  int tls_from_ = -1;
  int labelled_step_ = -1;
  int fold_count_ = 0;
};

}  // namespace

SequenceDiagram RenderSequenceDiagram(const Json& scenario, const SequenceOptions& options) {
  bool implicit_tls = Str(scenario, "target").rfind("smtps://", 0) == 0;
  std::vector<Row> rows =
      MarkTlsAndAuth(GroupTranscript(Array(scenario, "transcript")), implicit_tls);
  MarkFailure(rows, scenario);
  Cap(rows, options.max_rows);
  return Painter(scenario, options).Paint(rows);
}

}  // namespace smtp::html
