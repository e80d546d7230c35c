// Typed, position-aware access to one table of a TOML recipe (toml++): every value read is checked
// for its type, every key left unread is an error, and every error names FILE:LINE:COL.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace scrutineer::recipe {

// What every section of one recipe shares.
struct Context {
  std::string file;                            // the recipe, as named in messages
  std::filesystem::path base;                  // relative paths resolve against this folder
  std::string data_dir;                        // what ${data} expands to ("" = not given)
  std::vector<std::filesystem::path>* inputs;  // input files named by the recipe
};

class Section {
 public:
  Section(const Context& context, const toml::table& table, std::string name);

  const std::string& name() const { return name_; }
  bool has(const std::string& key) const { return table_.contains(key); }
  // The value at `key` without reading it (nullptr when absent).
  const toml::node* peek(const std::string& key) const { return table_.get(key); }

  std::string text(const std::string& key, const std::string& fallback = "");
  std::string required_text(const std::string& key);
  double number(const std::string& key, double fallback);
  std::int64_t integer(const std::string& key, std::int64_t fallback);
  bool boolean(const std::string& key, bool fallback);
  // An array of strings (a single string is taken as a list of one).
  std::vector<std::string> texts(const std::string& key);
  std::vector<double> numbers(const std::string& key);
  // An input file: ${data} expanded, resolved against the recipe's folder, checked to exist.
  std::string input_path(const std::string& key, bool required);
  // A sub-table, or nothing when the key is absent.
  std::optional<Section> table(const std::string& key);
  // Every entry of a sub-table as text (integers, floats and booleans written as TOML writes
  // them), for parameter declarations (ParamSet) that take text.
  std::vector<std::pair<std::string, std::string>> assignments(const std::string& key);
  // An array of tables ([[models]]).
  std::vector<Section> tables(const std::string& key);

  // "FILE:LINE:COL: table.key" of `key` (of the table when the key is absent), for checks made
  // after the recipe is parsed (once the data are read).
  std::string position(const std::string& key) const;

  // Throws ConfigError at the first key that was never read (an unknown key).
  void finish() const;
  // Throws ConfigError at `key` (or at the table when the key is absent).
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  [[noreturn]] void fail_at(const toml::source_region& where, const std::string& what) const;

 private:
  const toml::node* get(const std::string& key);
  [[noreturn]] void wrong_type(const std::string& key, const toml::node& node,
                               const std::string& expected) const;
  std::string expand(const std::string& key, const std::string& value) const;

  const Context& context_;
  const toml::table& table_;
  std::string name_;
  std::set<std::string> used_;
};

}  // namespace scrutineer::recipe
