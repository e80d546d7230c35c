// The Knox test's options, declared once (see nearrepeat/options.hpp); defaults as in Ratcliffe's
// Near Repeat Calculator 1.3 where it has one (docs/nearrepeat.md).
#include "scrutineer/nearrepeat/options.hpp"

#include "scrutineer/study/options.hpp"

namespace scrutineer::nearrepeat {

namespace {

void add_bands(OptionSet<NearRepeatOptions>& s) {
  s.field(
       "spatial_bandwidth", [](auto& o) -> auto& { return o.knox.spatial_bandwidth; },
       "Width of a spatial band")
      .unit("m")
      .above(0);
  s.field(
       "spatial_bands", [](auto& o) -> auto& { return o.knox.spatial_bands; },
       "Number of spatial bands")
      .at_least(1);
  s.field(
       "temporal_bandwidth", [](auto& o) -> auto& { return o.knox.temporal_bandwidth; },
       "Width of a temporal band")
      .unit("days")
      .above(0);
  s.field(
       "temporal_bands", [](auto& o) -> auto& { return o.knox.temporal_bands; },
       "Number of temporal bands")
      .at_least(1);
  s.custom(
       "distance", OptionType::kText,
       [](const NearRepeatOptions& o) { return OptionValue(to_string(o.knox.distance)); },
       [](NearRepeatOptions& o, const OptionValue& v) {
         o.knox.distance = distance_from_string(std::get<std::string>(v));
       },
       "Distance between two events")
      .choices({"euclidean", "manhattan"});
  s.custom(
       "convention", OptionType::kText,
       [](const NearRepeatOptions& o) { return OptionValue(to_string(o.knox.convention)); },
       [](NearRepeatOptions& o, const OptionValue& v) {
         o.knox.convention = convention_from_string(std::get<std::string>(v));
       },
       "Bands: nrc (what NRC 1.3 counts: 'a to b' is [a-1, b)) or exact (what its labels say)")
      .choices({"nrc", "exact"});
}

void add_test(OptionSet<NearRepeatOptions>& s) {
  s.field(
       "permutations", [](auto& o) -> auto& { return o.knox.permutations; },
       "Monte Carlo permutations of the times")
      .at_least(1);
  s.field(
      "seed", [](auto& o) -> auto& { return o.knox.seed; }, "Random seed");
  s.field(
       "alpha", [](auto& o) -> auto& { return o.alpha; },
       "Significance level of the summary and heat map")
      .above(0)
      .below(1);
}

}  // namespace

const OptionSet<NearRepeatOptions>& nearrepeat_option_set() {
  static const OptionSet<NearRepeatOptions> set = [] {
    OptionSet<NearRepeatOptions> s("nearrepeat", "Knox test of near repeats");
    add_bands(s);
    add_test(s);
    s.include(
        study::event_filter_option_set(), [](auto& o) -> auto& { return o.study; });
    return s;
  }();
  return set;
}

StageOptions nearrepeat_stage_options() { return nearrepeat_option_set().describe(); }

}  // namespace scrutineer::nearrepeat
