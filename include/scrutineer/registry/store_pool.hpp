// A small pool of register handles for a multi-threaded server: each request leases a handle that
// no other thread uses meanwhile, and gives it back for the next request instead of reopening.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "scrutineer/registry/store.hpp"

namespace scrutineer::registry {

class StorePool {
 public:
  // Handles are opened with open_store(location) when none is idle; at most `max_idle` are kept.
  explicit StorePool(std::string location, std::size_t max_idle = 16);

  // A handle for one thread; back to the pool when the lease ends, unless it is no longer usable
  // (lost connection, transaction left open), when it is closed instead.
  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<Store> store);
    ~Lease();
    Lease(Lease&&) = delete;
    Lease& operator=(Lease&&) = delete;
    Store* operator->() const { return store_.get(); }
    Store& operator*() const { return *store_; }

   private:
    StorePool& pool_;
    std::unique_ptr<Store> store_;
  };

  Lease lease();
  // Handles opened since the pool was made (for tests and logs).
  std::size_t opened() const;

 private:
  void give_back(std::unique_ptr<Store> store);

  std::string location_;
  std::size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Store>> idle_;
  std::size_t opened_ = 0;
};

}  // namespace scrutineer::registry
