// Bindings of the feedback loops (`scrutineer feedback urn|lum-isaac|loop`) and of the Lum & Isaac
// (2016) PredPol reproduction (`scrutineer lum-isaac`). Each writes the command's files into a
// folder (a temporary one when no out= is given), which the Python side reads.
#include <fmt/format.h>

#include "common.hpp"
#include "kwargs.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/params.hpp"
#include "scrutineer/feedback/loop.hpp"
#include "scrutineer/feedback/lum_isaac_loop.hpp"
#include "scrutineer/feedback/options.hpp"
#include "scrutineer/feedback/output.hpp"
#include "scrutineer/feedback/urn.hpp"
#include "scrutineer/feedback/world.hpp"
#include "scrutineer/forecast/lum_isaac.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/study/study.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::python {

namespace {

std::string folder_of(const py::object& out) {
  return out.is_none() ? temporary_folder() : py::str(out).cast<std::string>();
}

std::vector<std::string> texts(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.string());
  return out;
}

py::dict outcome(const std::string& folder, const std::string& text,
                 const std::vector<std::string>& written) {
  py::dict d;
  d["folder"] = folder;
  d["text"] = text;
  d["written"] = written;
  return d;
}

// Ensign et al. (2018) urns with `scrutineer feedback urn`'s flags (CLI11 there, not an option
// set).
py::dict urn_call(std::vector<double> prior, std::vector<double> rates,
                  std::vector<double> reported, std::optional<double> discovered_weight,
                  std::optional<double> reported_weight, std::string replacement, bool rejection,
                  std::optional<double> decay, std::optional<double> floor,
                  std::optional<std::int64_t> days, std::optional<std::int64_t> replicates,
                  std::optional<std::uint64_t> seed, std::optional<std::int64_t> record_every,
                  py::object out, py::object progress) {
  feedback::UrnOptions o;
  o.prior = std::move(prior);
  o.discovery_rate = std::move(rates);
  o.report_rate = std::move(reported);
  if (discovered_weight) o.discovered_weight = *discovered_weight;
  if (reported_weight) o.reported_weight = *reported_weight;
  o.replacement = feedback::replacement_from_string(replacement);
  o.rejection = rejection;
  if (decay) o.decay = *decay;
  if (floor) o.floor = *floor;
  if (days) o.days = *days;
  if (replicates) o.replicates = *replicates;
  if (seed) o.seed = *seed;
  if (record_every) o.record_every = *record_every;
  o.progress = false;
  const auto folder = folder_of(out);
  const auto [text, written] = call_engine(progress, [&] {
    const auto r = feedback::run_urn(o);
    return std::make_pair(feedback::urn_text(r, o),
                          texts(feedback::write_urn_outputs(r, o, folder)));
  });
  return outcome(folder, text, written);
}

// Lum & Isaac's loop on Oakland (`scrutineer feedback lum-isaac`'s flags).
py::dict lum_isaac_loop_call(const std::string& crimes, std::string first, std::string last,
                             std::optional<int> window, std::optional<int> top,
                             std::optional<double> p, std::optional<std::int64_t> replicates,
                             std::optional<std::uint64_t> seed, py::object out,
                             py::object progress) {
  feedback::LumIsaacLoopOptions o;
  if (window) o.window_days = *window;
  if (top) o.top_k = *top;
  if (p) o.p = *p;
  if (replicates) o.replicates = *replicates;
  if (seed) o.seed = *seed;
  o.progress = false;
  const auto folder = folder_of(out);
  const auto [text, written] = call_engine(progress, [&] {
    const auto data = feedback::read_oakland_bin_days(crimes, first, last, o.window_days);
    const auto r = feedback::run_lum_isaac_loop(data, o);
    return std::make_pair(feedback::lum_isaac_text(r),
                          texts(feedback::write_lum_isaac_outputs(r, o, folder)));
  });
  return outcome(folder, text, written);
}

