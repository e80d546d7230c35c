// A small pool of register handles (store_pool.hpp): reused across requests, one thread at a time.
#include "scrutineer/registry/store_pool.hpp"

namespace scrutineer::registry {

StorePool::StorePool(std::string location, std::size_t max_idle)
    : location_(std::move(location)), max_idle_(max_idle) {}

StorePool::Lease::Lease(StorePool& pool, std::unique_ptr<Store> store)
    : pool_(pool), store_(std::move(store)) {}

StorePool::Lease::~Lease() { pool_.give_back(std::move(store_)); }

StorePool::Lease StorePool::lease() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(store));
    }
  }
  auto store = open_store(location_);  // outside the lock: connecting may take a while
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++opened_;
  }
  return Lease(*this, std::move(store));
}

std::size_t StorePool::opened() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return opened_;
}

void StorePool::give_back(std::unique_ptr<Store> store) {
  if (!store || !store->usable()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(store));
}

}  // namespace scrutineer::registry
