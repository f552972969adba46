#include "harness/record/recorded_scenario.h"

#include <cctype>

#include "harness/core/reply.h"
#include "harness/record/client_stream.h"
#include "harness/record/recorded_server_steps.h"
#include "harness/record/recorded_steps.h"
#include "harness/record/recording_proxy.h"
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

// A session cut off inside a message (interrupted, or a side closed) would
// leave a transcript whose message has no final dot, which does not load:
// the 354 and those lines become a note instead (DATA stays, unanswered).
Transcript WithoutUnfinishedMessage(const Transcript& session) {
  bool after_data = false, in_message = false;
  size_t reply_at = 0;
  for (size_t i = 0; i < session.size(); ++i) {
    const auto& e = session[i];
    if (e.dir == 'C') {
      if (in_message) {
        if (e.text == ".") in_message = false;
      } else {
        after_data = IsDataCommand(e.text);
      }
    } else if (e.dir == 'S' && after_data && !in_message) {
      after_data = false;
      in_message = e.text.rfind("354", 0) == 0;
      reply_at = i;
    }
  }
  if (!in_message) return session;
  Transcript out(session.begin(), session.begin() + static_cast<std::ptrdiff_t>(reply_at));
  int lines = 0;
  for (size_t i = reply_at + 1; i < session.size(); ++i) {
    if (session[i].dir == 'C') {
      ++lines;
    } else {
      out.push_back(session[i]);
    }
  }
  out.push_back({0, '*',
                 "the session ended inside a message: the 354 reply and the " +
                     std::to_string(lines) +
                     " message line(s) after it, without the final dot, are left out"});
  return out;
}

// An AUTH command (not a message line).
bool HasAuth(const Transcript& session) {
  ServerModeLines lines;
  for (const auto& e : session) {
    if (e.dir == 'S') lines.OnReplyLine(e.text);
    if (e.dir != 'C') continue;
    if (!lines.in_message() && IsAuthCommand(e.text)) return true;
    if (lines.in_message()) lines.Glob(e.text);  // follows the end of the message
  }
  return false;
}

bool HasBdatChunk(const Transcript& session) {
  for (const auto& e : session) {
    if (e.dir == 'B') return true;
  }
  return false;
}

bool TlsIntercepted(const Transcript& session) {
  for (const auto& e : session) {
    if (e.dir == '*' && e.text.rfind(kTlsInterceptedNote, 0) == 0) return true;
  }
  return false;
}

std::string Header(const RecordedScenarioInfo& info, const Transcript& session,
                   const std::string& comment = "") {
  std::string out = info.server_mode
                        ? "# Recorded by smtp-harness record; check a client with `smtp-harness "
                          "grade FILE -- CLIENT...`.\n"
                        : "# Recorded by smtp-harness record; replay with `smtp-harness run`.\n";
  out += comment;
  out += "name: " + Quoted(info.name) + "\n";
  if (!info.description.empty()) out += "description: " + Quoted(info.description) + "\n";
  if (info.server_mode) {
    out += "mode: server\n";
    // The client started TLS: the scripted server does too (self-signed).
    if (TlsIntercepted(session)) out += "server: {tls: {starttls: true}}\n";
  }
  return out;
}

}  // namespace

std::string WriteRecordedScenario(const Transcript& recorded, const RecordedScenarioInfo& info) {
  if (HasAuth(recorded)) {
    const char* why =
        "# The session used AUTH: its credentials were not recorded, and the transcript form\n"
        "# cannot say \"the credentials of these variables\", so it is written as steps.\n";
    if (info.server_mode)
      return Header(info, recorded, why) + WriteRecordedServerSteps(recorded, info.auth);
    return Header(info, recorded, why) + WriteRecordedSteps(recorded, info.level, info.auth);
  }
  if (!info.server_mode && HasBdatChunk(recorded)) {
    return Header(info, recorded,
                  "# The session used BDAT (RFC 3030), whose chunks the transcript form cannot\n"
                  "# express, so it is written as steps: each BDAT with its chunk is one "
                  "send_raw.\n") +
           WriteRecordedSteps(recorded, info.level);
  }
  const Transcript session = WithoutUnfinishedMessage(recorded);
  std::string body;
  Transcript pending;
  ReplyParser parser;
  ReplyContextTracker contexts;
  ServerModeLines server_lines;
  for (const auto& e : session) {
    if (e.dir == 'B') {
      // Server mode: the scripted server reads lines, not chunks.
      AppendIndented(body, pending);
      body += "  # a BDAT chunk of " + std::to_string(e.text.size()) +
              " octets, left out: server mode cannot replay BDAT\n";
      continue;
    }
    if (e.dir == 'C') {
      contexts.OnClientLine(e.text);
      std::string text = e.text;
      if (info.server_mode) text = server_lines.Glob(e.text);
      pending.push_back({e.t_ms, 'C', Printable(text)});
      continue;
    }
    std::string note = e.dir == '*' ? e.text : "";
    if (e.dir == 'S' && info.server_mode) {
      server_lines.OnReplyLine(e.text);
      // The harness will send these replies itself: exactly as the real
      // server did, EHLO keywords included (they steer what the client sends).
      pending.push_back({e.t_ms, 'S', Printable(e.text)});
      continue;
    }
    if (e.dir == 'S') {
      auto reply = parser.FeedLine(e.text);
      if (reply.ok() && !reply->has_value()) continue;
      if (reply.ok()) {
        std::string glob = GeneraliseReply(**reply, info.level, contexts.OnReply((**reply).code));
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
  return Header(info, recorded) + "transcript: |\n" + body;
}

}  // namespace smtp
