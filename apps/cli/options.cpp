// `scrutineer options` (hidden): every stage's declared options, or one stage's Markdown table as
// docs/*.md hold it between <!-- options:STAGE --> markers (scripts/gen-docs rewrites them).
#include "scrutineer/recipe/options.hpp"

#include <fmt/format.h>

#include "command.hpp"
#include "option_flags.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::cli {

namespace {

void setup(CLI::App& parent) {
  auto markdown = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("options", "Every stage's options (recipe keys and flags)");
  app->group("");  // hidden: a tool for the docs
  app->add_option("--markdown", *markdown, "Print this stage's Markdown table");
  app->callback([markdown] {
    const auto stages = recipe::option_stages();
    for (const auto& stage : stages) {
      if (markdown->empty()) {
        fmt::print("{:<10} {}\n", stage.stage, stage.title);
        for (const auto& o : stage.options)
          fmt::print("  {:<22} --{:<22} {}\n", o.name, o.flag(), option_type_name(o.type));
      } else if (stage.stage == *markdown) {
        fmt::print("{}", markdown_table(stage));
        return;
      }
    }
    if (!markdown->empty()) throw ConfigError(fmt::format("--markdown: no stage '{}'", *markdown));
  });
}

const bool registered = register_command({"options", 200, setup});

}  // namespace

}  // namespace scrutineer::cli
