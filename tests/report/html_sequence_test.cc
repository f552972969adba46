#include "harness/report/html_sequence.h"

#include <gtest/gtest.h>

namespace smtp::html {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

Json Entry(double t, const char* dir, const std::string& text, int step) {
  return Json{{"t_ms", t}, {"dir", dir}, {"text", text}, {"step", step}};
}

// greeting, EHLO, STARTTLS, AUTH PLAIN, MAIL rejected (step 4 fails).
Json TlsAuthScenario() {
  Json sc = {{"name", "tls_auth"}, {"mode", "client"}, {"target", "fake"}, {"status", "failed"}};
  sc["steps"] = Json::array();
  const char* kinds[] = {"expect", "send", "starttls", "auth", "send"};
  for (int i = 0; i < 5; ++i) {
    sc["steps"].push_back(
        {{"index", i}, {"line", 10 + i}, {"kind", kinds[i]}, {"status", "passed"}});
  }
  sc["failure"] = {{"step", 4},
                   {"line", 14},
                   {"expected", "250"},
                   {"actual", "550 5.7.1 relay denied"},
                   {"message", "s.yaml:14: step 4 (send): expected 250, got 550"}};
  sc["transcript"] = Json::array({
      Entry(0.1, "S", "220 fake ESMTP", 0),
      Entry(0.2, "C", "EHLO x", 1),
      Entry(0.3, "S", "250-fake", 1),
      Entry(0.3, "S", "250-STARTTLS", 1),
      Entry(0.3, "S", "250 AUTH PLAIN", 1),
      Entry(0.4, "C", "STARTTLS", 2),
      Entry(0.5, "S", "220 go ahead", 2),
      Entry(1.1, "C", "AUTH PLAIN", 3),
      Entry(1.2, "S", "334 ", 3),
      Entry(1.3, "C", "<redacted>", 3),
      Entry(1.4, "S", "235 2.7.0 ok", 3),
      Entry(1.5, "C", "MAIL FROM:<a@b>", 4),
      Entry(1.6, "S", "550 5.7.1 relay denied", 4),
  });
  return sc;
}

TEST(SequenceDiagram, DrawsLanesArrowsAndTimes) {
  std::string svg = RenderSequenceDiagram(TlsAuthScenario()).svg;
  EXPECT_EQ(svg.rfind("<svg class=\"seq\"", 0), 0u);
  EXPECT_EQ(Count(svg, "<g class=\"lane client\">"), 1u);
  EXPECT_EQ(Count(svg, "<g class=\"lane server\">"), 1u);
  // A multi-line reply is one arrow: the EHLO reply's three lines make one.
  EXPECT_EQ(Count(svg, "class=\"msg c2s"), 5u);
  EXPECT_EQ(Count(svg, "class=\"msg s2c"), 6u);
  EXPECT_NE(svg.find(">1.6 ms</text>"), std::string::npos);
  EXPECT_NE(svg.find("step 4 \xc2\xb7 L14"), std::string::npos);
}

TEST(SequenceDiagram, MarksTlsAndAuth) {
  std::string svg = RenderSequenceDiagram(TlsAuthScenario()).svg;
  EXPECT_EQ(Count(svg, "<g class=\"note tls\">"), 1u);
  EXPECT_NE(svg.find("TLS handshake (STARTTLS accepted)"), std::string::npos);
  EXPECT_NE(svg.find("class=\"tls-bg\""), std::string::npos);
  // AUTH PLAIN, 334, the secret and 235: four arrows, all after TLS.
  EXPECT_EQ(Count(svg, " auth tls\""), 4u);
  EXPECT_EQ(Count(svg, ">AUTH</text>"), 4u);
}

TEST(SequenceDiagram, HighlightsTheFailingStepWithExpectedAndActual) {
  std::string svg = RenderSequenceDiagram(TlsAuthScenario()).svg;
  EXPECT_EQ(Count(svg, "c2s fail") + Count(svg, "s2c fail"), 2u);  // MAIL and its 550
  EXPECT_NE(svg.find("class=\"msg c2s fail tls\" data-step=\"4\""), std::string::npos);
  size_t box = svg.find("<g class=\"failbox\" data-step=\"4\">");
  ASSERT_NE(box, std::string::npos);
  EXPECT_GT(box, svg.find("550 5.7.1 relay denied"));  // after the failing arrows
  EXPECT_NE(svg.find("failed at step 4 (send), line 14"), std::string::npos);
  EXPECT_NE(svg.find("expected: </tspan>250"), std::string::npos);
  EXPECT_NE(svg.find("actual:   </tspan>550 5.7.1 relay denied"), std::string::npos);
}

TEST(SequenceDiagram, AFailureWithoutLinesGoesAfterTheEarlierSteps) {
  Json sc = TlsAuthScenario();
  sc["transcript"].erase(sc["transcript"].end() - 2, sc["transcript"].end());
  std::string svg = RenderSequenceDiagram(sc).svg;
  EXPECT_EQ(Count(svg, "c2s fail") + Count(svg, "s2c fail"), 0u);
  EXPECT_GT(svg.find("class=\"failbox\""), svg.find("235 2.7.0 ok"));
}

TEST(SequenceDiagram, MakesBareLfCrAndNulVisible) {
  Json sc = {{"mode", "server"}, {"status", "passed"}};
  sc["transcript"] = Json::array(
      {Entry(0, "C", "HELO x\n", 0), Entry(0, "C", std::string("MAIL\rFROM\0", 10), 1)});
  std::string svg = RenderSequenceDiagram(sc).svg;
  EXPECT_NE(svg.find("HELO x<tspan class=\"ctl\" fill=\"#b00020\">\\n</tspan>"), std::string::npos);
  EXPECT_NE(svg.find("MAIL<tspan class=\"ctl\" fill=\"#b00020\">\\r</tspan>FROM"
                     "<tspan class=\"ctl\" fill=\"#b00020\">\\0</tspan>"),
            std::string::npos);
  EXPECT_NE(svg.find("client under test"), std::string::npos);
  EXPECT_NE(svg.find("smtp-harness (server)"), std::string::npos);
}

TEST(SequenceDiagram, FoldsLongBodiesAndLinksTheFullText) {
  Json sc = {{"mode", "client"}, {"status", "passed"}};
  sc["transcript"] = Json::array();
  for (int i = 0; i < 30; ++i) {
    sc["transcript"].push_back(Entry(1, "C", "body line " + std::to_string(i), 5));
  }
  SequenceOptions o;
  o.id_prefix = "sc-7";
  SequenceDiagram d = RenderSequenceDiagram(sc, o);
  EXPECT_EQ(Count(d.svg, "class=\"msg c2s"), 1u);
  EXPECT_NE(d.svg.find("body line 5"), std::string::npos);
  EXPECT_EQ(d.svg.find("body line 6<"), std::string::npos);  // folded away
  EXPECT_NE(d.svg.find("body line 29"), std::string::npos);  // the last line stays
  EXPECT_NE(d.svg.find("<a class=\"foldlink\" href=\"#sc-7-fold-1\">"), std::string::npos);
  EXPECT_NE(d.svg.find("23 more lines"), std::string::npos);
  EXPECT_EQ(d.folds.rfind("<details class=\"fold\" id=\"sc-7-fold-1\">", 0), 0u);
  EXPECT_NE(d.folds.find("body line 17\nbody line 18"), std::string::npos);
}

TEST(SequenceDiagram, CapsTheRowsKeepingTheEnd) {
  Json sc = {{"mode", "client"}, {"status", "passed"}};
  sc["transcript"] = Json::array();
  for (int i = 0; i < 1000; ++i) {
    sc["transcript"].push_back(Entry(i, i % 2 ? "S" : "C", i % 2 ? "250 ok" : "NOOP", i / 2));
  }
  SequenceOptions o;
  o.max_rows = 100;
  std::string svg = RenderSequenceDiagram(sc, o).svg;
  EXPECT_EQ(Count(svg, "class=\"msg "), 99u);
  EXPECT_NE(svg.find("901 more rows not drawn"), std::string::npos);
  EXPECT_NE(svg.find(">999 ms</text>"), std::string::npos);
}

TEST(SequenceDiagram, ImplicitTlsAndAnEmptyConversation) {
  Json sc = {{"mode", "client"}, {"target", "smtps://127.0.0.1:465"}, {"status", "error"}};
  sc["failure"] = {{"step", -1},
                   {"line", 0},
                   {"expected", ""},
                   {"actual", "connection refused"},
                   {"message", "s.yaml: connection refused"}};
  std::string svg = RenderSequenceDiagram(sc).svg;
  EXPECT_NE(svg.find("TLS from the start (smtps)"), std::string::npos);
  EXPECT_NE(svg.find("smtps://127.0.0.1:465"), std::string::npos);
  EXPECT_NE(svg.find("error"), std::string::npos);
  EXPECT_NE(svg.find("connection refused"), std::string::npos);
}

}  // namespace
}  // namespace smtp::html
