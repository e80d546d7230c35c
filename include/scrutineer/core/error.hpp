// Error hierarchy: every boundary (CLI, server) translates these to an exit code or a status.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace scrutineer {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad user data. Carries where it was found; line and column are 1-based, 0 when unknown.
class InputError : public Error {
 public:
  InputError(std::string file, std::int64_t line, std::int64_t column, const std::string& what);
  const std::string& file() const { return file_; }
  std::int64_t line() const { return line_; }
  std::int64_t column() const { return column_; }

 private:
  std::string file_;
  std::int64_t line_;
  std::int64_t column_;
};

// A bad option or parameter, or a method asked of data it cannot serve (month data for a daily
// model).
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file or database that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// A broken invariant: a bug in scrutineer, never the user's fault.
class InternalError : public Error {
 public:
  using Error::Error;
};

}  // namespace scrutineer
