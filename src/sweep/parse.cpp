// Reads a sweep file (docs/sweep.md) and expands it into tasks: the base recipe as a TOML table,
// each axis value set at its dotted key, the result serialised and parsed by the recipe parser.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/read_file.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/recipe/sha256.hpp"
#include "scrutineer/sweep/sweep.hpp"

namespace scrutineer::sweep {

namespace {

namespace fs = std::filesystem;

struct Value {
  toml::array holder;  // the value as the only element (keeps its type)
  std::string text;    // as TOML text
  toml::source_position at;
};

struct Axis {
  std::string key;
  std::vector<Value> values;
  toml::source_position at;
};

[[noreturn]] void fail(const fs::path& file, const toml::source_position& at,
                       const std::string& message) {
  throw ConfigError(fmt::format("{}:{}:{}: {}", file.string(), at.line, at.column, message));
}

// A node as TOML text (a table as its lines, a value as it would follow `key = `).
std::string toml_text(const toml::node& node) {
  std::ostringstream os;
  node.visit([&](const auto& v) { os << toml::toml_formatter(v, toml::format_flags::none); });
  return os.str();
}

Value make_value(const toml::node& node) {
  Value v;
  node.visit([&](const auto& x) { v.holder.push_back(x); });
  v.text = toml_text(node);
  v.at = node.source().begin;
  return v;
}

// `{ from = A, to = B, step = S }`: A, A+S, ... up to B inclusive (integers or floats).
std::vector<Value> range_values(const fs::path& file, const std::string& key,
                                const toml::table& t) {
  const auto at = t.source().begin;
  for (const auto& [k, _] : t)
    if (k.str() != "from" && k.str() != "to" && k.str() != "step")
      fail(file, at,
           fmt::format("axis \"{}\": a range has from, to and step, not '{}'", key, k.str()));
  const auto from = t["from"].value<double>(), to = t["to"].value<double>();
  const auto step = t["step"].value_or(1.0);
  if (!from || !to) fail(file, at, fmt::format("axis \"{}\": a range needs from and to", key));
  if (!(step > 0) || *to < *from)
    fail(file, at, fmt::format("axis \"{}\": expected from <= to and step > 0", key));
  const bool integers =
      t["from"].is_integer() && t["to"].is_integer() && (!t["step"] || t["step"].is_integer());
  const auto count = static_cast<std::size_t>(std::floor((*to - *from) / step + 1e-9)) + 1;
  if (count > 1000000) fail(file, at, fmt::format("axis \"{}\": more than 10^6 values", key));
  std::vector<Value> out;
  for (std::size_t i = 0; i < count; ++i) {
    const double x = *from + static_cast<double>(i) * step;
    Value v;
    if (integers)
      v.holder.push_back(static_cast<std::int64_t>(std::llround(x)));
    else
      v.holder.push_back(x);
    v.text = toml_text(*v.holder.get(0));
    v.at = at;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Axis> read_axes(const fs::path& file, const toml::table& axes) {
  std::vector<Axis> out;
  for (const auto& [key, node] : axes) {
    Axis axis{std::string(key.str()), {}, key.source().begin};
    if (axis.key == "zip") fail(file, axis.at, "zip is a top-level key: put it before [axes]");
    if (const auto* list = node.as_array()) {
      for (const auto& v : *list) axis.values.push_back(make_value(v));
    } else if (const auto* range = node.as_table()) {
      axis.values = range_values(file, axis.key, *range);
    } else {
      fail(file, node.source().begin,
           fmt::format("axis \"{}\": expected an array of values or a range table", axis.key));
    }
    if (axis.values.empty())
      fail(file, node.source().begin, fmt::format("axis \"{}\": no values", axis.key));
    out.push_back(std::move(axis));
  }
  // The file's order (toml++ keeps keys sorted): the first axis varies slowest.
  std::sort(out.begin(), out.end(), [](const Axis& a, const Axis& b) {
    return std::pair(a.at.line, a.at.column) < std::pair(b.at.line, b.at.column);
  });
  return out;
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : key) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  return parts;
}

// The element of an array of tables named by `name` (its name or label) or by its index.
toml::table* element(toml::array& list, const std::string& name) {
  for (auto& node : list) {
    auto* t = node.as_table();
    if (t &&
        ((*t)["name"].value<std::string>() == name || (*t)["label"].value<std::string>() == name))
      return t;
  }
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
    const auto i = std::stoul(name);
    if (i < list.size()) return list.get(i)->as_table();
  }
  return nullptr;
}

// Sets `key` (dotted) in `root` to `value`. Tables on the way are created; an array of tables
// ([[models]]) is entered by an element's name; a model's keys other than name and label are its
// [models.params]. Returns an error message, "" when set.
std::string set_key(toml::table& root, const std::string& key, const toml::node& value) {
  const auto parts = split_key(key);
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) return "an empty part in the key";
    auto* node = table->get(parts[i]);
    if (!node) {
      table->insert(parts[i], toml::table{});
      table = table->get(parts[i])->as_table();
    } else if (auto* t = node->as_table()) {
      table = t;
    } else if (auto* list = node->as_array(); list && list->is_array_of_tables()) {
      if (i + 2 >= parts.size()) return fmt::format("'{}' needs an element's name", parts[i]);
      table = element(*list, parts[i + 1]);
      if (!table) return fmt::format("no element of [[{}]] is named '{}'", parts[i], parts[i + 1]);
      ++i;
      const auto& last = parts.back();
      if (parts[i - 1] == "models" && i + 2 == parts.size() && last != "name" && last != "label" &&
          last != "params") {
        if (!table->get("params")) table->insert("params", toml::table{});
        table = table->get("params")->as_table();
        if (!table) return "[models.params] is not a table";
      }
    } else {
      return fmt::format("'{}' is a value, not a table", parts[i]);
    }
  }
  if (parts.back().empty()) return "an empty part in the key";
  value.visit([&](const auto& v) { table->insert_or_assign(parts.back(), v); });
  return "";
}

