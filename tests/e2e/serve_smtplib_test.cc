// `smtp-harness serve` against Python's smtplib and raw Python sockets:
// clients we did not write. Messages must arrive byte-exact.
#include <gtest/gtest.h>

#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

constexpr const char* kSendPlain = R"PY(
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='127.0.0.1', timeout=10)
s.ehlo()
assert s.has_extn('pipelining') and s.has_extn('8bitmime') and s.has_extn('chunking'), s.esmtp_features
msg = b'Subject: test\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nGr\xc3\xbc\xc3\x9fe \xff\r\nlast\r\n'
refused = s.sendmail('alice@example.test', ['bob@example.test', 'carol@example.test'], msg)
assert refused == {}, refused
print(s.noop())
s.quit()
)PY";

TEST(ServeSmtplib, PlainMessageArrivesByteExact) {
  auto dir = MakeTempDir("maildir");
  Serve serve({"--maildir", dir.string()});
  ASSERT_NE(serve.port(), 0) << serve.process().Stderr();
  std::string out;
  ASSERT_EQ(RunPython(kSendPlain, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(ReadFile(msgs[0]),
            "Subject: test\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nGr\xc3\xbc\xc3\x9f"
            "e \xff\r\nlast\r\n");
  std::string envelope = ReadFile(msgs[0].replace_extension(".envelope"));
  EXPECT_NE(envelope.find("mail_from: alice@example.test\nrcpt_to: bob@example.test\n"
                          "rcpt_to: carol@example.test\n"),
            std::string::npos)
      << envelope;
  std::string stdout_text = serve.process().Stdout();
  EXPECT_NE(stdout_text.find(" session=1 from=<alice@example.test> "
                             "to=<bob@example.test>,<carol@example.test> size=63 file=" +
                             dir.string() + "/"),
            std::string::npos)
      << stdout_text;
  EXPECT_NE(stdout_text.find("smtp-harness serve: SIGTERM; 1 session(s), 1 message(s) accepted"),
            std::string::npos)
      << stdout_text;
  std::filesystem::remove_all(dir);
}

constexpr const char* kStartTlsAuth = R"PY(
import smtplib, sys
port, mech = int(sys.argv[1]), sys.argv[2]
s = smtplib.SMTP('127.0.0.1', port, local_hostname='127.0.0.1', timeout=10)
s.ehlo()
assert s.has_extn('starttls')
code, _ = s.mail('early@example.test')
assert code == 530, code
s.rset()
code, text = s.starttls()
assert code == 220, (code, text)
s.ehlo()
assert not s.has_extn('starttls')
assert 'PLAIN' in s.esmtp_features['auth'] and 'LOGIN' in s.esmtp_features['auth']
try:
    s.login('bob', 'wrong')
    raise SystemExit('bad password accepted')
except smtplib.SMTPAuthenticationError as e:
    assert e.smtp_code == 535, e
s.user, s.password = 'bob', 'pa ss:word'
code, text = s.auth(mech, s.auth_plain if mech == 'PLAIN' else s.auth_login)
assert code == 235, (code, text)
s.sendmail('bob@example.test', ['x@example.test'], b'Subject: tls\r\n\r\nover TLS\r\n')
s.quit()
)PY";

TEST(ServeSmtplib, StartTlsThenAuthPlainAndLogin) {
  auto dir = MakeTempDir("maildir");
  Serve serve({"--maildir", dir.string(), "--starttls", "--auth-user", "bob:pa ss:word",
               "--auth-required"});
  ASSERT_NE(serve.port(), 0) << serve.process().Stderr();
  for (std::string mech : {"PLAIN", "LOGIN"}) {
    std::string out;
    EXPECT_EQ(RunPython(kStartTlsAuth, {std::to_string(serve.port()), mech}, &out), 0) << out;
  }
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(ReadFile(msgs[0]), "Subject: tls\r\n\r\nover TLS\r\n");
  std::string envelope = ReadFile(msgs[1].replace_extension(".envelope"));
  EXPECT_NE(envelope.find("tls: yes\nauth_user: bob\n"), std::string::npos) << envelope;
  std::filesystem::remove_all(dir);
}

constexpr const char* kImplicitTls = R"PY(
import smtplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[1]), local_hostname='127.0.0.1', timeout=10, context=ctx)
s.ehlo()
assert not s.has_extn('starttls')
cert = s.sock.getpeercert(binary_form=True)
assert cert, 'no certificate'
try:
    smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[1]), local_hostname='127.0.0.1', timeout=10, context=ctx)
    raise SystemExit('second session accepted despite --max-sessions 1')
