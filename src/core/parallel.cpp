// Thread control through tbb::global_control.
#include "scrutineer/core/parallel.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>

namespace scrutineer {

struct ThreadLimit::Impl {
  std::unique_ptr<tbb::global_control> control;
};

ThreadLimit::ThreadLimit(int threads) : impl_(std::make_unique<Impl>()) {
  if (threads > 0)
    impl_->control = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
}

ThreadLimit::~ThreadLimit() = default;

int available_threads() { return tbb::info::default_concurrency(); }

}  // namespace scrutineer
