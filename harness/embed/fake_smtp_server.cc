// The embedding API over FakeServer: the YAML config goes through the same
// parser as a scenario's `server:` block, messages are collected through the
// server's message sink so WaitForMessages can wake on each one.
#include "smtp_harness/fake_smtp_server.h"

#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "fake_server/fake_server.h"
#include "harness/scenario/server_config_yaml.h"

namespace smtp_harness {

namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// RFC 5322 §2.2: "Name: value" lines up to the first empty line; a line
// starting with space or TAB continues the previous field.
std::vector<std::pair<std::string, std::string>> ParseHeaders(std::string_view data) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view line = data.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      std::string& value = out.back().second;
      value.push_back(' ');
      value.append(Trim(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) break;  // not a header: the body began
    out.emplace_back(std::string(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return out;
}

}  // namespace

std::string ReceivedMail::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsNoCase(n, name)) return v;
  }
  return "";
}

std::string ReceivedMail::Body() const {
  size_t blank = data.find("\r\n\r\n");
  if (blank != std::string::npos) return data.substr(blank + 4);
  blank = data.find("\n\n");
  return blank == std::string::npos ? "" : data.substr(blank + 2);
}

class FakeSmtpServer::Impl {
 public:
  explicit Impl(smtp::FakeServerConfig config) : server_(std::move(config)) {
    server_.SetMessageSink([this](const smtp::ReceivedMessage& m) {
      ReceivedMail mail;
      mail.session = m.session;
      mail.helo = m.helo;
      mail.mail_from = m.mail_from;
      mail.rcpt_to = m.rcpt_to;
      mail.data = m.data;
      mail.tls = m.tls;
      mail.auth_user = m.auth_user;
      mail.headers = ParseHeaders(m.data);
      {
        std::lock_guard<std::mutex> lock(mu_);
        mails_.push_back(std::move(mail));
      }
      arrived_.notify_all();
      return smtp::Status::Ok();
    });
  }

  // Declared before server_, so they outlive the server thread's sink calls.
  mutable std::mutex mu_;
  mutable std::condition_variable arrived_;
  std::vector<ReceivedMail> mails_;
  smtp::FakeServer server_;
};

FakeSmtpServer::FakeSmtpServer(const std::string& server_config_yaml) {
  smtp::FakeServerConfig config;
  if (!server_config_yaml.empty()) {
    auto loaded = smtp::LoadServerConfigString(server_config_yaml, "config");
    if (!loaded.ok()) throw std::invalid_argument(loaded.status().message());
    config = *loaded;
  }
  config.listen_host = "127.0.0.1";  // a test server: loopback and a free port only
  config.port = 0;
  config.keep_messages = false;  // Impl keeps them (and can Clear them)
  impl_ = std::make_unique<Impl>(std::move(config));
  auto port = impl_->server_.Start();
  if (!port.ok()) {
    throw std::runtime_error("smtp_harness::FakeSmtpServer: " + port.status().message());
  }
}

FakeSmtpServer::~FakeSmtpServer() { Stop(); }

uint16_t FakeSmtpServer::port() const { return impl_->server_.port(); }

std::string FakeSmtpServer::host() const { return "127.0.0.1"; }

std::vector<ReceivedMail> FakeSmtpServer::messages() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->mails_;
}

bool FakeSmtpServer::WaitForMessages(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mu_);
  return impl_->arrived_.wait_for(lock, timeout, [&] { return impl_->mails_.size() >= count; });
}

void FakeSmtpServer::Clear() {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  impl_->mails_.clear();
}

void FakeSmtpServer::Stop() { impl_->server_.Stop(); }

}  // namespace smtp_harness
