// The study region: union of a vector source's polygons (GEOS), and events inside or outside it.
// The clip (inside_region) decides most points by the cells of a grid whose closed box meets no
// boundary segment, each connected set of such cells by one GEOS point test (docs/study.md).
#include "scrutineer/geo/region.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <utility>

#include "crs_resolve.hpp"
#include "geos.hpp"
#include "scrutineer/core/error.hpp"

namespace scrutineer::geo {

namespace {

// inside_region lays its grid when the bounding box holds at least kMinPointsForCells points and
// a quarter of the region's vertices (marking the cells walks every segment), with about
// kCellsPerPoint cells per such point (bench/bench_region.cpp measures these choices).
constexpr std::int64_t kMinPointsForCells = 2048;
constexpr double kCellsPerPoint = 0.5;
constexpr std::int64_t kMaxCells = std::int64_t(1) << 24;  // slots fit in uint32

Region union_of(const std::vector<io::MultiPolygon>& features, const std::string& crs) {
  detail::GeosContext ctx;
  io::MultiPolygon all;
  for (const auto& f : features) all.insert(all.end(), f.begin(), f.end());
  auto geometry = detail::to_geos(ctx, all);
  auto merged = detail::own(ctx, GEOSUnaryUnion_r(ctx.get(), geometry.get()), "union");
  Region region;
  region.crs = crs;
  region.polygons = detail::from_geos(ctx, merged.get());
  region.bbox = io::bbox_of(region.polygons);
  double area = 0;
  if (GEOSArea_r(ctx.get(), merged.get(), &area) == 1) region.area = area;
  return region;
}

// Per-thread GEOS copy of the region, built on first use by each thread.
struct RegionGeos {
  detail::GeosContext ctx;
  detail::Geom geometry;
  detail::Prepared prepared;
  explicit RegionGeos(const io::MultiPolygon& polygons)
      : geometry(detail::to_geos(ctx, polygons)), prepared(detail::prepare(ctx, geometry.get())) {}
};
using LocalGeos = tbb::enumerable_thread_specific<std::optional<RegionGeos>>;

RegionGeos& local_geos(LocalGeos& local, const Region& region) {
  auto& slot = local.local();
  if (!slot) slot.emplace(region.polygons);
  return *slot;
}

// The comparisons are false for NaN, so a point without coordinates is outside.
bool in_bbox(const io::Bbox& b, double x, double y) {
  return x >= b.xmin && x <= b.xmax && y >= b.ymin && y <= b.ymax;
}

// The per-point answer: GEOS prepared covers (JTS's PreparedPolygonCovers: the point located in
// the region's rings by ray crossings with robust orientation tests), true on the boundary.
bool covers_point(const RegionGeos& g, double x, double y) {
  const GEOSContextHandle_t h = g.ctx.get();
  auto point = detail::own(g.ctx, GEOSGeom_createPointFromXY_r(h, x, y), "point");
  return GEOSPreparedCovers_r(h, g.prepared.get(), point.get()) == 1;
}

// ---- The grid's cells: which may meet the boundary ----

// max(v, 0) then min(.., hi), NaN giving 0: maxsd and minsd. Written as ternaries, GCC turns the
// clamp into branches, which the points' random order mispredicts.
double clamp_to(double v, double hi) {
#if defined(__SSE2__)
  const __m128d low = _mm_max_sd(_mm_set_sd(v), _mm_setzero_pd());
  return _mm_cvtsd_f64(_mm_min_sd(low, _mm_set_sd(hi)));
#else
  v = v > 0 ? v : 0.0;
  return v < hi ? v : hi;
#endif
}

// One axis of the grid: its edges, and the scale by which floor guesses a cell.
class Axis {
 public:
  Axis(const std::vector<double>& edge, double scale)
      : edge_(edge), scale_(scale), last_(static_cast<double>(edge.size() - 2)) {}

  // The cells [first, past) whose closed interval [edge[i], edge[i + 1]] meets [lo, hi]: guessed
  // by floor, then moved until the edges themselves say so.
  std::pair<std::size_t, std::size_t> span(double lo, double hi) const {
    const std::size_t n = edge_.size() - 1;
    std::size_t first = guess(lo), past = guess(hi) + 1;
    while (first > 0 && edge_[first] >= lo) --first;     // the cell before reaches lo
    while (first < n && edge_[first + 1] < lo) ++first;  // this cell ends before lo
    while (past < n && edge_[past] <= hi) ++past;        // the next cell starts by hi
    while (past > 0 && edge_[past - 1] > hi) --past;     // the last cell starts after hi
    return {first, std::max(first, past)};
  }

 private:
  std::size_t guess(double v) const {
    return static_cast<std::size_t>(clamp_to((v - edge_[0]) * scale_, last_));
  }

