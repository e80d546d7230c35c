// Finds and loads the GDAL support module on first use (io/gdal_module.hpp).
#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/gdal_module.hpp"

#ifndef SCRUTINEER_GDAL_BUILD_PATH
#define SCRUTINEER_GDAL_BUILD_PATH ""
#endif
#ifndef SCRUTINEER_GDAL_INSTALL_PATH
#define SCRUTINEER_GDAL_INSTALL_PATH ""
#endif

namespace scrutineer::io::gdal {

namespace {

namespace fs = std::filesystem;

// The folder of the executable or shared object (the Python module) holding this code.
fs::path own_folder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&own_folder), &info) && info.dli_fname &&
      info.dli_fname[0] == '/')
    return fs::path(info.dli_fname).parent_path();
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::vector<std::string> candidates() {
  if (const char* env = std::getenv(kModuleEnv); env && *env) return {env};
  std::vector<std::string> out;
  auto add = [&](const fs::path& p) {
    const std::string s = p.lexically_normal().string();
    if (!p.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  if (const auto here = own_folder(); !here.empty()) {
    add(here / kModuleFile);
    add(here / ".." / "lib" / "scrutineer" / kModuleFile);
  }
  if (*SCRUTINEER_GDAL_INSTALL_PATH) add(SCRUTINEER_GDAL_INSTALL_PATH);
  if (*SCRUTINEER_GDAL_BUILD_PATH) add(SCRUTINEER_GDAL_BUILD_PATH);
  return out;
}

const Api* load() {
  std::string tried;
  for (const auto& path : candidates()) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      tried += fmt::format("{}{}: no such file", tried.empty() ? "" : "; ", path);
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      tried += fmt::format("{}{}", tried.empty() ? "" : "; ",
                           why ? std::string(why) : path + ": dlopen failed");
      continue;
    }
    using Entry = const Api* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, kEntryPoint));
    const Api* api = entry ? entry() : nullptr;
    if (api && api->abi == kAbi) return api;  // the handle stays open for the process's life
    tried += fmt::format("{}{}: {}", tried.empty() ? "" : "; ", path,
                         entry ? "built for another version of scrutineer" : "no entry point");
    dlclose(handle);
  }
  throw IoError(fmt::format(
      "cannot load the GDAL support module {} (needed for vector files and GeoPackages); "
      "tried {} (set {} to its path)",
      kModuleFile, tried, kModuleEnv));
}

}  // namespace

const Api& api() {
  static std::once_flag once;
  static const Api* table = nullptr;
  std::call_once(once, [] { table = load(); });  // a throw leaves it to be tried again
  return *table;
}

}  // namespace scrutineer::io::gdal
