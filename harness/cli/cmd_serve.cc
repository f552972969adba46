// `smtp-harness serve`: the fake server standalone (SPEC §5). Every setting
// is flag > --config file > default: a flag given wins, else the file's
// value, else serve's default (127.0.0.1:1025, ...). One stdout line per accepted message;
// SIGINT/SIGTERM stop it cleanly (open sessions get 421) with a summary.
#include <signal.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <tuple>

#include "fake_server/fake_server.h"
#include "fake_server/maildir.h"
#include "harness/cli/choice_option.h"
#include "harness/cli/commands.h"
#include "harness/scenario/server_config_yaml.h"
#include "harness/util/duration.h"
#include "harness/util/host_port.h"
#include "harness/util/listen_address.h"

namespace smtp::cli {
namespace {

struct ServeOptions {
  std::string listen;  // empty: the file's listen/port, else kDefaultListen
  std::string maildir;
  bool once = false;
  std::string config_file;
  std::optional<size_t> max_sessions;
  std::string idle_timeout;
  std::string command_timeout;
  std::string data_timeout;
  std::optional<size_t> max_sessions_per_client;
  std::string bare_newlines;
  std::string hostname;
  std::optional<size_t> max_size;
  std::vector<std::string> auth_users;
  std::string auth_user_file;
  bool auth_required = false;
  bool starttls = false;
  bool tls = false;
  std::string tls_cert;
  std::string tls_key;
  bool accept_bare_lf = false;
  bool verbose = false;
};

constexpr const char* kDefaultListen = "127.0.0.1:1025";

int Fail(int code, const std::string& message) {
  std::cerr << "smtp-harness serve: " << message << "\n";
  return code;
}

// Many idle connections need many descriptors: take what the hard limit allows.
void RaiseDescriptorLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::string JoinRecipients(const std::vector<std::string>& rcpts) {
  std::string out;
  for (const auto& r : rcpts) out += (out.empty() ? "<" : ",<") + r + ">";
  return out;
}

// NAME:PASSWORD pairs from --auth-user, --auth-user-file (one a line; blank
// lines and '#' comments skipped) and SMTP_HARNESS_AUTH_USER (one pair; more
// separated by newlines). The file and the variable exist because any user
// can read another's command line in `ps`.
Status AddAuthUsers(const ServeOptions& o, FakeServerConfig& config) {
  auto add = [&](const std::string& pair, const std::string& where) -> Status {
    size_t colon = pair.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument(where + ": expected NAME:PASSWORD, got '" +
                                     pair.substr(0, colon == std::string::npos ? 0 : colon) +
                                     "...' (the password is not shown)");
    }
    config.auth.users[pair.substr(0, colon)] = pair.substr(colon + 1);
    return Status::Ok();
  };
  auto add_lines = [&](const std::string& text, const std::string& where) -> Status {
    size_t start = 0, n = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(start, nl - start);
      start = nl + 1;
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      if (Status s = add(line, where + ":" + std::to_string(n)); !s.ok()) return s;
    }
    return Status::Ok();
  };
  for (const auto& u : o.auth_users) {
    if (Status s = add(u, "--auth-user"); !s.ok()) return s;
  }
  if (!o.auth_user_file.empty()) {
    std::ifstream in(o.auth_user_file, std::ios::binary);
    if (!in) return Status::InvalidArgument("--auth-user-file: cannot read " + o.auth_user_file);
    std::stringstream text;
    text << in.rdbuf();
    if (Status s = add_lines(text.str(), o.auth_user_file); !s.ok()) return s;
  }
  if (const char* env = std::getenv("SMTP_HARNESS_AUTH_USER"); env && *env) {
    if (Status s = add_lines(env, "SMTP_HARNESS_AUTH_USER"); !s.ok()) return s;
  }
  return Status::Ok();
}

