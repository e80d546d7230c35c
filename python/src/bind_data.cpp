// Bindings of the data side: the option declarations, the ingest formats and the model registry
// (listings), read_events and the study (build_study), with NumPy views of their columns.
#include <memory>

#include "common.hpp"
#include "kwargs.hpp"
#include "scrutineer/core/params.hpp"
#include "scrutineer/forecast/model.hpp"
#include "scrutineer/forecast/run.hpp"
#include "scrutineer/ingest/format.hpp"
#include "scrutineer/ingest/ingest.hpp"
#include "scrutineer/ingest/options.hpp"
#include "scrutineer/recipe/options.hpp"
#include "scrutineer/study/options.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::python {

namespace {

py::dict spec_dict(const OptionSpec& s) {
  py::dict d;
  d["name"] = s.name;
  d["aliases"] = s.aliases;
  d["flag"] = "--" + s.flag();
  d["type"] = option_type_name(s.type);
  d["help"] = s.help;
  d["unit"] = s.unit;
  d["choices"] = s.choices;
  d["required"] = s.required;
  d["default"] = s.default_text;
  return d;
}

// Every stage's declarations: what `scrutineer options` lists and docs/*.md tables show.
py::list option_stages() {
  py::list out;
  for (const auto& stage : recipe::option_stages()) {
    py::dict d;
    d["stage"] = stage.stage;
    d["title"] = stage.title;
    py::list options;
    for (const auto& o : stage.options) options.append(spec_dict(o));
    d["options"] = options;
    out.append(d);
  }
  return out;
}

py::list format_list() {
  py::list out;
  for (const auto& f : ingest::formats()) {
    py::dict d;
    d["name"] = std::string(f.name);
    d["description"] = std::string(f.description);
    d["detected_when"] = std::string(f.docs.detected_when);
    out.append(d);
  }
  return out;
}

py::list model_list() {
  py::list out;
  for (const auto& m : forecast::models()) {
    py::dict d;
    d["name"] = m.name;
    d["summary"] = m.summary;
    d["citation"] = m.citation;
    py::list params;
    for (const auto& p : m.params) {
      py::dict pd;
      pd["name"] = p.name;
      pd["default"] = p.default_value;
      pd["help"] = p.help;
      pd["source"] = p.source;
      pd["choices"] = p.choices;
      params.append(pd);
    }
    d["params"] = params;
    out.append(d);
  }
  return out;
}

// The events' columns as NumPy views on `owner`, which holds `events`.
py::dict event_columns(const EventSet& e, py::handle owner) {
  py::dict d;
  d["t"] = view(e.t, owner);
  d["x"] = view(e.x, owner);
  d["y"] = view(e.y, owner);
  d["category"] = view(e.category, owner);
  d["source_row"] = view(e.source_row, owner);
  return d;
}

py::dict event_meta(const EventSet& e) {
  py::dict d;
  d["categories"] = e.categories;
  d["crs"] = e.crs;
  d["time_zone"] = e.time_zone;
  d["resolution"] = std::string(to_string(e.resolution));
  return d;
}

}  // namespace

// The study options of a call: [data], [grid] and [areas] keywords (skipping what it cannot
// honour).
study::StudyOptions study_options(Keywords& k, const std::vector<std::string>& skip_data,
                                  const std::vector<std::string>& required_data) {
  study::StudyOptions o;
  k.apply(study::data_option_set(), o, skip_data, required_data);
  k.apply(study::grid_option_set(), o);
  k.apply(study::areas_option_set(), o);
  return o;
}

