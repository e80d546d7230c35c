// Bindings of the place-based analyses: backtest, forecast, disparity, nearrepeat and stscan, each
// calling the library function its CLI command calls, with options read from the same declarations.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "common.hpp"
#include "kwargs.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/time.hpp"
#include "scrutineer/disparity/options.hpp"
#include "scrutineer/disparity/run.hpp"
#include "scrutineer/evaluate/backtest.hpp"
#include "scrutineer/evaluate/backtest_options.hpp"
#include "scrutineer/evaluate/policy.hpp"
#include "scrutineer/evaluate/report.hpp"
#include "scrutineer/forecast/options.hpp"
#include "scrutineer/forecast/run.hpp"
#include "scrutineer/ingest/options.hpp"
#include "scrutineer/io/output_folder.hpp"
#include "scrutineer/nearrepeat/command.hpp"
#include "scrutineer/nearrepeat/options.hpp"
#include "scrutineer/scan/command.hpp"
#include "scrutineer/scan/options.hpp"
#include "scrutineer/stops/command.hpp"
#include "scrutineer/stops/options.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::python {

study::StudyOptions study_options(Keywords& k, const std::vector<std::string>& skip_data,
                                  const std::vector<std::string>& required_data);

namespace {

using StudyPtr = std::shared_ptr<study::Study>;

// The study of a call: the one given, or one built from the call's [data]/[grid]/[areas] keywords
// (as the CLI command builds it). Keywords of a study are refused when a study is given.
StudyPtr study_of(StudyPtr given, Keywords& k, const std::vector<std::string>& skip_data,
                  bool cell_areas, py::object progress) {
  if (given) return given;
  auto o = study_options(k, skip_data, {"events"});
  o.progress = false;
  o.cell_areas = cell_areas;
  return std::make_shared<study::Study>(
      call_engine(progress, [&] { return study::build_study(o); }));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct BacktestRun {
  evaluate::BacktestResult result;
  StudyPtr study;
  double seconds = 0;  // the engine's time (run_backtest), for the overhead measurement
};

std::shared_ptr<BacktestRun> backtest(StudyPtr given, const std::vector<std::string>& models,
                                      py::object out, py::object progress, py::kwargs kwargs) {
  Keywords k("backtest", kwargs);
  evaluate::BacktestSetup setup;
  k.apply(evaluate::backtest_option_set(), setup);
  const bool area = setup.options.operating_point.mode == evaluate::PolicyMode::kArea;
  auto st = study_of(given, k, {"from", "to"}, area, progress);
  k.finish();
  if (!st->has_grid) throw ConfigError("backtest: the study has no grid (cell_size 0)");
  if (area && st->cell_area.empty())
    throw ConfigError(
        "backtest: an area operating point needs the cells' areas: build the "
        "study with Study(..., cell_areas=True)");
  auto o = evaluate::dated_options(setup, st->events.time_zone);  // as every front end
  for (const auto& m : models) {
    const auto colon = m.find(':');
    o.models.push_back(
        colon == std::string::npos
            ? evaluate::ModelSpec{m, "", "", false}
            : evaluate::ModelSpec{m.substr(0, colon), m.substr(colon + 1), "", false});
  }
  o.cell_area = st->cell_area;
  o.progress = false;
  auto run = std::make_shared<BacktestRun>();
  run->study = st;
  run->result = call_engine(progress, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto r = evaluate::run_backtest(st->events, st->grid, o);
    run->seconds = seconds_since(start);
    return r;
  });
  if (!out.is_none())
    evaluate::write_backtest_outputs(run->result, st->grid, py::str(out).cast<std::string>());
  return run;
}

// The operating-point flags of one model: period start, cell, rank (1 = highest), in columns.
py::dict flags_of(const BacktestRun& run, std::size_t model) {
  const auto& r = run.result;
  if (model >= r.models.size()) throw py::index_error("no model of that index");
  std::vector<std::int64_t> start, cell, rank;
  const auto& m = r.models[model];
  for (std::size_t p = 0; p < m.periods.size(); ++p)
    for (std::size_t i = 0; i < m.periods[p].flagged.size(); ++i) {
      start.push_back(r.periods[p].start);
      cell.push_back(m.periods[p].flagged[i]);
      rank.push_back(static_cast<std::int64_t>(i + 1));
    }
  py::dict d;
  d["period_start"] = py::array_t<std::int64_t>(start.size(), start.data());
  d["cell"] = py::array_t<std::int64_t>(cell.size(), cell.data());
  d["rank"] = py::array_t<std::int64_t>(rank.size(), rank.data());
  return d;
}

struct ForecastRun {
  forecast::Surface surface;
  std::vector<std::int64_t> ranking, top;
  StudyPtr study;
  double seconds = 0;
};

std::shared_ptr<ForecastRun> forecast_call(StudyPtr given, py::object output, py::object progress,
                                           py::kwargs kwargs) {
  Keywords k("forecast", kwargs);
  forecast::ForecastSetup a;
  k.apply(forecast::forecast_option_set(), a);
  auto st = study_of(given, k, {"from", "to"}, false, progress);
  k.finish();
  if (!st->has_grid) throw ConfigError("forecast: the study has no grid (cell_size 0)");
  const forecast::ForecastRequest req = forecast::forecast_request(a, st->events.time_zone);
  evaluate::Policy policy;
  policy.coverage = a.coverage;
  policy.tie_rule = evaluate::tie_rule_from_string(a.tie_rule);
  policy.seed = a.seed;
  auto run = std::make_shared<ForecastRun>();
  run->study = st;
  call_engine(progress, [&] {
    const auto start = std::chrono::steady_clock::now();
    run->surface = forecast::forecast_at(st->events, st->grid, req);
    run->ranking = evaluate::rank_cells(run->surface.risk, st->grid, policy.tie_rule, policy.seed);
    run->top = evaluate::select_top(run->surface.risk, st->grid, policy);
    run->seconds = seconds_since(start);
    return 0;
  });
  if (!output.is_none())
    forecast::write_surface_csv(py::str(output).cast<std::string>(), st->grid, run->surface,
                                run->ranking);
  return run;
}

py::dict disparity_call(py::object out, py::object progress, py::kwargs kwargs) {
  Keywords k("disparity", kwargs);
  study::StudyOptions s;
  disparity::DisparityOptions o;
  const bool cell_size_given = kwargs.contains("cell_size");
  k.apply(study::areas_option_set(), s, {}, {"areas", "area_id", "groups"});
  k.apply(disparity::flags_option_set(), o);
  k.apply(study::grid_option_set(), s);
  k.apply(study::data_option_set(), s, {"category"});
  k.apply(disparity::disparity_option_set(), o);
  k.finish();
  // As `scrutineer disparity`: no grid unless asked for; the areas' UTM zone by default.
  if (!cell_size_given) s.cell_size = 0;
  if (s.read.target_crs.empty()) s.read.target_crs = "utm";
  s.progress = false;
  o.progress = false;
  o.out = out.is_none() ? temporary_folder() : py::str(out).cast<std::string>();
  const auto report = call_engine(progress, [&] { return disparity::run_disparity(s, o); });
  py::dict d;
  d["folder"] = o.out;
  d["summary"] = report.summary;
  d["title"] = report.title;
  d["notes"] = report.notes;
  d["written"] = report.written;
  return d;
}

template <class T>
void take(Keywords& k, const char* name, T& field) {
  if (auto v = k.pop(name); !v.is_none()) {
    if constexpr (std::is_same_v<T, bool>) {
      if (!py::isinstance<py::bool_>(v))
        throw ConfigError(fmt::format("keyword '{}': expected true/false", name));
    }
    try {
      field = v.cast<T>();
    } catch (const py::cast_error&) {
      throw ConfigError(fmt::format("keyword '{}': a value of the wrong type: {}", name,
                                    std::string(py::repr(v))));
    }
  }
}

// A command on one events file (`scrutineer nearrepeat`, `scrutineer stscan`): the reading keys
// and the command's declared options as keywords, its folder as the command writes it (a
// temporary folder when no `out` is given).
template <class Options, class Set, class Run>
py::dict events_command_call(const char* name, const std::string& events, py::object out,
                             py::object progress, py::kwargs kwargs, const Set& set, Run run) {
  Keywords k(name, kwargs);
  Options o;
  o.study.events = events;
  k.apply(ingest::read_option_set(), o.study.read);
  k.apply(set, o);
  take(k, "replace", o.replace);
  k.finish();
  o.study.progress = false;
  o.output = out.is_none() ? temporary_folder() : py::str(out).cast<std::string>();
  if (out.is_none()) o.replace = true;  // the fresh temporary folder exists already
  const auto r = call_engine(progress, [&] { return run(o); });
  py::dict d;
  d["folder"] = o.output;
  d["summary"] = r.summary;
  return d;
}

// `scrutineer nearrepeat`: the Knox test through nearrepeat::run_nearrepeat.
py::dict nearrepeat_call(const std::string& events, py::object out, py::object progress,
                         py::kwargs kwargs) {
  return events_command_call<nearrepeat::NearRepeatOptions>(
      "nearrepeat", events, out, progress, kwargs, nearrepeat::nearrepeat_option_set(),
      [](const nearrepeat::NearRepeatOptions& o) { return nearrepeat::run_nearrepeat(o); });
}

// `scrutineer stscan`: the space-time scans (Kulldorff et al. 2005 permutation, Kulldorff 2001
// Poisson) through scan::run_stscan, as the command and the recipe's [stscan] stage.
py::dict stscan_call(const std::string& events, py::object out, py::object progress,
                     py::kwargs kwargs) {
  return events_command_call<scan::StScanCommandOptions>(
      "stscan", events, out, progress, kwargs, scan::stscan_option_set(),
      [](const scan::StScanCommandOptions& o) { return scan::run_stscan(o); });
}

// `scrutineer stops` (apps/cli/stops.cpp): the [stops] keys, written through the same
// results-folder rule as the command (a temporary folder when no `out` is given).
py::dict stops_call(py::object out, py::object progress, bool replace, py::kwargs kwargs) {
  Keywords k("stops", kwargs);
  stops::StopsOptions o;
  k.apply(stops::stops_option_set(), o);
  k.finish();
  const std::string path = out.is_none() ? temporary_folder() : py::str(out).cast<std::string>();
  io::OutputFolder folder(path, replace || out.is_none());  // refused before any work
  const auto r = call_engine(progress, [&] { return stops::run_stops(o); });
  stops::write_stops(r, folder.path());
  folder.commit();
  py::dict d;
  d["folder"] = path;
  d["summary"] = r.summary;
  return d;
}

}  // namespace

