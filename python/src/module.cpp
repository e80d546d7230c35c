// The scrutineer Python module (pybind11): engine errors as Python exceptions, Ctrl-C and progress
// during engine calls, and the bindings of each part (a front end, like apps/cli).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>

#include "common.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/core/interrupt.hpp"
#include "scrutineer/core/parallel.hpp"
#include "scrutineer/core/progress.hpp"

namespace scrutineer::python {

namespace {

std::atomic<bool> g_interrupted{false};
std::mutex g_scope_mutex;
int g_scopes = 0;
struct sigaction g_previous {};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

}  // namespace

EngineScope::EngineScope(py::object progress) : progress_(std::move(progress)) {
  std::lock_guard lock(g_scope_mutex);
  if (g_scopes++ > 0) return;  // an engine call in another thread holds the handler already
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous);
  auto callback = progress_.is_none() ? py::object() : progress_;
  auto last = std::make_shared<std::atomic<std::int64_t>>(0);
  set_progress_observer(
      [callback, last](const std::string& label, std::int64_t done, std::int64_t total) {
        if (g_interrupted.load()) throw Interrupted("interrupted");
        if (!callback) return;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        auto before = last->load();
        if (done < total && now - before < 200) return;
        if (!last->compare_exchange_strong(before, now) && done < total) return;
        py::gil_scoped_acquire gil;
        callback(label, done, total);
      });
}

EngineScope::~EngineScope() {
  std::lock_guard lock(g_scope_mutex);
  if (--g_scopes > 0) return;
  set_progress_observer({});
  sigaction(SIGINT, &g_previous, nullptr);
  // Ctrl-C during work that has no progress steps: Python's handler raises KeyboardInterrupt once
  // the call returns (work stopped by Interrupted raises it through the translator instead).
  if (g_interrupted.exchange(false) && std::uncaught_exceptions() == 0) raise(SIGINT);
}

std::string temporary_folder() {
  std::random_device device;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto path = base / ("scrutineer-py-" + std::to_string(device()));
    if (std::filesystem::create_directory(path)) return path.string();
  }
  throw IoError("cannot make a temporary folder in " + base.string());
}

}  // namespace scrutineer::python

PYBIND11_MODULE(_scrutineer, m) {
  namespace py = pybind11;
  using namespace scrutineer;
  m.doc() = "scrutineer's engine (C++), as the Python package `scrutineer` uses it";
  Progress::set_enabled(false);  // the terminal bars are the CLI's; Python asks with progress=

  static py::exception<ConfigError> config_error(m, "ConfigError", PyExc_ValueError);
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<IoError> io_error(m, "IoError", PyExc_OSError);
  static py::exception<InternalError> internal_error(m, "InternalError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::object error = py::handle(input_error)(e.what());
      error.attr("file") = e.file();
      error.attr("line") = e.line();
      error.attr("column") = e.column();
      PyErr_SetObject(input_error.ptr(), error.ptr());
    } catch (const ConfigError& e) {
      config_error(e.what());
    } catch (const IoError& e) {
      io_error(e.what());
    } catch (const InternalError& e) {
      internal_error(e.what());
    } catch (const Interrupted&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  // As the CLI's --threads: results never depend on it (tests/test_threads checks).
  // Held in a plain pointer: never destroyed at exit, after TBB may have gone.
  static ThreadLimit* limit = nullptr;
  m.def(
      "set_threads",
      [](int threads) {
        delete limit;
        limit = threads > 0 ? new ThreadLimit(threads) : nullptr;
      },
      py::arg("threads"), "Worker threads for the engine (0 = every core)");
  m.def("available_threads", &available_threads);

  python::bind_data(m);
  python::bind_analyses(m);
  python::bind_people(m);
  python::bind_feedback(m);
  python::bind_recipe(m);
}
