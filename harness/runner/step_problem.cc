#include "harness/runner/step_problem.h"

#include "harness/util/ascii.h"

namespace smtp {

bool ClosedBeforeReply(const Status& s) {
  // A close in the middle of a reply ("incomplete reply ...") is not "no reply".
  return s.IsClosed() && s.message().rfind("incomplete reply", 0) != 0;
}

StepProblem ReadProblem(const Status& s, Duration timeout, std::string_view awaited) {
  StepProblem p;
  if (s.IsTimeout()) {
    p.actual = "no reply within " + FormatDuration(timeout);
  } else if (s.IsClosed()) {
    if (!awaited.empty() && ClosedBeforeReply(s)) {
      p.actual = "connection closed with no reply to " + std::string(awaited);
    } else {
      p.actual = "connection closed by the server";
    }
  } else if (s.code() == Status::Code::kProtocol) {
    p.actual = "malformed reply";
    p.why = s.message();
  } else if (s.code() == Status::Code::kIo) {
    p.actual = "connection lost";
    p.why = s.message();
  } else {
    p.error = true;
    p.actual = s.message();
  }
  return p;
}

std::string ReplyAwaited(std::string_view sent) {
  if (sent == ".") return "the end of the data";
  return Upper(sent.substr(0, sent.find_first_of(" \r\n")));
}

StepProblem WriteProblem(const Status& s, Duration timeout) {
  StepProblem p;
  if (s.IsTimeout()) {
    p.actual = "could not send within " + FormatDuration(timeout);
  } else if (s.code() == Status::Code::kClosed || s.code() == Status::Code::kIo) {
    p.actual = "connection closed by the server";
    p.why = s.message();
  } else {
    p.error = true;
    p.actual = s.message();
  }
  return p;
}

std::string OneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += " | ";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

std::string StepFailureMessage(const std::string& where, const std::string& expected,
                               const StepProblem& p) {
  if (p.error) return where + ": " + OneLine(p.why.empty() ? p.actual : p.why);
  std::string message =
      expected.empty() ? where + ": " + OneLine(p.actual)
                       : where + ": expected " + OneLine(expected) + ", got " + OneLine(p.actual);
  // "code 550 is not 2xx" says nothing that expected-vs-got does not.
  if (!p.why.empty() && p.why.rfind("code ", 0) != 0) message += " (" + OneLine(p.why) + ")";
  return message;
}

}  // namespace smtp
