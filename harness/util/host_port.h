// "host:port" as people read it: an IPv6 address in brackets
// ("[::1]:25"), anything else as it is ("127.0.0.1:25", "mx.example.test:25").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smtp {

std::string FormatHostPort(std::string_view host, uint16_t port);

}  // namespace smtp
