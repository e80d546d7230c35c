// Self-contained HTML reports.
#include "scrutineer/report/html.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "scrutineer/io/csv.hpp"

namespace scrutineer::report {

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

namespace {
const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{border-bottom:2px solid #333}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;display:block;overflow-x:auto}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:right}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
figure{margin:1.5rem 0;overflow-x:auto}svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#444}
.warning{background:#fff4e5;border-left:4px solid #e08a00;padding:.5rem 1rem;margin:1rem 0}
pre{background:#f6f6f6;padding:1rem;overflow-x:auto;font-size:.85rem}
nav ol{columns:2}
)";

std::string anchor(std::size_t i) { return fmt::format("s{}", i + 1); }

// A number with a fractional part is shown with 4 significant digits (whole above 1,000); the CSV
// beside the report keeps every digit. Anything else is shown as it is.
std::string for_display(std::string_view cell) {
  if (cell.find('.') == std::string_view::npos) return std::string(cell);
  double v = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || end != cell.data() + cell.size()) return std::string(cell);
  if (std::fabs(v) >= 1000) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}
}  // namespace

HtmlReport::HtmlReport(std::string title) : title_(std::move(title)) {}

void HtmlReport::heading(const std::string& text, int level) {
  if (level == 2) {
    body_ += fmt::format("<h2 id=\"{}\">{}</h2>\n", anchor(toc_.size()), escape_html(text));
    toc_.push_back(text);
  } else {
    body_ += fmt::format("<h{0}>{1}</h{0}>\n", level, escape_html(text));
  }
}

void HtmlReport::paragraph(const std::string& text) {
  body_ += "<p>" + escape_html(text) + "</p>\n";
}

void HtmlReport::warning(const std::string& text) {
  body_ += "<div class=\"warning\" role=\"note\"><strong>Warning:</strong> " + escape_html(text) +
           "</div>\n";
}

void HtmlReport::figure(const std::string& svg, const std::string& caption) {
  body_ +=
      "<figure>\n" + svg + "\n<figcaption>" + escape_html(caption) + "</figcaption></figure>\n";
}

void HtmlReport::table(const std::vector<std::vector<std::string>>& rows,
                       const std::string& caption) {
  if (rows.empty()) return;
  body_ += "<table>\n";
  if (!caption.empty()) body_ += "<caption>" + escape_html(caption) + "</caption>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const char* tag = r == 0 ? "th" : "td";
    body_ += "<tr>";
    for (const auto& cell : rows[r]) body_ += fmt::format("<{0}>{1}</{0}>", tag, escape_html(cell));
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void HtmlReport::csv_table(const std::string& csv, const std::string& caption,
                           std::size_t max_rows) {
  auto reader = io::CsvReader::from_string(caption, csv);
  std::vector<std::vector<std::string>> rows = {reader.header()};
  io::CsvRecord record;
  std::size_t left_out = 0;
  while (reader.next(record)) {
    if (rows.size() > max_rows) {
      ++left_out;
      continue;
    }
    std::vector<std::string> row;
    for (auto field : record.fields) row.push_back(for_display(field));
    rows.push_back(std::move(row));
  }
  table(rows, caption);
  if (left_out > 0)
    paragraph(fmt::format("{} more rows are in the CSV file beside this report.", left_out));
}

void HtmlReport::preformatted(const std::string& text) {
  body_ += "<pre>" + escape_html(text) + "</pre>\n";
}

void HtmlReport::methods(const std::vector<Citation>& citations) {
  heading("Methods and references");
  body_ += "<dl>\n";
  for (const auto& c : citations)
    body_ += "<dt>" + escape_html(c.method) + "</dt><dd>" + escape_html(c.paper) + "</dd>\n";
  body_ += "</dl>\n";
}

std::string HtmlReport::html() const {
  std::string nav = "<nav><ol>\n";
  for (std::size_t i = 0; i < toc_.size(); ++i)
    nav += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", anchor(i), escape_html(toc_[i]));
  nav += "</ol></nav>\n";
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:\">\n"
      "<title>{0}</title><style>{1}</style></head>\n<body>\n<h1>{0}</h1>\n{2}{3}</body></html>\n",
      escape_html(title_), kStyle, nav, body_);
}

}  // namespace scrutineer::report
