// libFuzzer target for `scrutineer register import` (registry::import_file, JSON or CSV): any
// bytes must import records or give a documented error (scrutineer::Error), never a crash, a hang
// or undefined behaviour. Read only: each input goes into a fresh in-memory SQLite register. The
// first byte picks JSON or CSV.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "scrutineer/core/error.hpp"
#include "scrutineer/registry/exchange.hpp"
#include "scrutineer/registry/store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::string base = "/tmp/scrutineer-fuzz-registry-" + std::to_string(getpid());
  const std::string path = base + (data[0] & 1 ? ".csv" : ".json");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  try {
    auto store = scrutineer::registry::open_sqlite_store(":memory:");
    (void)scrutineer::registry::import_file(*store, path);
  } catch (const scrutineer::Error&) {
  }
  return 0;
}
