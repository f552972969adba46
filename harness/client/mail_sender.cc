#include "harness/client/mail_sender.h"

#include <chrono>

#include "harness/client/message_builder.h"
#include "harness/client/mx_resolver.h"
#include "harness/util/host_port.h"

namespace smtp {
namespace {

using Clock = std::chrono::steady_clock;

struct Candidate {
  std::string address;  // IP literal or name to connect to
  std::string name;     // name to verify in TLS (the MX host name or --server host)
};

}  // namespace

Result<HostPort> ParseHostPort(std::string_view text) {
  std::string s(text);
  HostPort hp;
  std::string port;
  if (s.empty()) return Status::InvalidArgument("empty server address");
  if (s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("missing ']' in " + s);
    hp.host = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return Status::InvalidArgument("expected ':PORT' after ']' in " + s);
      port = s.substr(close + 2);
      if (port.empty()) return Status::InvalidArgument("missing port in " + s);
    }
  } else if (std::count(s.begin(), s.end(), ':') > 1) {
    hp.host = s;  // a bare IPv6 address
  } else {
    size_t colon = s.find(':');
    hp.host = s.substr(0, colon);
    if (colon != std::string::npos) {
      port = s.substr(colon + 1);
      if (port.empty()) return Status::InvalidArgument("missing port in " + s);
    }
  }
  if (hp.host.empty()) return Status::InvalidArgument("missing host in " + s);
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return Status::InvalidArgument("invalid port \"" + port + "\" in " + s);
    }
    hp.port = static_cast<uint16_t>(std::stoi(port));
  }
  return hp;
}

SendOutcome SendMail(const SendRequest& request) {
  SendOutcome out;
  std::vector<Candidate> candidates;
  uint16_t port = request.default_port;
  auto t0 = Clock::now();
  if (request.server) {
    candidates.push_back({request.server->host, request.server->host});
    if (request.server->port) port = *request.server->port;
  } else {
    std::string domain;
    if (!request.envelope.rcpt_to.empty()) domain = AddressDomain(request.envelope.rcpt_to.front());
    if (domain.empty()) {
      out.failed = SendPhase::kResolve;
      out.error = "no recipient domain to look up MX hosts for";
      return out;
    }
    MxResolver resolver({request.dns_server, request.connect_timeout});
    auto hosts = resolver.Resolve(domain);
    out.timings_ms.emplace_back(
        "resolve", std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!hosts.ok()) {
      out.failed = SendPhase::kResolve;
      out.error = "cannot find a mail host for " + domain + ": " + hosts.status().message();
      return out;
    }
    for (const auto& h : *hosts) {
      std::string name = h.name;
      while (!name.empty() && name.back() == '.') name.pop_back();
      for (const auto& a : h.addresses) candidates.push_back({a, name});
    }
  }

  std::string errors;
  for (const auto& c : candidates) {
    ConnectOptions opts;
    opts.host = c.address;
    opts.port = port;
    opts.implicit_tls = request.implicit_tls;
    opts.tls = request.session.tls;
    if (opts.tls.server_name.empty()) opts.tls.server_name = c.name;
    opts.connect_timeout = request.connect_timeout;
    auto connect_start = Clock::now();
    auto conn = SmtpConnection::Connect(opts);
    if (!conn.ok()) {
      std::string message = conn.status().message();
      if (c.name != c.address) message = c.name + ": " + message;
      errors += (errors.empty() ? "" : "; ") + message;
      if (request.implicit_tls && conn.status().code() == Status::Code::kTls) {
        // A certificate problem is not cured by the next host; report it as TLS.
        out.failed = SendPhase::kStartTls;
        out.server = FormatHostPort(c.address, port);
        out.error = "TLS handshake failed: " + conn.status().message();
        return out;
      }
      continue;
    }
    out.timings_ms.emplace_back(
        "connect", std::chrono::duration<double, std::milli>(Clock::now() - connect_start).count());
    SessionOptions session = request.session;
    session.tls.server_name = opts.tls.server_name;
    SmtpClientSession client(**conn, session);
    SendOutcome result = client.Send(request.envelope, request.message);
    result.timings_ms.insert(result.timings_ms.begin(), out.timings_ms.begin(),
                             out.timings_ms.end());
    result.timings_ms.emplace_back(
        "total", std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    // RFC 5321 §5.1: try the next mail exchanger until a delivery attempt
    // succeeds. A host that is busy or going away (4xx or no reply before
    // MAIL) is such a failed attempt; a 5xx is an answer for the domain.
    bool busy = (result.failed == SendPhase::kGreeting || result.failed == SendPhase::kEhlo) &&
                (!result.reply || result.reply->Class() == 4);
    if (!request.server && busy && &c != &candidates.back()) {
      errors += (errors.empty() ? "" : "; ") + c.name + " (" + result.server + "): " + result.error;
      continue;
    }
    if (!errors.empty()) result.error += " (earlier hosts: " + errors + ")";
    return result;
  }
  out.failed = SendPhase::kConnect;
  out.server = candidates.empty() ? "" : FormatHostPort(candidates.front().address, port);
  out.error = "cannot connect: " + errors;
  return out;
}

}  // namespace smtp
