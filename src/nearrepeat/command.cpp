// `scrutineer nearrepeat` (scrutineer/nearrepeat/command.hpp).
#include "scrutineer/nearrepeat/command.hpp"

#include <fmt/format.h>

#include <memory>

#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/io/output_folder.hpp"

namespace scrutineer::nearrepeat {

NearRepeatRun run_nearrepeat(const NearRepeatOptions& options) {
  if (options.study.events.empty()) throw ConfigError("nearrepeat: an events file is needed");
  std::unique_ptr<io::OutputFolder> folder;
  if (!options.output.empty())  // refuses a forbidden target before any work
    folder = std::make_unique<io::OutputFolder>(options.output, options.replace);
  auto study_options = options.study;
  study_options.cell_size = 0;  // no grid: the Knox test needs the events only
  study_options.clip = !study_options.region.empty();
  // Distances in the coordinates' own CRS unless another is asked for (the study's default, the
  // UTM zone, would rescale them slightly and move pairs across band edges).
  if (study_options.read.target_crs.empty() && !study_options.read.source_crs.empty())
    study_options.read.target_crs = study_options.read.source_crs;
  NearRepeatRun run;
  run.study = study::build_study(study_options);
  const auto& ev = run.study.events;
  const TimeZone zone(ev.time_zone.empty() ? "UTC" : ev.time_zone);
  std::vector<double> t(ev.size());
  for (std::size_t i = 0; i < ev.size(); ++i)
    t[i] = static_cast<double>(zone.to_local(ev.t[i])) / static_cast<double>(kSecondsPerDay);
  run.result = knox(ev.x, ev.y, t, options.knox);
  run.summary =
      run.study.describe() +
      fmt::format("Events in CRS {}; times in days ({}).\n\n", run.study.crs, zone.name()) +
      knox_summary(run.result, options.alpha);
  if (folder) {
    io::write_text_file(folder->path() / "knox.csv", knox_csv(run.result));
    io::write_text_file(folder->path() / "knox.svg", knox_svg(run.result, options.alpha));
    io::write_text_file(folder->path() / "summary.txt", run.summary);
    folder->commit();
  }
  return run;
}

}  // namespace scrutineer::nearrepeat
