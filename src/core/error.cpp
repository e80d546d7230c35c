// Error hierarchy.
#include "scrutineer/core/error.hpp"

#include <fmt/format.h>

namespace scrutineer {

namespace {
std::string locate(const std::string& file, std::int64_t line, std::int64_t column,
                   const std::string& what) {
  if (line > 0 && column > 0) return fmt::format("{}:{}:{}: {}", file, line, column, what);
  if (line > 0) return fmt::format("{}:{}: {}", file, line, what);
  return fmt::format("{}: {}", file, what);
}
}  // namespace

InputError::InputError(std::string file, std::int64_t line, std::int64_t column,
                       const std::string& what)
    : Error(locate(file, line, column, what)),
      file_(std::move(file)),
      line_(line),
      column_(column) {}

}  // namespace scrutineer
