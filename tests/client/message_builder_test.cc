#include "harness/client/message_builder.h"

#include <gtest/gtest.h>

#include "harness/core/base64.h"
#include "harness/regex/regex.h"

namespace smtp {
namespace {

MessageSpec Fixed() {
  MessageSpec s;
  s.from = "Alice <alice@example.test>";
  s.to = {"bob@example.test"};
  s.subject = "Hello";
  s.body = "line 1\n.line 2\n";
  s.date = "Sat, 28 Nov 2026 12:00:00 +0000";
  s.message_id = "<id1@example.test>";
  return s;
}

TEST(BuildMessage, PlainTextExactBytes) {
  EXPECT_EQ(BuildMessage(Fixed()),
            "Date: Sat, 28 Nov 2026 12:00:00 +0000\r\n"
            "From: Alice <alice@example.test>\r\n"
            "To: bob@example.test\r\n"
            "Subject: Hello\r\n"
            "Message-ID: <id1@example.test>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n"
            "Content-Transfer-Encoding: 7bit\r\n"
            "\r\n"
            "line 1\r\n"
            ".line 2\r\n");  // dot-stuffing is the transport's job, not the message's
}

TEST(BuildMessage, Utf8SubjectNameAndBody) {
  MessageSpec s = Fixed();
  s.from = "Jörg <joerg@example.test>";
  s.subject = "Grüße";
  s.body = "Grüße\n";
  s.cc = {"carol@example.test", "dave@example.test"};
  std::string m = BuildMessage(s);
  EXPECT_NE(m.find("From: =?UTF-8?B?SsO2cmc=?= <joerg@example.test>\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"), std::string::npos);
  EXPECT_NE(m.find("Cc: carol@example.test, dave@example.test\r\n"), std::string::npos);
  EXPECT_NE(
      m.find("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"),
      std::string::npos);
}

TEST(BuildMessage, ExtraHeadersReplaceOrAppend) {
  MessageSpec s = Fixed();
  s.headers = {{"Subject", "Replaced"}, {"X-Test", "yes"}, {"message-id", "<other@x>"}};
  std::string m = BuildMessage(s);
  EXPECT_NE(m.find("Subject: Replaced\r\n"), std::string::npos);
  EXPECT_EQ(m.find("Subject: Hello"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <other@x>\r\n"), std::string::npos);
  EXPECT_NE(m.find("X-Test: yes\r\n\r\n"), std::string::npos);
}

TEST(BuildMessage, AttachmentsMakeMultipartMixed) {
  MessageSpec s = Fixed();
  s.boundary = "BOUNDARY";
  std::string bin("\x00\x01\xff binary", 10);
  s.attachments = {{"data.bin", bin, ""}, {"notes.txt", "hi", ""}};
  std::string m = BuildMessage(s);
  EXPECT_NE(m.find("Content-Type: multipart/mixed; boundary=\"BOUNDARY\"\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n--BOUNDARY\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                   "Content-Transfer-Encoding: 7bit\r\n\r\nline 1\r\n.line 2\r\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                   "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n" +
                   Base64EncodeLines(bin)),
            std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; name=\"notes.txt\""), std::string::npos);
  EXPECT_EQ(m.substr(m.size() - 16), "\r\n--BOUNDARY--\r\n");
}

TEST(BuildMessage, EmlAttachmentIsSevenBitNeverBase64) {
  MessageSpec s = Fixed();
  s.boundary = "BOUNDARY";
  s.attachments = {{"hello.eml", "Subject: inner\n\nhi\n", ""}};
  std::string m = BuildMessage(s);
  EXPECT_NE(m.find("Content-Type: message/rfc822; name=\"hello.eml\"\r\n"
                   "Content-Disposition: attachment; filename=\"hello.eml\"\r\n"
                   "Content-Transfer-Encoding: 7bit\r\n\r\nSubject: inner\r\n\r\nhi\r\n"
                   "\r\n--BOUNDARY--"),
            std::string::npos)
      << m;
  // A message/rfc822 that cannot be 7bit/8bit (a NUL) is not sent as one.
  s.attachments = {{"odd.eml", std::string("Subject: x\n\n\0\n", 15), ""}};
  m = BuildMessage(s);
  EXPECT_EQ(m.find("message/rfc822"), std::string::npos) << m;
  EXPECT_NE(m.find("Content-Type: application/octet-stream; name=\"odd.eml\""), std::string::npos);
}

TEST(BuildMessage, LongBodyLinesGoQuotedPrintable) {
  MessageSpec s = Fixed();
  s.body = std::string(2000, 'x') + "\n";
  std::string m = BuildMessage(s);
  EXPECT_NE(m.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos) << m;
  size_t pos = 0;
  while (pos < m.size()) {  // every line on the wire within RFC 5322's 78
    size_t nl = m.find("\r\n", pos);
    EXPECT_LE(nl - pos, 78u);
    pos = nl + 2;
  }
}

TEST(BuildMessage, NonAsciiFileNameUsesRfc2231) {
  MessageSpec s = Fixed();
  s.attachments = {{"r\xc3\xa9sum\xc3\xa9.pdf", "%PDF", ""}};
  std::string m = BuildMessage(s);
  EXPECT_NE(m.find("filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n"), std::string::npos) << m;
}

TEST(BuildMessage, LongAddressListsAreFolded) {
  MessageSpec s = Fixed();
  s.to.clear();
  for (int i = 0; i < 6; ++i) s.to.push_back("recipient" + std::to_string(i) + "@example.test");
  std::string m = BuildMessage(s);
  size_t start = m.find("To: ");
  size_t end = m.find("\r\nSubject:");
  std::string to = m.substr(start, end - start);
  EXPECT_NE(to.find(",\r\n "), std::string::npos);
  size_t pos = 0;
  while (pos < to.size()) {
    size_t nl = to.find("\r\n", pos);
    size_t len = (nl == std::string::npos ? to.size() : nl) - pos;
    EXPECT_LE(len, 78u);
    if (nl == std::string::npos) break;
    pos = nl + 2;
  }
}

TEST(MessageHelpers, DateAndMessageId) {
  auto t = std::chrono::system_clock::from_time_t(1795867200);  // 2026-11-28 12:00:00 UTC
  EXPECT_EQ(FormatRfc5322Date(t), "Sat, 28 Nov 2026 12:00:00 +0000");
  std::string id = GenerateMessageId("Alice@Example.TEST");
  EXPECT_TRUE(*Regex::Compile(R"(\A<\d{14}\.[0-9a-f]{16}@example\.test>\z)")->Search(id)) << id;
  EXPECT_NE(GenerateMessageId("a@b"), GenerateMessageId("a@b"));
}

TEST(MessageHelpers, Addresses) {
  EXPECT_EQ(ExtractAddress("Alice <a@b.test>").value(), "a@b.test");
  EXPECT_EQ(ExtractAddress(" a@b.test ").value(), "a@b.test");
  EXPECT_EQ(ExtractAddress("<>").value(), "");
  EXPECT_EQ(ExtractAddress("Alice <a@b.test").status().message(),
            "missing '>' in address Alice <a@b.test");
  EXPECT_EQ(ExtractAddress("a b@c").status().message(), "invalid address a b@c");
  EXPECT_EQ(AddressDomain("bob@Example.TEST"), "example.test");
  EXPECT_EQ(AddressDomain("nodomain"), "");
}

TEST(MessageHelpers, HeaderFlag) {
  auto kv = ParseHeaderLine("X-Thing:  value here ");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->first, "X-Thing");
  EXPECT_EQ(kv->second, "value here");
  EXPECT_EQ(ParseHeaderLine("no colon").status().message(),
            "header must look like \"Name: value\", got \"no colon\"");
  EXPECT_EQ(ParseHeaderLine("Bad Name: x").status().message(), "invalid header name \"Bad Name\"");
  EXPECT_EQ(GuessContentType("a.PDF"), "application/pdf");
  EXPECT_EQ(GuessContentType("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace smtp