except smtplib.SMTPConnectError as e:  # the 421 arrives over TLS
    assert (e.smtp_code, e.smtp_error) == (421, b'4.3.2 Too many connections, try again later'), e
s.sendmail('a@example.test', ['b@example.test'], b'implicit\r\n')
s.quit()
)PY";

TEST(ServeSmtplib, ImplicitTls) {
  auto dir = MakeTempDir("maildir");
  Serve serve(
      {"--maildir", dir.string(), "--tls", "--hostname", "mx.example.test", "--max-sessions", "1"});
  ASSERT_NE(serve.port(), 0) << serve.process().Stderr();
  std::string out;
  EXPECT_EQ(RunPython(kImplicitTls, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(ReadFile(msgs[0]), "implicit\r\n");
  std::filesystem::remove_all(dir);
}

// Everything written at once (RFC 2920), including BDAT chunks; the script
// checks each reply in order, then the STARTTLS injection defence.
constexpr const char* kRawPipelined = R"PY(
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
f = s.makefile('rb')
def reply():
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise SystemExit('closed early after %r' % lines)
        lines.append(line.decode('latin-1').rstrip('\r\n'))
        if line[3:4] == b' ':
            return lines
assert reply()[0].startswith('220 ')
batch = b''
for i in range(20):
    batch += b'MAIL FROM:<s%d@example.test>\r\nRCPT TO:<r@example.test>\r\nDATA\r\n' % i
    batch += b'message %d\r\n..dot\r\n.\r\n' % i
batch += b'MAIL FROM:<bdat@example.test>\r\nRCPT TO:<r@example.test>\r\n'
batch += b'BDAT 6\r\nchunk1BDAT 7\r\n\r\n.\r\n\x00\xffBDAT 0 LAST\r\n'
s.sendall(b'EHLO 127.0.0.1\r\n' + batch + b'QUIT\r\n')
assert reply()[0].startswith('250-')
for i in range(20):
    assert reply() == ['250 2.1.0 Sender <s%d@example.test> OK' % i]
    assert reply() == ['250 2.1.5 Recipient <r@example.test> OK']
    assert reply() == ['354 End data with <CR><LF>.<CR><LF>']
    r = reply()
    assert r == ['250 2.0.0 Ok: queued as 1.%d' % (i + 1)], r
assert reply() == ['250 2.1.0 Sender <bdat@example.test> OK']
assert reply() == ['250 2.1.5 Recipient <r@example.test> OK']
assert reply() == ['250 2.0.0 6 octets received']
assert reply() == ['250 2.0.0 13 octets received']
assert reply() == ['250 2.0.0 Message accepted, 13 octets']
assert reply()[0].startswith('221 ')
assert f.read() == b''
print('ok')
)PY";

TEST(ServeSmtplib, PipelinedDataAndBdatOverRawSocket) {
  auto dir = MakeTempDir("maildir");
  Serve serve({"--maildir", dir.string()});
  ASSERT_NE(serve.port(), 0);
  std::string out;
  EXPECT_EQ(RunPython(kRawPipelined, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 21u);
  EXPECT_EQ(ReadFile(msgs[7]), "message 7\r\n.dot\r\n");
  EXPECT_EQ(ReadFile(msgs[20]), std::string("chunk1\r\n.\r\n\0\xff", 13));
  std::filesystem::remove_all(dir);
}

constexpr const char* kSizeAndErrors = R"PY(
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='127.0.0.1', timeout=10)
s.ehlo()
assert s.esmtp_features['size'] == '1000', s.esmtp_features
try:
    s.sendmail('a@example.test', ['b@example.test'], b'x' * 2000)
    raise SystemExit('oversized message accepted')
except smtplib.SMTPSenderRefused as e:
    assert e.smtp_code == 552 and b'5.3.4' in e.smtp_error, e
# Without SIZE= the limit bites after the data.
s.rset()
assert s.mail('a@example.test')[0] == 250
assert s.rcpt('b@example.test')[0] == 250
code, text = s.data((b'y' * 70 + b'\r\n') * 20)
assert code == 552, (code, text)
assert s.mail('a@example.test')[0] == 250
assert s.rcpt('b@example.test')[0] == 250
code, text = s.data(b'z' * 1200)
assert (code, text) == (500, b'5.5.2 Line too long (text lines: 1000 octets)'), (code, text)
assert s.docmd('RCPT TO:<x@example.test>')[0] == 503
assert s.docmd('FROB')[0] == 500
assert s.docmd('MAIL FROM:<broken')[0] == 501
assert s.docmd('EXPN list')[0] == 502
assert s.docmd('VRFY bob')[0] == 252
assert s.docmd('HELP')[0] == 214
assert s.docmd('NOOP ' + 'x' * 600)[0] == 500
assert s.docmd('MAIL FROM:<a@example.test>')[0] == 250
assert s.docmd('DATA')[0] == 554
s.quit()
print('ok')
)PY";

