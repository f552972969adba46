// `smtp-harness send`: flags -> SendRequest -> SendMail -> one line (or one
// JSON object) and an exit status naming the phase that failed (SPEC §6).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "harness/cli/choice_option.h"
#include "harness/cli/commands.h"
#include "harness/client/mail_sender.h"
#include "harness/client/message_builder.h"
#include "harness/client/raw_message.h"
#include "harness/client/smtp_client_session.h"
#include "harness/report/send_json.h"

namespace smtp::cli {
namespace {

constexpr const char* kExitTable =
    "Exit status:\n"
    "   0  sent: the server accepted the message (after the final dot)\n"
    "   2  usage error (bad flags, unreadable --body-file/--attach/--raw-file)\n"
    "  19  MX lookup failed (no such domain, null MX, no address, DNS timeout)\n"
    "  20  cannot connect (refused, unreachable, timeout)\n"
    "  21  greeting missing or not 220\n"
    "  22  EHLO and HELO refused (or no reply)\n"
    "  23  MAIL FROM refused, or the message exceeds the advertised SIZE\n"
    "  24  no recipient accepted\n"
    "  25  DATA/BDAT refused, or sending the message failed\n"
    "  26  message refused after the final dot (or last BDAT)\n"
    "  28  TLS: STARTTLS not offered or refused, handshake or certificate failure\n"
    "  29  AUTH not offered, no common mechanism, or credentials refused\n"
    "Every failure message shows the server's reply.";

// --starttls[=WHEN]; a bare --starttls is "always".
const Choice<StartTlsMode> kStartTls[] = {{"always", StartTlsMode::kAlways},
                                          {"auto", StartTlsMode::kAuto},
                                          {"never", StartTlsMode::kNever}};

struct SendFlags {
  std::string server;
  int port = 0;
  std::string from;
  std::vector<std::string> to, cc, bcc;
  std::string subject;
  std::optional<std::string> body;
  std::string body_file, raw_file;
  std::vector<std::string> headers, attach;
  std::string helo;
  std::string starttls;  // one of kStartTls, or "" (never)
  bool tls = false;
  std::string auth_user, auth_password, auth_password_env, auth_mechanism;
  bool insecure = false;
  std::string ca_file;
  bool chunking = false;
  bool no_pipelining = false;
  std::string dns_server;
  std::string timeout;
  bool verbose = false;
  bool json = false;
};

Result<std::string> ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::InvalidArgument(std::string("cannot read ") + flag + " " + path + ": " +
                                   std::strerror(errno));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "${env:NAME}" -> the variable's value; anything else is taken literally.
Result<std::string> ExpandEnv(const std::string& value) {
  if (value.size() > 7 && value.rfind("${env:", 0) == 0 && value.back() == '}') {
    std::string name = value.substr(6, value.size() - 7);
    const char* v = std::getenv(name.c_str());
    if (v == nullptr)
      return Status::InvalidArgument("environment variable " + name + " is not set");
    return std::string(v);
  }
  return value;
}

// Turns flags into a request; any error is a usage error (exit 2).
Result<SendRequest> BuildRequest(const SendFlags& f) {
  SendRequest req;
  auto from = ExtractAddress(f.from);
  if (!from.ok()) return from.status().Prefixed("--from");
  req.envelope.mail_from = *from;
  for (const auto* list : {&f.to, &f.cc, &f.bcc}) {
    for (const auto& m : *list) {
      auto a = ExtractAddress(m);
      if (!a.ok()) return a.status();
      if (a->empty()) return Status::InvalidArgument("empty recipient address");
      req.envelope.rcpt_to.push_back(*a);
    }
  }
  if (req.envelope.rcpt_to.empty())
    return Status::InvalidArgument("at least one --to (or --cc/--bcc) is required");

  req.default_port = f.port > 0 ? static_cast<uint16_t>(f.port) : (f.tls ? 465 : 25);
  if (!f.server.empty()) {
    auto hp = ParseHostPort(f.server);
    if (!hp.ok()) return hp.status().Prefixed("--server");
    req.server = *hp;
  } else {
    std::set<std::string> domains;
    for (const auto& r : req.envelope.rcpt_to) domains.insert(AddressDomain(r));
    if (domains.size() != 1 || domains.begin()->empty()) {
      return Status::InvalidArgument(
          "without --server, all recipients must be in one domain (MX delivery); got " +
          std::to_string(domains.size()) + " domains: use --server or send once per domain");
    }
  }
  req.implicit_tls = f.tls;
  req.dns_server = f.dns_server;

  SessionOptions& s = req.session;
  s.helo = f.helo;
  s.starttls = ChoiceValue(kStartTls, f.starttls, StartTlsMode::kNever);
  if (f.tls && s.starttls == StartTlsMode::kAlways) {
    return Status::InvalidArgument("--tls (implicit TLS) and --starttls exclude each other");
  }
  s.tls.verify = !f.insecure;
  s.tls.ca_file = f.ca_file;
  s.auth_user = f.auth_user;
  if (!f.auth_password_env.empty()) {
    const char* v = std::getenv(f.auth_password_env.c_str());
    if (v == nullptr) {
      return Status::InvalidArgument("--auth-password-env: environment variable " +
                                     f.auth_password_env + " is not set");
    }
    s.auth_password = v;
  } else {
    auto pw = ExpandEnv(f.auth_password);
    if (!pw.ok()) return pw.status().Prefixed("--auth-password");
    s.auth_password = *pw;
  }
  if (s.auth_user.empty() && (!f.auth_password.empty() || !f.auth_password_env.empty())) {
    return Status::InvalidArgument("--auth-password needs --auth-user");
  }
  s.auth_mechanism = f.auth_mechanism;
  s.chunking = f.chunking;
  s.pipelining = !f.no_pipelining;
  if (!f.timeout.empty()) {
    auto d = ParseDuration(f.timeout);
    if (!d.ok()) return d.status().Prefixed("--timeout");
    if (d->count() <= 0) return Status::InvalidArgument("--timeout must be positive");
    s.command_timeout = *d;
    s.data_timeout = *d;
    req.connect_timeout = *d;
  }

  int sources = (f.body ? 1 : 0) + (!f.body_file.empty() ? 1 : 0) + (!f.raw_file.empty() ? 1 : 0);
  if (sources > 1)
    return Status::InvalidArgument("give only one of --body, --body-file, --raw-file");
  if (!f.raw_file.empty()) {
    if (!f.subject.empty() || !f.headers.empty() || !f.attach.empty()) {
      return Status::InvalidArgument(
          "--raw-file sends the file as is: --subject, --header and --attach do not apply");
    }
    auto raw = ReadFile(f.raw_file, "--raw-file");
    if (!raw.ok()) return raw.status();
    auto fitted = FitRawMessage(*raw);
    if (!fitted.ok()) return fitted.status().Prefixed("--raw-file");
    if (!fitted->note.empty()) std::cerr << "send: --raw-file: " << fitted->note << "\n";
    req.message = std::move(fitted->message);
    return req;
  }
  MessageSpec spec;
  spec.from = f.from;
  spec.to = f.to;
  spec.cc = f.cc;
  spec.subject = f.subject;
  if (f.body) {
    spec.body = *f.body;
  } else if (!f.body_file.empty()) {
    auto b = ReadFile(f.body_file, "--body-file");
    if (!b.ok()) return b.status();
    spec.body = *b;
  } else {
    spec.body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  for (const auto& h : f.headers) {
    auto kv = ParseHeaderLine(h);
    if (!kv.ok()) return kv.status().Prefixed("--header");
    spec.headers.push_back(*kv);
  }
  for (const auto& path : f.attach) {
    auto content = ReadFile(path, "--attach");
    if (!content.ok()) return content.status();
    std::string name = path.substr(path.find_last_of('/') + 1);
    spec.attachments.push_back({name, *content, ""});
  }
  req.message = BuildMessage(spec);
  return req;
}

int RunSend(const SendFlags& flags) {
  auto req = BuildRequest(flags);
  if (!req.ok()) {
    std::cerr << "smtp-harness send: " << req.status().message() << "\n";
    return kSendExitUsage;
  }
  if (flags.verbose) {
    req->session.observer = [](const TranscriptEntry& e) {
      if (e.dir == '*') {
        std::cerr << "* " << EscapeBytes(e.text) << "\n";
      } else {
        std::cerr << e.dir << ": " << EscapeBytes(e.text) << "\n";
      }
    };
  }
  SendOutcome outcome = SendMail(*req);
  int code = SendExitCode(outcome.failed);
  if (flags.json) {
    std::cout << RenderSendJson(outcome, code) << "\n";
  }
  if (!outcome.ok()) {
    std::cerr << "smtp-harness send: " << SendPhaseName(outcome.failed) << " failed";
    if (!outcome.server.empty()) std::cerr << " (" << outcome.server << ")";
    std::cerr << ": " << outcome.error << "\n";
    return code;
  }
  if (!flags.json) {
    std::cout << "sent to " << outcome.server << ": "
              << (outcome.final_reply ? ReplyOneLine(*outcome.final_reply) : std::string("?"));
    size_t total = outcome.accepted.size() + outcome.rejected.size();
    std::cout << " (" << outcome.accepted.size() << " of " << total << " recipients accepted";
    for (const auto& r : outcome.rejected) std::cout << "; <" << r.address << ">: " << r.reply;
    std::cout << ")\n";
  }
  return kSendExitOk;
}

}  // namespace

void AddSendCommand(CLI::App& app, int* exit_status) {
  auto flags = std::make_shared<SendFlags>();
  auto* cmd = app.add_subcommand(
      "send",
      "Send one message with the built-in SMTP client.\n"
      "Without --server, delivers to the recipient domain's MX hosts (RFC 5321 §5.1).\n"
      "The body comes from --body, --body-file or standard input; --raw-file sends a prepared "
      "message as is.");
  cmd->footer(kExitTable);
  cmd->add_option("--server", flags->server, "HOST[:PORT] to send to ([::1]:2525 for IPv6)");
  cmd->add_option("--port", flags->port,
                  "port when --server has none, and for MX hosts (default 25; 465 with --tls)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--from", flags->from,
                  "sender: addr or \"Name <addr>\" (also the envelope MAIL FROM)")
      ->required();
  cmd->add_option("--to", flags->to, "recipient (repeatable)");
  cmd->add_option("--cc", flags->cc, "Cc recipient (repeatable)");
  cmd->add_option("--bcc", flags->bcc, "envelope-only recipient (repeatable)");
  cmd->add_option("--subject", flags->subject, "subject; non-ASCII is RFC 2047-encoded");
  cmd->add_option("--body", flags->body, "message text");
  cmd->add_option("--body-file", flags->body_file, "read the message text from a file");
  cmd->add_option("--header", flags->headers,
                  "extra header \"Name: value\" (repeatable; replaces a generated one)");
  cmd->add_option("--attach", flags->attach, "attach a file (repeatable; makes multipart/mixed)");
  cmd->add_option("--raw-file", flags->raw_file,
                  "send this RFC 5322 message as is (its body quoted-printable if a line is "
                  "over the 1000 octets SMTP allows)");
  cmd->add_option("--helo", flags->helo,
                  "EHLO/HELO name (default: our address as a literal, e.g. [127.0.0.1])");
  auto* starttls =
      OneOf(cmd->add_option("--starttls", flags->starttls,
                            "upgrade with STARTTLS (fail if not offered); --starttls=auto: only "
                            "when offered")
                ->expected(0, 1)
                ->type_name("[=WHEN]"),
            ChoiceNames(kStartTls));
  cmd->add_flag("--tls", flags->tls, "implicit TLS from the first byte (smtps, default port 465)");
  cmd->add_option("--auth-user", flags->auth_user, "AUTH user name (PLAIN, else LOGIN)");
  cmd->add_option("--auth-password", flags->auth_password,
                  "AUTH password, or ${env:VAR} to read it from VAR");
  cmd->add_option("--auth-password-env", flags->auth_password_env,
                  "read the AUTH password from this environment variable");
  OneOf(cmd->add_option("--auth-mechanism", flags->auth_mechanism,
                        "PLAIN or LOGIN, in any case (default: PLAIN if offered)"),
        ClientAuthMechanisms(), LetterCase::kIgnore);
  cmd->add_flag("--insecure", flags->insecure, "do not verify the server's TLS certificate");
  cmd->add_option("--ca-file", flags->ca_file, "trust the CAs in this PEM file as well");
  cmd->add_flag("--chunking", flags->chunking, "use BDAT (RFC 3030) when CHUNKING is advertised");
  cmd->add_flag("--no-pipelining", flags->no_pipelining,
                "send one command at a time even if PIPELINING is offered");
  cmd->add_option("--dns-server", flags->dns_server, "DNS server HOST[:PORT] for MX lookups");
  cmd->add_option("--timeout", flags->timeout,
                  "timeout for connect, each reply and the message (default: 10s connect, 30s per "
                  "reply, 5m for the message)");
  cmd->add_flag("-v,--verbose", flags->verbose,
                "print the transcript (C:/S:) on stderr, AUTH redacted");
  cmd->add_flag("--json", flags->json, "print the outcome as one JSON object on stdout");
  cmd->callback([flags, exit_status, starttls] {
    if (starttls->count() > 0 && flags->starttls.empty()) flags->starttls = "always";
    *exit_status = RunSend(*flags);
  });
}

}  // namespace smtp::cli
