// The study set-up's options (study::StudyOptions), declared once per stage: [data] (the events and
// how to read and filter them), [grid] (the region and its grid) and [areas] (census polygons with
// group counts). CLI commands and the recipe build their flags and keys from these lists.
#pragma once

#include "scrutineer/core/options.hpp"
#include "scrutineer/study/study.hpp"

namespace scrutineer::study {

const OptionSet<StudyOptions>& data_option_set();  // events, category, from, to + reading
const OptionSet<StudyOptions>& grid_option_set();  // region, cell_size, origin_x/y, clip, valid
const OptionSet<StudyOptions>& areas_option_set();
// from, to, only (the category) and region: the event filters of the analyses that read events
// without a grid (nearrepeat, stscan).
const OptionSet<StudyOptions>&
event_filter_option_set();  // areas, area_id, groups, total, reference, ...

}  // namespace scrutineer::study
