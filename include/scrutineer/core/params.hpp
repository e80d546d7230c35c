// Parameters declared once (name, default, help, source paper); the CLI, recipes and docs are built
// from these declarations so they cannot drift apart.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace scrutineer {

struct ParamSpec {
  std::string name;                  // e.g. "bandwidth"
  std::string default_value;         // as text; "" means required
  std::string help;                  // one line, with the unit
  std::string source;                // where the default comes from (paper, open_cp), may be empty
  std::vector<std::string> choices;  // allowed values for a choice parameter, else empty
};

class ParamSet {
 public:
  ParamSet() = default;
  explicit ParamSet(std::vector<ParamSpec> specs);
  // Sets a value; throws ConfigError for an unknown name or a value not among the choices.
  void set(std::string_view name, std::string value);
  // Parses "name=value,name=value" (as given on the command line).
  void set_all(std::string_view assignments);
  bool has(std::string_view name) const;
  // Typed getters: ConfigError naming the parameter when the text is not of the type.
  double number(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  bool flag(std::string_view name) const;
  const std::string& text(std::string_view name) const;
  const std::vector<ParamSpec>& specs() const { return specs_; }
  // Every parameter with its value, for recording in results.
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  const ParamSpec& spec(std::string_view name) const;
  std::vector<ParamSpec> specs_;
  std::map<std::string, std::string> values_;
};

}  // namespace scrutineer
