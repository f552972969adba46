#include "harness/core/secret_redactor.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(RedactAuthCommand, HidesTheInitialResponseWhateverTheSeparator) {
  EXPECT_EQ(RedactAuthCommand("AUTH PLAIN AGFsaWNlAFMzY3JldA=="), "AUTH PLAIN <redacted>");
  EXPECT_EQ(RedactAuthCommand("AUTH PLAIN\tAGFsaWNlAFMzY3JldA=="), "AUTH PLAIN\t<redacted>");
  EXPECT_EQ(RedactAuthCommand("auth\tplain\t\tAGFs"), "auth\tplain\t\t<redacted>");
  EXPECT_EQ(RedactAuthCommand("  Auth  LOGIN  YWxpY2U="), "  Auth  LOGIN  <redacted>");
  EXPECT_EQ(RedactAuthCommand("AUTH PLAIN AGFs extra"), "AUTH PLAIN <redacted>");
  EXPECT_EQ(RedactAuthCommand("AUTH PLAIN AGFs\n"), "AUTH PLAIN <redacted>");  // bare LF line
}

TEST(RedactAuthCommand, LeavesWhatCarriesNoSecret) {
  EXPECT_EQ(RedactAuthCommand("AUTH LOGIN"), "AUTH LOGIN");
  EXPECT_EQ(RedactAuthCommand("AUTH PLAIN ="), "AUTH PLAIN =");
  EXPECT_EQ(RedactAuthCommand("AUTH"), "AUTH");
  EXPECT_EQ(RedactAuthCommand("AUTHX PLAIN abc"), "AUTHX PLAIN abc");
  EXPECT_EQ(RedactAuthCommand("MAIL FROM:<a@b>"), "MAIL FROM:<a@b>");
}

TEST(SecretRedactor, LoginExchangeHidesEveryContinuationUntilTheFinalReply) {
  SecretRedactor r;
  EXPECT_EQ(r.Client("EHLO me"), "EHLO me");
  r.Server("250-x.test");
  r.Server("250 AUTH PLAIN LOGIN");
  EXPECT_EQ(r.Client("AUTH LOGIN"), "AUTH LOGIN");
  EXPECT_TRUE(r.in_auth());
  r.Server("334 VXNlcm5hbWU6");
  EXPECT_EQ(r.Client("YWxpY2U="), "<redacted>");
  r.Server("334 UGFzc3dvcmQ6");
  EXPECT_EQ(r.Client("UzNjcmV0"), "<redacted>");
  r.Server("235 2.7.0 ok");
  EXPECT_FALSE(r.in_auth());
  EXPECT_EQ(r.Client("MAIL FROM:<a@b>"), "MAIL FROM:<a@b>");
}

TEST(SecretRedactor, CredentialsSentAfterARefusedAuthArePipelinedSoStillHidden) {
  // A client that does not wait for 334 sends its secrets before the
  // refusal arrives: they are hidden until the final reply.
  SecretRedactor r;
  EXPECT_EQ(r.Client("AUTH\tLOGIN"), "AUTH\tLOGIN");
  EXPECT_EQ(r.Client("YWxpY2U="), "<redacted>");
  EXPECT_EQ(r.Client("UzNjcmV0"), "<redacted>");
  r.Server("504 5.5.4 mechanism not supported");
  EXPECT_EQ(r.Client("QUIT"), "QUIT");
}

TEST(SecretRedactor, PlainWithInitialResponseAndTab) {
  SecretRedactor r;
  EXPECT_EQ(r.Client("AUTH PLAIN\tAGFsaWNlAFMzY3JldA=="), "AUTH PLAIN\t<redacted>");
  r.Server("535 5.7.8 bad credentials");
  EXPECT_EQ(r.Client("NOOP"), "NOOP");
}

TEST(SecretRedactor, MultiLineRepliesEndOnlyAtTheFinalLine) {
  SecretRedactor r;
  r.Client("AUTH LOGIN");
  r.Server("535-5.7.8 first");
  EXPECT_EQ(r.Client("c2VjcmV0"), "<redacted>");
  r.Server("535 5.7.8 last");
  EXPECT_EQ(r.Client("NOOP"), "NOOP");  // the exchange is over
  EXPECT_EQ(r.Client("c2VjcmV0"), "c2VjcmV0");
  r.Client("AUTH LOGIN");
  r.Server("garbage without a code");
  EXPECT_EQ(r.Client("c2VjcmV0"), "<redacted>");
  r.ServerReply(235);
  EXPECT_FALSE(r.in_auth());
}

