#include "harness/util/listen_address.h"

#include <arpa/inet.h>

namespace smtp {

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const std::string example = "use an IP literal such as 127.0.0.1:2525 or [::1]:2525";
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size() ||
      (text.front() != '[' && text.find(':') != colon)) {
    return Status::InvalidArgument("listen: expected HOST:PORT, got '" + text + "'; " + example);
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = text.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5 ||
      std::stoul(port_text) > 65535) {
    return Status::InvalidArgument("listen: bad port '" + port_text + "' in '" + text +
                                   "' (expected 0 to 65535)");
  }
  if (host == "localhost") host = "127.0.0.1";
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) != 1 && inet_pton(AF_INET6, host.c_str(), buf) != 1) {
    return Status::InvalidArgument("listen: '" + host +
                                   "' is not an IP address (names are not looked up); " + example);
  }
  return ListenAddress{host, static_cast<uint16_t>(std::stoul(port_text))};
}

bool IsLoopbackAddress(const std::string& ip) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return buf[0] == 127;
  return ip == "::1";
}

}  // namespace smtp
