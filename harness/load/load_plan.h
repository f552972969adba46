// LoadPlan: a client-mode scenario compiled, once, into a flat list of
// operations (write these bytes, expect a reply matching this, start TLS,
// sleep, expect a close) that the async load sessions execute many times.
// Pure: no I/O. Bodies and data files are read and dot-stuffed here; texts
// whose variables are all known up front are expanded here too, so a session
// only expands what depends on a capture.
//
// With --reuse a connection runs ops [0, tx_begin) once, then
// [tx_begin, tx_end) once per transaction, then [tx_end, end) (QUIT).
#pragma once

#include <string>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/scenario/var_expander.h"
#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

struct LoadOp {
  enum class Kind { kWrite, kExpect, kStartTls, kSleep, kExpectClose };
  Kind kind = Kind::kWrite;
  int step = 0;             // index into the scenario's steps
  bool step_first = false;  // first op of its step (requires: is checked here)
  bool step_last = false;   // last op of its step (its latency is recorded here)

  // kWrite: bytes to send; when `expand`, ${vars} are expanded per session
  // and the result encoded as `encode` says.
  enum class Encode { kRaw, kLine, kLines, kBody };
  std::string bytes;
  bool expand = false;
  Encode encode = Encode::kRaw;
  std::string line;  // kWrite of a command line: the line (for EHLO detection)

  ReplyMatcher matcher;        // kExpect (empty: any reply)
  bool ehlo_reply = false;     // kExpect: the reply to EHLO (its keywords feed requires:)
  bool message_reply = false;  // kExpect: the reply that accepts a message

  Duration timeout{0};  // the step's deadline for this op
  Duration sleep{0};    // kSleep
  bool tls_verify = false;
  bool optional = false;
  std::vector<std::string> required_extensions;  // of the step
};

struct LoadPlan {
  std::vector<LoadOp> ops;
  size_t tx_begin = 0;
  size_t tx_end = 0;
  bool has_captures = false;             // sessions then need their own variables
  VarMap vars;                           // the scenario's vars with --var overrides
  std::vector<std::string> step_labels;  // per scenario step: "send MAIL FROM:<a@b>"
  std::vector<std::string> scenario_requires;
};

// The bytes that go on the wire for `text`: as is, + CRLF, LF -> CRLF, or
// a dot-stuffed DATA body.
std::string EncodeLoadBytes(LoadOp::Encode encode, const std::string& text);

// Errors (an InvalidArgument: exit 2) name the scenario file: a server-mode
// scenario, an unreadable data file, a variable nothing defines, or, with
// `reuse`, no steps between the EHLO and QUIT.
Result<LoadPlan> BuildLoadPlan(const Scenario& scenario, const VarMap& overrides,
                               Duration default_timeout, bool reuse);

}  // namespace smtp
