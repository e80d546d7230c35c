#pragma once
#include <chrono>
#include <cstdio>
#include <ctime>
inline void tmark(const char* what) {
  static const auto start = std::chrono::steady_clock::now();
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  const double wall =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "TMARK %-14s wall %7.1f ms  cpu %7.1f ms\n", what, wall,
               ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}
