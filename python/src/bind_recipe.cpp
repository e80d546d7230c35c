// Bindings of `scrutineer run` (a whole audit from a TOML recipe, recipe::run_recipe) and of the
// register's read side (`scrutineer register list|show|export`).
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/recipe/recipe.hpp"
#include "scrutineer/recipe/run.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/record.hpp"
#include "scrutineer/registry/store.hpp"

namespace scrutineer::python {

namespace {

py::dict run_call(const std::string& recipe_path, const std::string& data, const std::string& out,
                  bool replace, py::object progress) {
  const auto recipe = recipe::parse_recipe(recipe_path, data);
  recipe::RunOptions options;
  options.out = out;
  options.replace = replace;
  options.command_line = "python: scrutineer.run(" + recipe_path + ")";
  options.progress = false;
  std::string printed;
  options.print = [&printed](const std::string& text) { printed += text; };
  const auto r = call_engine(progress, [&] { return recipe::run_recipe(recipe, options); });
  py::dict d;
  d["folder"] = r.folder.string();
  std::vector<std::string> written, stages;
  std::vector<double> seconds;
  for (const auto& p : r.written) written.push_back(p.string());
  for (const auto& t : r.timings) {
    stages.push_back(t.stage);
    seconds.push_back(t.seconds);
  }
  d["written"] = written;
  d["stages"] = stages;
  d["seconds"] = seconds;
  d["warnings"] = r.warnings;
  d["text"] = printed;
  return d;
}

std::vector<std::string> register_list(const std::string& location, const std::string& search) {
  const auto store = registry::open_store(location);
  std::vector<std::string> out;
  for (const auto& r : store->list(search)) out.push_back(registry::record_to_json(r).dump());
  return out;
}

py::object register_get(const std::string& location, const std::string& slug) {
  const auto store = registry::open_store(location);
  const auto r = store->get(slug);
  if (!r) return py::none();
  return py::str(registry::record_to_json(*r).dump());
}

std::string register_export(const std::string& location, const std::string& format) {
  const auto store = registry::open_store(location);
  if (format == "csv") return registry::export_csv(*store);
  if (format != "json")
    throw ConfigError("register: format must be json or csv, found '" + format + "'");
  return registry::export_json(*store);
}

}  // namespace

void bind_recipe(py::module_& m) {
  m.def("run", &run_call, py::arg("recipe"), py::arg("data") = "", py::arg("out") = "",
        py::arg("replace") = false, py::arg("progress") = py::none());
  m.def("register_list", &register_list, py::arg("location"), py::arg("search") = "");
  m.def("register_get", &register_get, py::arg("location"), py::arg("slug"));
  m.def("register_export", &register_export, py::arg("location"), py::arg("format") = "json");
  m.def("engine_version", &recipe::engine_version);
}

}  // namespace scrutineer::python
