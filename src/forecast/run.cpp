// One forecast at a time from the registry, its CSV output, and the registry's description.
#include "scrutineer/forecast/run.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::forecast {

Surface forecast_at(const EventSet& events, const geo::Grid& grid, const ForecastRequest& request) {
  auto model = make_model(request.model, request.params);
  if (!events.crs.empty() && !grid.crs.empty() && events.crs != grid.crs)
    throw ConfigError(
        fmt::format("forecast: events are in {} but the grid is in {}", events.crs, grid.crs));
  if (request.train_seconds < 0)
    throw ConfigError(
        fmt::format("forecast: training window must be >= 0; got {} s", request.train_seconds));
  const std::int64_t from = request.train_seconds > 0 ? request.at - request.train_seconds
                                                      : std::numeric_limits<std::int64_t>::min();
  const auto training = events.slice_time(from, request.at);
  return model->forecast(training, grid, request.at);
}

void write_surface_csv(const std::string& path, const geo::Grid& grid, const Surface& surface,
                       const std::vector<std::int64_t>& ranking) {
  std::vector<std::int64_t> rank(static_cast<std::size_t>(grid.cells()), 0);
  for (std::size_t r = 0; r < ranking.size(); ++r)
    rank[static_cast<std::size_t>(ranking[r])] = static_cast<std::int64_t>(r + 1);
  io::AtomicFile file(path);
  auto& out = file.stream();
  out << "cell,ix,iy,x,y,risk,rank\n";
  for (std::int64_t c = 0; c < grid.cells(); ++c) {
    if (!grid.is_valid(c)) continue;
    out << fmt::format("{},{},{},{:.3f},{:.3f},{:.17g},{}\n", c, c % grid.nx, c / grid.nx,
                       grid.centre_x(c), grid.centre_y(c),
                       surface.risk[static_cast<std::size_t>(c)],
                       rank[static_cast<std::size_t>(c)]);
  }
  file.commit();
}

std::string describe_models(bool markdown) {
  std::string out;
  for (const auto& m : models()) {
    if (markdown) {
      out += fmt::format("### `{}`\n\n{}.\n\nPaper: {}.\n\nTime needed in the data: {}.\n\n",
                         m.name, m.summary, m.citation, m.needs_text);
      if (m.params.empty()) {
        out += "No parameters.\n\n";
        continue;
      }
      out += "| parameter | default | meaning | source |\n|---|---|---|---|\n";
      for (const auto& p : m.params) {
        auto help = p.help;
        if (!p.choices.empty()) help += fmt::format(" (one of: {})", fmt::join(p.choices, ", "));
        out += fmt::format("| `{}` | `{}` | {} | {} |\n", p.name, p.default_value, help, p.source);
      }
      out += "\n";
    } else {
      out += fmt::format("{}\n  {}\n  paper: {}\n  time needed: {}\n", m.name, m.summary,
                         m.citation, m.needs_text);
      for (const auto& p : m.params)
        out += fmt::format("  {}={}\n      {}{}\n", p.name, p.default_value, p.help,
                           p.source.empty() ? "" : fmt::format(" [{}]", p.source));
    }
  }
  return out;
}

}  // namespace scrutineer::forecast
