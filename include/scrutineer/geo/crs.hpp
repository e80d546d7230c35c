// Coordinate reference systems through PROJ (proj.h): batch transforms between any two CRS that
// PROJ knows (EPSG codes, WKT, PROJ strings), always in x = easting/longitude, y =
// northing/latitude.
#pragma once

#include <cstddef>
#include <string>
#include <thread>
#include <vector>

namespace scrutineer::geo {

// A transformation between two CRS. Axis order is normalised for both ends, so geographic
// coordinates are always x = longitude, y = latitude in degrees, whatever the EPSG axis order.
// Not thread-safe: each thread builds its own Transformer (each owns a PROJ context). PROJ's search
// of its database for the operation between two CRS (tens of milliseconds) is done once per
// process and pair: later Transformers of the same pair copy the operation it found, or take a copy
// that an earlier Transformer left when it was destroyed.
class Transformer {
 public:
  // Throws ConfigError naming the CRS when PROJ does not know it or finds no transformation.
  Transformer(const std::string& from_crs, const std::string& to_crs);
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  // Transforms in place. A point PROJ cannot transform becomes NaN, NaN (never an exception, so a
  // bad row cannot stop a batch); the count of such points is returned.
  std::size_t transform(double* x, double* y, std::size_t n);
  std::size_t transform(std::vector<double>& x, std::vector<double>& y);
  // One point, in place; false (and NaN) when it cannot be transformed.
  bool transform(double& x, double& y);
  // As transform(x, y, n), split over the TBB worker threads, each with its own PROJ context and a
  // copy of this transformation; every point gets the same value as with transform().
  std::size_t transform_parallel(double* x, double* y, std::size_t n);

  const std::string& from_crs() const { return from_; }
  const std::string& to_crs() const { return to_; }
  // True when source and target are the same CRS (transform() then copies nothing).
  bool is_identity() const { return identity_; }

 private:
  void release();
  std::string from_, to_;
  void* ctx_ = nullptr;  // PJ_CONTEXT*
  void* pj_ = nullptr;   // PJ*
  bool identity_ = false;
};

// Searches PROJ's database for the operation from -> to on a thread of its own (tens of
// milliseconds), so that the search overlaps other work; a Transformer made later for the pair
// finds it done, or waits for it. Only a cache is filled: no value depends on it. Errors are left
// for that Transformer to raise. The destructor waits for the search to end.
class TransformSearch {
 public:
  TransformSearch(std::string from_crs, std::string to_crs);
  ~TransformSearch();
  TransformSearch(const TransformSearch&) = delete;
  TransformSearch& operator=(const TransformSearch&) = delete;

 private:
  std::thread thread_;
};

// The WGS 84 / UTM zone holding (lon, lat): "EPSG:326NN" north of the equator, "EPSG:327NN" south.
// Zone = floor((lon + 180) / 6) + 1, with the Norway (32V) and Svalbard (31X-37X) exceptions of
// the UTM standard. Throws ConfigError when lon/lat are not finite or out of range.
std::string utm_crs_for(double lon, double lat);

// Facts about one CRS, from PROJ's database. Throws ConfigError for a CRS that PROJ does not know.
struct CrsInfo {
  std::string name;  // e.g. "NAD83(HARN) / Illinois East"
  std::string wkt;   // WKT2:2019, for writing into outputs
  bool geographic = false;
  bool projected = false;
  double metres_per_unit = 1.0;  // of the first axis of a projected CRS (0.3048006 for US feet)
};
// Cached per process and CRS text.
CrsInfo crs_info(const std::string& crs);

// True when PROJ knows `crs` as a CRS (cheap: no search for a transformation). Throws nothing.
bool is_known_crs(const std::string& crs);
// Throws the ConfigError of an unknown CRS (the message Transformer gives) when PROJ does not know
// `crs`.
void require_known_crs(const std::string& crs);

}  // namespace scrutineer::geo