void bind_data(py::module_& m) {
  m.def("option_stages", &option_stages, "Every stage's option declarations");
  m.def("formats", &format_list, "The ingest formats, in the order `auto` tries them");
  m.def("models", &model_list, "The forecast models, their parameters and papers");
  m.def("describe_models", &forecast::describe_models, py::arg("markdown") = false);

  py::class_<ingest::ReadResult, std::shared_ptr<ingest::ReadResult>>(m, "ReadResult")
      .def_property_readonly("columns",
                             [](py::object self) {
                               return event_columns(self.cast<ingest::ReadResult&>().events, self);
                             })
      .def_property_readonly("meta",
                             [](const ingest::ReadResult& r) { return event_meta(r.events); })
      .def_property_readonly(
          "cell", [](py::object self) { return view(self.cast<ingest::ReadResult&>().cell, self); })
      .def_property_readonly("kept",
                             [](const ingest::ReadResult& r) {
                               py::dict d;
                               for (const auto& k : r.kept) d[py::str(k.name)] = k.values;
                               return d;
                             })
      .def_property_readonly(
          "report_json", [](const ingest::ReadResult& r) { return ingest::report_json(r.report); })
      .def_property_readonly(
          "report_text", [](const ingest::ReadResult& r) { return ingest::report_text(r.report); });

  m.def(
      "read_events",
      [](const std::string& path, py::object progress, py::kwargs kwargs) {
        Keywords k("read_events", kwargs);
        ingest::ReadOptions o;
        k.apply(ingest::read_option_set(), o);
        k.finish();
        return std::make_shared<ingest::ReadResult>(
            call_engine(progress, [&] { return ingest::read_events(path, o); }));
      },
      py::arg("path"), py::arg("progress") = py::none());

  py::class_<study::Study, std::shared_ptr<study::Study>>(m, "Study")
      .def_property_readonly(
          "columns",
          [](py::object self) { return event_columns(self.cast<study::Study&>().events, self); })
      .def_property_readonly("meta", [](const study::Study& s) { return event_meta(s.events); })
      .def_property_readonly("describe", &study::Study::describe)
      .def_property_readonly("crs", [](const study::Study& s) { return s.crs; })
      .def_property_readonly("notes", [](const study::Study& s) { return s.notes; })
      .def_property_readonly("report_json",
                             [](const study::Study& s) { return ingest::report_json(s.read); })
      .def_property_readonly("counts",
                             [](const study::Study& s) {
                               const auto& c = s.counts;
                               py::dict d;
                               d["rows_read"] = c.rows_read;
                               d["rows_kept"] = c.rows_kept;
                               d["rows_dropped"] = c.rows_dropped;
                               d["after_category"] = c.after_category;
                               d["after_dates"] = c.after_dates;
                               d["inside"] = c.inside;
                               d["outside"] = c.outside;
                               d["clipped"] = c.clipped;
                               return d;
                             })
      .def_property_readonly("grid",
                             [](py::object self) -> py::object {
                               const auto& s = self.cast<study::Study&>();
                               if (!s.has_grid) return py::none();
                               const auto& g = s.grid;
                               py::dict d;
                               d["x0"] = g.x0;
                               d["y0"] = g.y0;
                               d["size"] = g.size;
                               d["nx"] = g.nx;
                               d["ny"] = g.ny;
                               d["crs"] = g.crs;
                               d["valid"] = view(g.valid, self);
                               d["cell_area"] = view(s.cell_area, self);
                               return d;
                             })
      .def_property_readonly("areas", [](const study::Study& s) -> py::object {
        if (!s.has_areas) return py::none();
        py::dict d;
        d["ids"] = s.areas.ids;
        d["id_column"] = s.areas.id_column;
        d["crs"] = s.areas.crs;
        d["area"] = s.areas.area;
        // Each area's polygons: rings as (x, y) coordinate lists, rings[0] the exterior.
        py::list polygons;
        for (const auto& multi : s.areas.polygons) {
          py::list parts;
          for (const auto& polygon : multi) {
            py::list rings;
            for (const auto& ring : polygon.rings) rings.append(py::make_tuple(ring.x, ring.y));
            parts.append(rings);
          }
          polygons.append(parts);
        }
        d["polygons"] = polygons;
        d["groups"] = s.groups.names;
        d["by_group"] = s.groups.by_group;
        d["total"] = s.groups.total;
        return d;
      });

  m.def(
      "build_study",
      [](py::object progress, py::kwargs kwargs) {
        Keywords k("Study", kwargs);
        auto o = study_options(k, {}, {});
        if (auto v = k.pop("cell_areas"); !v.is_none()) o.cell_areas = v.cast<bool>();
        k.finish();
        o.progress = false;
        return std::make_shared<study::Study>(
            call_engine(progress, [&] { return study::build_study(o); }));
      },
      py::arg("progress") = py::none());
}

}  // namespace scrutineer::python
