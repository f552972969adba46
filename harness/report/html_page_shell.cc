#include "harness/report/html_page_shell.h"

#include "harness/report/html_escape.h"

namespace smtp::html {

const char* ReportCss() {
  return R"css(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, 'DejaVu Sans', Arial, sans-serif; margin: 0; color: #111827; background: #fff; }
header.top { padding: 14px 24px; border-bottom: 1px solid #e5e7eb; display: flex; gap: 14px; align-items: center; flex-wrap: wrap; }
header.top h1 { font-size: 20px; margin: 0; }
main { padding: 0 24px 48px; max-width: 1120px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
a { color: #1d4ed8; }
code, pre, .wire, .mono { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; }
pre { background: #f9fafb; border: 1px solid #e5e7eb; border-radius: 4px; padding: 8px; margin: 6px 0; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-all; }
.ctl { color: #b00020; background: #fde8ec; border-radius: 2px; padding: 0 1px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.passed { background: #dcfce7; color: #166534; }
.badge.failed { background: #fee2e2; color: #991b1b; }
.badge.error { background: #fef3c7; color: #92400e; }
.badge.skipped, .badge.not_run { background: #e5e7eb; color: #374151; }
.verdict { font-size: 15px; padding: 3px 12px; }
.tiles { display: flex; gap: 10px; flex-wrap: wrap; margin: 12px 0; }
.tile { border: 1px solid #e5e7eb; border-radius: 6px; padding: 6px 14px; min-width: 80px; }
.tile .n { font-size: 22px; font-weight: 700; display: block; }
.tile.failed .n { color: #b91c1c; } .tile.passed .n { color: #15803d; } .tile.error .n { color: #b45309; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
dl.facts dt { color: #6b7280; } dl.facts dd { margin: 0; word-break: break-all; }
table.scenarios td.msg { max-width: 520px; word-break: break-word; }
details.scenario { border: 1px solid #e5e7eb; border-left-width: 4px; border-radius: 6px; margin: 10px 0; padding: 0 12px; }
details.scenario.passed { border-left-color: #16a34a; }
details.scenario.failed { border-left-color: #b91c1c; }
details.scenario.error { border-left-color: #d97706; }
details.scenario > summary { cursor: pointer; padding: 8px 0; font-weight: 600; }
details.scenario > summary .meta { font-weight: normal; color: #6b7280; margin-left: 8px; }
details.scenario:target, details.scenario:focus-within { outline: 2px solid #2563eb; }
.meta { color: #6b7280; }
.failure { background: #fef2f2; border: 1px solid #fecaca; border-radius: 4px; padding: 8px 12px; margin: 8px 0; }
.failure .msg { margin: 0 0 6px; font-weight: 600; color: #991b1b; word-break: break-word; }
.failure th { background: transparent; color: #7f1d1d; border: 0; padding: 2px 8px 2px 0; }
.failure td { border: 0; padding: 2px 0; word-break: break-all; }
.diagram { overflow-x: auto; margin: 8px 0; }
svg.seq, svg.chart { max-width: 100%; height: auto; display: block; }
details.fold, details.steps, details.transcript, details.bytes { margin: 4px 0; }
details > summary { cursor: pointer; }
table.matrix td.cells { line-height: 0; }
a.cell { display: inline-block; width: 15px; height: 15px; margin: 1px; border-radius: 3px; text-decoration: none; color: #fff; font-size: 10px; line-height: 15px; text-align: center; }
a.cell.passed { background: #16a34a; } a.cell.failed { background: #dc2626; } a.cell.error { background: #d97706; } a.cell.skipped, a.cell.not_run { background: #9ca3af; }
tr.section.failing td.sec { color: #b91c1c; font-weight: 600; }
.score { font-size: 22px; font-weight: 700; }
.note { color: #6b7280; font-size: 13px; }
footer { color: #6b7280; font-size: 12px; padding: 12px 24px; border-top: 1px solid #e5e7eb; }
@media print { details { display: block; } details > summary { list-style: none; } pre { max-height: none; } }
)css";
}

std::string PageShell(const std::string& title, const std::string& body) {
  std::string s;
  s.reserve(body.size() + 8192);
  s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // Nothing may be fetched and no script may run; only the inline styles.
  s += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n";
  s += "<meta name=\"generator\" content=\"smtp-harness\">\n";
  s += "<title>" + HtmlEscape(title) + "</title>\n<style>" + ReportCss() + "</style>\n</head>\n";
  s += "<body>\n" + body + "\n</body>\n</html>\n";
  return s;
}

}  // namespace smtp::html
