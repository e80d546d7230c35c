// A parameter sweep: one base audit recipe and axes of values for its keys, expanded into tasks
// (the cartesian product of the axes; `zip` groups advance together), each a whole recipe text
// checked by the normal recipe parser. docs/sweep.md.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace scrutineer::sweep {

// One task: the recipe with the axes' values set.
struct Task {
  std::size_t index = 0;  // position in the expansion (first axis slowest)
  std::string id;         // sha256(recipe text + "\n" + engine version), 16 hex digits
  std::vector<std::pair<std::string, std::string>> values;  // (axis key, value as TOML text)
  std::string recipe_text;
  double cost = 0;  // estimate_cost() of the parsed recipe
  // A long task split across processes (the sweep file's [split], docs/sweep.md): `split` names
  // the stage ("backtest" or "feedback"; "" = not split). A task of the expansion that is split
  // becomes the merge (part = -1): it runs after its parts (`part_tasks`, indices after every task
  // of the expansion), reads their results and writes the one-process run's files. A part has
  // `part` (0 <= part < parts) and its merge's index in `merge`; its id adds the part to the hash,
  // and it has no row in the summary.
  std::string split;
  int part = -1, parts = 0;
  std::size_t merge = 0;
  std::vector<std::size_t> part_tasks;
  bool is_part() const { return part >= 0; }
};

struct Sweep {
  std::filesystem::path file;         // the sweep file (absolute)
  std::filesystem::path recipe_file;  // paths in tasks resolve against its folder
  std::string title;
  std::string data_dir;           // what ${data} stands for
  std::vector<std::string> axes;  // axis keys in the file's order
  std::vector<Task> tasks;        // the expansion, then the parts of split tasks
  std::size_t expansion = 0;  // tasks of the expansion (the summary's rows): tasks[0, expansion)
  int split_backtest = 1, split_feedback = 1;  // [split]: parts per backtest, per feedback loop
  std::string engine;                          // recipe::engine_version() at expansion
};

// Reads and expands a sweep file; every task's recipe is parsed (all the recipe's checks). Throws
// ConfigError "FILE:LINE:COL: ..." naming the sweep file's key or value at fault.
Sweep parse_sweep(const std::filesystem::path& file, const std::string& data_dir = "");
Sweep parse_sweep_text(const std::filesystem::path& file, const std::string& text,
                       const std::string& data_dir = "");

// The stated cost estimate of one recipe, in "units":
//   backtest: (input MB, at least 1) x periods x models, periods = months or days of [from, to)
//   feedback: days x replicates x mitigations / 1000
//   scores:   input MB (at least 1)
// Only an order for scheduling (largest first) and the dry-run listing; not a time.
double estimate_cost(const std::string& recipe_text, const std::filesystem::path& recipe_file,
                     const std::string& data_dir);

// The order tasks are handed out in: largest estimated cost first, ties by index.
std::vector<std::size_t> schedule_order(const Sweep& sweep);

}  // namespace scrutineer::sweep