toml::table parse_toml(const fs::path& file, const std::string& text) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: not valid TOML: {}", file.string(), at.line, at.column,
                                  e.description()));
  }
}

// Groups of axes that advance together: `zip = [["a", "b"], ...]`; other axes are alone.
std::vector<std::vector<std::size_t>> axis_groups(const fs::path& file, const toml::table& root,
                                                  const std::vector<Axis>& axes) {
  std::vector<int> group_of(axes.size(), -1);
  std::vector<std::vector<std::size_t>> groups;
  if (const auto* zip = root["zip"].as_array()) {
    for (const auto& g : *zip) {
      const auto* keys = g.as_array();
      if (!keys || keys->empty())
        fail(file, g.source().begin, "zip: expected an array of axis keys");
      std::vector<std::size_t> members;
      for (const auto& k : *keys) {
        const auto name = k.value<std::string>();
        const auto it = std::find_if(axes.begin(), axes.end(),
                                     [&](const Axis& a) { return name && a.key == *name; });
        if (it == axes.end())
          fail(file, k.source().begin, "zip: expected the key of an axis in [axes]");
        const auto a = static_cast<std::size_t>(it - axes.begin());
        if (group_of[a] >= 0) fail(file, k.source().begin, "zip: an axis in two groups");
        if (it->values.size() != axes[members.empty() ? a : members[0]].values.size())
          fail(
              file, k.source().begin,
              fmt::format("zip: axis \"{}\" has {} values, \"{}\" has {}", it->key,
                          it->values.size(), axes[members[0]].key, axes[members[0]].values.size()));
        group_of[a] = static_cast<int>(groups.size());
        members.push_back(a);
      }
      groups.push_back(members);
    }
  } else if (root.get("zip")) {
    fail(file, root["zip"].node()->source().begin, "zip: expected an array of arrays of keys");
  }
  std::vector<std::vector<std::size_t>> ordered;  // the file's order of each group's first axis
  for (std::size_t a = 0; a < axes.size(); ++a) {
    if (group_of[a] < 0)
      ordered.push_back({a});
    else if (a == *std::min_element(groups[group_of[a]].begin(), groups[group_of[a]].end()))
      ordered.push_back(groups[group_of[a]]);
  }
  return ordered;
}

