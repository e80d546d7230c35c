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
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;max-width:100%}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:right;overflow-wrap:anywhere}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
caption{text-align:left;font-weight:600;padding:.25rem 0}
.wide{overflow-x:auto}.wide table{max-width:none}details.all-columns{margin:-.5rem 0 1rem}
summary{cursor:pointer;color:#2a4d8f}
figure{margin:1.5rem 0;overflow-x:auto}svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#444}
.warning{background:#fff4e5;border-left:4px solid #e08a00;padding:.5rem 1rem;margin:1rem 0}
.note{background:#f1f5fb;border-left:4px solid #6b8fc7;padding:.5rem 1rem;margin:1rem 0}
.findings{background:#f7f9f4;border:1px solid #b9c9a5;padding:.25rem 1rem;margin:1rem 0}
.findings h2{margin-top:.5rem;border:0}.findings li{margin:.4rem 0}.caveat{font-size:.9rem;color:#444}
pre{background:#f6f6f6;padding:1rem;overflow-x:auto;font-size:.85rem}
nav ol{columns:2}
@media print{body{max-width:none;margin:0;font-size:10pt}nav,details.all-columns{display:none}
table{font-size:8pt;page-break-inside:auto}tr,figure,.findings li{break-inside:avoid}
h2{break-after:avoid}a{color:inherit;text-decoration:none}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:7pt}}
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
    section(text, anchor(toc_.size()));
  } else {
    body_ += fmt::format("<h{0}>{1}</h{0}>\n", level, escape_html(text));
  }
}

void HtmlReport::section(const std::string& text, const std::string& id) {
  body_ += fmt::format("<h2 id=\"{}\">{}</h2>\n", escape_html(id), escape_html(text));
  toc_.push_back(text);
  toc_ids_.push_back(id);
}

void HtmlReport::findings(const std::vector<Finding>& findings, const std::string& caveat) {
  summary_ = "<section class=\"findings\" id=\"findings\">\n<h2>What was found</h2>\n<ul>\n";
  for (const auto& f : findings) {
    summary_ += "<li>" + escape_html(f.text);
    if (!f.section.empty())
      summary_ += fmt::format(" <a href=\"#{}\">({})</a>", escape_html(f.section),
                              escape_html(f.link_label));
    summary_ += "</li>\n";
  }
  summary_ += "</ul>\n";
  if (!caveat.empty()) summary_ += "<p class=\"caveat\">" + escape_html(caveat) + "</p>\n";
  summary_ += "</section>\n";
}

void HtmlReport::paragraph(const std::string& text) {
  body_ += "<p>" + escape_html(text) + "</p>\n";
}

void HtmlReport::warning(const std::string& text) {
  body_ += "<div class=\"warning\" role=\"note\"><strong>Warning:</strong> " + escape_html(text) +
           "</div>\n";
}

void HtmlReport::note(const std::string& text) {
  body_ +=
      "<div class=\"note\" role=\"note\"><strong>Note:</strong> " + escape_html(text) + "</div>\n";
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

void HtmlReport::key_table(const std::string& csv, const std::string& caption,
                           const std::vector<std::pair<std::string, std::string>>& columns,
                           std::size_t max_rows) {
  auto reader = io::CsvReader::from_string(caption, csv);
  std::vector<std::size_t> at;
  std::vector<std::string> labels;
  for (const auto& [name, label] : columns)
    for (std::size_t i = 0; i < reader.header().size(); ++i)
      if (reader.header()[i] == name) {
        at.push_back(i);
        labels.push_back(label);
      }
  std::vector<std::vector<std::string>> rows = {labels};
  io::CsvRecord record;
  while (reader.next(record) && rows.size() <= max_rows) {
    std::vector<std::string> row;
    for (auto i : at) row.push_back(i < record.fields.size() ? for_display(record.fields[i]) : "");
    rows.push_back(std::move(row));
  }
  table(rows, caption);
  body_ +=
      "<details class=\"all-columns\"><summary>Show all columns</summary>\n<div class=\"wide\">";
  csv_table(csv, caption + " (every column, as in the CSV)", max_rows);
  body_ += "</div></details>\n";
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
    nav += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", escape_html(toc_ids_[i]),
                       escape_html(toc_[i]));
  nav += "</ol></nav>\n";
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; img-src data:\">\n"
      "<title>{0}</title><style>{1}</style></head>\n<body>\n<h1>{0}</h1>\n{2}{3}{4}</body></"
      "html>\n",
      escape_html(title_), kStyle, summary_, nav, body_);
}

}  // namespace scrutineer::report
