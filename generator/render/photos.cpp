#include "render/photos.hpp"

#include "render/photo_library.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace shnor::render {

namespace {

// Quality of the scaled images and of a published original.
constexpr int kQuality = 82;
constexpr int kOriginalQuality = 90;

enum class SourceFormat { jpeg, png, webp, unknown };

SourceFormat sniff(std::string_view bytes) {
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return SourceFormat::jpeg;
    if (bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return SourceFormat::png;
    if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return SourceFormat::webp;
    return SourceFormat::unknown;
}

#ifndef _WIN32
// An image reference that is released however the scope is left.
class Image {
public:
    explicit Image(VipsImage* image = nullptr) : image_(image) {}
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;
    ~Image() {
        if (image_) vips().object_unref(image_);
    }
    VipsImage* get() const { return image_; }
    VipsImage** out() { return &image_; }  // for an operation's output; must be empty

private:
    VipsImage* image_;
};

// libvips' last error as a line of text, and the buffer cleared.
std::string vips_message() {
    std::string message = vips().error_buffer();
    vips().error_clear();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    std::replace(message.begin(), message.end(), '\n', ';');
    return message;
}

[[noreturn]] void fail(const std::string& what) {
    std::string detail = vips_message();
    throw PhotoError(detail.empty() ? what : what + " (" + detail + ")");
}

void* collect_name(VipsImage*, const char* name, GValue*, void* names) {
    static_cast<std::vector<std::string>*>(names)->emplace_back(name);
    return nullptr;
}

// A copy of `image` with no metadata at all: EXIF (and its GPS position),
// XMP, IPTC, the colour profile (the pixels are sRGB by then), comments.
// The savers' `strip` drops them too; this does not rely on it (libvips 8.14
// keeps EXIF in WebP even with `strip`).
void without_metadata(VipsImage* image, Image& bare) {
    if (vips().copy(image, bare.out(), nullptr) != 0) fail("не удалось обработать изображение");
    std::vector<std::string> names;
    vips().image_map(bare.get(), collect_name, &names);
    for (const auto& name : names) vips().image_remove(bare.get(), name.c_str());  // built-in fields stay
}

// The source decoded, upright, in sRGB, scaled to exactly `size`, without metadata.
void scaled(std::string_view source, ImageSize size, Image& out) {
    Image thumbnail, srgb;
    if (vips().thumbnail_buffer(const_cast<char*>(source.data()), source.size(), thumbnail.out(), size.width,
                                "height", size.height, "size", VIPS_SIZE_FORCE, "fail_on", VIPS_FAIL_ON_WARNING,
                                "export_profile", "srgb", nullptr) != 0)
        fail("изображение повреждено или не дочитано до конца");
    if (vips().colourspace(thumbnail.get(), srgb.out(), VIPS_INTERPRETATION_sRGB, nullptr) != 0)
        fail("не удалось перевести цвета изображения в sRGB");
    without_metadata(srgb.get(), out);
}

EncodedImage encoded(std::string_view source, ImageSize size, bool png, int quality) {
    Image image;
    scaled(source, size, image);
    void* buffer = nullptr;
    std::size_t length = 0;
    int status = png ? vips().pngsave_buffer(image.get(), &buffer, &length, "compression", 6, "strip", TRUE, nullptr)
                     : vips().jpegsave_buffer(image.get(), &buffer, &length, "Q", quality, "strip", TRUE,
                                              "optimize_coding", TRUE, "interlace", TRUE, nullptr);
    EncodedImage result{status == 0 ? std::string(static_cast<const char*>(buffer), length) : std::string(),
                        size.width, size.height};
    vips().free(buffer);
    if (status != 0) fail("не удалось сохранить изображение");
    // A tile that failed to decode (a file cut short) is only logged and
    // left black by the pipeline; its message stays in the error buffer.
    if (*vips().error_buffer() != '\0') fail("изображение повреждено или не дочитано до конца");
    return result;
}
#endif

}  // namespace

ImageSize fit_long_side(int width, int height, int long_side) {
    if (width <= long_side && height <= long_side) return {width, height};
    auto scale = [&](long long side, long long longer) {
        return static_cast<int>(std::max(1LL, (side * long_side * 2 + longer) / (2 * longer)));
    };
    if (width >= height) return {long_side, scale(height, width)};
    return {scale(width, height), long_side};
}

#ifdef _WIN32
// No libvips on Windows yet (photo_library.hpp): the format is checked as
// on Linux, then vips() throws its message.
EncodedPhoto encode_photo(std::string_view source, bool) {
    if (sniff(source) == SourceFormat::unknown)
        throw PhotoError("это не изображение JPEG, PNG или WebP (фотографии публикуются только в этих форматах)");
    vips();
    throw std::logic_error("vips() returns on Windows");
}
#else
EncodedPhoto encode_photo(std::string_view source, bool with_original) {
    SourceFormat format = sniff(source);
    if (format == SourceFormat::unknown)
        throw PhotoError("это не изображение JPEG, PNG или WebP (фотографии публикуются только в этих форматах)");
    const VipsLibrary& library = vips();
    // libvips' error buffer is one for the process: one photo at a time.
    static std::mutex one_at_a_time;
    std::lock_guard lock(one_at_a_time);
    library.error_clear();

    // The header only: the pixels are decoded later, and never for a bomb.
    Image header(library.image_new_from_buffer(source.data(), source.size(), "", "access", VIPS_ACCESS_SEQUENTIAL,
                                               "fail_on", VIPS_FAIL_ON_WARNING, nullptr));
    if (!header.get()) fail("изображение повреждено, его не удаётся прочитать");
    int width = library.image_get_width(header.get()), height = library.image_get_height(header.get());
    if (width <= 0 || height <= 0) fail("у изображения нет размеров");
    auto pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
    if (pixels > kMaxPhotoPixels)
        throw PhotoError("изображение слишком большое: " + std::to_string(width) + "×" + std::to_string(height) +
                         " точек, допустимо не больше " + std::to_string(kMaxPhotoPixels / 1'000'000) +
                         " мегапикселей; уменьшите его перед публикацией");
    if (library.image_get_orientation_swap(header.get())) std::swap(width, height);  // turned upright
    bool png = library.image_hasalpha(header.get());

    EncodedPhoto photo;
    photo.format = png ? "png" : "jpg";
    photo.large = encoded(source, fit_long_side(width, height, kPhotoLongSide), png, kQuality);
    if (std::max(photo.large.width, photo.large.height) > kPhotoSmallLongSide)
        photo.small = encoded(source, fit_long_side(width, height, kPhotoSmallLongSide), png, kQuality);
    if (with_original) photo.original = encoded(source, {width, height}, png, kOriginalQuality);
    return photo;
}
#endif

}  // namespace shnor::render
