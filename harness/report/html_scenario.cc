#include "harness/report/html_scenario.h"

#include "harness/report/html_escape.h"
#include "harness/report/html_format.h"
#include "harness/report/html_sequence.h"

namespace smtp::html {
namespace {

constexpr size_t kMaxOutputBytes = 64 * 1024;  // client stdout/stderr/bytes shown
constexpr size_t kMaxPlainLines = 40;          // transcript lines without a diagram
constexpr size_t kMaxCellBytes = 300;          // a step table cell

// Wire text for a <pre>, capped, saying how much was left out.
std::string WirePre(const std::string& text, const char* cls = "wire") {
  std::string_view cut = TruncateUtf8(text, kMaxOutputBytes);
  std::string s = std::string("<pre class=\"") + cls + "\">" + HtmlWire(cut, Markup::kHtml);
  if (cut.size() < text.size()) {
    s += "\n<span class=\"note\">[" + FormatBytes(text.size() - cut.size()) +
         " more: see the JSON report]</span>";
  }
  return s + "</pre>";
}

// Program output for a <pre>: lines kept, other control bytes visible.
std::string TextPre(const std::string& text) {
  std::string_view cut = TruncateUtf8(text, kMaxOutputBytes);
  std::string s = "<pre class=\"out\">" + HtmlEscape(cut);
  if (cut.size() < text.size()) {
    s += "\n<span class=\"note\">[" + FormatBytes(text.size() - cut.size()) +
         " more: see the JSON report]</span>";
  }
  return s + "</pre>";
}

std::string Cell(const std::string& text) {
  std::string_view cut = TruncateUtf8(text, kMaxCellBytes);
  return HtmlWire(cut, Markup::kHtml) + (cut.size() < text.size() ? "\xe2\x80\xa6" : "");
}

std::string FailureBlock(const Json& sc) {
  const Json& f = Field(sc, "failure");
  std::string status = Str(sc, "status");
  if (!f.is_object() || (status != "failed" && status != "error")) return "";
  std::string s = "<div class=\"failure\">";
  s += "<p class=\"msg\">" + HtmlEscape(Str(f, "message")) + "</p><table>";
  if (!Str(f, "expected").empty()) {
    s += "<tr class=\"expected\"><th>expected</th><td><code class=\"wire\">" +
         HtmlWire(TruncateUtf8(Str(f, "expected"), kMaxOutputBytes), Markup::kHtml) +
         "</code></td></tr>";
  }
  s += "<tr class=\"actual\"><th>actual</th><td><code class=\"wire\">" +
       HtmlWire(TruncateUtf8(Str(f, "actual"), kMaxOutputBytes), Markup::kHtml) +
       "</code></td></tr></table></div>";
  return s;
}

std::string StepsTable(const Json& sc) {
  const Json& steps = Array(sc, "steps");
  if (steps.empty()) return "";
  bool points = false;
  for (const Json& st : steps) points = points || Field(st, "points").is_number();
  std::string s = "<details class=\"steps\"><summary>steps (" + std::to_string(steps.size()) +
                  ")</summary><table class=\"steps\"><tr><th class=\"num\">#</th><th "
                  "class=\"num\">line</th><th>kind</th><th>sent</th><th>expected</th><th>"
                  "received</th><th>status</th><th class=\"num\">time</th>";
  if (points) s += "<th class=\"num\">points</th>";
  s += "</tr>";
  for (const Json& st : steps) {
    std::string status = KnownStatus(Str(st, "status"));
    s += "<tr class=\"step " + status + "\"><td class=\"num\">" + std::to_string(Int(st, "index")) +
         "</td><td class=\"num\">" + std::to_string(Int(st, "line")) + "</td><td>" +
         HtmlEscape(Str(st, "kind"));
    if (!Str(st, "name").empty())
      s += "<br><span class=\"meta\">" + HtmlEscape(Str(st, "name")) + "</span>";
    s += "</td><td class=\"mono\">" + Cell(Str(st, "sent")) + "</td><td class=\"mono\">" +
         Cell(Str(st, "expected")) + "</td><td class=\"mono\">" + Cell(Str(st, "received")) +
         "</td><td>" + StatusBadge(status);
    if (!Str(st, "message").empty())
      s += "<br><span class=\"meta\">" + Cell(Str(st, "message")) + "</span>";
    s += "</td><td class=\"num\">" + FormatMs(Num(st, "duration_ms")) + "</td>";
    if (points) {
      s += "<td class=\"num\">";
      if (Field(st, "points").is_number()) {
        s += FormatNumber(Num(st, "points_earned")) + " / " + FormatNumber(Num(st, "points"));
      }
      s += "</td>";
    }
    s += "</tr>";
  }
  return s + "</table></details>";
}

// Without a diagram: the first lines of the transcript as text.
std::string PlainTranscript(const Json& sc) {
  const Json& t = Array(sc, "transcript");
  if (t.empty()) return "";
  std::string s = "<details class=\"transcript\"><summary>transcript (" + std::to_string(t.size()) +
                  " lines)</summary><pre class=\"wire\">";
  size_t n = 0;
  for (const Json& e : t) {
    if (n++ == kMaxPlainLines) {
      s += "<span class=\"note\">[" + std::to_string(t.size() - kMaxPlainLines) +
           " more lines: see the JSON report]</span>";
      break;
    }
    s += FormatMs(Num(e, "t_ms")) + " " + HtmlEscape(TruncateUtf8(Str(e, "dir"), 1)) + ": " +
         HtmlWire(TruncateUtf8(Str(e, "text"), 200), Markup::kHtml) + "\n";
  }
  return s + "</pre></details>";
}

}  // namespace

std::string KnownStatus(const std::string& status) {
  for (const char* known : {"passed", "failed", "error", "skipped", "not_run"}) {
    if (status == known) return status;
  }
  return "not_run";
}

std::string StatusBadge(const std::string& status, const std::string& extra_class) {
  std::string s = KnownStatus(status);
  std::string label = s == "not_run" ? "not run" : s;
  return "<span class=\"badge " + s + (extra_class.empty() ? "" : " " + extra_class) + "\">" +
         label + "</span>";
}

std::string RenderClientOutput(const Json& c) {
  if (!c.is_object()) return "";
  std::string s = "<div class=\"client\"><dl class=\"facts\">";
  s += "<dt>command</dt><dd><code>" + HtmlEscape(Str(c, "command")) + "</code></dd>";
  std::string ended;
  if (Field(c, "exit_code").is_number())
    ended = "exit status " + std::to_string(Int(c, "exit_code"));
  if (Field(c, "signal").is_number())
    ended = "killed by signal " + std::to_string(Int(c, "signal"));
  if (Bool(c, "timed_out")) ended += (ended.empty() ? "" : ", ") + std::string("timed out");
  if (ended.empty()) ended = "did not exit";
  s += "<dt>ended</dt><dd class=\"exit\">" + HtmlEscape(ended) + "</dd></dl>";
  s += "<h4>stdout</h4>" + (Str(c, "stdout").empty() ? std::string("<p class=\"note\">(empty)</p>")
                                                     : TextPre(Str(c, "stdout")));
  s += "<h4>stderr</h4>" + (Str(c, "stderr").empty() ? std::string("<p class=\"note\">(empty)</p>")
                                                     : TextPre(Str(c, "stderr")));
  return s + "</div>";
}

std::string RenderScenarioBody(const Json& sc, const ScenarioHtmlOptions& o) {
  std::string s;
  if (!Str(sc, "description").empty()) {
    s += "<p class=\"desc\">" + HtmlEscape(Str(sc, "description")) + "</p>";
  }
  s += "<p class=\"meta\"><code>" + HtmlEscape(Str(sc, "file")) + "</code> \xc2\xb7 " +
       HtmlEscape(Str(sc, "mode", "client")) + " mode \xc2\xb7 target " +
       HtmlEscape(Str(sc, "target")) + " \xc2\xb7 " + FormatMs(Num(sc, "duration_ms"));
  std::string rfc;
  for (const Json& r : Array(sc, "rfc")) {
    if (r.is_string()) rfc += (rfc.empty() ? "" : ", ") + r.get<std::string>();
  }
  if (!rfc.empty()) s += " \xc2\xb7 RFC " + HtmlEscape(rfc);
  std::string tags;
  for (const Json& t : Array(sc, "tags")) {
    if (t.is_string()) tags += (tags.empty() ? "" : ", ") + t.get<std::string>();
  }
  if (!tags.empty()) s += " \xc2\xb7 tags " + HtmlEscape(tags);
  s += "</p>";
  if (!Str(sc, "skip_reason").empty()) {
    s += "<p class=\"skip\">skipped: " + HtmlEscape(Str(sc, "skip_reason")) + "</p>";
  }
  s += FailureBlock(sc);
  if (o.diagram) {
    SequenceOptions so;
    so.id_prefix = o.id;
    SequenceDiagram d = RenderSequenceDiagram(sc, so);
    s += "<div class=\"diagram\">" + d.svg + "</div>" + d.folds;
    s += StepsTable(sc);
  } else if (o.transcript) {
    s += PlainTranscript(sc);
  } else {
    const Json& t = Array(sc, "transcript");
    s += "<p class=\"note\">" + std::to_string(t.size()) + " transcript lines";
    if (!t.empty()) {
      s += ", the last " + HtmlEscape(TruncateUtf8(Str(t.back(), "dir"), 1)) +
           ": <code class=\"wire\">" +
           HtmlWire(TruncateUtf8(Str(t.back(), "text"), 120), Markup::kHtml) + "</code>";
    }
    s += " (the JSON report has them all)</p>";
  }
  const Json& client = Field(sc, "client");
  if (client.is_object()) {
    if (o.client_output) s += "<h4>client under test</h4>" + RenderClientOutput(client);
    std::string bytes = Str(client, "received_bytes");
    if (!bytes.empty()) {
      s += "<details class=\"bytes\"><summary>bytes the client sent (" + FormatBytes(bytes.size()) +
           ", exactly)</summary>" + WirePre(bytes) + "</details>";
    }
  }
  return s;
}

std::string RenderScenarioSection(const Json& sc, const ScenarioHtmlOptions& o) {
  std::string status = KnownStatus(Str(sc, "status"));
  std::string s = "<details class=\"scenario " + status + "\" id=\"" + HtmlEscape(o.id) + "\"" +
                  (o.open ? " open" : "") + "><summary>" + StatusBadge(status) + " " +
                  HtmlEscape(Str(sc, "name")) + "<span class=\"meta\">" +
                  FormatMs(Num(sc, "duration_ms")) + "</span></summary>";
  s += RenderScenarioBody(sc, o);
  return s + "</details>\n";
}

}  // namespace smtp::html
