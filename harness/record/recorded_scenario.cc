#include "harness/record/recorded_scenario.h"

#include "harness/core/reply.h"
#include "harness/scenario/transcript_writer.h"

namespace smtp {
namespace {

// YAML block scalars cannot hold control characters other than tab.
std::string Printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
  }
  return out;
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The block's lines, indented under `transcript: |`.
void AppendIndented(std::string& body, Transcript& pending) {
  std::string form = WriteTranscriptForm(pending);
  size_t start = 0;
  while (start < form.size()) {
    size_t nl = form.find('\n', start);
    if (nl == std::string::npos) nl = form.size();
    body.append("  ").append(form, start, nl - start).append("\n");
    start = nl + 1;
  }
  pending.clear();
}

}  // namespace

std::string WriteRecordedScenario(const Transcript& session, const RecordedScenarioInfo& info) {
  std::string body;
  Transcript pending;
  ReplyParser parser;
  for (const auto& e : session) {
    if (e.dir == 'C') {
      pending.push_back({e.t_ms, 'C', Printable(e.text)});
      continue;
    }
    std::string note = e.dir == '*' ? e.text : "";
    if (e.dir == 'S' && info.server_mode) {
      // The harness will send these replies itself: exactly as the real
      // server did, EHLO keywords included (they steer what the client sends).
      pending.push_back({e.t_ms, 'S', Printable(e.text)});
      continue;
    }
    if (e.dir == 'S') {
      auto reply = parser.FeedLine(e.text);
      if (reply.ok() && !reply->has_value()) continue;
      if (reply.ok()) {
        std::string glob = GeneraliseReply(**reply, info.level);
        for (size_t start = 0; start <= glob.size();) {
          size_t nl = glob.find('\n', start);
          if (nl == std::string::npos) nl = glob.size();
          pending.push_back({e.t_ms, 'S', Printable(glob.substr(start, nl - start))});
          start = nl + 1;
        }
        continue;
      }
      note = "unparsable reply line: " + e.text;
    }
    AppendIndented(body, pending);
    body += "  # " + Printable(note) + "\n";
  }
  AppendIndented(body, pending);
  std::string out = "# Recorded by smtp-harness record; replay with `smtp-harness run`.\n";
  out += "name: " + Quoted(info.name) + "\n";
  if (!info.description.empty()) out += "description: " + Quoted(info.description) + "\n";
  if (info.server_mode) out += "mode: server\n";
  out += "transcript: |\n" + body;
  return out;
}

}  // namespace smtp
