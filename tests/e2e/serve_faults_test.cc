// Fault rules through `smtp-harness serve --config`, observed on the wire by
// raw Python sockets: split replies, drops mid-DATA, on-connect refusals,
// 421 on the Nth message. The server keeps serving and loses nothing accepted.
#include <gtest/gtest.h>

#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

constexpr const char* kFaultsYaml = R"Y(
server:
  rules:
    - when: "NOOP"
      reply: "250 2.0.0 Ok, in pieces"
      split: {bytes: 4, delay: 40ms}
    - when: "MAIL FROM:<drop@*"
      action: drop
      after_bytes: 6
    - on: connect
      when: "*"
      nth: 2
      reply: "421 4.3.2 Busy, come back later"
      action: disconnect
    - on: message
      when: "*X-Bad: yes*"
      reply: "554 5.7.1 Rejected by rule"
)Y";

constexpr const char* kFaultsClient = R"PY(
import socket, sys, time, smtplib
port = int(sys.argv[1])
def connect():
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    return s, s.makefile('rb')
def reply(f):
    out = b''
    while True:
        line = f.readline()
        if not line: return out
        out += line
        if line[3:4] == b' ': return out
# 1: split reply arrives in several reads, ~40 ms apart, but intact.
s, f = connect()
assert reply(f).startswith(b'220 ')
s.sendall(b'EHLO 127.0.0.1\r\n')
assert reply(f).endswith(b'250 CHUNKING\r\n')
s.sendall(b'NOOP\r\n')
t0 = time.monotonic()
pieces = []
data = b''
while not data.endswith(b'\r\n'):
    chunk = s.recv(4096)
    assert chunk, data
    pieces.append(chunk)
    data += chunk
assert data == b'250 2.0.0 Ok, in pieces\r\n', data
assert len(pieces) >= 3, pieces
assert time.monotonic() - t0 >= 0.2, time.monotonic() - t0
# 2: drop in DATA after some bytes: no reply, connection closed.
s.sendall(b'MAIL FROM:<drop@x.test>\r\nRCPT TO:<r@x.test>\r\nDATA\r\n')
f = s.makefile('rb')
assert reply(f).startswith(b'250 ')
assert reply(f).startswith(b'250 ')
assert reply(f).startswith(b'354 ')
s.sendall(b'line one\r\nline two\r\n')
assert f.read() == b'', 'expected the server to drop the connection'
s.close()
# 3: the second connection is refused at connect.
s, f = connect()
got = f.read()
assert got == b'421 4.3.2 Busy, come back later\r\n', got
# 4: content rule refuses one message, the next is accepted.
c = smtplib.SMTP('127.0.0.1', port, local_hostname='127.0.0.1', timeout=10)
try:
    c.sendmail('a@x.test', ['b@x.test'], b'X-Bad: yes\r\n\r\nbad\r\n')
    raise SystemExit('content rule did not fire')
except smtplib.SMTPDataError as e:
    assert (e.smtp_code, e.smtp_error) == (554, b'5.7.1 Rejected by rule'), e
c.sendmail('a@x.test', ['b@x.test'], b'X-Bad: no\r\n\r\ngood\r\n')
c.quit()
print('ok')
)PY";

TEST(ServeFaults, SplitDropConnectAndMessageRules) {
  auto dir = MakeTempDir("faults");
  std::ofstream(dir / "faults.yaml") << kFaultsYaml;
  Serve serve({"--config", (dir / "faults.yaml").string(), "--maildir", (dir / "mail").string()});
  ASSERT_NE(serve.port(), 0) << serve.process().Stderr();
  std::string out;
  EXPECT_EQ(RunPython(kFaultsClient, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir / "mail");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(ReadFile(msgs[0]), "X-Bad: no\r\n\r\ngood\r\n");
  EXPECT_NE(serve.process().Stdout().find("3 session(s), 1 message(s) accepted"), std::string::npos)
      << serve.process().Stdout();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
