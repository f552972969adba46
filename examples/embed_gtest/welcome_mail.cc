#include "welcome_mail.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

class Connection {
 public:
  Connection(const std::string& host, uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  void Send(const std::string& s) { (void)!write(fd_, s.data(), s.size()); }
  // One (possibly multi-line) reply.
  std::string Reply() {
    std::string reply;
    while (true) {
      size_t eol;
      while ((eol = buf_.find("\r\n")) != std::string::npos) {
        std::string line = buf_.substr(0, eol);
        buf_.erase(0, eol + 2);
        reply += line + "\n";
        if (line.size() < 4 || line[3] == ' ') return reply;
      }
      char tmp[512];
      ssize_t n = read(fd_, tmp, sizeof tmp);
      if (n <= 0) return reply;
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buf_;
};

}  // namespace

std::string SendWelcomeMail(const std::string& host, uint16_t port, const std::string& to,
                            const std::string& name) {
  Connection c(host, port);
  if (!c.ok()) return "cannot connect";
  auto step = [&](const std::string& line, char expect) -> std::string {
    if (!line.empty()) c.Send(line + "\r\n");
    std::string r = c.Reply();
    return !r.empty() && r[0] == expect ? "" : line + ": " + r;
  };
  for (const auto& [line, code] : std::initializer_list<std::pair<std::string, char>>{
           {"", '2'},
           {"EHLO app.example", '2'},
           {"MAIL FROM:<noreply@app.example>", '2'},
           {"RCPT TO:<" + to + ">", '2'},
           {"DATA", '3'},
           {"From: noreply@app.example\r\nTo: " + to + "\r\nSubject: Welcome\r\n\r\nWelcome, " +
                name + "!\r\n.",
            '2'},
           {"QUIT", '2'}}) {
    if (auto e = step(line, code); !e.empty()) return e;
  }
  return "";
}