  const std::vector<double>& edge_;
  double scale_, last_;
};

class BoundaryMarks {
 public:
  explicit BoundaryMarks(const detail::ClipGrid& grid)
      : x_(grid.x_edge, grid.x_scale),
        y_(grid.y_edge, grid.y_scale),
        x_edge_(grid.x_edge),
        nx_(static_cast<std::size_t>(grid.nx())),
        marked_(static_cast<std::size_t>(grid.nx() * grid.ny()), 0) {}

  // Marks every cell whose closed box may meet the segment (a, b): never fewer than those that do.
  void segment(double ax, double ay, double bx, double by) {
    if (bx < ax) {
      std::swap(ax, bx);
      std::swap(ay, by);
    }
    const double ylo = std::min(ay, by), yhi = std::max(ay, by);
    const auto [c0, c1] = x_.span(ax, bx);
    const auto [r0, r1] = y_.span(ylo, yhi);
    if (c1 - c0 < 2 || r1 - r0 < 2 || ax == bx || ay == by) return rect(c0, c1, r0, r1);
    // A slanted segment over several columns and rows: in each column, the rows between its
    // heights at the column's two x, computed with a margin far above their rounding error
    // (a few units in the last place of |ay| + |by|), within its own exact y range.
    const double margin = 1e-12 * (std::abs(ay) + std::abs(by)) + 1e-300;
    const double slope = (by - ay) / (bx - ax);
    for (std::size_t c = c0; c < c1; ++c) {
      const double u0 = std::max(x_edge_[c], ax), u1 = std::min(x_edge_[c + 1], bx);
      const double h0 = ay + (u0 - ax) * slope, h1 = ay + (u1 - ax) * slope;
      if (!std::isfinite(h0) || !std::isfinite(h1)) {  // overflow: the whole column's span
        rect(c, c + 1, r0, r1);
        continue;
      }
      const double lo = std::max(std::min(h0, h1) - margin, ylo);
      const double hi = std::min(std::max(h0, h1) + margin, yhi);
      const auto [rr0, rr1] = y_.span(lo, hi);
      rect(c, c + 1, rr0, rr1);
    }
  }

  std::vector<std::uint8_t> take() { return std::move(marked_); }

 private:
  void rect(std::size_t c0, std::size_t c1, std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r)
      std::fill(marked_.begin() + r * nx_ + c0, marked_.begin() + r * nx_ + c1, 1);
  }

  Axis x_, y_;
  const std::vector<double>& x_edge_;
  std::size_t nx_;
  std::vector<std::uint8_t> marked_;
};

// 1 for each cell whose closed box may meet a segment of the region's rings (the boundary).
std::vector<std::uint8_t> mark_boundary(const Region& region, const detail::ClipGrid& grid) {
  BoundaryMarks marks(grid);
  for (const auto& polygon : region.polygons)
    for (const auto& ring : polygon.rings)
      for (std::size_t k = 1; k < ring.x.size(); ++k)
        marks.segment(ring.x[k - 1], ring.y[k - 1], ring.x[k], ring.y[k]);
  return marks.take();
}

// ---- Verdicts: one per connected set of unmarked cells ----

// What a slot of the verdict table says of its points.
enum class Verdict : std::uint8_t { kTest, kInside, kOutside };

// A point's slot in the verdict table: kNoCell, kOutsideBox, or kFirstCell + its cell.
constexpr std::uint32_t kNoCell = 0;      // rounding put it in no cell's closed box: tested
constexpr std::uint32_t kOutsideBox = 1;  // outside the bounding box, or NaN: outside
constexpr std::uint32_t kFirstCell = 2;
static_assert(kNoCell == 0 && kOutsideBox == 1, "CellFinder builds slots with masks");

// The closed-box argument: an unmarked cell's closed box meets no ring, and two cells that share
// an edge make a connected set, so a 4-connected set of unmarked cells lies wholly in the
// region's interior or wholly in its exterior (a path that changes side crosses a ring). Every
// point of it has the location of any one of them: GEOS's answer at the first cell's corner.
std::vector<Verdict> verdict_table(const Region& region, const detail::ClipGrid& grid,
                                   const std::vector<std::uint8_t>& marked, LocalGeos& local) {
  const auto nx = static_cast<std::size_t>(grid.nx()), ny = static_cast<std::size_t>(grid.ny());
  std::vector<Verdict> verdict(kFirstCell + marked.size(), Verdict::kTest);
  verdict[kOutsideBox] = Verdict::kOutside;
  std::vector<std::uint8_t> seen(marked);  // marked cells stay kTest
  std::vector<std::size_t> stack;
  for (std::size_t seed = 0; seed < marked.size(); ++seed) {
    if (seen[seed]) continue;
    const bool in =
        covers_point(local_geos(local, region), grid.x_edge[seed % nx], grid.y_edge[seed / nx]);
    const Verdict v = in ? Verdict::kInside : Verdict::kOutside;
    seen[seed] = 1;
    stack.assign(1, seed);
    while (!stack.empty()) {
      const std::size_t c = stack.back();
      stack.pop_back();
      verdict[kFirstCell + c] = v;
      const std::size_t ix = c % nx, iy = c / nx;
      const auto visit = [&](std::size_t n) {
        if (!seen[n]) seen[n] = 1, stack.push_back(n);
      };
      if (ix > 0) visit(c - 1);
      if (ix + 1 < nx) visit(c + 1);
      if (iy > 0) visit(c - nx);
      if (iy + 1 < ny) visit(c + nx);
    }
  }
  return verdict;
}

// ---- The cell of a point ----

// The slot of a point, without branches (the bounding box test is unpredictable).
class CellFinder {
 public:
  explicit CellFinder(const detail::ClipGrid& g)
      : x_(g.x_edge.data()),
        y_(g.y_edge.data()),
        x_scale_(g.x_scale),
        y_scale_(g.y_scale),
        x_last_(static_cast<double>(g.nx() - 1)),
        y_last_(static_cast<double>(g.ny() - 1)),
        nx_(static_cast<std::uint32_t>(g.nx())),
        x_end_(g.x_edge.back()),
        y_end_(g.y_edge.back()) {}

