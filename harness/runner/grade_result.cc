#include "harness/runner/grade_result.h"

#include <string.h>

#include <cmath>

#include "harness/runner/grade_limits.h"
#include "harness/runner/result_header.h"

namespace smtp {
namespace {

bool IsCheck(StepKind k) {
  return k == StepKind::kExpectCommand || k == StepKind::kExpectData ||
         k == StepKind::kExpectClose || k == StepKind::kAuth;
}

// Points of each scenario step (per whole run, before splitting by session).
std::vector<std::optional<double>> StepPoints(const Scenario& sc) {
  std::vector<std::optional<double>> pts(sc.steps.size());
  double own = 0;
  int open = 0;
  for (size_t i = 0; i < sc.steps.size(); ++i) {
    if (sc.steps[i].points) {
      pts[i] = sc.steps[i].points;
      own += *sc.steps[i].points;
    } else if (IsCheck(sc.steps[i].kind)) {
      ++open;
    }
  }
  double share = 1.0;
  if (sc.points)
    share = open > 0 ? std::max(0.0, *sc.points - own) / open : 0.0;
  else if (own > 0)
    share = 0.0;  // only the steps that say so are worth points
  for (size_t i = 0; i < sc.steps.size(); ++i) {
    if (!pts[i] && IsCheck(sc.steps[i].kind)) pts[i] = share;
  }
  return pts;
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

bool EndedByConnection(const StepResult& s) {
  return s.message.find("the connection ended") != std::string::npos ||
         s.message.find("closed the connection") != std::string::npos;
}

bool EndedByIdleTimeout(const StepResult& s) {
  return s.message.find("no data from the client") != std::string::npos;
}

}  // namespace

std::string DescribeClientExit(const ClientProcessResult& c) {
  if (c.timed_out) {
    return "was still running and was killed" +
           (c.signal ? " (" + SignalName(*c.signal) + ")" : std::string());
  }
  if (c.signal)
    return "was killed by signal " + std::to_string(*c.signal) + " (" + SignalName(*c.signal) + ")";
  if (c.exit_code) return "exited with code " + std::to_string(*c.exit_code);
  return "did not exit";
}

namespace {

// An upper bound on a string's size in the JSON report (control bytes become
// \u00XX, a byte that is not UTF-8 becomes U+FFFD).
size_t JsonSize(const std::string& s) {
  size_t n = 3;
  for (unsigned char c : s) n += c < 0x20 ? 6 : (c == '"' || c == '\\') ? 2 : c >= 0x80 ? 3 : 1;
  return n;
}

size_t TranscriptSize(const Transcript& t) {
  size_t n = 0;
  for (const auto& e : t) n += 40 + JsonSize(e.text);
  return n;
}

size_t ResultSize(const ScenarioResult& r) {
  size_t n = 1024 + TranscriptSize(r.transcript);
  for (const auto& st : r.steps) {
    n += 200 + JsonSize(st.name) + JsonSize(st.sent) + JsonSize(st.expected) +
         JsonSize(st.received) + JsonSize(st.message);
  }
  if (r.failure) {
    n += JsonSize(r.failure->message) + JsonSize(r.failure->expected) + JsonSize(r.failure->actual);
  }
  if (r.client) {
    n += JsonSize(r.client->command) + JsonSize(r.client->stdout_text) +
         JsonSize(r.client->stderr_text) + JsonSize(r.client->received_bytes);
  }
  return n;
}

// Keeps one scenario's report under kGradeReportBytes: halves the largest of
// the client's output, its received bytes and the transcript until it fits.
void BoundResultSize(ScenarioResult& r) {
  if (!r.client || ResultSize(r) <= kGradeReportBytes) return;
  std::string* texts[] = {&r.client->stdout_text, &r.client->stderr_text,
                          &r.client->received_bytes};
  const std::string originals[] = {*texts[0], *texts[1], *texts[2]};
  size_t kept[] = {texts[0]->size(), texts[1]->size(), texts[2]->size()};
  const Transcript transcript = r.transcript;
  size_t transcript_kept = transcript.size();
  for (int round = 0; round < 64 && ResultSize(r) > kGradeReportBytes; ++round) {
    size_t biggest = 3;
    size_t biggest_size = TranscriptSize(r.transcript);
    for (size_t i = 0; i < 3; ++i) {
      if (JsonSize(*texts[i]) > biggest_size) {
        biggest = i;
        biggest_size = JsonSize(*texts[i]);
      }
    }
    if (biggest < 3) {
      kept[biggest] /= 2;
      *texts[biggest] = originals[biggest].substr(0, kept[biggest]) + "\n[report size cap (" +
                        std::to_string(kGradeReportBytes) +
                        " bytes): " + std::to_string(originals[biggest].size() - kept[biggest]) +
                        " more bytes not kept]";
    } else if (transcript_kept > 1) {
      transcript_kept /= 2;
      r.transcript.assign(transcript.begin(), transcript.begin() + transcript_kept);
      r.transcript.push_back(
          {0, '*',
           "[report size cap (" + std::to_string(kGradeReportBytes) +
               " bytes): " + std::to_string(transcript.size() - transcript_kept) +
               " more transcript lines not kept]"});
    } else {
      break;
    }
  }
}

ScenarioResult AssembleUnbounded(const Scenario& sc, const ServerRunFacts& f);

}  // namespace

ScenarioResult AssembleServerResult(const Scenario& sc, const ServerRunFacts& f) {
  ScenarioResult r = AssembleUnbounded(sc, f);
  BoundResultSize(r);
  return r;
}

namespace {

ScenarioResult AssembleUnbounded(const Scenario& sc, const ServerRunFacts& f) {
  ScenarioResult r = ResultHeader(sc);
  r.target = f.listen;
  r.duration_ms = f.duration_ms;
  r.client = f.client;
  const int expected = std::max(1, sc.sessions);
  const auto points = StepPoints(sc);
  std::string where = sc.file.empty() ? sc.name : sc.file;

  // Steps: one block per expected session (and any extra session).
  int n = std::max<int>(expected, static_cast<int>(f.sessions.size()));
  for (int s = 1; s <= n; ++s) {
    const SessionReport* rep = nullptr;
    for (const auto& x : f.sessions) {
      if (x.session == s) rep = &x;
    }
    std::string prefix = n > 1 ? "session " + std::to_string(s) + ": " : "";
    for (size_t i = 0; i < sc.steps.size(); ++i) {
      StepResult st;
      if (rep && i < rep->steps.size()) {
        st = rep->steps[i];
      } else {
        st.index = sc.steps[i].index;
        st.line = sc.steps[i].pos.line;
        st.status = Verdict::kNotRun;
        st.message = "session " + std::to_string(s) + " never started";
      }
      if (st.kind.empty()) st.kind = StepKindName(sc.steps[i].kind);
      if (s > expected) {
        st.points.reset();
      } else if (points[i]) {
        st.points = *points[i] / expected;
        st.points_earned = st.status == Verdict::kPassed ? *st.points : 0.0;
      }
      if (!prefix.empty()) {
        st.name = prefix + (st.name.empty() ? "step " + std::to_string(st.index) : st.name);
      }
      r.steps.push_back(std::move(st));
    }
    if (rep) {
      if (n > 1) r.transcript.push_back({0, '*', "session " + std::to_string(s)});
      r.transcript.insert(r.transcript.end(), rep->transcript.begin(), rep->transcript.end());
    }
  }
  if (r.client) {
    r.client->received_bytes.clear();
    for (const auto& x : f.sessions) {
      if (r.client->received_bytes.size() < kGradeReceivedBytes)
        r.client->received_bytes += x.received;
    }
  }
  double score = 0, max = 0;
  for (const auto& st : r.steps) {
    if (st.points) max += *st.points;
    if (st.points_earned) score += *st.points_earned;
  }
  r.score = std::round(score * 1000) / 1000;
  r.max_score = std::round(max * 1000) / 1000;

  auto fail = [&](Verdict v, int step, int line, std::string expected_text, std::string actual,
                  std::string message) {
    r.status = v;
    FailureInfo fi;
    fi.step = step;
    fi.line = line;
    fi.expected = std::move(expected_text);
    fi.actual = std::move(actual);
    fi.message = where + ": " + message;
    r.failure = std::move(fi);
  };
  const std::string exit_text = "the client " + DescribeClientExit(f.client);

  if (f.client_start_error) {
    fail(Verdict::kError, -1, 0, "a client command that runs", *f.client_start_error,
         *f.client_start_error);
    return r;
  }
  if (f.interrupted) {
    // Not a verdict on the client: the steps show how far it got.
    fail(Verdict::kError, -1, 0, "a finished run", "interrupted",
         "interrupted (SIGINT/SIGTERM) after " +
             FormatDuration(Duration(static_cast<Duration::rep>(f.duration_ms))) +
             ", before the client finished; it was stopped (" + exit_text +
             "); the steps show how far it got");
    return r;
  }
  if (f.sessions.empty()) {
    std::string why;
    if (f.never_connected_timeout || f.client.timed_out) {
      why = "the client never connected to " + f.listen + " within " +
            FormatDuration(f.step_timeout) + " (" + exit_text + ")";
    } else {
      why = exit_text + " without connecting to " + f.listen +
            " (it must connect to the port given in $SMTP_HARNESS_PORT)";
    }
    for (auto& st : r.steps) st.message = why;
    fail(Verdict::kFailed, -1, 0, "a connection to " + f.listen, "no connection", why);
    return r;
  }
  // The first failing step, session by session.
  for (const auto& rep : f.sessions) {
    if (!rep.failure) continue;
    FailureInfo fi = *rep.failure;
    bool abnormal =
        f.client.timed_out || f.client.signal || (f.client.exit_code && *f.client.exit_code != 0);
    if (fi.step >= 0 && abnormal) {
      for (const auto& st : rep.steps) {
        if (st.index != fi.step) continue;
        // Name the client's fate when it explains the failure: it went away
        // (crashed), or it sat there until we killed it.
        if (EndedByConnection(st) && !f.client.timed_out) {
          fi.message += "; " + exit_text + " (crashed?)";
        } else if ((EndedByConnection(st) || EndedByIdleTimeout(st)) && f.client.timed_out) {
          fi.message += "; " + exit_text;
        }
      }
    }
    if (rep.session <= expected) {
      r.status = Verdict::kFailed;
      r.failure = fi;
      return r;
    }
  }
  if (static_cast<int>(f.sessions.size()) < expected) {
    std::string why = "expected " + std::to_string(expected) + " sessions, the client made " +
                      std::to_string(f.sessions.size()) + " (" + exit_text + ")";
    fail(Verdict::kFailed, -1, 0, std::to_string(expected) + " sessions",
         std::to_string(f.sessions.size()) + " sessions", why);
    return r;
  }
  if (static_cast<int>(f.sessions.size()) > expected) {
    std::string why = "the client connected " + std::to_string(f.sessions.size()) +
                      " times; the scenario expects " + std::to_string(expected) + " session" +
                      (expected > 1 ? "s" : "");
    fail(Verdict::kFailed, -1, 0, std::to_string(expected) + " sessions",
         std::to_string(f.sessions.size()) + " sessions", why);
    return r;
  }
  if (f.killed_after_sessions) {
    std::string why = "the session ended but the client did not exit; it was killed";
    fail(Verdict::kFailed, -1, 0, "the client exits after its session", "still running", why);
    return r;
  }
  if (f.run_timed_out) {
    std::string why = "the run did not finish within " + FormatDuration(f.run_timeout);
    fail(Verdict::kFailed, -1, 0, "a finished run", "timeout", why);
    return r;
  }
  r.status = Verdict::kPassed;
  return r;
}

}  // namespace
}  // namespace smtp
