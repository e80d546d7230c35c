// A split stage's parts on disk (split.hpp): a small binary format, native byte order (the parts
// and their merge run on one engine build: the sweep's task ids include the engine version), so
// that every double and float is read back with the same bits and the merge's files are the
// one-process run's, byte for byte.
#include "split.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>

#include "scrutineer/core/error.hpp"
#include "scrutineer/io/atomic_file.hpp"

namespace scrutineer::recipe {

namespace {

namespace fs = std::filesystem;

constexpr const char* kMagicBacktest = "scrutineer split backtest 1\n";
constexpr const char* kMagicLoop = "scrutineer split feedback 1\n";

class Writer {
 public:
  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    buf_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  template <typename T>
  void put_vector(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(values.size());
    buf_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  void text(const char* s) { buf_.append(s); }
  void write(const fs::path& file) {
    fs::create_directories(file.parent_path());
    io::write_text_file(file, buf_);
  }

 private:
  std::string buf_;
};

class Reader {
 public:
  Reader(const fs::path& file, const char* magic) : file_(file.string()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw IoError(fmt::format("{}: cannot read this part of a split stage", file_));
    buf_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const std::size_t n = std::strlen(magic);
    if (buf_.compare(0, n, magic) != 0)
      throw IoError(fmt::format("{}: not a part of this split stage (expected '{}')", file_,
                                std::string(magic, n - 1)));
    at_ = n;
  }
  template <typename T>
  T get() {
    need(sizeof(T));
    T value;
    std::memcpy(&value, buf_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > buf_.size()) damaged();
    need(n * sizeof(T));
    std::vector<T> out(n);
    if (n > 0) std::memcpy(out.data(), buf_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
    return out;
  }
  void end() const {
    if (at_ != buf_.size()) damaged();
  }
  [[noreturn]] void damaged() const {
    throw IoError(fmt::format("{}: a damaged part of a split stage (run its task again)", file_));
  }
  const std::string& name() const { return file_; }

 private:
  void need(std::size_t n) const {
    if (buf_.size() - at_ < n) damaged();
  }
  std::string file_, buf_;
  std::size_t at_ = 0;
};

}  // namespace

std::int64_t part_begin(std::int64_t count, int part, int parts) { return count * part / parts; }

void write_backtest_part(const evaluate::BacktestResult& r, const fs::path& file) {
  Writer w;
  w.text(kMagicBacktest);
  w.put<std::uint64_t>(r.models.size());
  w.put<std::uint64_t>(r.periods.size());
  for (const auto& m : r.models) {
    std::uint64_t filled = 0;
    for (const auto& p : m.periods) filled += p.curve_captured.empty() ? 0 : 1;
    w.put(filled);
    for (std::size_t i = 0; i < m.periods.size(); ++i) {
      const auto& p = m.periods[i];
      if (p.curve_captured.empty()) continue;  // another part's period
      w.put<std::uint64_t>(i);
      w.put(p.events);
      w.put(p.outside);
      w.put_vector(p.at_coverage);
      w.put(p.operating);
      w.put_vector(p.flagged);
      w.put_vector(p.curve_captured);
      w.put(p.log_likelihood);
      w.put(p.brier);
      w.put(p.auc_u);
      w.put(p.auc_pairs);
      w.put(p.auc);
    }
  }
  w.write(file);
}

void read_backtest_parts(evaluate::BacktestResult& frame, const std::vector<fs::path>& folders) {
  std::vector<std::vector<bool>> seen(frame.models.size(),
                                      std::vector<bool>(frame.periods.size(), false));
  for (const auto& folder : folders) {
    Reader in(folder / kPartFile, kMagicBacktest);
    if (in.get<std::uint64_t>() != frame.models.size() ||
        in.get<std::uint64_t>() != frame.periods.size())
      throw IoError(
          fmt::format("{}: a part of another backtest (models or periods differ)", in.name()));
    for (std::size_t m = 0; m < frame.models.size(); ++m) {
      const auto filled = in.get<std::uint64_t>();
      for (std::uint64_t k = 0; k < filled; ++k) {
        const auto i = in.get<std::uint64_t>();
        if (i >= frame.periods.size()) in.damaged();
        if (seen[m][i]) throw IoError(fmt::format("{}: period {} is in two parts", in.name(), i));
        seen[m][i] = true;
        auto& p = frame.models[m].periods[i];
        p.events = in.get<std::int64_t>();
        p.outside = in.get<std::int64_t>();
        p.at_coverage = in.get_vector<evaluate::Accuracy>();
        p.operating = in.get<evaluate::Accuracy>();
        p.flagged = in.get_vector<std::int64_t>();
        p.curve_captured = in.get_vector<std::int64_t>();
        p.log_likelihood = in.get<double>();
        p.brier = in.get<double>();
        p.auc_u = in.get<double>();
        p.auc_pairs = in.get<double>();
        p.auc = in.get<double>();
      }
    }
    in.end();
  }
  for (std::size_t m = 0; m < seen.size(); ++m)
    for (std::size_t i = 0; i < seen[m].size(); ++i)
      if (!seen[m][i])
        throw IoError(fmt::format("split backtest: period {} of model {} is in no part", i, m));
}

void write_loop_part(const std::vector<std::vector<feedback::ReplicateRun>>& runs,
                     std::int64_t first, const fs::path& file) {
  Writer w;
  w.text(kMagicLoop);
  w.put(first);
  w.put<std::uint64_t>(runs.size());
  w.put<std::uint64_t>(runs.empty() ? 0 : runs.front().size());
  for (const auto& replicate : runs)
    for (const auto& s : replicate) {
      w.put<std::uint64_t>(s.measures.size());
      for (const auto& series : s.measures) w.put_vector(series);
      w.put<std::uint64_t>(s.exposure.size());
      for (const auto& series : s.exposure) w.put_vector(series);
      w.put_vector(s.final_values);
      w.put(s.concentration_day);
      w.put_vector(s.days_flagged);
    }
  w.write(file);
}

std::vector<std::vector<feedback::ReplicateRun>> read_loop_parts(
    const std::vector<fs::path>& folders, std::int64_t replicates, std::size_t scenarios) {
  std::vector<std::vector<feedback::ReplicateRun>> runs(static_cast<std::size_t>(replicates));
  std::vector<bool> seen(runs.size(), false);
  for (const auto& folder : folders) {
    Reader in(folder / kPartFile, kMagicLoop);
    const auto first = in.get<std::int64_t>();
    const auto count = in.get<std::uint64_t>();
    const auto per = in.get<std::uint64_t>();
    if (first < 0 || count > runs.size() || static_cast<std::uint64_t>(first) + count > runs.size())
      throw IoError(fmt::format("{}: replicates beyond the loop's {}", in.name(), replicates));
    if (count > 0 && per != scenarios)
      throw IoError(fmt::format("{}: {} scenarios, the loop has {}", in.name(), per, scenarios));
    for (std::uint64_t k = 0; k < count; ++k) {
      const auto r = static_cast<std::size_t>(first) + k;
      if (seen[r]) throw IoError(fmt::format("{}: replicate {} is in two parts", in.name(), r));
      seen[r] = true;
      runs[r].resize(scenarios);
      for (auto& s : runs[r]) {
        for (auto* table : {&s.measures, &s.exposure}) {
          const auto n = in.get<std::uint64_t>();
          if (n > 1000000) in.damaged();
          table->resize(n);
          for (auto& series : *table) series = in.get_vector<float>();
        }
        s.final_values = in.get_vector<double>();
        s.concentration_day = in.get<std::int64_t>();
        s.days_flagged = in.get_vector<std::int32_t>();
      }
    }
    in.end();
  }
  for (std::size_t r = 0; r < seen.size(); ++r)
    if (!seen[r]) throw IoError(fmt::format("split feedback loop: replicate {} is in no part", r));
  return runs;
}

}  // namespace scrutineer::recipe