void bind_analyses(py::module_& m) {
  py::class_<BacktestRun, std::shared_ptr<BacktestRun>>(m, "BacktestRun")
      .def("periods_csv", [](const BacktestRun& r) { return evaluate::periods_csv(r.result); })
      .def("summary_json", [](const BacktestRun& r) { return evaluate::summary_json(r.result); })
      .def("hit_counts_csv",
           [](const BacktestRun& r) { return evaluate::hit_counts_csv(r.result); })
      .def("flagged_csv",
           [](const BacktestRun& r) { return evaluate::flagged_csv(r.result, r.study->grid); })
      .def("flag_counts_csv",
           [](const BacktestRun& r) { return evaluate::flag_counts_csv(r.result, r.study->grid); })
      .def("coverage_svg", [](const BacktestRun& r) { return evaluate::coverage_svg(r.result); })
      .def("summary_table", [](const BacktestRun& r) { return evaluate::summary_table(r.result); })
      .def("write",
           [](const BacktestRun& r, const std::string& folder) {
             evaluate::write_backtest_outputs(r.result, r.study->grid, folder);
           })
      .def("flags", &flags_of)
      .def_property_readonly(
          "labels",
          [](const BacktestRun& r) {
            std::vector<std::string> out;
            for (const auto& model : r.result.models)
              out.push_back(model.spec.label.empty() ? model.spec.name : model.spec.label);
            return out;
          })
      .def_property_readonly("study", [](const BacktestRun& r) { return r.study; })
      .def_readonly("seconds", &BacktestRun::seconds);
  m.def("backtest", &backtest, py::arg("study") = nullptr,
        py::arg("models") = std::vector<std::string>{}, py::arg("out") = py::none(),
        py::arg("progress") = py::none());

  py::class_<ForecastRun, std::shared_ptr<ForecastRun>>(m, "ForecastRun")
      .def_property_readonly(
          "risk",
          [](py::object self) { return view(self.cast<ForecastRun&>().surface.risk, self); })
      .def_property_readonly(
          "ranking", [](py::object self) { return view(self.cast<ForecastRun&>().ranking, self); })
      .def_property_readonly(
          "top", [](py::object self) { return view(self.cast<ForecastRun&>().top, self); })
      .def_property_readonly("is_rate", [](const ForecastRun& r) { return r.surface.is_rate; })
      .def_property_readonly("study", [](const ForecastRun& r) { return r.study; })
      .def_readonly("seconds", &ForecastRun::seconds);
  m.def("forecast", &forecast_call, py::arg("study") = nullptr, py::arg("output") = py::none(),
        py::arg("progress") = py::none());

  m.def("disparity", &disparity_call, py::arg("out") = py::none(),
        py::arg("progress") = py::none());
  m.def("stops", &stops_call, py::arg("out") = py::none(), py::arg("progress") = py::none(),
        py::arg("replace") = false);
  m.def("nearrepeat", &nearrepeat_call, py::arg("events"), py::arg("out") = py::none(),
        py::arg("progress") = py::none());
  m.def("stscan", &stscan_call, py::arg("events"), py::arg("out") = py::none(),
        py::arg("progress") = py::none());
}

}  // namespace scrutineer::python
