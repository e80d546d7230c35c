// Flags per period: a backtest's operating-point cells, or a police tool's own flags imported from
// CSV (cells, boxes or points by x/y, area ids), so that a force's real boxes can be audited.
#include "scrutineer/disparity/flags.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/geo/areas.hpp"
#include "scrutineer/geo/crs.hpp"
#include "scrutineer/geo/grid.hpp"
#include "scrutineer/io/csv.hpp"

namespace scrutineer::disparity {

namespace {

std::optional<std::size_t> first_column(const io::CsvReader& csv,
                                        std::initializer_list<std::string_view> names) {
  for (const auto name : names)
    if (auto k = csv.find_column(name)) return k;
  return std::nullopt;
}

std::size_t column_or_throw(const io::CsvReader& csv, const std::string& name,
                            std::initializer_list<std::string_view> defaults,
                            std::string_view what) {
  if (!name.empty()) return csv.require_column(name);
  if (auto k = first_column(csv, defaults)) return *k;
  throw ConfigError(fmt::format("disparity: {} has no {} column (looked for {}; found {})",
                                csv.path(), what, fmt::join(defaults, ", "),
                                fmt::join(csv.header(), ", ")));
}

FlagFormat decide_format(const io::CsvReader& csv, const FlagReadOptions& o) {
  if (o.format == "backtest") return FlagFormat::kBacktest;
  if (o.format == "cell") return FlagFormat::kCell;
  if (o.format == "xy") return FlagFormat::kXy;
  if (o.format == "area") return FlagFormat::kArea;
  if (o.format != "auto")
    throw ConfigError(fmt::format(
        "disparity: flags format must be auto, backtest, cell, xy or area, found '{}'", o.format));
  if (csv.find_column("model") && csv.find_column("period_start") && csv.find_column("cell"))
    return FlagFormat::kBacktest;
  if (csv.find_column(o.cell_column)) return FlagFormat::kCell;
  if (csv.find_column(o.area_column)) return FlagFormat::kArea;
  if ((!o.x_column.empty() && csv.find_column(o.x_column)) || first_column(csv, {"x", "lon"}) ||
      csv.find_column("longitude"))
    return FlagFormat::kXy;
  throw ConfigError(fmt::format(
      "disparity: cannot tell the format of the flags in {} (columns: {}); give the format",
      csv.path(), fmt::join(csv.header(), ", ")));
}

double parse_number(const io::CsvRecord& rec, std::size_t k, const std::string& file) {
  const std::string_view s = k < rec.size() ? rec[k] : std::string_view{};
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    throw InputError(file, rec.line, k < rec.size() ? rec.columns[k] : 0,
                     fmt::format("expected a number, found '{}'", s));
  return v;
}

std::int64_t parse_integer(const io::CsvRecord& rec, std::size_t k, const std::string& file) {
  const std::string_view s = k < rec.size() ? rec[k] : std::string_view{};
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
    throw InputError(file, rec.line, k < rec.size() ? rec.columns[k] : 0,
                     fmt::format("expected an integer cell index, found '{}'", s));
  return v;
}

// A backtest flag located by its cell centre, so the grid here may cover a different extent than
// the backtest's; the centre must sit at a cell centre of this grid (same size and origin).
std::int64_t backtest_cell(const io::CsvRecord& rec, std::size_t xk, std::size_t yk,
                           std::int64_t their_cell, const geo::Grid& grid,
                           const std::string& file) {
  const double x = parse_number(rec, xk, file), y = parse_number(rec, yk, file);
  const auto cell = grid.cell_of(x, y);
  if (cell < 0) return -1;
  const double tolerance = 1e-3 * grid.size;
  if (std::abs(grid.centre_x(cell) - x) > tolerance ||
      std::abs(grid.centre_y(cell) - y) > tolerance)
    throw ConfigError(fmt::format(
        "disparity: {} line {}: cell {} has centre ({}, {}), which is not a cell centre of this "
        "grid ({} m cells from ({}, {}), {}); give the backtest's --cell-size, --origin-x/y and "
        "--crs",
        file, rec.line, their_cell, x, y, grid.size, grid.x0, grid.y0, grid.crs));
  return cell;
}

std::string_view field(const io::CsvRecord& rec, std::size_t k) {
  return k < rec.size() ? rec[k] : std::string_view{};
}

// An option that the flags' format cannot honour is an error, never silently ignored (issue 12).
void check_honoured(const FlagReadOptions& o, FlagFormat format, const std::string& file) {
  const FlagReadOptions defaults;
  std::vector<std::string> unused;
  if (format != FlagFormat::kBacktest) {
    if (!o.model.empty()) unused.push_back("model (--model)");
    if (o.top != defaults.top) unused.push_back("top (--top)");
  }
  if (format != FlagFormat::kCell && o.cell_column != defaults.cell_column)
    unused.push_back("cell column (--cell-column)");
  if (format != FlagFormat::kXy) {
    if (!o.x_column.empty()) unused.push_back("x column (--x-column)");
    if (!o.y_column.empty()) unused.push_back("y column (--y-column)");
    if (!o.crs.empty()) unused.push_back("CRS of x/y (--flags-crs)");
  }
  if (format != FlagFormat::kArea && o.area_column != defaults.area_column)
    unused.push_back("area column (--area-column)");
  if (!unused.empty())
    throw ConfigError(fmt::format(
        "disparity: the flags of {} are in the '{}' format, which has no use for the {}: remove "
        "{} or give the format that uses {}",
        file, to_string(format), fmt::join(unused, ", "), unused.size() > 1 ? "them" : "it",
        unused.size() > 1 ? "them" : "it"));
}

FlagTable read(io::CsvReader& csv, const FlagReadOptions& o, const geo::Grid* grid,
               const geo::Areas* areas) {
  FlagTable table;
  table.format = decide_format(csv, o);
  check_honoured(o, table.format, csv.path());
  const std::string& file = csv.path();
  if (table.format != FlagFormat::kArea && grid == nullptr)
    throw ConfigError("disparity: cell and x/y flags need a grid (give the cell size)");
  if (table.format == FlagFormat::kArea && areas == nullptr)
    throw InternalError("disparity: area flags read without areas");

  const std::size_t date_k =
      table.format == FlagFormat::kBacktest && o.date_column.empty()
          ? csv.require_column("period_start")
          : column_or_throw(csv, o.date_column, {"period_start", "date", "day", "month", "period"},
                            "date");
  std::size_t a_k = 0, b_k = 0, model_k = 0, rank_k = 0;
  std::optional<std::size_t> centre_x_k, centre_y_k;
  std::optional<geo::Transformer> transform;
  switch (table.format) {
    case FlagFormat::kBacktest:
      model_k = csv.require_column("model");
      rank_k = csv.require_column("rank");
      a_k = csv.require_column("cell");
      centre_x_k = csv.find_column("centre_x");
      centre_y_k = csv.find_column("centre_y");
      break;
    case FlagFormat::kCell:
      a_k = csv.require_column(o.cell_column);
      break;
    case FlagFormat::kArea:
      a_k = csv.require_column(o.area_column);
      break;
    case FlagFormat::kXy: {
      bool degrees = false;
      if (!o.x_column.empty()) {
        a_k = csv.require_column(o.x_column);
        b_k = csv.require_column(o.y_column.empty() ? std::string("y") : o.y_column);
      } else if (csv.find_column("x") && csv.find_column("y")) {
        a_k = *csv.find_column("x");
        b_k = *csv.find_column("y");
      } else {
        a_k = column_or_throw(csv, "", {"lon", "longitude"}, "x or longitude");
        b_k = column_or_throw(csv, "", {"lat", "latitude"}, "y or latitude");
        degrees = true;
      }
      const std::string from = !o.crs.empty() ? o.crs : degrees ? "EPSG:4326" : grid->crs;
      if (from != grid->crs) transform.emplace(from, grid->crs);
      break;
    }
  }

  // Rows grouped by period start, in first-seen order of dates sorted later by compute_exposure.
  std::map<std::int64_t, std::vector<std::int64_t>> by_date;
  std::map<std::string, bool> models;
  io::CsvRecord rec;
  while (csv.next(rec)) {
    if (rec.unterminated_quote || rec.too_long)  // the reader's limits (issue 19, items 13, 16)
      throw InputError(file, rec.line, 0, rec.problem);
    ++table.rows;
    const auto date = parse_flag_date(field(rec, date_k));
    if (!date)
      throw InputError(file, rec.line, date_k < rec.size() ? rec.columns[date_k] : 0,
                       fmt::format("expected a date (YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM), "
                                   "found '{}'",
                                   field(rec, date_k)));
    std::int64_t unit = -1;
    switch (table.format) {
      case FlagFormat::kBacktest: {
        const std::string model(field(rec, model_k));
        models.emplace(model, true);
        if (!o.model.empty() && model != o.model) continue;
        if (o.top > 0 && parse_integer(rec, rank_k, file) > o.top) continue;
        if (centre_x_k && centre_y_k) {
          unit = backtest_cell(rec, *centre_x_k, *centre_y_k, parse_integer(rec, a_k, file), *grid,
                               file);
          if (unit < 0) {
            ++table.outside_grid;
            by_date.try_emplace(*date);
            continue;
          }
          break;
        }
        [[fallthrough]];
      }
      case FlagFormat::kCell:
        unit = parse_integer(rec, a_k, file);
        if (unit < 0 || unit >= grid->cells())
          throw InputError(
              file, rec.line, rec.columns[a_k],
              fmt::format("expected a cell index in [0, {}), found {}", grid->cells(), unit));
        break;
      case FlagFormat::kArea: {
        const auto found = areas->find(field(rec, a_k));
        if (!found)
          throw InputError(file, rec.line, a_k < rec.size() ? rec.columns[a_k] : 0,
                           fmt::format("expected an id of the areas ({} column '{}'), found '{}'",
                                       areas->source, areas->id_column, field(rec, a_k)));
        unit = static_cast<std::int64_t>(*found);
        break;
      }
      case FlagFormat::kXy: {
        double x = parse_number(rec, a_k, file), y = parse_number(rec, b_k, file);
        if (transform && !transform->transform(x, y))
          throw InputError(file, rec.line, rec.columns[a_k],
                           fmt::format("expected a point that {} can be projected from, found "
                                       "({}, {})",
                                       transform->from_crs(), field(rec, a_k), field(rec, b_k)));
        unit = grid->cell_of(x, y);
        if (unit < 0) {
          ++table.outside_grid;
          by_date.try_emplace(*date);  // the period exists even if all its flags fall outside
          continue;
        }
        break;
      }
    }
    if (table.format != FlagFormat::kArea && !grid->is_valid(unit)) ++table.invalid_cells;
    by_date[*date].push_back(unit);
  }
  for (const auto& [name, seen] : models) table.models.push_back(name);
  if (table.format == FlagFormat::kBacktest) {
    if (o.model.empty() && table.models.size() > 1)
      throw ConfigError(fmt::format("disparity: {} holds flags of several models ({}); choose one",
                                    file, fmt::join(table.models, ", ")));
    table.model = o.model.empty() && !table.models.empty() ? table.models.front() : o.model;
    if (!o.model.empty() && !models.count(o.model))
      throw ConfigError(fmt::format("disparity: {} holds no flags of model '{}' (models: {})", file,
                                    o.model, fmt::join(table.models, ", ")));
  }
  for (auto& [start, units] : by_date) table.periods.push_back({start, std::move(units)});
  return table;
}

}  // namespace

std::string_view to_string(FlagFormat format) {
  switch (format) {
    case FlagFormat::kBacktest:
      return "backtest";
    case FlagFormat::kCell:
      return "cell";
    case FlagFormat::kXy:
      return "xy";
    case FlagFormat::kArea:
      return "area";
  }
  return "?";
}

std::optional<std::int64_t> parse_flag_date(std::string_view text) {
  if (text.size() == 7 && text[4] == '-') return parse_iso_datetime(std::string(text) + "-01");
  return parse_iso_datetime(text);
}

FlagTable read_flags(const std::string& path, const FlagReadOptions& options, const geo::Grid* grid,
                     const geo::Areas* areas) {
  io::CsvReader csv(path);
  return read(csv, options, grid, areas);
}

FlagTable read_flags_from_string(const std::string& name, std::string text,
                                 const FlagReadOptions& options, const geo::Grid* grid,
                                 const geo::Areas* areas) {
  auto csv = io::CsvReader::from_string(name, std::move(text));
  return read(csv, options, grid, areas);
}

std::vector<Period> flags_from_backtest(const evaluate::BacktestResult& result,
                                        const std::string& label) {
  std::vector<std::string> labels;
  const evaluate::ModelResult* chosen = nullptr;
  int candidates = 0;
  for (const auto& model : result.models) {
    const std::string name = model.spec.label.empty() ? model.spec.name : model.spec.label;
    labels.push_back(name);
    if (!label.empty() && name == label) chosen = &model;
    if (label.empty() && !model.spec.baseline) {
      chosen = &model;
      ++candidates;
    }
  }
  if (chosen == nullptr || candidates > 1)
    throw ConfigError(
        fmt::format("disparity: choose the model to audit among: {}", fmt::join(labels, ", ")));
  std::vector<Period> periods;
  for (std::size_t p = 0; p < chosen->periods.size() && p < result.periods.size(); ++p)
    periods.push_back({result.periods[p].start, chosen->periods[p].flagged});
  return periods;
}

}  // namespace scrutineer::disparity
