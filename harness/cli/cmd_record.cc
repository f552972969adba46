// `smtp-harness record --listen 127.0.0.1:1025 --upstream smtp://H:P --out F.yaml`:
// a recording proxy (harness/record/). Each relayed session is written as a
// transcript-form scenario (as steps when it used BDAT, see recorded_steps.h):
// F.yaml for one session; F-1.yaml, F-2.yaml, ...
// with --sessions N > 1. Exit 0 when every session was recorded and
// written, 1 interrupted (SIGINT/SIGTERM: every session that had started is
// written, a partial one with a "recording interrupted" note; as `run` and
// `load` exit 1 when interrupted) or a session not recorded (the upstream
// could not be reached: its client got a 421 naming the problem, and no file
// is written for it), 2 usage, 3 cannot listen or write.
#include <CLI/CLI.hpp>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "harness/cli/choice_option.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt_guard.h"
#include "harness/cli/output_paths.h"
#include "harness/record/recorded_scenario.h"
#include "harness/record/recording_proxy.h"
#include "harness/record/reply_generaliser.h"
#include "harness/report/report_file.h"
#include "harness/util/target.h"

namespace smtp::cli {
namespace {

// --mode: is the recording a server-mode scenario?
const Choice<bool> kModes[] = {{"client", false}, {"server", true}};

struct RecordFlags {
  std::string listen = "127.0.0.1:1025";
  std::string upstream;
  std::string out;
  bool tls_intercept = false;
  std::string tls_cert, tls_key;
  std::string timeout = "60s";
  std::string generalise = "volatile";
  std::string mode = "client";
  int sessions = 1;
  bool once = false;
  std::string auth_user_var = "env:SMTP_HARNESS_USER";
  std::string auth_password_var = "env:SMTP_HARNESS_PASSWORD";
};

// A variable name as `${...}` takes it: NAME or env:NAME.
bool ValidVarName(const std::string& name) {
  std::string n = name.rfind("env:", 0) == 0 ? name.substr(4) : name;
  if (n.empty()) return false;
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  }
  return true;
}

std::string OutPath(const std::string& out, int n, int total) {
  if (total == 1) return out;
  std::filesystem::path p(out);
  std::string stem = p.stem().string() + "-" + std::to_string(n);
  return (p.parent_path() / (stem + p.extension().string())).string();
}

bool HasConversation(const Transcript& t) {
  for (const auto& e : t) {
    if (e.dir == 'C' || e.dir == 'S') return true;
  }
  return false;
}

int RecordCommand(const RecordFlags& f) {
  auto usage = [](const std::string& m) {
    std::cerr << "smtp-harness record: " << m << "\n";
    return kExitUsage;
  };
  RecordOptions o;
  size_t colon = f.listen.rfind(':');
  if (colon == std::string::npos)
    return usage("invalid --listen '" + f.listen + "': expected HOST:PORT");
  o.listen_host = f.listen.substr(0, colon);
  if (o.listen_host.size() > 2 && o.listen_host.front() == '[')
    o.listen_host = o.listen_host.substr(1, o.listen_host.size() - 2);
  try {
    int port = std::stoi(f.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    o.listen_port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return usage("invalid --listen '" + f.listen + "': expected HOST:PORT");
  }
  auto target = ParseTarget(f.upstream);
  if (!target.ok() || target->kind == Target::Kind::kFake) {
    return usage("invalid --upstream '" + f.upstream +
                 "': expected smtp://HOST:PORT or smtps://HOST:PORT");
  }
  o.upstream_host = target->host;
  o.upstream_port = target->port;
  o.upstream_implicit_tls = target->kind == Target::Kind::kSmtps;
  o.tls_intercept = f.tls_intercept;
  o.tls_cert_file = f.tls_cert;
  o.tls_key_file = f.tls_key;
  auto timeout = ParseDuration(f.timeout);
  if (!timeout.ok()) return usage("--timeout: " + timeout.status().message());
  o.timeout = *timeout;
  auto level = ParseGeneraliseLevel(f.generalise);
  if (!level.ok()) return usage(level.status().message());
  if (f.sessions < 1) return usage("--sessions must be at least 1");
  o.sessions = f.sessions;
  for (const auto* v : {&f.auth_user_var, &f.auth_password_var}) {
    if (!ValidVarName(*v))
      return usage("invalid variable name '" + *v + "': expected NAME or env:NAME");
  }

  // Where the sessions go must be writable, and must not be an input:
  // found now, not after a client went to the trouble of a session.
  for (int n = 1; n <= o.sessions; ++n) {
    std::string path = OutPath(f.out, n, o.sessions);
    if (Status s = CheckOutputPaths({{"--out", path}}, {f.tls_cert, f.tls_key}); !s.ok()) {
      return usage(s.message());
    }
    if (n == 1) {  // every FILE-N.yaml is in the same folder
      if (Status s = CheckReportPathWritable(path, "recorded scenario (--out)"); !s.ok()) {
        return usage(s.message());
      }
    }
  }

  RecordingProxy proxy(o);
  // Ctrl-C: the sessions so far are written, a partial one noted as such.
  InterruptGuard guard(
      [&proxy](int sig) { proxy.Interrupt(sig == SIGINT ? "SIGINT" : "SIGTERM"); });
  auto port = proxy.Bind();
  if (!port.ok()) {
    std::cerr << "smtp-harness record: " << port.status().message() << "\n";
    return port.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitHarness;
  }
  std::cerr << "smtp-harness record: listening on " << o.listen_host << ":" << *port
            << ", relaying to " << target->ToString() << "\n";
  int written = 0, partial = 0, unrecorded = 0;
  Status s = proxy.Serve([&](int n, const Transcript& t) -> Status {
    std::string path = OutPath(f.out, n, o.sessions);
    if (!HasConversation(t)) {
      // Nothing relayed (the upstream could not be reached: the client got
      // a 421 saying why): a file would hold no C:/S: line, which no
      // command loads.
      for (const auto& e : t)
        std::cerr << "smtp-harness record: session " << n << ": " << e.text << "\n";
      std::cerr << "smtp-harness record: session " << n << " not recorded: nothing was relayed; "
                << path << " not written\n";
      ++unrecorded;
      return Status::Ok();
    }
    RecordedScenarioInfo info;
    info.name = std::filesystem::path(path).stem().string();
    info.description = "Recorded through smtp-harness record from " + target->ToString();
    info.level = *level;
    info.server_mode = ChoiceValue(kModes, f.mode, false);
    info.auth.user = f.auth_user_var;
    info.auth.password = f.auth_password_var;
    // As the reports are: a fresh temporary file (mkstemp, never a planted
    // name) renamed over the target, so a reader never sees half a scenario.
    if (Status s = WriteReportFile(path, WriteRecordedScenario(t, info), "recorded scenario");
        !s.ok()) {
      return s;
    }
    bool cut = false;
    for (const auto& e : t) {
      if (e.dir != '*') continue;
      std::cerr << "smtp-harness record: session " << n << ": " << e.text << "\n";
      cut = cut || e.text.rfind(kRecordingInterruptedNote, 0) == 0;
    }
    ++written;
    if (cut) {
      ++partial;
      std::cerr << "smtp-harness record: session " << n << " (partial: interrupted) written to "
                << path << "\n";
    } else {
      std::cerr << "smtp-harness record: session " << n << " written to " << path << "\n";
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    std::cerr << "smtp-harness record: " << s.message() << "\n";
    return kExitHarness;
  }
  if (proxy.Interrupted()) {
    if (proxy.SessionsStarted() == 0) {
      std::cerr << "smtp-harness record: interrupted before any client connected; nothing "
                   "written\n";
    } else {
      std::cerr << "smtp-harness record: interrupted; " << written << " session(s) written ("
                << partial << " partial)\n";
    }
    return kExitFailed;
  }
  if (unrecorded > 0) {
    std::cerr << "smtp-harness record: " << unrecorded << " of " << o.sessions
              << " session(s) not recorded\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void AddRecordCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand(
      "record", "Proxy between a client and a real server, save the session as a scenario");
  auto f = std::make_shared<RecordFlags>();
  cmd->add_option("--listen", f->listen,
                  "HOST:PORT to accept the client on (default 127.0.0.1:1025)");
  cmd->add_option("--upstream", f->upstream,
                  "the real server: smtp://HOST:PORT or smtps://HOST:PORT")
      ->required();
  cmd->add_option("--out", f->out,
                  "scenario file to write (FILE-N.yaml per session with --sessions N)")
      ->required();
  cmd->add_flag("--tls-intercept", f->tls_intercept,
                "terminate STARTTLS with a self-signed certificate and re-originate it upstream");
  cmd->add_option("--tls-cert", f->tls_cert,
                  "PEM certificate for --tls-intercept (default: self-signed)");
  cmd->add_option("--tls-key", f->tls_key, "PEM key for --tls-cert");
  cmd->add_option("--timeout", f->timeout,
                  "end the session after DURATION with no byte either way, or a write the peer "
                  "takes nothing of (default 60s; also connect and TLS handshakes)");
  OneOf(cmd->add_option(
            "--generalise", f->generalise,
            "reply globs: volatile (default: queue ids, dates, host names become *), code, exact"),
        GeneraliseLevelNames());
  OneOf(cmd->add_option("--mode", f->mode,
                        "client (default: run replays it against a server) or server (grade "
                        "checks a client with it)"),
        ChoiceNames(kModes));
  cmd->add_option("--auth-user-var", f->auth_user_var,
                  "variable an AUTH step takes its user name from (default "
                  "env:SMTP_HARNESS_USER; a plain NAME is set with run/grade --var)");
  cmd->add_option("--auth-password-var", f->auth_password_var,
                  "variable an AUTH step takes its password from (default "
                  "env:SMTP_HARNESS_PASSWORD); the recorded credentials are never written");
  auto* once = cmd->add_flag("--once", f->once, "record one session, then exit (the default)");
  cmd->add_option("--sessions", f->sessions, "record N sessions, then exit")->excludes(once);
  cmd->callback([exit_status, f] { *exit_status = RecordCommand(*f); });
}

}  // namespace smtp::cli
