// Subcommand registration: each apps/cli/<name>.cpp registers one subcommand at start-up, so adding
// a command touches no other file. A command's logic lives in the core library; this layer only
// maps options to a library call and prints.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace scrutineer::cli {

struct Command {
  std::string name;
  int order;                                    // position in --help
  std::function<void(CLI::App& parent)> setup;  // adds the subcommand and its callback
};

bool register_command(Command command);
std::vector<Command>& commands();

// Options every command shares.
struct GlobalOptions {
  int threads = 0;  // 0 = all cores
  bool quiet = false;
};
GlobalOptions& global_options();

}  // namespace scrutineer::cli
