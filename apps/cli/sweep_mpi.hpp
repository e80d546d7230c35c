// The MPI scheduler of `scrutineer sweep` (apps/cli/sweep_mpi.cpp): rank 0 hands tasks out largest
// first and writes sweep.db; the other ranks run them with sweep::run_task. Built only with MPI.
#pragma once

#include "scrutineer/sweep/run.hpp"

namespace scrutineer::cli {

// True when this process was started by mpirun/srun (Open MPI, PMIx or PMI variables) and the
// build has MPI.
bool launched_by_mpi();
// This process's rank as the launcher's environment gives it (0 when none), before MPI_Init.
int mpi_rank_from_environment();

// Runs the sweep across the ranks (MPI_Init .. MPI_Finalize). Rank 0 returns the counts and
// `is_root` true; other ranks return with `is_root` false. One rank alone runs the local pool.
sweep::SweepCounts run_sweep_mpi(const sweep::Sweep& sweep, const sweep::SweepOptions& options,
                                 bool& is_root);

}  // namespace scrutineer::cli
