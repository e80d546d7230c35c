// Shared pieces of the Python bindings: running engine calls without the GIL (with Ctrl-C and a
// progress callback), NumPy views of engine vectors, and the parts each binding file registers.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scrutineer::python {

namespace py = pybind11;

// While alive: Ctrl-C (SIGINT) marks the work as interrupted instead of running Python's handler
// (which cannot run while the engine holds the thread), and every progress step checks the mark
// and calls `progress` (a Python callable(label, done, total), or None) at most every 0.2 s.
class EngineScope {
 public:
  explicit EngineScope(py::object progress);
  ~EngineScope();
  EngineScope(const EngineScope&) = delete;
  EngineScope& operator=(const EngineScope&) = delete;

 private:
  py::object progress_;
};

// Runs `work` without the GIL inside an EngineScope; an interruption becomes KeyboardInterrupt.
template <class F>
auto call_engine(py::object progress, F&& work) {
  EngineScope scope(std::move(progress));
  std::optional<decltype(work())> result;
  {
    py::gil_scoped_release release;
    result.emplace(work());
  }
  return std::move(*result);
}

// A NumPy array over `data` (no copy) that keeps `owner` (the Python object holding the vector)
// alive; read-only, since the engine's results are not to be edited in place.
template <class T>
py::array_t<T> view(const std::vector<T>& data, py::handle owner) {
  py::array_t<T> a({static_cast<py::ssize_t>(data.size())}, {static_cast<py::ssize_t>(sizeof(T))},
                   data.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// A fresh folder under the system's temporary folder (for calls given no out=).
std::string temporary_folder();

void bind_data(py::module_& m);      // read_events, Study, options, formats, models
void bind_analyses(py::module_& m);  // backtest, forecast, disparity, nearrepeat, stscan
void bind_people(py::module_& m);    // scores audit, claim
void bind_feedback(py::module_& m);  // urn, lum_isaac, loop
void bind_recipe(py::module_& m);    // run, register

}  // namespace scrutineer::python
