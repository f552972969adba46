#include "harness/report/html_conformance.h"

#include "harness/report/html_escape.h"
#include "harness/report/html_scenario.h"

namespace smtp::html {
namespace {

std::string Counts(const Json& c) {
  std::string s;
  for (const char* k : {"passed", "failed", "errors", "skipped"}) {
    s += "<td class=\"num " + std::string(k) + "\">" + std::to_string(Int(c, k)) + "</td>";
  }
  return s;
}

const char* Glyph(const std::string& status) {
  if (status == "passed") return "\xe2\x9c\x93";  // check mark
  if (status == "failed") return "\xe2\x9c\x97";  // ballot x
  if (status == "error") return "!";
  return "\xe2\x80\x93";  // en dash
}

}  // namespace

std::string RenderConformanceMatrix(const Json& report,
                                    const std::map<std::string, ScenarioRef>& scenarios) {
  const Json& rfcs = Array(report, "conformance");
  if (rfcs.empty()) return "";
  std::string s = "<section id=\"conformance\"><h2>Conformance by RFC section</h2>";
  s += "<p class=\"note\">One cell per scenario that checks the section: green passed, red "
       "failed, amber error, grey skipped (the server did not advertise the extension). A "
       "scenario counts once per RFC and once per section it names.</p>";
  s += "<table class=\"matrix\"><tr><th>RFC</th><th>section</th><th class=\"num\">passed</th>"
       "<th class=\"num\">failed</th><th class=\"num\">errors</th><th class=\"num\">skipped</th>"
       "<th>scenarios</th></tr>";
  for (const Json& rfc : rfcs) {
    std::string number = Str(rfc, "rfc");
    s += "<tr class=\"rfc\"><th colspan=\"2\">RFC " + HtmlEscape(number) + "</th>" +
         Counts(Field(rfc, "counts")) + "<td></td></tr>";
    for (const Json& sec : Array(rfc, "sections")) {
      bool failing = !Array(sec, "failing").empty();
      std::string name = Str(sec, "section");
      s += std::string("<tr class=\"section") + (failing ? " failing" : "") + "\" data-rfc=\"" +
           HtmlEscape(number) + "\" data-section=\"" + HtmlEscape(name) +
           "\"><td></td><td class=\"sec\">" +
           (name.empty() ? std::string("(whole RFC)") : "\xc2\xa7" + HtmlEscape(name)) + "</td>" +
           Counts(Field(sec, "counts")) + "<td class=\"cells\">";
      for (const Json& n : Array(sec, "scenarios")) {
        if (!n.is_string()) continue;
        std::string scenario = n.get<std::string>();
        auto it = scenarios.find(scenario);
        std::string status = KnownStatus(it == scenarios.end() ? "" : it->second.status);
        std::string href =
            it == scenarios.end() ? "" : " href=\"#" + HtmlEscape(it->second.id) + "\"";
        s += "<a class=\"cell " + status + "\"" + href + " title=\"" +
             HtmlEscape(scenario + ": " + status) + "\">" + Glyph(status) + "</a>";
      }
      s += "</td></tr>";
    }
  }
  return s + "</table></section>";
}

}  // namespace smtp::html