struct Base {
  toml::table table;
  fs::path file;  // paths in the recipe resolve against its folder
};

Base read_base(const fs::path& file, const toml::table& root) {
  const auto* node = root.get("recipe");
  if (!node) fail(file, {1, 1}, "the key 'recipe' (a recipe file or a [recipe] table) is required");
  if (const auto path = node->value<std::string>()) {
    auto recipe_file = fs::path(*path);
    if (recipe_file.is_relative()) recipe_file = file.parent_path() / recipe_file;
    std::string text;
    try {
      text = io::read_small_file(recipe_file, 1 << 20, "recipe");
    } catch (const Error& e) {
      fail(file, node->source().begin, fmt::format("recipe: {}", e.what()));
    }
    return {parse_toml(recipe_file, text), fs::absolute(recipe_file).lexically_normal()};
  }
  if (const auto* t = node->as_table()) return {*t, file};
  fail(file, node->source().begin, "recipe: expected a file name or a table");
}

void check_top_keys(const fs::path& file, const toml::table& root) {
  for (const auto& [key, node] : root) {
    const auto k = key.str();
    if (k != "title" && k != "recipe" && k != "axes" && k != "zip" && k != "split")
      fail(file, key.source().begin,
           fmt::format("unknown key '{}' (expected title, recipe, [axes], zip, [split])", k));
  }
}

// [split]: backtest = N, feedback = N (parts per task, 1 to 1000).
void read_split(const fs::path& file, const toml::table& root, Sweep& sweep) {
  const auto* node = root.get("split");
  if (!node) return;
  const auto* t = node->as_table();
  if (!t) fail(file, node->source().begin, "split: expected a table ([split])");
  for (const auto& [key, value] : *t) {
    const auto k = key.str();
    int* parts = k == "backtest"   ? &sweep.split_backtest
                 : k == "feedback" ? &sweep.split_feedback
                                   : nullptr;
    if (!parts)
      fail(file, key.source().begin,
           fmt::format("split: unknown key '{}' (expected backtest, feedback)", k));
    const auto n = value.value<std::int64_t>();
    if (!value.is_integer() || !n || *n < 1 || *n > 1000)
      fail(file, value.source().begin,
           fmt::format("split.{}: expected a number of parts from 1 to 1000", k));
    *parts = static_cast<int>(*n);
  }
}

// Each task whose recipe runs a split stage becomes a merge with its parts appended (the backtest
// when it is split and enabled, else the feedback loop).
void add_parts(Sweep& sweep, const std::vector<std::pair<bool, bool>>& stages) {
  for (std::size_t i = 0; i < sweep.expansion; ++i) {
    const auto [has_backtest, has_feedback] = stages[i];
    const bool b = has_backtest && sweep.split_backtest > 1;
    const bool f = !b && has_feedback && sweep.split_feedback > 1;
    if (!b && !f) continue;
    sweep.tasks[i].split = b ? "backtest" : "feedback";
    sweep.tasks[i].parts = b ? sweep.split_backtest : sweep.split_feedback;
    const Task merge = sweep.tasks[i];  // a copy: the parts are appended to the same vector
    for (int p = 0; p < merge.parts; ++p) {
      Task part;
      part.index = sweep.tasks.size();
      part.values = merge.values;
      part.recipe_text = merge.recipe_text;
      part.split = merge.split;
      part.part = p;
      part.parts = merge.parts;
      part.merge = i;
      part.cost = merge.cost / merge.parts;
      part.id = recipe::sha256_hex(fmt::format("{}\n{}\nsplit {} part {} of {}", part.recipe_text,
                                               sweep.engine, part.split, p, part.parts))
                    .substr(0, 16);
      sweep.tasks[i].part_tasks.push_back(part.index);
      sweep.tasks.push_back(std::move(part));
    }
    // The merge runs the rest of the recipe: ordered after its parts, before smaller tasks.
    sweep.tasks[i].cost /= sweep.tasks[i].parts;
  }
}

}  // namespace