  // The cell found by floor, then checked with the very edges of its box.
  std::uint32_t operator()(double x, double y) const {
    const auto ix = index(x, x_[0], x_scale_, x_last_), iy = index(y, y_[0], y_scale_, y_last_);
    const bool box = (x >= x_[0]) & (x <= x_end_) & (y >= y_[0]) & (y <= y_end_);
    const bool cell = (x_[ix] <= x) & (x <= x_[ix + 1]) & (y_[iy] <= y) & (y <= y_[iy + 1]);
    // box ? (cell ? kFirstCell + iy * nx + ix : kNoCell) : kOutsideBox, by masks: GCC makes the
    // ternaries branches.
    const std::uint32_t slot = (kFirstCell + iy * nx_ + ix) & (0u - std::uint32_t(cell));
    return (slot & (0u - std::uint32_t(box))) | std::uint32_t(!box);
  }

 private:
  // floor((v - lo) * scale) clamped to [0, last]: clamped first, then truncated, which is floor
  // for a number >= 0.
  static std::uint32_t index(double v, double lo, double scale, double last) {
    return static_cast<std::uint32_t>(clamp_to((v - lo) * scale, last));
  }

  const double *x_, *y_;
  double x_scale_, y_scale_, x_last_, y_last_;
  std::uint32_t nx_;
  double x_end_, y_end_;
};

// ---- The grid ----

bool usable(const io::Bbox& b) {
  return std::isfinite(b.xmin) && std::isfinite(b.xmax) && std::isfinite(b.ymin) &&
         std::isfinite(b.ymax) && b.xmin < b.xmax && b.ymin < b.ymax;
}

std::vector<double> edges(double lo, double hi, std::int64_t n, double step) {
  std::vector<double> edge(static_cast<std::size_t>(n) + 1);
  for (std::int64_t k = 0; k < n; ++k) edge[static_cast<std::size_t>(k)] = lo + k * step;
  edge.back() = hi;
  return edge;
}

bool increasing(const std::vector<double>& v) {
  return std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) == v.end();
}

// The points in the bounding box, counted among every k-th point (about 4,096) and scaled: the
// count only sizes the grid.
std::int64_t points_in_bbox(const io::Bbox& b, const std::vector<double>& x,
                            const std::vector<double>& y) {
  const std::size_t stride = std::max<std::size_t>(1, x.size() / 4096);
  std::int64_t n = 0;
  for (std::size_t i = 0; i < x.size(); i += stride)
    n += (x[i] >= b.xmin) & (x[i] <= b.xmax) & (y[i] >= b.ymin) & (y[i] <= b.ymax);
  return n * static_cast<std::int64_t>(stride);
}

}  // namespace

Region read_region(const std::string& path, const std::string& target_crs) {
  const auto layer = detail::read_projected(path, target_crs, "region");
  Region region = union_of(layer.geometries, layer.crs);
  region.source = path;
  region.repaired = layer.repaired;
  return region;
}

Region make_region(const io::MultiPolygon& polygons, const std::string& crs) {
  if (polygons.empty()) throw ConfigError("a region needs at least one polygon");
  return union_of({polygons}, crs);
}

