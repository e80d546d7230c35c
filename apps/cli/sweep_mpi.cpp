// The MPI scheduler of `scrutineer sweep` (Open MPI): rank 0 sends task indices largest first to
// whichever rank is free and records each outcome in sweep.db as it arrives, so a rank that dies
// loses only its current task (left "running", run again by a restart).
#include "sweep_mpi.hpp"

#include <cstdlib>

#ifdef SCRUTINEER_WITH_MPI
#include <fmt/format.h>
#include <mpi.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#endif

namespace scrutineer::cli {

bool launched_by_mpi() {
#ifdef SCRUTINEER_WITH_MPI
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
#else
  return false;
#endif
}

int mpi_rank_from_environment() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

#ifndef SCRUTINEER_WITH_MPI

sweep::SweepCounts run_sweep_mpi(const sweep::Sweep& s, const sweep::SweepOptions& o, bool& root) {
  root = true;
  return sweep::run_sweep(s, o);
}

#else

namespace {

enum Tag : int { kTask = 1, kStop = 2, kResult = 3 };

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string receive_text(int from, int tag, MPI_Status& status) {
  // Polls with a short sleep rather than MPI_Probe, whose busy wait takes a core from the task
  // runners when ranks share cores (rank 0 only schedules).
  for (int ready = 0;;) {
    MPI_Iprobe(from, tag, MPI_COMM_WORLD, &ready, &status);
    if (ready) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  int n = 0;
  MPI_Get_count(&status, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return text;
}

// Rank > 0: run what rank 0 sends until it says stop.
void worker(const sweep::Sweep& s, const sweep::SweepOptions& o) {
  for (;;) {
    MPI_Status status;
    const auto text = receive_text(0, MPI_ANY_TAG, status);
    if (status.MPI_TAG == kStop) return;
    const auto msg = nlohmann::json::parse(text);
    const auto index = msg["index"].get<std::size_t>();
    sweep::TaskOutcome out;
    if (index >= s.tasks.size() || s.tasks[index].id != msg["id"].get<std::string>()) {
      out.index = index;  // the ranks read different sweep files: never run the wrong task
      out.status = "failed";
      out.error = "this rank's expansion of the sweep differs from rank 0's";
    } else {
      out = sweep::run_task(s, s.tasks[index], o.out);
    }
    const nlohmann::json reply = {{"index", index},           {"status", out.status},
                                  {"error", out.error},       {"started", out.started},
                                  {"finished", out.finished}, {"seconds", out.seconds},
                                  {"headline", out.headline}};
    send_text(reply.dump(), 0, kResult);
  }
}

sweep::SweepCounts root(const sweep::Sweep& s, const sweep::SweepOptions& o, int size) {
  std::filesystem::create_directories(o.out / "tasks");
  sweep::ResultsTable table(o.table, o.out);
  sweep::SweepCounts counts;
  sweep::Scheduler scheduler(s, sweep::tasks_to_run(s, table, o.out, o.retry_failed,
                                                    &counts.skipped_done, &counts.skipped_failed));
  int busy = 0;
  std::vector<int> queued(static_cast<std::size_t>(size), 0);  // tasks sent, not yet answered
  std::vector<bool> stopped(static_cast<std::size_t>(size), false);
  // Gives `rank` tasks until it has two queued, so that it never waits for rank 0 between tasks
  // (a round trip costs several ms; bench/sweep_mpi.sh); a rank that dies leaves them "running".
  // A merge is handed out only when its parts are done: until then a rank may have fewer queued.
  // When nothing is left to hand out and it has nothing queued, it is told to stop.
  const auto hand_out = [&](int rank, int limit = 2) {
    auto& q = queued[static_cast<std::size_t>(rank)];
    while (q < limit) {
      const auto next = scheduler.next();
      if (!next) break;
      const auto& task = s.tasks[*next];
      table.mark(s, task, "running");
      send_text(nlohmann::json{{"index", task.index}, {"id", task.id}}.dump(), rank, kTask);
      ++busy;
      ++q;
    }
    if (q == 0 && scheduler.exhausted() && !stopped[static_cast<std::size_t>(rank)]) {
      send_text("", rank, kStop);
      stopped[static_cast<std::size_t>(rank)] = true;
    }
  };
  const auto record = [&](const sweep::Task& task, const sweep::TaskOutcome& out, int rank) {
    table.record(s, task, out);
    if (task.is_part()) {
      ++counts.parts;  // a failed part fails its merge, counted there
    } else {
      ++counts.ran;
      if (out.status != "done") ++counts.failed;
    }
    if (o.print)
      o.print(fmt::format("task {} {} {} on rank {} ({:.2f} s){}{}\n", task.index, task.id,
                          out.status, rank, out.seconds, out.error.empty() ? "" : ": ", out.error));
  };
  for (int limit = 1; limit <= 2; ++limit)  // one each first, then a second each
    for (int rank = 1; rank < size; ++rank) hand_out(rank, limit);
  while (busy > 0) {
    MPI_Status status;
    const auto reply = nlohmann::json::parse(receive_text(MPI_ANY_SOURCE, kResult, status));
    --busy;
    --queued[static_cast<std::size_t>(status.MPI_SOURCE)];
    sweep::TaskOutcome out;
    out.index = reply["index"].get<std::size_t>();
    out.status = reply["status"];
    out.error = reply["error"];
    out.started = reply["started"];
    out.finished = reply["finished"];
    out.seconds = reply["seconds"];
    out.headline = reply["headline"];
    record(s.tasks.at(out.index), out, status.MPI_SOURCE);
    for (const auto& merge : scheduler.finished(out)) record(s.tasks[merge.index], merge, 0);
    // A finished part may have made its merge ready: every rank with room may take work.
    hand_out(status.MPI_SOURCE);
    for (int rank = 1; rank < size; ++rank) hand_out(rank);
  }
  for (int rank = 1; rank < size; ++rank) hand_out(rank);  // stops every rank
  sweep::write_summary(s, o.out, o.table);
  return counts;
}

}  // namespace

sweep::SweepCounts run_sweep_mpi(const sweep::Sweep& s, const sweep::SweepOptions& o,
                                 bool& is_root) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  is_root = rank == 0;
  sweep::SweepCounts counts;
  try {
    if (size == 1)
      counts = sweep::run_sweep(s, o);
    else if (rank == 0)
      counts = root(s, o, size);
    else
      worker(s, o);
  } catch (const std::exception& e) {
    // An error on rank 0 (the table, the summary) ends every rank: the others wait on it.
    fmt::print(stderr, "error on rank {}: {}\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 74);
  }
  MPI_Finalize();
  return counts;
}

#endif

}  // namespace scrutineer::cli
