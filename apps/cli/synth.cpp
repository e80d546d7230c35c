// `scrutineer synth`: generate the seeded synthetic city with known true crime and write its files.
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>

#include "command.hpp"
#include "scrutineer/synth/city.hpp"

namespace scrutineer::cli {

namespace {

struct SynthArgs {
  std::string out;
  std::map<std::string, std::string> values;  // option name -> text, only those given
};

void setup(CLI::App& parent) {
  auto args = std::make_shared<SynthArgs>();
  CLI::App* app = parent.add_subcommand(
      "synth",
      "Generate a seeded synthetic city with known true crime (self-exciting per cell, Mohler et "
      "al. 2015), population by group and reporting rates by neighbourhood; writes events.csv, "
      "true_events.csv, areas.geojson, region.geojson and truth.json");
  app->add_option("-o,--out", args->out, "Output folder")->required();
  // Every generator option comes from its one declaration (synth::city_param_specs).
  for (const auto& spec : synth::city_param_specs()) {
    auto* option = app->add_option_function<std::string>(
        "--" + spec.name,
        [args, name = spec.name](const std::string& v) { args->values[name] = v; }, spec.help);
    option->default_str(spec.default_value);
  }
  app->callback([args] {
    ParamSet params(synth::city_param_specs());
    for (const auto& [name, value] : args->values) params.set(name, value);
    const auto city = synth::generate_city(synth::city_options_from(params));
    const auto paths = synth::write_city(city, args->out);
    fmt::print("{}", synth::summary_text(city));
    for (const auto& path : paths) fmt::print("wrote        {}\n", path.string());
  });
}

const bool registered = register_command({"synth", 20, setup});

}  // namespace

}  // namespace scrutineer::cli