namespace detail {

ClipGrid clip_grid(const Region& region, std::int64_t nx, std::int64_t ny) {
  const auto& b = region.bbox;
  if (nx < 1 || ny < 1 || nx > kMaxCells / ny || !usable(b)) return {};
  ClipGrid grid;
  const double fx = static_cast<double>(nx), fy = static_cast<double>(ny);
  grid.x_edge = edges(b.xmin, b.xmax, nx, (b.xmax - b.xmin) / fx);
  grid.y_edge = edges(b.ymin, b.ymax, ny, (b.ymax - b.ymin) / fy);
  grid.x_scale = fx / (b.xmax - b.xmin);
  grid.y_scale = fy / (b.ymax - b.ymin);
  if (!increasing(grid.x_edge) || !increasing(grid.y_edge)) return {};
  return grid;
}

ClipGrid choose_clip_grid(const Region& region, std::int64_t points) {
  const auto& b = region.bbox;
  std::int64_t vertices = 0;
  for (const auto& polygon : region.polygons)
    for (const auto& ring : polygon.rings) vertices += static_cast<std::int64_t>(ring.x.size());
  if (points < kMinPointsForCells || 4 * points < vertices || !usable(b)) return {};
  // About kCellsPerPoint cells per point, square.
  const double cells = std::min(static_cast<double>(points) * kCellsPerPoint, 0.5 * kMaxCells);
  const double side = std::sqrt((b.xmax - b.xmin) * (b.ymax - b.ymin) / cells);
  const auto n = [&](double length) {
    return static_cast<std::int64_t>(std::clamp(std::ceil(length / side), 1.0, 4096.0));
  };
  return clip_grid(region, n(b.xmax - b.xmin), n(b.ymax - b.ymin));
}

std::vector<std::uint8_t> inside_region_per_point(const Region& region,
                                                  const std::vector<double>& x,
                                                  const std::vector<double>& y) {
  if (x.size() != y.size()) throw InternalError("inside_region: x and y differ in length");
  std::vector<std::uint8_t> inside(x.size(), 0);
  if (region.polygons.empty()) return inside;
  LocalGeos local;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.size(), 4096), [&](const auto& range) {
    const RegionGeos& g = local_geos(local, region);
    for (std::size_t i = range.begin(); i != range.end(); ++i)
      inside[i] = in_bbox(region.bbox, x[i], y[i]) && covers_point(g, x[i], y[i]);
  });
  return inside;
}

std::vector<std::uint8_t> inside_region_by_cells(const Region& region, const ClipGrid& grid,
                                                 const std::vector<double>& x,
                                                 const std::vector<double>& y) {
  if (x.size() != y.size()) throw InternalError("inside_region: x and y differ in length");
  if (grid.nx() < 1 || grid.ny() < 1 || region.polygons.empty())
    return inside_region_per_point(region, x, y);
  LocalGeos local;
  const auto verdict = verdict_table(region, grid, mark_boundary(region, grid), local);
  std::vector<std::uint8_t> inside(x.size(), 0);
  const CellFinder find(grid);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.size(), 8192), [&](const auto& range) {
    // Local copies and pointers: a store to a uint8_t may alias anything, and would make the
    // compiler reload every vector's data and the finder's fields after each point.
    const CellFinder f = find;
    const double *px = x.data(), *py = y.data();
    const Verdict* table = verdict.data();
    std::uint8_t* out = inside.data();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const Verdict v = table[f(px[i], py[i])];
      out[i] = v == Verdict::kInside;
      if (v == Verdict::kTest) out[i] = covers_point(local_geos(local, region), px[i], py[i]);
    }
  });
  return inside;
}

}  // namespace detail

std::vector<std::uint8_t> inside_region(const Region& region, const std::vector<double>& x,
                                        const std::vector<double>& y) {
  if (x.size() != y.size()) throw InternalError("inside_region: x and y differ in length");
  if (region.polygons.empty()) return std::vector<std::uint8_t>(x.size(), 0);
  const auto grid = detail::choose_clip_grid(region, points_in_bbox(region.bbox, x, y));
  return detail::inside_region_by_cells(region, grid, x, y);
}

OutsideReport report_outside(const Region& region, const std::vector<double>& x,
                             const std::vector<double>& y) {
  const auto inside = inside_region(region, x, y);
  OutsideReport report;
  report.total = static_cast<std::int64_t>(inside.size());
  for (std::size_t i = 0; i < inside.size(); ++i) {
    if (inside[i]) continue;
    ++report.outside;
    if (report.first_outside.size() < 10)
      report.first_outside.push_back(static_cast<std::int64_t>(i));
  }
  return report;
}

}  // namespace scrutineer::geo
