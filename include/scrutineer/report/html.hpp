// Self-contained HTML reports: no script, font or image is fetched from the network; charts and
// maps are inline SVG. Every text is escaped.
#pragma once

#include <string>
#include <vector>

namespace scrutineer::report {

std::string escape_html(const std::string& text);

struct Citation {
  std::string method;  // e.g. "Prospective hotspotting"
  std::string paper;   // e.g. "Bowers, Johnson & Pease (2004), Brit. J. Criminology 44(5) 641-658"
};

class HtmlReport {
 public:
  explicit HtmlReport(std::string title);
  void heading(const std::string& text, int level = 2);
  void paragraph(const std::string& text);
  // A warning shown in a highlighted box (month-only data, rows dropped, overlapping categories).
  void warning(const std::string& text);
  // Inline SVG produced by scrutineer (trusted: not escaped) with a caption.
  void figure(const std::string& svg, const std::string& caption);
  // A table: the first row is the header. Cells are escaped.
  void table(const std::vector<std::vector<std::string>>& rows, const std::string& caption = "");
  // A CSV text rendered as a table (at most `max_rows` data rows, saying how many were left out).
  void csv_table(const std::string& csv, const std::string& caption, std::size_t max_rows = 50);
  void preformatted(const std::string& text);
  void methods(const std::vector<Citation>& citations);
  std::string html() const;

 private:
  std::string title_;
  std::string body_;
  std::vector<std::string> toc_;
};

}  // namespace scrutineer::report
