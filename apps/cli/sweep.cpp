// `scrutineer sweep SWEEP.toml`: a base recipe and axes of values expanded into tasks, run on a
// local pool or, under mpirun/srun, across MPI ranks. The logic is in the sweep library.
#include "scrutineer/sweep/sweep.hpp"

#include <fmt/format.h>

#include <memory>

#include "command.hpp"
#include "scrutineer/core/error.hpp"
#include "scrutineer/sweep/run.hpp"
#include "sweep_mpi.hpp"

namespace scrutineer::cli {

namespace {

struct SweepArgs {
  std::string file, data, out, table;
  int workers = 1;
  bool dry_run = false, retry_failed = false, no_mpi = false;
};

void run(const SweepArgs& args) {
  const auto sweep = sweep::parse_sweep(args.file, args.data);
  if (args.dry_run) {
    if (launched_by_mpi() && mpi_rank_from_environment() != 0) return;  // rank 0 lists
    fmt::print("{}", sweep::dry_run_listing(sweep));
    return;
  }
  sweep::SweepOptions options;
  options.out = args.out.empty()
                    ? sweep.file.parent_path() / (sweep.file.stem().string() + "-results")
                    : std::filesystem::path(args.out);
  options.workers = args.workers;
  options.retry_failed = args.retry_failed;
  options.table = args.table;
  if (!global_options().quiet) options.print = [](const std::string& t) { fmt::print("{}", t); };
  bool root = true;
  const bool mpi = !args.no_mpi && launched_by_mpi();
  if (mpi && args.workers != 1)
    throw ConfigError("--workers: under MPI each rank runs one task at a time (use more ranks)");
  const auto counts = mpi ? run_sweep_mpi(sweep, options, root) : sweep::run_sweep(sweep, options);
  if (!root) return;
  fmt::print(
      "== {} tasks: {} run ({} failed), {} done before, {} failed before (--retry-failed "
      "runs them){}\n== results in {}\n",
      sweep.expansion, counts.ran, counts.failed, counts.skipped_done, counts.skipped_failed,
      counts.parts > 0 ? fmt::format("; {} parts of split tasks run", counts.parts) : "",
      options.out.string());
  if (counts.failed > 0)
    throw InputError((options.out / "summary.csv").string(), 0, 0,
                     fmt::format("{} tasks failed (their errors are in this file)", counts.failed));
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<SweepArgs>();
  auto* app = parent.add_subcommand(
      "sweep",
      "Run a parameter sweep: a base recipe and axes of values, one task per combination, on a "
      "local pool or across MPI ranks (mpirun/srun); restartable (docs/sweep.md)");
  app->add_option("sweep", args->file, "The sweep file (see docs/sweep.md)")->required();
  app->add_option("--data", args->data, "Folder that ${data} in the recipe stands for");
  app->add_option("-o,--out", args->out,
                  "Sweep folder (default: SWEEP-STEM-results beside the file): tasks/<id>/, "
                  "sweep.db, summary.csv, summary.json, report.html");
  app->add_option("--table", args->table,
                  "The results table on a PostgreSQL server (postgresql://user@host:port/db or "
                  "libpq key=value pairs) instead of SWEEP-FOLDER/sweep.db");
  app->add_option("--workers", args->workers, "Tasks run at once in this process (not under MPI)")
      ->check(CLI::PositiveNumber);
  app->add_flag("--dry-run", args->dry_run, "List the tasks with their cost estimate; run nothing");
  app->add_flag("--retry-failed", args->retry_failed, "Run again the tasks that failed before");
  app->add_flag("--no-mpi", args->no_mpi, "Run on the local pool even when started by mpirun");
  app->callback([args] { run(*args); });
}

const bool registered = register_command({"sweep", 16, setup});

}  // namespace

}  // namespace scrutineer::cli
