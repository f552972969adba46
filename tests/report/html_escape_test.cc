#include "harness/report/html_escape.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(HtmlEscape, EscapesTheFiveMetacharacters) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("</svg><script>"), "&lt;/svg&gt;&lt;script&gt;");
}

TEST(HtmlEscape, KeepsValidUtf8AndReplacesMalformedBytes) {
  EXPECT_EQ(HtmlEscape("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  // A lone continuation byte, a truncated sequence, an overlong '<' (0xC0 0xBC)
  // and a surrogate each become U+FFFD: none can smuggle a '<'.
  EXPECT_EQ(HtmlEscape("a\x80"
                       "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(HtmlEscape("\xe2\x9c"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(HtmlEscape("\xc0\xbc"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(HtmlEscape("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(HtmlEscape, ShowsControlBytesButKeepsLinesAndTabs) {
  EXPECT_EQ(HtmlEscape("a\nb\tc"), "a\nb\tc");
  EXPECT_EQ(HtmlEscape(std::string("a\rb\0c\x1b\x7f", 7)), "a\\rb\\0c\\x1b\\x7f");
}

TEST(HtmlWire, MarksEveryControlByteForHtmlAndSvg) {
  EXPECT_EQ(HtmlWire("MAIL FROM:<a@b>\n", Markup::kHtml),
            "MAIL FROM:&lt;a@b&gt;<span class=\"ctl\">\\n</span>");
  EXPECT_EQ(HtmlWire(std::string("x\r\0", 3), Markup::kSvg),
            "x<tspan class=\"ctl\" fill=\"#b00020\">\\r</tspan>"
            "<tspan class=\"ctl\" fill=\"#b00020\">\\0</tspan>");
  EXPECT_EQ(HtmlWire("\"</svg>\xff", Markup::kSvg), "&quot;&lt;/svg&gt;\xef\xbf\xbd");
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  EXPECT_EQ(TruncateUtf8("abc", 5), "abc");
  EXPECT_EQ(TruncateUtf8("ab\xc3\xa9", 3), "ab");
  EXPECT_EQ(TruncateUtf8("ab\xe2\x9c\x93z", 4), "ab");
  EXPECT_EQ(TruncateUtf8("ab\xe2\x9c\x93z", 5), "ab\xe2\x9c\x93");
}

}  // namespace
}  // namespace smtp