Sweep parse_sweep_text(const fs::path& file, const std::string& text, const std::string& data_dir) {
  const auto root = parse_toml(file, text);
  check_top_keys(file, root);
  Sweep sweep;
  sweep.file = fs::absolute(file).lexically_normal();
  sweep.title = root["title"].value_or(std::string{});
  sweep.data_dir = data_dir;
  sweep.engine = recipe::engine_version();
  read_split(file, root, sweep);
  const auto base = read_base(sweep.file, root);
  sweep.recipe_file = base.file;
  std::vector<Axis> axes;
  if (const auto* t = root["axes"].as_table()) axes = read_axes(file, *t);
  for (const auto& a : axes) sweep.axes.push_back(a.key);
  const auto groups = axis_groups(file, root, axes);
  std::size_t total = 1;
  for (const auto& g : groups) total *= axes[g[0]].values.size();
  if (total > 1000000) fail(file, {1, 1}, fmt::format("{} tasks: at most 10^6", total));
  std::vector<std::pair<bool, bool>> stages;  // per task: backtest, feedback enabled
  for (std::size_t index = 0; index < total; ++index) {
    auto table = base.table;
    Task task;
    task.index = index;
    std::size_t rest = index;
    std::vector<std::pair<const Axis*, const Value*>> chosen(axes.size());
    for (std::size_t gi = groups.size(); gi-- > 0;) {  // last group varies fastest
      const auto n = axes[groups[gi][0]].values.size();
      const auto pick = rest % n;
      rest /= n;
      for (const auto a : groups[gi]) chosen[a] = {&axes[a], &axes[a].values[pick]};
    }
    for (const auto& [axis, value] : chosen) {
      const auto error = set_key(table, axis->key, *value->holder.get(0));
      if (!error.empty()) fail(file, axis->at, fmt::format("axis \"{}\": {}", axis->key, error));
      task.values.emplace_back(axis->key, value->text);
    }
    task.recipe_text = toml_text(table) + "\n";
    try {
      // Named apart from the base file: the line and column are those of the task's recipe text
      // (tasks/<id>/recipe.toml), not of the base recipe.
      const auto named = base.file.parent_path() /
                         fmt::format("{}[task {}]", base.file.filename().string(), index);
      const auto r = recipe::parse_recipe_text(named, task.recipe_text, data_dir);
      stages.emplace_back(r.backtest.enabled, r.feedback.enabled);
    } catch (const ConfigError& e) {
      if (chosen.empty()) throw;
      // The value at fault: the axis the recipe's message names, else the first.
      const std::string message = e.what();
      auto fault = chosen.front();
      for (const auto& c : chosen)
        if (message.find(" " + c.first->key + ":") != std::string::npos ||
            message.find("'" + c.first->key + "'") != std::string::npos)
          fault = c;
      std::string values;
      for (const auto& [k, v] : task.values) values += (values.empty() ? "" : ", ") + k + " = " + v;
      fail(file, fault.second->at,
           fmt::format("task {} ({}): the recipe is refused: {}", index, values, message));
    }
    task.id = recipe::sha256_hex(task.recipe_text + "\n" + sweep.engine).substr(0, 16);
    task.cost = estimate_cost(task.recipe_text, base.file, data_dir);
    sweep.tasks.push_back(std::move(task));
  }
  sweep.expansion = sweep.tasks.size();
  add_parts(sweep, stages);
  return sweep;
}

Sweep parse_sweep(const fs::path& file, const std::string& data_dir) {
  return parse_sweep_text(file, io::read_small_file(file, 1 << 20, "sweep file"), data_dir);
}

std::vector<std::size_t> schedule_order(const Sweep& sweep) {
  std::vector<std::size_t> order(sweep.tasks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sweep.tasks[a].cost > sweep.tasks[b].cost;
  });
  return order;
}

}  // namespace scrutineer::sweep
