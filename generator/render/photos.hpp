// News photos made safe and light for the web: decoded, turned upright,
// converted to sRGB, scaled down and encoded again with libvips, with every
// piece of metadata left behind (EXIF with its GPS position, XMP, IPTC, the
// colour profile). Camera files name where children were photographed; the
// published files never do.
//
// libvips and its ~100 libraries are opened on the first photo
// (photo_library.hpp), so a build without photos starts as fast as before.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shnor::render {

// The long side of the large image (src) and of the small one (srcset).
inline constexpr int kPhotoLongSide = 1600;
inline constexpr int kPhotoSmallLongSide = 800;
// Larger sources are refused before they are decoded (decompression bombs).
inline constexpr std::uint64_t kMaxPhotoPixels = 50'000'000;
// Changes whenever the same source would give other bytes (sizes, quality,
// format rules): cached renditions of another version are not reused.
// Windows encodes with WIC (photos_windows.cpp): other bytes, other entries.
#ifdef _WIN32
inline constexpr std::string_view kPhotoEncoderVersion = "photos-1 q82/q90 1600/800 wic";
#else
inline constexpr std::string_view kPhotoEncoderVersion = "photos-1 q82/q90 1600/800";
#endif

struct EncodedImage {
    std::string bytes;
    int width = 0;
    int height = 0;
};

struct EncodedPhoto {
    // "jpg", or "png" for a source with transparency (JPEG has none).
    std::string format;
    EncodedImage large;                  // long side at most kPhotoLongSide
    std::optional<EncodedImage> small;   // only when the large one is wider than kPhotoSmallLongSide
    std::optional<EncodedImage> original;  // full size, metadata stripped; only when asked for
};

// The source's bytes are not an image shnor can publish (corrupt, too big,
// another format). what() is a Russian sentence for the webmaster.
class PhotoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Same bytes in → same bytes out. Throws PhotoError for bad input and
// std::runtime_error when libvips cannot be opened. Thread-safe.
EncodedPhoto encode_photo(std::string_view source, bool with_original);

// The size of an image of `width`×`height` scaled to fit `long_side`
// (never enlarged).
struct ImageSize {
    int width = 0;
    int height = 0;
};
ImageSize fit_long_side(int width, int height, int long_side);

}  // namespace shnor::render