TEST(ServeSmtplib, SizeAndRfcErrorPaths) {
  Serve serve({"--max-size", "1000"});
  ASSERT_NE(serve.port(), 0);
  std::string out;
  EXPECT_EQ(RunPython(kSizeAndErrors, {std::to_string(serve.port())}, &out), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  EXPECT_NE(serve.process().Stdout().find("0 message(s) accepted"), std::string::npos);
}

// Many concurrent sessions, some of which vanish mid-command or mid-DATA.
constexpr const char* kConcurrent = R"PY(
import smtplib, socket, sys, threading
port, n = int(sys.argv[1]), int(sys.argv[2])
errors = []
def good(i):
    try:
        s = smtplib.SMTP('127.0.0.1', port, local_hostname='127.0.0.1', timeout=20)
        s.sendmail('s%d@example.test' % i, ['r@example.test'], b'Subject: %d\r\n\r\nbody %d\r\n' % (i, i))
        s.quit()
    except Exception as e:
        errors.append(repr(e))
def rude(i):
    s = socket.create_connection(('127.0.0.1', port), timeout=20)
    s.recv(100)
    if i % 3 == 0:
        s.sendall(b'EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nhalf a mess')
    elif i % 3 == 1:
        s.sendall(b'MAIL FROM:<a@b')
    else:
        s.sendall(bytes(range(256)) * 8)
    s.close()
threads = [threading.Thread(target=good if i % 4 else rude, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    raise SystemExit('%d errors, first: %s' % (len(errors), errors[0]))
print('ok')
)PY";

TEST(ServeSmtplib, HundredsOfConcurrentSessionsWithRudeClients) {
  auto dir = MakeTempDir("maildir");
  Serve serve({"--maildir", dir.string()});
  ASSERT_NE(serve.port(), 0);
  std::string out;
  EXPECT_EQ(RunPython(kConcurrent, {std::to_string(serve.port()), "300"}, &out, 60), 0) << out;
  EXPECT_EQ(serve.Stop(), 0);
  auto msgs = Messages(dir);
  ASSERT_EQ(msgs.size(), 225u);  // 300 sessions, every fourth one rude
  for (const auto& m : msgs) {
    std::string body = ReadFile(m);
    EXPECT_EQ(body.rfind("Subject: ", 0), 0u) << m;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
