// render/label_layout: where the value labels of a chart go so that no two
// labels overlap and no label covers a marker or another text of the chart.
// Text is measured by an estimate (there is no font engine here), taken on
// the generous side for the fonts browsers use (DejaVu Sans on Debian,
// Segoe UI, Roboto, Helvetica), so a box drawn by a browser fits inside the
// estimated one. A label with no free place is dropped: the table beside
// every chart carries all the numbers. Same input, same placement.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace shnor::render {

struct Box {
    double left = 0, top = 0, right = 0, bottom = 0;

    bool overlaps(const Box& other) const;
    bool inside(const Box& outer) const;
};

// The advance of `text` (UTF-8) at `font_size`, an upper estimate.
double estimated_text_width(std::string_view text, double font_size, bool bold);

// The box a browser gives a text element (font ascent to descent) centred
// on `centre_x` with its baseline at `baseline`, with `width` estimated.
Box text_box(double centre_x, double baseline, double width, double font_size);
// The same box for a text anchored at its start or its end.
Box start_text_box(double start_x, double baseline, double width, double font_size);
Box end_text_box(double end_x, double baseline, double width, double font_size);

// A point to label: its marker's box and the label's estimated width.
struct LabelRequest {
    Box marker;
    double width = 0;
    bool below_first = false;  // a lower point of several: its label tries below before above
};

// Where a label went: its centre and its baseline (text-anchor: middle).
struct LabelPlace {
    double centre_x = 0;
    double baseline = 0;
    Box box;
};

// Places labels in the order given (the first ones are the most important):
// each tries above its marker, below (or below, then above), right, left, then a line further above
// and below, and takes the first place that stays in `bounds` and meets no
// obstacle, no marker and no label placed before it; nullopt when none does.
// `obstacles` are the chart's other texts; every request's marker counts too.
std::vector<std::optional<LabelPlace>> place_labels(const std::vector<LabelRequest>& requests,
                                                     const std::vector<Box>& obstacles, const Box& bounds,
                                                     double font_size);

}  // namespace shnor::render
