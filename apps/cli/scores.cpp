// `scrutineer scores`: audits a people-focused tool's outputs by group. It never scores a person.
#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/io/atomic_file.hpp"
#include "scrutineer/scores/audit.hpp"
#include "scrutineer/scores/options.hpp"

namespace {

void setup(CLI::App& app) {
  auto command = std::make_shared<scrutineer::scores::ScoresCommand>();
  auto* sub = app.add_subcommand(
      "scores",
      "Audit a people-scoring tool's outputs by group: error rates, disparities, calibration, "
      "representation. It never scores a person.");
  scrutineer::cli::add_stage_flags(*sub, scrutineer::scores::scores_option_set(), *command,
                                   {"", {"path"}, {}, {}});
  sub->add_option("--out", command->out_dir, "Folder for the CSV and JSON outputs");
  sub->add_option("--format", command->format, "Standard output: table, csv or json")
      ->capture_default_str();
  sub->callback([command] {
    scrutineer::io::check_outputs_distinct({{"input", command->people.path}},
                                           {{"--out", command->out_dir}});
    fmt::print("{}", scrutineer::scores::run_scores(*command));
  });
}

const bool registered = scrutineer::cli::register_command({"scores", 60, setup});

}  // namespace