TEST(SecretRedactor, CancelStaysVisible) {
  SecretRedactor r;
  r.Client("AUTH LOGIN");
  r.Server("334 VXNlcm5hbWU6");
  EXPECT_EQ(r.Client("*"), "*");
  r.Server("501 cancelled");
  EXPECT_FALSE(r.in_auth());
}

TEST(SecretRedactor, MessageBodyIsNotCommands) {
  SecretRedactor r;
  EXPECT_EQ(r.Client("DATA"), "DATA");
  r.Server("354 go ahead");
  EXPECT_EQ(r.Client("AUTH PLAIN looks-like-a-secret"), "AUTH PLAIN looks-like-a-secret");
  EXPECT_EQ(r.Client("."), ".");
  r.Server("250 ok");
  EXPECT_EQ(r.Client("AUTH PLAIN c2VjcmV0"), "AUTH PLAIN <redacted>");
}

TEST(SecretRedactor, AReplyEndsTheDataEvenWithoutTheDotLine) {
  SecretRedactor r;
  r.Client("DATA");
  r.Server("354 go ahead");
  r.ClientLines("Subject: x\n\nbody");  // a body shown without its "." line
  r.Server("250 2.0.0 queued");
  EXPECT_EQ(r.Client("AUTH PLAIN c2VjcmV0"), "AUTH PLAIN <redacted>");
}

TEST(SecretRedactor, RefusedDataLeavesCommandState) {
  SecretRedactor r;
  r.Client("DATA");
  r.Server("503 5.5.1 no recipients");
  EXPECT_EQ(r.Client("AUTH PLAIN c2VjcmV0"), "AUTH PLAIN <redacted>");
}

TEST(SecretRedactor, ClientLinesRedactsAPipelineLineByLine) {
  SecretRedactor r;
  EXPECT_EQ(r.ClientLines("AUTH LOGIN\nYWxpY2U=\nUzNjcmV0"), "AUTH LOGIN\n<redacted>\n<redacted>");
  EXPECT_EQ(r.ClientLines(""), "");
}

// A client that does not wait for the verdict on its AUTH sends its
// credentials anyway, after the refusal (not pipelined: each in its own
// read, each answered 500): up to two such lines that can only be base64
// are hidden too. A command after them is shown, and ends that.
TEST(SecretRedactor, CredentialsSentAfterARefusedAuthAreHidden) {
  SecretRedactor r;
  r.Client("AUTH XOAUTH2");
  r.Server("504 5.5.4 Unrecognized authentication type");
  EXPECT_EQ(r.Client("YWxpY2U="), "<redacted>");
  r.Server("500 5.5.2 Syntax error, command unrecognized");
  EXPECT_EQ(r.Client("UzNjcmV0UHc="), "<redacted>");
  r.Server("500 5.5.2 Syntax error, command unrecognized");
  EXPECT_EQ(r.Client("YWxpY2U="), "YWxpY2U=");  // a third: not a credential exchange
}

TEST(SecretRedactor, AfterARefusedOrCancelledAuthCommandsStayVisible) {
  SecretRedactor r;
  r.Client("AUTH LOGIN");
  r.Server("334 VXNlcm5hbWU6");
  EXPECT_EQ(r.Client("*"), "*");
  r.Server("501 5.7.0 Authentication cancelled");
  EXPECT_EQ(r.Client("noop"), "noop");  // a verb, though base64 too
  r.Server("250 2.0.0 Ok");
  EXPECT_EQ(r.Client("UzNjcmV0UHc="), "UzNjcmV0UHc=");  // no longer right after the AUTH
  r.Client("AUTH PLAIN");
  r.Server("535 5.7.8 no");
  EXPECT_EQ(r.Client("MAIL FROM:<a@b.test>"), "MAIL FROM:<a@b.test>");
  EXPECT_EQ(r.Client("UzNjcmV0UHc="), "UzNjcmV0UHc=");
  r.Client("AUTH PLAIN AGFsaWNlAFMzY3JldA==");
  r.Server("235 2.7.0 ok");
  EXPECT_EQ(r.Client("UzNjcmV0UHc="), "UzNjcmV0UHc=");  // accepted: nothing more to hide
}

}  // namespace
}  // namespace smtp
