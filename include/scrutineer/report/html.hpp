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

// One sentence of a report's findings, generated from the numbers, with the section (its id)
// that holds the table and the method behind it.
struct Finding {
  std::string text;
  std::string section;  // id given to heading(); "" = no link
  std::string link_label = "table and method";
};

class HtmlReport {
 public:
  explicit HtmlReport(std::string title);
  void heading(const std::string& text, int level = 2);
  // A section heading with a stable id, for the findings' links ("accuracy", "disparity", ...).
  void section(const std::string& text, const std::string& id);
  // "What was found": a list of sentences shown at the top of the page, above the contents,
  // whenever it is called.
  void findings(const std::vector<Finding>& findings, const std::string& caveat);
  void paragraph(const std::string& text);
  // A warning shown in a highlighted box: something that changes what the numbers can be taken
  // to say (rows dropped, recorded crime taken as true crime).
  void warning(const std::string& text);
  // A note: context that changes no conclusion (what was fitted, identifier columns dropped).
  void note(const std::string& text);
  // Inline SVG produced by scrutineer (trusted: not escaped) with a caption.
  void figure(const std::string& svg, const std::string& caption);
  // A table: the first row is the header. Cells are escaped.
  void table(const std::vector<std::vector<std::string>>& rows, const std::string& caption = "");
  // A CSV text rendered as a table (at most `max_rows` data rows, saying how many were left out).
  void csv_table(const std::string& csv, const std::string& caption, std::size_t max_rows = 50);
  // A CSV text as a table of its key columns, relabelled in plain words (`columns`: CSV name,
  // label with unit), followed by every column behind a "Show all columns" control (<details>: no
  // script). Key columns missing from the CSV are skipped.
  void key_table(const std::string& csv, const std::string& caption,
                 const std::vector<std::pair<std::string, std::string>>& columns,
                 std::size_t max_rows = 50);
  void preformatted(const std::string& text);
  void methods(const std::vector<Citation>& citations);
  std::string html() const;

 private:
  std::string title_;
  std::string summary_;
  std::string body_;
  std::vector<std::string> toc_, toc_ids_;
};

}  // namespace scrutineer::report