int RunServe(const ServeOptions& o) {
  FakeServerConfig config;
  auto default_listen = ParseListenAddress(kDefaultListen);
  config.listen_host = default_listen->host;
  config.port = default_listen->port;
  if (!o.config_file.empty()) {
    auto loaded = LoadServerConfigFile(o.config_file, config);
    if (!loaded.ok()) {
      // Positioned diagnostics ("file:line:col: ...", one per line) stand as
      // they are, like `validate` prints them; other errors get the prefix.
      const std::string& m = loaded.status().message();
      if (m.rfind(o.config_file + ":", 0) == 0) {
        std::cerr << m << (m.empty() || m.back() == '\n' ? "" : "\n");
        return kExitUsage;
      }
      return Fail(kExitUsage, m);
    }
    config = *loaded;
  }
  if (!o.listen.empty()) {
    auto listen = ParseListenAddress(o.listen);
    if (!listen.ok()) return Fail(kExitUsage, "--" + listen.status().message());
    config.listen_host = listen->host;
    config.port = listen->port;
  }
  const std::string host = config.listen_host;
  const std::string listen_text = (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                                  ":" + std::to_string(config.port);
  if (o.max_sessions) config.max_sessions = *o.max_sessions;
  if (!o.idle_timeout.empty()) {
    auto d = ParseDuration(o.idle_timeout);
    if (!d.ok()) return Fail(kExitUsage, "--idle-timeout: " + d.status().message());
    config.idle_timeout = *d;
  }
  for (auto [flag, text, field] :
       {std::tuple{"--command-timeout", &o.command_timeout, &config.command_timeout},
        std::tuple{"--data-timeout", &o.data_timeout, &config.data_timeout}}) {
    if (text->empty()) continue;
    auto d = ParseDuration(*text);
    if (!d.ok()) return Fail(kExitUsage, std::string(flag) + ": " + d.status().message());
    *field = *d;
  }
  if (o.max_sessions_per_client) config.max_sessions_per_client = *o.max_sessions_per_client;
  if (auto mode = ParseBareNewlines(o.bare_newlines)) config.bare_newlines = *mode;  // or none
  if (!o.hostname.empty()) config.hostname = o.hostname;
  if (o.max_size) config.max_message_size = *o.max_size;
  if (Status s = AddAuthUsers(o, config); !s.ok()) return Fail(kExitUsage, s.message());
  if (o.auth_required) config.auth.required = true;
  if (config.auth.required && config.auth.users.empty()) {
    return Fail(kExitUsage,
                "--auth-required needs at least one user (--auth-user, --auth-user-file or "
                "SMTP_HARNESS_AUTH_USER)");
  }
  if (o.starttls) config.tls.starttls = true;
  if (o.tls) config.tls.implicit = true;
  if (!o.tls_cert.empty()) config.tls.cert_file = o.tls_cert;
  if (!o.tls_key.empty()) config.tls.key_file = o.tls_key;
  if (o.accept_bare_lf) config.accept_bare_lf = true;
  // A long-running server keeps nothing in memory: messages go to the
  // maildir (or only to the stdout line), transcripts to stderr with -v.
  config.keep_messages = false;
  config.keep_transcripts = false;

  std::unique_ptr<Maildir> maildir;
  if (!o.maildir.empty()) {
    auto m = Maildir::Open(o.maildir);
    if (!m.ok()) return Fail(kExitHarness, m.status().message());
    maildir = std::move(*m);
  }
  if (!IsLoopbackAddress(host)) {
    std::cerr
        << "smtp-harness serve: warning: " << listen_text
        << " is not a loopback address; anyone who can reach it can talk to this test server\n";
  }

  // Signals are taken synchronously by this thread; block them before the
  // server thread starts so it inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  RaiseDescriptorLimit();

  std::mutex out_mu;
  FakeServer server(config);
  server.SetMessageSink([&](const ReceivedMessage& m) -> Status {
    std::string file = "-";
    if (maildir) {
      auto stored = maildir->Store(m);
      if (!stored.ok()) {
        std::lock_guard<std::mutex> lock(out_mu);
        std::cerr << "smtp-harness serve: " << stored.status().message() << "\n";
        return stored.status();
      }
      file = *stored;
    }
    std::lock_guard<std::mutex> lock(out_mu);
    std::cout << UtcTimestamp() << " session=" << m.session << " from=<" << m.mail_from
              << "> to=" << JoinRecipients(m.rcpt_to) << " size=" << m.data.size()
              << " file=" << file << std::endl;  // one line per message, as it happens
    return Status::Ok();
  });
  if (o.verbose) {
    server.SetTranscriptSink([&](int session, const TranscriptEntry& e) {
      std::lock_guard<std::mutex> lock(out_mu);
      std::cerr << "#" << session << " " << e.dir << " " << EscapeBytes(e.text) << "\n";
    });
  }
  auto bound = server.Start();
  if (!bound.ok()) {
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    int code = bound.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitHarness;
    return Fail(code, bound.status().message());
  }
  {
    std::lock_guard<std::mutex> lock(out_mu);
    std::cout << "smtp-harness serve: listening on " << FormatHostPort(host, *bound)
              << (config.tls.implicit ? " (implicit TLS)" : "")
              << (maildir ? ", storing messages in " + o.maildir : "") << std::endl;
  }

  std::string why = "stopped";
  while (true) {
    timespec tick{0, 50 * 1000 * 1000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      why = sig == SIGINT ? "SIGINT" : "SIGTERM";
      break;
    }
    if (o.once && server.SessionsStarted() >= 1 && server.SessionsActive() == 0) {
      why = "--once: the session ended";
      break;
    }
  }
  server.Stop();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  std::lock_guard<std::mutex> lock(out_mu);
  std::cout << "smtp-harness serve: " << why << "; " << server.SessionsStarted() << " session(s), "
            << server.MessagesAccepted() << " message(s) accepted" << std::endl;
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_status) {
  auto* cmd =
      app.add_subcommand("serve", "Run the fake SMTP server standalone (default 127.0.0.1:1025)");
  auto o = std::make_shared<ServeOptions>();
  cmd->add_option("--listen", o->listen,
                  std::string("HOST:PORT to listen on (an IP address; default: the --config "
                              "file's listen/port, else ") +
                      kDefaultListen + ")");
  cmd->add_option("--maildir", o->maildir,
                  "store each accepted message as DIR/NAME.eml (+ NAME.envelope)");
  cmd->add_flag("--once", o->once, "exit after the first session ends");
  cmd->add_option("--config", o->config_file,
                  "YAML file with a server: block (hostname, auth, tls, rules, ...)");
  cmd->add_option(
      "--max-sessions", o->max_sessions,
      "concurrent sessions; more get 421 (default 1000; 0: no limit, and then no per-client "
      "limit either unless --max-sessions-per-client is given)");
  cmd->add_option("--idle-timeout", o->idle_timeout,
                  "close idle sessions with 421 after DURATION (default 5m)");
  cmd->add_option("--command-timeout", o->command_timeout,
                  "a whole command line must arrive within DURATION of the last reply, "
                  "however slowly its bytes come (default 5m)");
  cmd->add_option("--data-timeout", o->data_timeout,
                  "the same for a whole message, DATA text or BDAT chunk (default 10m)");
  cmd->add_option("--max-sessions-per-client", o->max_sessions_per_client,
                  "concurrent sessions from one client address; more get 421 "
                  "(default: half of --max-sessions)");
  OneOf(cmd->add_option(
            "--bare-newlines", o->bare_newlines,
            "bare LF/CR in DATA: reject (default: 554 after the data), disconnect (521 "
            "at once), normalize (accept LF as CRLF), lax (LF.LF ends DATA: smuggling-prone)"),
        BareNewlinesNames());
  cmd->add_option("--hostname", o->hostname, "name in the greeting and replies");
  cmd->add_option("--max-size", o->max_size, "SIZE limit in bytes (0: none; default 10485760)");
  cmd->add_option("--auth-user", o->auth_users,
                  "NAME:PASSWORD accepted by AUTH PLAIN/LOGIN (repeatable; visible in ps: "
                  "prefer --auth-user-file or SMTP_HARNESS_AUTH_USER)");
  cmd->add_option("--auth-user-file", o->auth_user_file,
                  "file of NAME:PASSWORD lines ('#' comments), like --auth-user");
  cmd->add_flag("--auth-required", o->auth_required, "MAIL before AUTH gets 530");
  cmd->add_flag("--starttls", o->starttls,
                "offer STARTTLS (self-signed certificate unless --tls-cert)");
  cmd->add_flag("--tls", o->tls, "implicit TLS from the first byte (smtps)");
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain file");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key file");
  cmd->add_flag("--accept-bare-lf", o->accept_bare_lf, "accept LF-only line endings (lab clients)");
  cmd->add_flag("-v,--verbose", o->verbose, "print every session's transcript on stderr");
  cmd->callback([o, exit_status] { *exit_status = RunServe(*o); });
}

}  // namespace smtp::cli
