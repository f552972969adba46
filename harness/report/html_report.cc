#include "harness/report/html_report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "harness/report/html_json.h"
#include "harness/report/html_load_page.h"
#include "harness/report/html_run_page.h"
#include "harness/report/json_report.h"
#include "harness/report/load_report.h"
#include "harness/report/report_file.h"

namespace smtp {

Result<std::string> RenderHtmlReport(std::string_view json_text) {
  html::Json report;
  try {
    report = html::Json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(std::string("not a JSON report: ") + e.what());
  }
  if (!report.is_object() || html::Str(report, "tool") != "smtp-harness") {
    return Status::InvalidArgument(
        "not an smtp-harness report (it has no \"tool\": \"smtp-harness\")");
  }
  try {
    if (html::Field(report, "load").is_object()) return html::RenderLoadPage(report);
    return html::RenderRunPage(report);
  } catch (const nlohmann::json::exception& e) {
    // The readers are lenient; this is a report shaped beyond recognition.
    return Status::InvalidArgument(std::string("unexpected report contents: ") + e.what());
  }
}

namespace {

Status WriteRendered(const std::string& json_text, const std::string& path) {
  auto page = RenderHtmlReport(json_text);
  if (!page.ok())
    return Status::Internal("cannot render the HTML report: " + page.status().message());
  return WriteReportFile(path, *page, "HTML report");
}

}  // namespace

Status WriteHtmlReport(const RunResult& run, const std::string& path) {
  return WriteRendered(RenderJsonReport(run), path);
}

Status WriteLoadHtmlReport(const LoadRunResult& load, const std::string& path) {
  return WriteRendered(RenderLoadJsonReport(load), path);
}

Status ConvertJsonReportToHtml(const std::string& json_path, const std::string& html_path) {
  std::string text;
  if (json_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(json_path, std::ios::binary);
    if (!in)
      return Status::InvalidArgument("cannot read " + json_path + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
      return Status::InvalidArgument("cannot read " + json_path + ": " + std::strerror(errno));
    text = buf.str();
  }
  auto page = RenderHtmlReport(text);
  if (!page.ok()) return page.status().Prefixed(json_path == "-" ? "standard input" : json_path);
  return WriteReportFile(html_path, *page, "HTML report");
}

}  // namespace smtp
