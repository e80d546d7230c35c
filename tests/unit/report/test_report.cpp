// HTML reports and SVG maps.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "scrutineer/report/html.hpp"
#include "scrutineer/report/ratio_chart.hpp"
#include "scrutineer/report/svg_map.hpp"

namespace scrutineer::report {

namespace {
io::MultiPolygon square(double x0, double y0, double side) {
  io::Ring r{{x0, x0 + side, x0 + side, x0, x0}, {y0, y0, y0 + side, y0 + side, y0}};
  return {io::Polygon{{r}}};
}
std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST(Report, EscapesText) {
  EXPECT_EQ(escape_html("<b>\"A&B\"</b> 'x'"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;");
}

TEST(Report, QuantileBreaksByNearestRank) {
  // Ten values 1..10 in 5 classes: upper bounds at ranks ceil(10 k / 5) = 2, 4, 6, 8, 10.
  EXPECT_EQ(quantile_breaks({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5),
            (std::vector<double>{2, 4, 6, 8, 10}));
  // Ties collapse classes; NaN is ignored: {0, 0, 0, 0, 5}: ranks 1..5 -> 0, 0, 0, 0, 5.
  EXPECT_EQ(quantile_breaks({0, 0, 0, 0, 5, NAN}, 5), (std::vector<double>{0, 5}));
  EXPECT_TRUE(quantile_breaks({NAN}, 5).empty());
}

TEST(Report, ChoroplethShadesEachShapeByClass) {
  MapOptions o;
  o.title = "Exposure <per capita>";
  o.legend = "flags per 1,000";
  o.width = 220;
  o.classes = 2;
  const std::vector<io::MultiPolygon> shapes = {square(0, 0, 100), square(100, 0, 100),
                                                square(0, 100, 100)};
  const auto svg = choropleth_svg(shapes, {1.0, 5.0, NAN}, o);
  EXPECT_EQ(count(svg, "<path"), 4u);  // three shapes and the north arrow
  // Breaks {1, 5}: the first shape takes the lightest colour, the second the next, NaN grey.
  // The extent is 200 m x 200 m drawn 200 px wide (scale 1), y flipped: the first square, x 0..100
  // and y 0..100 m, is drawn from (0, 200) to (100, 100).
  EXPECT_NE(
      svg.find(
          "<path fill=\"#ffffb2\" d=\"M0.0,200.0L100.0,200.0L100.0,100.0L0.0,100.0L0.0,200.0Z"),
      std::string::npos)
      << svg;
  EXPECT_NE(svg.find("<path fill=\"#fed976\""), std::string::npos);
  EXPECT_NE(svg.find("<path fill=\"#dddddd\""), std::string::npos);
  EXPECT_NE(svg.find("Exposure &lt;per capita&gt;"), std::string::npos);
  // 200 px wide map for 200 m: scale 1; the height is 34 + 200 + 30 + 3 legend rows x 20.
  EXPECT_NE(svg.find("height=\"324\""), std::string::npos);
  EXPECT_THROW(choropleth_svg(shapes, {1.0}, o), std::exception);
}

TEST(Report, MapHasOutlineScaleBarNamesAndNoEmptyOrZeroWidthClass) {
  // Issue 17: "up to 0 / 0 to 0.799 / 0.799 to 102" read as three classes with one empty.
  MapOptions o;
  o.width = 420;  // 400 px for 400 m: scale 1
  o.classes = 5;
  o.outline = square(0, 0, 400);
  o.names = {"Loop", "", "Austin", "Hyde Park"};
  const std::vector<io::MultiPolygon> shapes = {square(0, 0, 100), square(100, 0, 100),
                                                square(200, 0, 100), square(300, 0, 100)};
  const auto svg = choropleth_svg(shapes, {0.0, 0.0, 0.799, 102.0}, o);
  // Breaks by nearest rank of {0, 0, 0.799, 102} in 5 classes: ranks 1, 2, 3, 4, 4 -> {0, 0.799,
  // 102}. Labels: the value 0 alone, then over 0 to 0.799, over 0.799 to 102; none says "up to".
  EXPECT_NE(svg.find(">0</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">over 0 to 0.799</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">over 0.799 to 102</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("up to"), std::string::npos);
  // The study region's outline, drawn on top, and hover names before the value.
  EXPECT_NE(svg.find("<path class=\"outline\" fill=\"none\""), std::string::npos);
  EXPECT_NE(svg.find("<title>Hyde Park: 102</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>0</title>"), std::string::npos);  // no name: the value alone
  // Scale bar: a quarter of 400 m is 100 m, a round length: 100 px long, labelled "100 m".
  EXPECT_NE(svg.find("width=\"100.0\" height=\"5\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">100 m</text>"), std::string::npos);
  EXPECT_NE(svg.find("class=\"north-arrow\""), std::string::npos);
  EXPECT_EQ(scale_bar_metres(3400), 2000);
  EXPECT_EQ(scale_bar_metres(730), 500);
  EXPECT_EQ(scale_bar_metres(99), 50);
}

TEST(Report, MapHatchesOnlyTheShapesMarkedAndExplainsTheHatch) {
  // Issue 17's uncertainty view: Loop's interval includes parity (hatched), Austin's excludes it.
  MapOptions o;
  o.width = 220;
  o.names = {"Loop", "Austin"};
  o.details = {"exposure ratio 1.10 (95% interval 0.80 to 1.40)",
               "exposure ratio 2.00 (95% interval 1.60 to 2.50)"};
  o.hatched = {true, false};
  o.hatch_label = "hatched: the interval includes 1";
  const auto svg = choropleth_svg({square(0, 0, 100), square(100, 0, 100)}, {1.0, 2.0}, o);
  EXPECT_EQ(count(svg, "<pattern id=\"hatch-parity\""), 1u);
  EXPECT_EQ(count(svg, "<path class=\"hatch\""), 1u);
  // The hatch follows Loop's own path and not Austin's; hover labels name the area and its ratio.
  const auto loop = svg.find("<title>Loop: 1; exposure ratio 1.10 (95% interval 0.80 to 1.40)");
  const auto austin = svg.find("<title>Austin: 2; exposure ratio 2.00 (95% interval 1.60 to 2.50)");
  ASSERT_NE(loop, std::string::npos) << svg;
  ASSERT_NE(austin, std::string::npos) << svg;
  const auto hatch = svg.find("<path class=\"hatch\"");
  EXPECT_GT(hatch, loop);
  EXPECT_LT(hatch, austin);
  EXPECT_NE(svg.find("class=\"hatch-legend\""), std::string::npos);
  EXPECT_NE(svg.find(">hatched: the interval includes 1</text>"), std::string::npos);
  // Nothing marked: no pattern, no legend entry.
  o.hatched = {false, false};
  const auto plain = choropleth_svg({square(0, 0, 100), square(100, 0, 100)}, {1.0, 2.0}, o);
  EXPECT_EQ(plain.find("hatch"), std::string::npos);
}

TEST(Report, KeyTableShowsPlainColumnsFirstAndAllColumnsBehindAControl) {
  HtmlReport html("t");
  html.key_table("group,population_share,disparity_ratio,x_raw\nA,0.25,1.5,9\n", "Exposure",
                 {{"group", "group"}, {"disparity_ratio", "exposure / residents"}});
  const auto page = html.html();
  const auto details = page.find("<details class=\"all-columns\"><summary>Show all columns");
  ASSERT_NE(details, std::string::npos);
  const auto key = page.substr(0, details);
  EXPECT_NE(key.find("<th>group</th><th>exposure / residents</th></tr>"), std::string::npos) << key;
  EXPECT_NE(key.find("<td>A</td><td>1.5</td></tr>"), std::string::npos) << key;
  EXPECT_EQ(key.find("x_raw"), std::string::npos);
  EXPECT_NE(page.find("<th>x_raw</th>", details), std::string::npos);
}

TEST(Report, FindingsComeFirstWithLinksAndNotesAreNotWarnings) {
  HtmlReport html("t");
  html.section("Accuracy", "accuracy");
  html.note("fitted <theta>");
  html.warning("rows dropped");
  html.findings({{"No evidence that X beats naive.", "accuracy", "table"}}, "caveat");
  const auto page = html.html();
  const auto findings = page.find("<section class=\"findings\"");
  ASSERT_NE(findings, std::string::npos);
  EXPECT_LT(findings, page.find("<nav>"));
  EXPECT_NE(page.find("<li>No evidence that X beats naive. <a href=\"#accuracy\">(table)</a></li>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<h2 id=\"accuracy\">Accuracy</h2>"), std::string::npos);
  EXPECT_NE(page.find("<strong>Note:</strong> fitted &lt;theta&gt;"), std::string::npos);
  EXPECT_NE(page.find("<strong>Warning:</strong> rows dropped"), std::string::npos);
}

TEST(Report, RatioChartMarksTheReferenceAndTheFairBand) {
  const auto svg = ratio_chart_svg("FNR",
                                   {{"Caucasian", 1, NAN, NAN, true},
                                    {"Hispanic", 1.17, 1.01, 1.33, false},
                                    {"Asian (suppressed)", NAN, NAN, NAN, false}},
                                   0.8);
  EXPECT_NE(svg.find(">Caucasian (reference)</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("0.8 to 1.25: `fair` by the ratio rule"), std::string::npos);
  EXPECT_NE(svg.find("<title>Hispanic: 1.170 (1.010 to 1.330)</title>"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 2u);  // the suppressed group has no dot
  EXPECT_EQ(count(svg, "class=\"interval\""), 1u);
}

TEST(Report, HtmlIsSelfContainedAndEscaped) {
  HtmlReport r("Audit <of> X");
  r.heading("Accuracy");
  r.paragraph("hit rate < 0.2");
  r.warning("month-only data");
  r.csv_table("model,hit,people\nnaive,0.123456,26937.99999999966\nretro,\"0,2\",1\n", "Hit rates",
              1);
  r.methods({{"PAI", "Chainey, Tompson & Uhlig (2008)"}});
  const auto html = r.html();
  EXPECT_NE(html.find("<title>Audit &lt;of&gt; X</title>"), std::string::npos);
  EXPECT_NE(html.find("hit rate &lt; 0.2"), std::string::npos);
  // Shown with 4 significant digits, whole above 1,000.
  EXPECT_NE(html.find("<td>naive</td><td>0.1235</td><td>26938</td>"), std::string::npos);
  EXPECT_EQ(html.find("retro"), std::string::npos);  // max_rows = 1
  EXPECT_NE(html.find("1 more rows"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#s1\">Accuracy</a>"), std::string::npos);
  // Nothing is loaded from elsewhere.
  EXPECT_FALSE(std::regex_search(html, std::regex("(src|href)=\"(https?:)?//")));
}

}  // namespace scrutineer::report
