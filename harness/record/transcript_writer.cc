#include "harness/record/transcript_writer.h"

#include "harness/core/reply.h"

namespace smtp {
namespace {

// YAML block scalars cannot hold control characters other than tab; the
// transcript's own syntax needs `$` doubled (variables).
std::string ClientLine(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '$') {
      out += "$$";
    } else if (c < 0x20 && c != '\t') {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
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

}  // namespace

std::string WriteTranscriptScenario(const Transcript& session, const RecordedScenarioInfo& info) {
  std::string body;
  ReplyParser parser;
  for (const auto& e : session) {
    if (e.dir == '*') {
      body += "  # " + ClientLine(e.text) + "\n";
      continue;
    }
    if (e.dir == 'C') {
      body += "  C:";
      if (!e.text.empty()) body.append(" ").append(ClientLine(e.text));
      body += "\n";
      continue;
    }
    auto reply = parser.FeedLine(e.text);
    if (!reply.ok()) {
      body += "  # unparsable reply line: " + ClientLine(e.text) + "\n";
      continue;
    }
    if (!reply->has_value()) continue;
    std::string glob = GeneraliseReply(**reply, info.level);
    size_t start = 0;
    while (start <= glob.size()) {
      size_t nl = glob.find('\n', start);
      if (nl == std::string::npos) nl = glob.size();
      body += "  S: " + ClientLine(glob.substr(start, nl - start)) + "\n";
      start = nl + 1;
    }
  }
  std::string out = "# Recorded by smtp-harness record; replay with `smtp-harness run`.\n";
  out += "name: " + Quoted(info.name) + "\n";
  if (!info.description.empty()) out += "description: " + Quoted(info.description) + "\n";
  // No `mode:`: client mode replays it against a server (`run`), and the same
  // transcript checks a client in server mode (`grade`).
  out += "transcript: |\n" + body;
  return out;
}

}  // namespace smtp