// The closed-loop simulator (`scrutineer feedback loop`): [feedback] and the truth's options, and
// for the fitted truth the study's [data], [grid] and [areas] keywords, as the command reads them.
py::dict loop_call(py::object out, py::object progress, py::kwargs kwargs) {
  Keywords k("feedback.loop", kwargs);
  feedback::LoopOptions o;
  feedback::TruthOptions t;
  study::StudyOptions st;
  k.apply(feedback::loop_option_set(), o);
  k.apply(feedback::truth_option_set(), t);
  k.apply(study::data_option_set(), st, {"from", "to"});
  k.apply(study::grid_option_set(), st);
  k.apply(study::areas_option_set(), st, {"reference", "ethnicity_columns"});
  k.finish();
  o.progress = false;
  st.progress = false;
  feedback::validate(o);  // before a fit that may take a while
  const auto folder = folder_of(out);
  const auto [text, written] = call_engine(progress, [&] {
    const feedback::World world = feedback::truth_world(t, st);  // the CLI's rule
    const auto r = feedback::run_loop(world, o);
    return std::make_pair(feedback::loop_text(r),
                          texts(feedback::write_loop_outputs(r, o, folder)));
  });
  return outcome(folder, text, written);
}

// Lum & Isaac's (2016) PredPol run on Oakland drug crimes (`scrutineer lum-isaac`'s flags).
py::dict lum_isaac_call(const std::string& crimes, py::object out, std::string first,
                        std::string last, std::optional<int> window, std::optional<int> top,
                        std::optional<int> bins, std::string stop,
                        std::optional<int> max_iterations, bool edge_corrected,
                        py::object progress) {
  forecast::LumIsaacOptions o;
  o.crimes_csv = crimes;
  if (!first.empty()) o.first_date = first;
  if (!last.empty()) o.last_date = last;
  if (window) o.window_days = *window;
  if (top) o.top_k = *top;
  if (bins) o.bins = *bins;
  if (max_iterations) o.em.max_iterations = *max_iterations;
  if (stop != "any" && stop != "all")
    throw ConfigError(fmt::format("keyword 'stop' must be any or all; got '{}'", stop));
  o.em.stop = stop == "any" ? forecast::SeppGridStop::kAny : forecast::SeppGridStop::kAll;
  o.em.edge_corrected = edge_corrected;
  const auto folder = folder_of(out);
  const auto text = call_engine(progress, [&] {
    const auto r = forecast::run_lum_isaac(o);
    forecast::write_lum_isaac(r, folder);
    return fmt::format("{} rows ({} with bin NA, dropped), {} bins x {} dates -> {}\n", r.rows,
                       r.rows_na_bin, r.intensity.size(), r.days.size(), folder);
  });
  return outcome(folder, text, {});
}

}  // namespace

void bind_feedback(py::module_& m) {
  m.def("urn", &urn_call, py::arg("prior") = std::vector<double>{609, 379},
        py::arg("rates") = std::vector<double>{0.5, 0.5},
        py::arg("reported") = std::vector<double>{}, py::arg("discovered_weight") = py::none(),
        py::arg("reported_weight") = py::none(), py::arg("replacement") = "bernoulli",
        py::arg("rejection") = false, py::arg("decay") = py::none(), py::arg("floor") = py::none(),
        py::arg("days") = py::none(), py::arg("replicates") = py::none(),
        py::arg("seed") = py::none(), py::arg("record_every") = py::none(),
        py::arg("out") = py::none(), py::arg("progress") = py::none());
  m.def("lum_isaac_loop", &lum_isaac_loop_call, py::arg("crimes"), py::arg("first") = "2010-12-28",
        py::arg("last") = "2011-12-30", py::arg("window") = py::none(), py::arg("top") = py::none(),
        py::arg("p") = py::none(), py::arg("replicates") = py::none(), py::arg("seed") = py::none(),
        py::arg("out") = py::none(), py::arg("progress") = py::none());
  m.def("loop", &loop_call, py::arg("out") = py::none(), py::arg("progress") = py::none());
  m.def("lum_isaac", &lum_isaac_call, py::arg("crimes"), py::arg("out") = py::none(),
        py::arg("first") = "", py::arg("last") = "", py::arg("window") = py::none(),
        py::arg("top") = py::none(), py::arg("bins") = py::none(), py::arg("stop") = "any",
        py::arg("max_iterations") = py::none(), py::arg("edge_corrected") = false,
        py::arg("progress") = py::none());
}

}  // namespace scrutineer::python
