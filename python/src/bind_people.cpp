// Bindings of the audits of people-scoring tools' outputs (`scrutineer scores`) and of accuracy
// claims (`scrutineer claim`). Neither scores a person.
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>

#include "common.hpp"
#include "kwargs.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/scores/audit.hpp"
#include "scrutineer/scores/claim.hpp"
#include "scrutineer/scores/options.hpp"
#include "scrutineer/scores/people.hpp"

namespace scrutineer::python {

namespace {

struct AuditRun {
  scores::AuditResult result;
  scores::PublishOptions publish;
  double seconds = 0;
};

std::shared_ptr<AuditRun> audit_call(py::object out, py::object progress, py::kwargs kwargs) {
  Keywords k("scores.audit", kwargs);
  scores::ScoresCommand c;
  k.apply(scores::scores_option_set(), c);
  k.finish();
  auto run = std::make_shared<AuditRun>();
  run->publish = c.publish;
  run->result = call_engine(progress, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto r = scores::run_audit(scores::load_people(c.people), c.audit);
    run->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  });
  if (!out.is_none()) scores::write_audit(run->result, c.publish, py::str(out).cast<std::string>());
  return run;
}

// `scrutineer claim`'s flags (declared with CLI11 in apps/cli/claim.cpp, not in an option set):
// the same names; groups as {name: prevalence} or ["NAME:P", ...].
scores::ClaimResult claim_call(std::optional<double> accuracy, std::optional<double> sensitivity,
                               std::optional<double> specificity, std::optional<double> prevalence,
                               std::optional<double> claimed_prevalence, py::object groups,
                               std::optional<double> population) {
  scores::ClaimOptions c;
  c.accuracy = accuracy;
  c.sensitivity = sensitivity;
  c.specificity = specificity;
  c.prevalence = prevalence;
  c.claimed_prevalence = claimed_prevalence;
  if (population) c.population = *population;
  if (py::isinstance<py::dict>(groups)) {
    for (auto [name, p] : groups.cast<py::dict>())
      c.groups.push_back(scores::parse_claim_group(
          fmt::format("{}:{}", py::str(name).cast<std::string>(), py::str(p).cast<std::string>())));
  } else if (!groups.is_none()) {
    for (auto g : groups)
      c.groups.push_back(scores::parse_claim_group(py::str(g).cast<std::string>()));
  }
  return scores::check_claim(c);
}

}  // namespace

void bind_people(py::module_& m) {
  py::class_<AuditRun, std::shared_ptr<AuditRun>>(m, "AuditRun")
      .def("groups_csv", [](const AuditRun& r) { return scores::groups_csv(r.result, r.publish); })
      .def("disparities_csv",
           [](const AuditRun& r) { return scores::disparities_csv(r.result, r.publish); })
      .def("calibration_csv",
           [](const AuditRun& r) { return scores::calibration_csv(r.result, r.publish); })
      .def("identity_csv",
           [](const AuditRun& r) { return scores::identity_csv(r.result, r.publish); })
      .def("representation_csv",
           [](const AuditRun& r) { return scores::representation_csv(r.result, r.publish); })
      .def("audit_json", [](const AuditRun& r) { return scores::audit_json(r.result, r.publish); })
      .def("audit_table",
           [](const AuditRun& r) { return scores::audit_table(r.result, r.publish); })
      .def("write",
           [](const AuditRun& r, const std::string& folder) {
             scores::write_audit(r.result, r.publish, folder);
           })
      .def_readonly("seconds", &AuditRun::seconds);
  m.def("scores_audit", &audit_call, py::arg("out") = py::none(), py::arg("progress") = py::none());

  py::class_<scores::ClaimResult>(m, "ClaimResult")
      .def("csv", [](const scores::ClaimResult& r) { return scores::claim_csv(r); })
      .def("json", [](const scores::ClaimResult& r) { return scores::claim_json(r); })
      .def("table", [](const scores::ClaimResult& r) { return scores::claim_table(r); })
      .def_readonly("warnings", &scores::ClaimResult::warnings);
  m.def("claim", &claim_call, py::arg("accuracy") = py::none(), py::arg("sensitivity") = py::none(),
        py::arg("specificity") = py::none(), py::arg("prevalence") = py::none(),
        py::arg("claimed_prevalence") = py::none(), py::arg("groups") = py::none(),
        py::arg("population") = py::none());
}

}  // namespace scrutineer::python
