// `scrutineer run RECIPE`: a whole audit from one TOML recipe into a results folder. The logic is
// recipe::parse_recipe and recipe::run_recipe.
#include "scrutineer/recipe/run.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "command.hpp"

namespace scrutineer::cli {

namespace {

struct RunArgs {
  std::string recipe, data, out;
  bool replace = false;
};

// The command line as typed, for run.json (Linux: /proc/self/cmdline; else the recipe alone).
std::string command_line(const RunArgs& args) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::stringstream raw;
  raw << in.rdbuf();
  std::string text = raw.str();
  if (text.empty()) return "scrutineer run " + args.recipe;
  if (text.back() == '\0') text.pop_back();
  for (auto& c : text)
    if (c == '\0') c = ' ';
  return text;
}

void run(const RunArgs& args) {
  const auto recipe = recipe::parse_recipe(args.recipe, args.data);
  recipe::RunOptions options;
  options.out = args.out;
  options.replace = args.replace;
  options.command_line = command_line(args);
  options.progress = !global_options().quiet;
  options.print = [](const std::string& text) { fmt::print("{}", text); };
  const auto result = recipe::run_recipe(recipe, options);
  fmt::print("== results in {}\n", result.folder.string());
  for (const auto& path : result.written) fmt::print("  {}\n", (result.folder / path).string());
  for (const auto& note : result.notes) fmt::print(stderr, "note: {}\n", note);
  for (const auto& warning : result.warnings) fmt::print(stderr, "warning: {}\n", warning);
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<RunArgs>();
  auto* app = parent.add_subcommand(
      "run",
      "Run a whole audit from a TOML recipe (data, grid, areas, models, backtest, disparity, "
      "feedback, score audit) into a results folder with report.html and run.json");
  app->add_option("recipe", args->recipe, "The recipe (see docs/run.md and examples/)")->required();
  app->add_option("--data", args->data, "Folder that ${data} in the recipe stands for");
  app->add_option("-o,--out", args->out,
                  "Results folder (default: RECIPE-STEM-results beside the recipe); an earlier "
                  "result there is replaced only when the whole run succeeds");
  app->add_flag("--replace", args->replace,
                "Write into an existing folder that holds other files: only the files scrutineer "
                "wrote there before, and files of the same names, are replaced; nothing else is "
                "deleted (without it such a folder is refused)");
  app->callback([args] { run(*args); });
}

const bool registered = register_command({"run", 15, setup});

}  // namespace

}  // namespace scrutineer::cli
