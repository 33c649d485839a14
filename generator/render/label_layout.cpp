#include "render/label_layout.hpp"

#include <algorithm>
#include <cstdint>

namespace shnor::render {

namespace {

// Font box of a text element as browsers report it (getBBox): DejaVu Sans,
// the sans-serif of Debian, has an ascent of 0.93 em and a descent of
// 0.24 em; other common sans fonts have less. Rounded up.
constexpr double kAscent = 0.96;
constexpr double kDescent = 0.26;
constexpr double kGap = 2;  // between a label and what it must not touch

// Decodes one UTF-8 code point; advances `i`.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
    auto byte = static_cast<unsigned char>(text[i++]);
    int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
    std::uint32_t code = extra == 3 ? byte & 0x07 : extra == 2 ? byte & 0x0F : extra == 1 ? byte & 0x1F : byte;
    for (int k = 0; k < extra && i < text.size(); ++k) code = (code << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
    return code;
}

// Advance in em of one character, the widest of the usual sans fonts (bold
// DejaVu Sans is the widest of them).
double advance_em(std::uint32_t code, bool bold) {
    double extra = bold ? 0.07 : 0;
    if (code >= '0' && code <= '9') return 0.64 + extra;
    if (code == ' ' || code == 0xA0 || code == 0x202F) return 0.32 + extra / 2;
    if (code == ',' || code == '.' || code == ':' || code == ';') return 0.34 + extra;
    if (code == '(' || code == ')' || code == '-') return 0.40 + extra;
    if (code == '%') return 0.95 + extra;
    if (code == 0x2014 || code == 0x2013) return 1.0;  // dashes
    bool upper = (code >= 'A' && code <= 'Z') || (code >= 0x0410 && code <= 0x042F) || code == 0x0401;
    if (upper) return 0.78 + extra;
    // Ж, ш, щ, ы, ю, м and friends are wide; a mean over Russian text is ~0.62.
    if (code == 0x0436 || code == 0x0448 || code == 0x0449 || code == 0x044B || code == 0x044E || code == 'm' ||
        code == 'w' || code == 0x043C)
        return 0.86 + extra;
    return 0.66 + extra;
}

}  // namespace

bool Box::overlaps(const Box& other) const {
    return left < other.right && other.left < right && top < other.bottom && other.top < bottom;
}

bool Box::inside(const Box& outer) const {
    return left >= outer.left && right <= outer.right && top >= outer.top && bottom <= outer.bottom;
}

double estimated_text_width(std::string_view text, double font_size, bool bold) {
    double em = 0;
    for (std::size_t i = 0; i < text.size();) em += advance_em(next_code_point(text, i), bold);
    return em * font_size;
}

Box text_box(double centre_x, double baseline, double width, double font_size) {
    return {centre_x - width / 2, baseline - kAscent * font_size, centre_x + width / 2, baseline + kDescent * font_size};
}

Box start_text_box(double start_x, double baseline, double width, double font_size) {
    return text_box(start_x + width / 2, baseline, width, font_size);
}

Box end_text_box(double end_x, double baseline, double width, double font_size) {
    return text_box(end_x - width / 2, baseline, width, font_size);
}

std::vector<std::optional<LabelPlace>> place_labels(const std::vector<LabelRequest>& requests,
                                                     const std::vector<Box>& obstacles, const Box& bounds,
                                                     double font_size) {
    std::vector<Box> taken = obstacles;
    for (const auto& request : requests) taken.push_back(request.marker);
    auto grown = [](Box box) {
        box.left -= kGap / 2;
        box.right += kGap / 2;
        box.top -= kGap / 2;
        box.bottom += kGap / 2;
        return box;
    };
    std::vector<std::optional<LabelPlace>> places;
    places.reserve(requests.size());
    double height = (kAscent + kDescent) * font_size;
    for (const auto& request : requests) {
        const Box& marker = request.marker;
        double centre_x = (marker.left + marker.right) / 2;
        double middle_y = (marker.top + marker.bottom) / 2;
        double half = request.width / 2;
        // Baselines that put the label's box just clear of the marker.
        double above = marker.top - kGap - kDescent * font_size;
        double below = marker.bottom + kGap + kAscent * font_size;
        double level = middle_y + (kAscent - kDescent) * font_size / 2;
        const std::pair<double, double> candidates[] = {
            {centre_x, request.below_first ? below : above},
            {centre_x, request.below_first ? above : below},
            {marker.right + kGap + half, level},
            {marker.left - kGap - half, level},
            {centre_x, above - height},
            {centre_x, below + height},
        };
        std::optional<LabelPlace> chosen;
        for (const auto& [wanted_x, baseline] : candidates) {
            // Near a side of the chart a label slides inwards rather than leave it.
            double x = std::clamp(wanted_x, bounds.left + half, std::max(bounds.left + half, bounds.right - half));
            Box box = text_box(x, baseline, request.width, font_size);
            if (!box.inside(bounds)) continue;
            Box wide = grown(box);
            if (std::any_of(taken.begin(), taken.end(), [&wide](const Box& other) { return wide.overlaps(other); }))
                continue;
            chosen = LabelPlace{x, baseline, box};
            break;
        }
        if (chosen) taken.push_back(chosen->box);
        places.push_back(chosen);
    }
    return places;
}

}  // namespace shnor::render
