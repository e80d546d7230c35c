// scrutineer: audits predictive-policing tools. It never predicts whether a person is a criminal
// and never scores people; it audits what such tools produce.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/printable.hpp"
#include "scrutineer/core/progress.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::cli {

bool register_command(Command command) {
  commands().push_back(std::move(command));
  return true;
}

std::vector<Command>& commands() {
  static std::vector<Command> list;
  return list;
}

GlobalOptions& global_options() {
  static GlobalOptions options;
  return options;
}

}  // namespace scrutineer::cli

// Exit codes follow sysexits.h: 64 bad option or configuration, 65 bad input data, 74 I/O, 70 bug.
int main(int argc, char** argv) {
  using namespace scrutineer;
  CLI::App app{
      "scrutineer " SCRUTINEER_VERSION
      ": an open engine for auditing predictive-policing tools.\n"
      "It audits forecasts and the outputs of people-scoring tools; it never scores people."};
  app.require_subcommand(1);
  app.set_version_flag("--version", SCRUTINEER_VERSION);
  auto& global = cli::global_options();
  app.add_option("--threads", global.threads, "Worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("-q,--quiet", global.quiet, "No progress bars");
  auto& list = cli::commands();
  std::sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  for (auto& command : list) command.setup(app);
  io::install_interrupt_cleanup();
  std::unique_ptr<ThreadLimit> limit;
  app.parse_complete_callback([&] {
    limit = std::make_unique<ThreadLimit>(global.threads);
    Progress::set_enabled(!global.quiet);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 64;
  } catch (const InputError& e) {
    fmt::print(stderr, "error: {}\n", printable_message(e.what()));
    return 65;
  } catch (const ConfigError& e) {
    fmt::print(stderr, "error: {}\n", printable_message(e.what()));
    return 64;
  } catch (const IoError& e) {
    fmt::print(stderr, "error: {}\n", printable_message(e.what()));
    return 74;
  } catch (const std::filesystem::filesystem_error& e) {  // a file system refused: I/O, not a bug
    fmt::print(stderr, "error: {}\n", e.what());
    return 74;
  } catch (const std::exception& e) {
    fmt::print(stderr, "internal error (please report it): {}\n", printable_message(e.what()));
    return 70;
  }
  return 0;
}
