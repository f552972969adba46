// The server side TLS context of the fake server: the configured PEM
// certificate and key, or a self-signed certificate (EC P-256, one day,
// CN and subjectAltName = the server's hostname plus 127.0.0.1 and ::1) made
// in memory at start-up. Clients under test are expected not to verify it
// (or to trust it explicitly); nothing is written to disk.
#pragma once

#include <asio/ssl.hpp>
#include <memory>
#include <string>

#include "harness/core/server_config.h"
#include "harness/util/status.h"

namespace smtp {

Result<std::shared_ptr<asio::ssl::context>> MakeServerTlsContext(const FakeServerConfig::Tls& tls,
                                                                 const std::string& hostname);

}  // namespace smtp
