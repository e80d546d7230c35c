// Typed, position-aware access to one table of a TOML recipe.
#include "section.hpp"

#include <fmt/format.h>

#include "scrutineer/core/error.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

std::string value_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return fmt::format("{}", f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return "";
}

}  // namespace

Section::Section(const Context& context, const toml::table& table, std::string name)
    : context_(context), table_(table), name_(std::move(name)) {}

void Section::fail_at(const toml::source_region& where, const std::string& what) const {
  throw ConfigError(
      fmt::format("{}:{}:{}: {}", context_.file, where.begin.line, where.begin.column, what));
}

std::string Section::position(const std::string& key) const {
  const auto* node = table_.get(key);
  const auto& at = node ? node->source().begin : table_.source().begin;
  const std::string what = node ? (name_.empty() ? key : name_ + "." + key)
                                : "[" + (name_.empty() ? std::string("recipe") : name_) + "]";
  return fmt::format("{}:{}:{}: {}", context_.file, at.line, at.column, what);
}

void Section::fail(const std::string& key, const std::string& what) const {
  const auto* node = table_.get(key);
  const std::string where = name_.empty() ? key : name_ + "." + key;
  if (node) fail_at(node->source(), fmt::format("{}: {}", where, what));
  fail_at(table_.source(), fmt::format("[{}]: {}", name_.empty() ? "recipe" : name_, what));
}

void Section::wrong_type(const std::string& key, const toml::node& node,
                         const std::string& expected) const {
  fail(key, fmt::format("expected {}, found {}", expected, type_name(node)));
}

const toml::node* Section::get(const std::string& key) {
  used_.insert(key);
  return table_.get(key);
}

std::string Section::expand(const std::string& key, const std::string& value) const {
  static const std::string kData = "${data}";
  const auto at = value.find(kData);
  if (at == std::string::npos) return value;
  if (context_.data_dir.empty())
    fail(key, "uses ${data}, but no data folder was given (scrutineer run RECIPE --data DIR)");
  std::string out = value;
  for (auto pos = at; pos != std::string::npos; pos = out.find(kData, pos + 1))
    out.replace(pos, kData.size(), context_.data_dir);
  return out;
}

std::string Section::text(const std::string& key, const std::string& fallback) {
  const auto* node = get(key);
  if (!node) return fallback;
  if (!node->is_string()) wrong_type(key, *node, "a string");
  return expand(key, node->as_string()->get());
}

std::string Section::required_text(const std::string& key) {
  if (!table_.contains(key)) fail(key, fmt::format("the key '{}' is required", key));
  return text(key);
}

double Section::number(const std::string& key, double fallback) {
  const auto* node = get(key);
  if (!node) return fallback;
  if (const auto* i = node->as_integer()) return static_cast<double>(i->get());
  if (const auto* f = node->as_floating_point()) return f->get();
  wrong_type(key, *node, "a number");
}

std::int64_t Section::integer(const std::string& key, std::int64_t fallback) {
  const auto* node = get(key);
  if (!node) return fallback;
  if (const auto* i = node->as_integer()) return i->get();
  wrong_type(key, *node, "an integer");
}

bool Section::boolean(const std::string& key, bool fallback) {
  const auto* node = get(key);
  if (!node) return fallback;
  if (const auto* b = node->as_boolean()) return b->get();
  wrong_type(key, *node, "true or false");
}

std::vector<std::string> Section::texts(const std::string& key) {
  const auto* node = get(key);
  if (!node) return {};
  if (node->is_string()) return {expand(key, node->as_string()->get())};
  const auto* array = node->as_array();
  if (!array) wrong_type(key, *node, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *array) {
    if (!item.is_string())
      fail_at(item.source(), fmt::format("{}.{}: expected an array of strings, found {} in it",
                                         name_, key, type_name(item)));
    out.push_back(expand(key, item.as_string()->get()));
  }
  return out;
}

std::vector<double> Section::numbers(const std::string& key) {
  const auto* node = get(key);
  if (!node) return {};
  const auto* array = node->as_array();
  if (!array) wrong_type(key, *node, "an array of numbers");
  std::vector<double> out;
  for (const auto& item : *array) {
    if (const auto* i = item.as_integer()) {
      out.push_back(static_cast<double>(i->get()));
    } else if (const auto* f = item.as_floating_point()) {
      out.push_back(f->get());
    } else {
      fail_at(item.source(), fmt::format("{}.{}: expected an array of numbers, found {} in it",
                                         name_, key, type_name(item)));
    }
  }
  return out;
}

std::string Section::input_path(const std::string& key, bool required) {
  const auto value = required ? required_text(key) : text(key);
  if (value.empty()) return value;
  fs::path path(value);
  if (path.is_relative()) path = context_.base / path;
  path = path.lexically_normal();
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    fail(key, fmt::format("expected an existing file, found no file at '{}'", path.string()));
  if (context_.inputs) context_.inputs->push_back(path);
  return path.string();
}

std::optional<Section> Section::table(const std::string& key) {
  const auto* node = get(key);
  if (!node) return std::nullopt;
  if (!node->is_table()) wrong_type(key, *node, "a table");
  return Section(context_, *node->as_table(), name_.empty() ? key : name_ + "." + key);
}

std::vector<std::pair<std::string, std::string>> Section::assignments(const std::string& key) {
  const auto* node = get(key);
  if (!node) return {};
  if (!node->is_table()) wrong_type(key, *node, "a table of parameters");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : *node->as_table()) {
    if (!value.is_value() || value.is_date() || value.is_time() || value.is_date_time())
      fail_at(value.source(),
              fmt::format("{}.{}.{}: expected a string, number or boolean, found {}", name_, key,
                          name.str(), type_name(value)));
    out.emplace_back(std::string(name.str()), value_text(value));
  }
  return out;
}

std::vector<Section> Section::tables(const std::string& key) {
  const auto* node = get(key);
  if (!node) return {};
  const auto* array = node->as_array();
  if (!array || !array->is_array_of_tables()) wrong_type(key, *node, "an array of tables");
  std::vector<Section> out;
  for (const auto& item : *array) out.emplace_back(context_, *item.as_table(), key);
  return out;
}

void Section::finish() const {
  for (const auto& [key, node] : table_) {
    if (used_.count(std::string(key.str()))) continue;
    const std::string name(key.str());
    const std::string where = name_.empty() ? name : name_ + "." + name;
    fail_at(key.source(), fmt::format("unknown key '{}' (see docs/run.md for the keys of [{}])",
                                      where, name_.empty() ? "the recipe" : name_));
  }
}

}  // namespace scrutineer::recipe
