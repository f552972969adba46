// The production ClientRunnerEnv: real connections and an embedded fake
// server per scenario (one each, so scenarios never share state).
#include "fake_server/fake_server.h"
#include "harness/client/port_probe.h"
#include "harness/runner/client_runner.h"

namespace smtp {
namespace {

class EmbeddedFakeServer : public FakeTargetHandle {
 public:
  explicit EmbeddedFakeServer(FakeServerConfig config) : server_(std::move(config)) {}
  Result<uint16_t> Start() { return server_.Start(); }
  uint16_t port() const override { return server_.port(); }
  ~EmbeddedFakeServer() override { server_.Stop(); }

 private:
  FakeServer server_;
};

}  // namespace

ClientRunnerEnv DefaultClientRunnerEnv() {
  ClientRunnerEnv env;
  env.connect = [](const ConnectOptions& o) { return SmtpConnection::Connect(o); };
  env.start_fake = [](const FakeServerConfig& config) -> Result<std::unique_ptr<FakeTargetHandle>> {
    FakeServerConfig c = config;
    c.listen_host = "127.0.0.1";  // embedded: loopback and an ephemeral port only
    c.port = 0;
    auto server = std::make_unique<EmbeddedFakeServer>(std::move(c));
    auto port = server->Start();
    if (!port.ok()) return port.status().Prefixed("cannot start the fake server");
    return std::unique_ptr<FakeTargetHandle>(std::move(server));
  };
  env.probe = ProbeSilentPeer;
  return env;
}

}  // namespace smtp
