#include "harness/record/client_stream.h"

#include <gtest/gtest.h>

#include <vector>

namespace smtp {
namespace {

using Kind = ClientItem::Kind;

// Everything the stream yields now, as "C:text", "D:text" or "B:octets".
std::vector<std::string> Drain(ClientStream& s) {
  std::vector<std::string> out;
  while (auto item = s.Next()) {
    const char* tag = item->kind == Kind::kCommand    ? "C:"
                      : item->kind == Kind::kDataLine ? "D:"
                                                      : "B:";
    out.push_back(tag + item->text);
  }
  return out;
}

using Items = std::vector<std::string>;

TEST(ParseBdatSizeTest, ReadsTheSizeOfABdatCommand) {
  EXPECT_EQ(ParseBdatSize("BDAT 10 LAST"), 10u);
  EXPECT_EQ(ParseBdatSize("bdat 0 last"), 0u);
  EXPECT_EQ(ParseBdatSize("BDAT 1048576"), 1048576u);
  EXPECT_EQ(ParseBdatSize("BDAT 7 "), 7u);
  EXPECT_FALSE(ParseBdatSize("BDAT"));
  EXPECT_FALSE(ParseBdatSize("BDAT x LAST"));
  EXPECT_FALSE(ParseBdatSize("BDAT 10 FIRST"));
  EXPECT_FALSE(ParseBdatSize("BDAT -1"));
  EXPECT_FALSE(ParseBdatSize("BDATA 10"));
  EXPECT_FALSE(ParseBdatSize("DATA"));
  EXPECT_FALSE(ParseBdatSize("BDAT 9999999999999999999999"));  // 22 digits
  EXPECT_FALSE(ParseBdatSize("BDAT 100000000000000000000"));   // 21 digits
  // 19 and 20 digits, as servers take them (RFC 1870's SIZE has 20).
  EXPECT_EQ(ParseBdatSize("BDAT 1000000000000000000"), 1000000000000000000u);
  EXPECT_EQ(ParseBdatSize("BDAT 00000000000000000005 LAST"), 5u);
  EXPECT_EQ(ParseBdatSize("BDAT 18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseBdatSize("BDAT 99999999999999999999"), UINT64_MAX);
}

TEST(ClientStreamTest, ABdatChunkIsItsOctetsNotLines) {
  ClientStream s(1024);
  s.Feed("EHLO x\r\nBDAT 10 LAST\r\n0123\r\n");
  EXPECT_EQ(Drain(s), (Items{"C:EHLO x", "C:BDAT 10 LAST"}));  // 6 of 10 octets so far
  s.Feed("BDATQUIT\r\n");
  EXPECT_EQ(Drain(s), (Items{"B:0123\r\nBDAT", "C:QUIT"}));
}

TEST(ClientStreamTest, ChunkBytesThatLookLikeCommandsStayInTheChunk) {
  ClientStream s(1024);
  std::string chunk = "STARTTLS\r\n.\r\nBDAT 99\r\n";
  std::string bdat = "BDAT " + std::to_string(chunk.size());
  s.Feed(bdat + "\r\n" + chunk + "BDAT 0 LAST\r\nQUIT\r\n");
  EXPECT_EQ(Drain(s), (Items{"C:" + bdat, "B:" + chunk, "C:BDAT 0 LAST", "B:", "C:QUIT"}));
}

TEST(ClientStreamTest, AChunkFedOneByteAtATime) {
  ClientStream s(1024);
  std::string wire = std::string("BDAT 3 LAST\r\n") + std::string("\0\r\n", 3) + "QUIT\r\n";
  Items all;
  for (char c : wire) {
    s.Feed(std::string_view(&c, 1));
    for (auto& i : Drain(s)) all.push_back(i);
  }
  EXPECT_EQ(all, (Items{"C:BDAT 3 LAST", "B:" + std::string("\0\r\n", 3), "C:QUIT"}));
}

TEST(ClientStreamTest, MessageLinesFollowTheDataReply) {
  ClientStream s(1024);
  s.OnReply(220);                                          // the greeting answers nothing
  s.Feed("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");  // pipelined
  EXPECT_EQ(Drain(s), (Items{"C:MAIL FROM:<a@b>", "C:RCPT TO:<c@d>", "C:DATA"}));
  s.OnReply(250);
  s.OnReply(250);
  EXPECT_FALSE(s.in_data());
  s.OnReply(354);
  EXPECT_TRUE(s.in_data());
  s.Feed("BDAT 5\r\nSubject: x\r\n\r\n..dot\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(Drain(s), (Items{"D:BDAT 5", "D:Subject: x", "D:", "D:..dot", "D:.", "C:QUIT"}));
  EXPECT_FALSE(s.in_data());
}

TEST(ClientStreamTest, ARefusedDataStartsNoMessage) {
  ClientStream s(1024);
  s.Feed("DATA\r\n");
  Drain(s);
  s.OnReply(554);
  s.Feed("BDAT 1 LAST\r\nx");
  EXPECT_EQ(Drain(s), (Items{"C:BDAT 1 LAST", "B:x"}));
}

TEST(ClientStreamTest, A354ToAnotherCommandStartsNoMessage) {
  ClientStream s(1024);
  s.Feed("NOOP\r\nDATA\r\n");
  Drain(s);
  s.OnReply(354);  // answers NOOP (a broken server), not DATA
  EXPECT_FALSE(s.in_data());
  s.OnReply(554);
  EXPECT_FALSE(s.in_data());
}

TEST(ClientStreamTest, TheBdatReplyComesAfterTheChunk) {
  ClientStream s(1024);
  s.Feed("BDAT 2\r\nab");
  Drain(s);
  s.Feed("DATA\r\n");
  Drain(s);
  s.OnReply(250);  // to the chunk
  s.OnReply(354);  // to DATA
  EXPECT_TRUE(s.in_data());
}

TEST(ClientStreamTest, DiscardBufferedDropsPipelinedPlaintext) {
  ClientStream s(1024);
  s.Feed("STARTTLS\r\nMAIL FROM:<evil@x>\r\n");
  EXPECT_EQ(s.Next()->text, "STARTTLS");
  s.DiscardBuffered();
  EXPECT_FALSE(s.Next());
}

}  // namespace
}  // namespace smtp
