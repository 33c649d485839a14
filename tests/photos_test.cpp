// News photos as a parent's phone and a stranger get them: a geotagged camera
// file given to the real `shnor` binary comes out re-encoded, upright, at most
// 1600 px on its long side, with an 800 px copy in srcset, its caption as alt
// text and <figcaption>, and no GPS position (nor any EXIF, XMP) in any file
// of the site. A corrupt or oversized image is an error at its news file's
// line, and the previous site stays.
#include "render/photos.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"
#include <catch2/catch.hpp>
#ifndef _WIN32  // (the Linux lines keep their numbers: Catch's messages name them)
#include <vips/vips8>
#include <unistd.h>
#endif

#include <filesystem>
#include <regex>
#include <string>
#include <vector>
#ifndef _WIN32
namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;
using shnor::test::write_file;

namespace {

constexpr const char* kDate = "2025-02-10";

void start_vips() {
    static bool started = [] {
        if (VIPS_INIT("shnor_tests") != 0) FAIL("libvips does not start");
        return true;
    }();
    (void)started;
}

// A colourful picture of `width`×`height` (a gradient: it compresses like a photo, not like noise).
vips::VImage picture(int width, int height) {
    start_vips();
    vips::VImage xy = vips::VImage::xyz(width, height);
    vips::VImage red = xy[0] * (255.0 / width), green = xy[1] * (255.0 / height);
    vips::VImage blue = (red + green) / 2;
    return red.bandjoin(green).bandjoin(blue).cast(VIPS_FORMAT_UCHAR).copy(
        vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

std::string jpeg_of(const vips::VImage& image) {
    void* buffer = nullptr;
    std::size_t length = 0;
    image.write_to_buffer(".jpg", &buffer, &length, vips::VImage::option()->set("Q", 90));
    std::string bytes(static_cast<const char*>(buffer), length);
    g_free(buffer);
    return bytes;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

shnor::test::CommandResult exiftool(const std::string& arguments, const fs::path& log) {
    return shnor::test::run_command("exiftool " + arguments, log);
}

// A content tree of one district with a news item showing `photos` (its
// YAML), the photo files under files/.
struct Tree {
    fs::path path, content, site;
    explicit Tree(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-photos-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        content = path / "content";
        site = path / "site";
        write_file(content / "site.yaml", "title: Район\nbase_url: https://example.org/\n");
        write_file(content / "district.yaml", "name: Тестовый район\nregion: Тестовая область\n");
        write_file(content / "schools/sosh-1/school.yaml", "name: МБОУ СОШ № 1\n");
    }
    ~Tree() { fs::remove_all(path); }
    void news(const std::string& photos) const {
        write_file(content / "news/2024-09-02-otkrytie.md",
                   "---\ntitle: Открытие центра\nphotos:\n" + photos + "---\n\nТекст новости.\n");
    }
    shnor::test::CommandResult build(const fs::path& out, const fs::path& cache) const {
        return shnor::test::run_command(shell_quoted(SHNOR_BINARY) + " build --content " + shell_quoted(content) +
                                            " --date " + kDate + " --cache " + shell_quoted(cache) + " --out " +
                                            shell_quoted(out),
                                        path / "output.txt");
    }
    shnor::test::CommandResult build() const { return build(site, path / "cache"); }
};

// Every file of the site that is an image.
std::vector<fs::path> images_in(const fs::path& site) {
    std::vector<fs::path> images;
    for (const auto& entry : fs::recursive_directory_iterator(site)) {
        auto extension = entry.path().extension().string();
        if (entry.is_regular_file() && (extension == ".jpg" || extension == ".jpeg" || extension == ".png"))
            images.push_back(entry.path());
    }
    return images;
}

// Geotagged (EXIF and XMP), turned by EXIF orientation, with a camera model.
void write_camera_photo(const fs::path& file, int width, int height, const fs::path& log) {
    write_file(file, jpeg_of(picture(width, height)));
    auto tagged = exiftool("-q -overwrite_original -GPSLatitude=55.7558 -GPSLatitudeRef=N -GPSLongitude=37.6173 "
                           "-GPSLongitudeRef=E -XMP:GPSLatitude=55.7558N -XMP:GPSLongitude=37.6173E "
                           "-Make=Camera -Model=Phone -Orientation#=6 " + shell_quoted(file),
                           log);
    REQUIRE(tagged.exit_code == 0);
    auto tags = exiftool("-a -G1 -s " + shell_quoted(file), log);
    REQUIRE(contains(tags.output, "[GPS]"));  // the source does hold a position, in EXIF and XMP
    REQUIRE(contains(tags.output, "GPSLatitude"));
    REQUIRE(contains(tags.output, "[XMP-exif]"));
    REQUIRE(contains(tags.output, "Phone"));
}

}  // namespace

TEST_CASE("photos: a geotagged camera file is published without metadata, resized, with srcset and caption",
          "[photos]") {
    Tree tree("gps");
    write_camera_photo(tree.content / "files/kamera.jpg", 3000, 2000, tree.path / "exiftool.txt");
    write_file(tree.content / "files/small.png", [] {
        void* buffer = nullptr;
        std::size_t length = 0;
        picture(400, 300).write_to_buffer(".png", &buffer, &length);
        std::string bytes(static_cast<const char*>(buffer), length);
        g_free(buffer);
        return bytes;
    }());
    tree.news("  - file: files/kamera.jpg\n    caption: Ученики 5 класса в лаборатории\n"
              "  - files/small.png\n");
    auto built = tree.build();
    INFO(built.output);
    REQUIRE(built.exit_code == 0);

    // The camera file itself is not published, nor any image with metadata.
    CHECK_FALSE(fs::exists(tree.site / "files/kamera.jpg"));
    CHECK_FALSE(fs::exists(tree.site / "files/small.png"));
    auto images = images_in(tree.site);
    CHECK(images.size() == 3);  // kamera-1600.jpg, kamera-800.jpg, small-1600.jpg
    for (const auto& image : images) {
        INFO(image);
        std::string bytes = read_file(image);
        CHECK_FALSE(contains(bytes, "GPS"));
        CHECK_FALSE(contains(bytes, std::string("Exif\0\0", 6)));
        CHECK_FALSE(contains(bytes, "http://ns.adobe.com/xap/1.0/"));  // XMP
        CHECK_FALSE(contains(bytes, "Phone"));                         // the camera model
        auto gps = exiftool("-gps:all -xmp:all -exif:all -iptc:all " + shell_quoted(image), tree.path / "exiftool.txt");
        CHECK(gps.exit_code == 0);
        CHECK(gps.output.empty());
        auto tags = exiftool("-a -G1 -s " + shell_quoted(image), tree.path / "exiftool.txt");
        CHECK_FALSE(contains(tags.output, "GPS"));
        CHECK_FALSE(contains(tags.output, "[IFD0]"));
        CHECK_FALSE(contains(tags.output, "[ExifIFD]"));
        CHECK_FALSE(contains(tags.output, "[XMP"));
        CHECK_FALSE(contains(tags.output, "[ICC"));
    }

    // Turned upright (orientation 6: 3000×2000 stored, 2000×3000 seen), then fitted into 1600 px.
    start_vips();
    auto large = vips::VImage::new_from_file((tree.site / "files/kamera-1600.jpg").c_str());
    CHECK(large.width() == 1067);
    CHECK(large.height() == 1600);
    auto small = vips::VImage::new_from_file((tree.site / "files/kamera-800.jpg").c_str());
    CHECK(small.width() == 533);
    CHECK(small.height() == 800);
    // A small opaque PNG becomes a JPEG of its own size, with no srcset.
    auto png = vips::VImage::new_from_file((tree.site / "files/small-1600.jpg").c_str());
    CHECK(png.width() == 400);

    std::string page = read_file(tree.site / "news/2024-09-02-otkrytie/index.html");
    INFO(page);
    CHECK(contains(page, "<figure class=\"photo\"><img src=\"../../files/kamera-1600.jpg\" srcset=\"../../files/kamera-800.jpg "
                         "533w, ../../files/kamera-1600.jpg 1067w\" sizes=\"(max-width: 40rem) 100vw, 25rem\" "
                         "width=\"1067\" height=\"1600\" alt=\"Ученики 5 класса в лаборатории\""));
    CHECK(contains(page, "<figcaption>Ученики 5 класса в лаборатории</figcaption></figure>"));
    CHECK(contains(page, "<img src=\"../../files/small-1600.jpg\" width=\"400\" height=\"300\" "
                         "alt=\"Фотография 2 из 2 к новости «Открытие центра»\""));
    CHECK_FALSE(contains(page, "kamera.jpg"));
    CHECK_FALSE(contains(page, "Фотография в исходном размере"));
    // Open data names the published image, not the camera file.
    std::string site_json = read_file(tree.site / "data/site.json");
    CHECK(contains(site_json, "\"files/kamera-1600.jpg\""));
    CHECK_FALSE(contains(site_json, "kamera.jpg"));

    SECTION("the same photo gives the same bytes, and a second build takes them from the cache") {
        std::vector<std::string> before;
        for (const auto& name : {"kamera-1600.jpg", "kamera-800.jpg", "small-1600.jpg"})
            before.push_back(read_file(tree.site / "files" / name));
        fs::path other = tree.path / "other-site";
        REQUIRE(tree.build(other, tree.path / "other-cache").exit_code == 0);  // encoded again, from nothing
        std::size_t n = 0;
        for (const auto& name : {"kamera-1600.jpg", "kamera-800.jpg", "small-1600.jpg"})
            CHECK(read_file(other / "files" / name) == before[n++]);
        auto stamp = [](const fs::path& folder) {
            std::vector<std::pair<std::string, fs::file_time_type>> stamps;
            for (const auto& entry : fs::recursive_directory_iterator(folder))
                if (entry.is_regular_file()) stamps.emplace_back(entry.path().string(), entry.last_write_time());
            std::sort(stamps.begin(), stamps.end());
            return stamps;
        };
        auto cached = stamp(tree.path / "cache/photos");
        CHECK(cached.size() == 5);  // meta + large + small, meta + large
        REQUIRE(tree.build(tree.path / "third-site", tree.path / "cache").exit_code == 0);
        CHECK(stamp(tree.path / "cache/photos") == cached);  // nothing encoded again
        CHECK(read_file(tree.path / "third-site/files/kamera-1600.jpg") == before[0]);
    }

    SECTION("publish_original: the full-size image is published, still without metadata") {
        tree.news("  - file: files/kamera.jpg\n    caption: Ученики\n    publish_original: true\n");
        REQUIRE(tree.build().exit_code == 0);
        REQUIRE(fs::exists(tree.site / "files/kamera.jpg"));
        auto original = vips::VImage::new_from_file((tree.site / "files/kamera.jpg").c_str());
        CHECK(original.width() == 2000);
        CHECK(original.height() == 3000);
        std::string bytes = read_file(tree.site / "files/kamera.jpg");
        CHECK_FALSE(contains(bytes, "GPS"));
        CHECK(exiftool("-gps:all " + shell_quoted(tree.site / "files/kamera.jpg"), tree.path / "e.txt").output.empty());
        page = read_file(tree.site / "news/2024-09-02-otkrytie/index.html");
        CHECK(contains(page, "<figcaption>Ученики <a class=\"photo__original\" href=\"../../files/kamera.jpg\">"
                             "Фотография в исходном размере</a></figcaption>"));
        CHECK_FALSE(fs::exists(tree.site / "files/small-1600.jpg"));  // no longer shown: removed
    }
}

TEST_CASE("photos: a corrupt, oversized or foreign file is an error at its line, and the site stays", "[photos]") {
    Tree tree("bad");
    write_file(tree.content / "files/ok.jpg", jpeg_of(picture(1000, 800)));
    tree.news("  - files/ok.jpg\n");
    REQUIRE(tree.build().exit_code == 0);
    std::string page_before = read_file(tree.site / "news/2024-09-02-otkrytie/index.html");

    std::string expected_message;
    SECTION("cut short") {
        std::string bytes = jpeg_of(picture(1200, 900));
        write_file(tree.content / "files/bad.jpg", bytes.substr(0, bytes.size() / 2));
        expected_message = "повреждено";
    }
    SECTION("a decompression bomb: small file, 60 megapixels") {
        void* buffer = nullptr;
        std::size_t length = 0;
        start_vips();
        vips::VImage::black(10000, 6000).write_to_buffer(".png", &buffer, &length);
        write_file(tree.content / "files/bad.jpg", std::string(static_cast<const char*>(buffer), length));
        g_free(buffer);
        expected_message = "10000×6000";
    }
    SECTION("not an image") {
        write_file(tree.content / "files/bad.jpg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        expected_message = "это не изображение JPEG, PNG или WebP";
    }
    tree.news("  - files/ok.jpg\n  - {file: files/bad.jpg, caption: Плохая}\n");
    auto built = tree.build();
    INFO(built.output);
    CHECK(built.exit_code != 0);
    CHECK(contains(built.output, "news/2024-09-02-otkrytie.md:5: ошибка: поле «photos[2]»: фотография «files/bad.jpg»"));
    CHECK(contains(built.output, expected_message));
    CHECK(read_file(tree.site / "news/2024-09-02-otkrytie/index.html") == page_before);
}
#endif  // !_WIN32
TEST_CASE("photos: fitting into the long side never enlarges and keeps the shape", "[photos]") {
    using shnor::render::fit_long_side;
    CHECK(fit_long_side(4000, 3000, 1600).width == 1600);
    CHECK(fit_long_side(4000, 3000, 1600).height == 1200);
    CHECK(fit_long_side(2000, 3000, 800).width == 533);
    CHECK(fit_long_side(800, 10, 1600).width == 800);
    CHECK(fit_long_side(100000, 1, 1600).height == 1);
}

#ifdef _WIN32
// On Windows (no libvips, no exiftool, no shnor.exe yet; photos through WIC,
// render/photos_windows.cpp) the same promises are checked on
// render::encode_photo itself: the camera file is made here with WIC and a
// hand-written EXIF (GPS position, camera, orientation) and XMP segment.
#include <windows.h>
#include <objbase.h>
#include <wincodec.h>
#include <wrl/client.h>

#include <array>
#include <cstdint>
#include <utility>

namespace {

using Microsoft::WRL::ComPtr;
using shnor::render::encode_photo;
using shnor::render::PhotoError;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ComPtr<IWICImagingFactory> factory() {
    static const HRESULT com = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    REQUIRE(SUCCEEDED(com));
    ComPtr<IWICImagingFactory> made;
    REQUIRE(SUCCEEDED(::CoCreateInstance(CLSID_WICImagingFactory, nullptr, CLSCTX_INPROC_SERVER, IID_PPV_ARGS(&made))));
    return made;
}

// A decoded image, 3 bytes (B, G, R) a pixel, or 4 (B, G, R, A).
struct Pixels {
    int width = 0, height = 0, channels = 3;
    std::vector<unsigned char> bytes;
    const unsigned char* at(int x, int y) const { return &bytes[(std::size_t(y) * width + x) * channels]; }
    int red(int x, int y) const { return at(x, y)[2]; }
    int green(int x, int y) const { return at(x, y)[1]; }
};

// A gradient (red grows to the right, green downwards; it compresses like a
// photo, not like noise); with `alpha`, transparent on the left.
Pixels picture(int width, int height, bool alpha = false) {
    Pixels image{width, height, alpha ? 4 : 3, {}};
    image.bytes.resize(std::size_t(width) * height * image.channels);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            auto* pixel = &image.bytes[(std::size_t(y) * width + x) * image.channels];
            int red = x * 255 / width, green = y * 255 / height;
            pixel[0] = static_cast<unsigned char>((red + green) / 2);
            pixel[1] = static_cast<unsigned char>(green);
            pixel[2] = static_cast<unsigned char>(red);
            if (alpha) pixel[3] = static_cast<unsigned char>(red);
        }
    return image;
}

std::string encoded_with_wic(const Pixels& image, bool png) {
    auto wic = factory();
    WICPixelFormatGUID format = image.channels == 4 ? GUID_WICPixelFormat32bppBGRA : GUID_WICPixelFormat24bppBGR;
    ComPtr<IWICBitmap> bitmap;
    REQUIRE(SUCCEEDED(wic->CreateBitmapFromMemory(image.width, image.height, format, image.width * image.channels,
                                                  static_cast<UINT>(image.bytes.size()),
                                                  const_cast<BYTE*>(image.bytes.data()), &bitmap)));
    ComPtr<IStream> memory;
    REQUIRE(SUCCEEDED(::CreateStreamOnHGlobal(nullptr, TRUE, &memory)));
    ComPtr<IWICBitmapEncoder> encoder;
    REQUIRE(SUCCEEDED(wic->CreateEncoder(png ? GUID_ContainerFormatPng : GUID_ContainerFormatJpeg, nullptr, &encoder)));
    REQUIRE(SUCCEEDED(encoder->Initialize(memory.Get(), WICBitmapEncoderNoCache)));
    ComPtr<IWICBitmapFrameEncode> frame;
    REQUIRE(SUCCEEDED(encoder->CreateNewFrame(&frame, nullptr)));
    REQUIRE(SUCCEEDED(frame->Initialize(nullptr)));
    REQUIRE(SUCCEEDED(frame->SetSize(image.width, image.height)));
    REQUIRE(SUCCEEDED(frame->SetPixelFormat(&format)));
    REQUIRE(SUCCEEDED(frame->WriteSource(bitmap.Get(), nullptr)));
    REQUIRE(SUCCEEDED(frame->Commit()));
    REQUIRE(SUCCEEDED(encoder->Commit()));
    STATSTG stat{};
    REQUIRE(SUCCEEDED(memory->Stat(&stat, STATFLAG_NONAME)));
    std::string bytes(static_cast<std::size_t>(stat.cbSize.QuadPart), '\0');
    REQUIRE(SUCCEEDED(memory->Seek(LARGE_INTEGER{}, STREAM_SEEK_SET, nullptr)));
    ULONG read = 0;
    REQUIRE(SUCCEEDED(memory->Read(bytes.data(), static_cast<ULONG>(bytes.size()), &read)));
    bytes.resize(read);
    return bytes;
}

Pixels decoded(const std::string& bytes) {
    auto wic = factory();
    ComPtr<IWICStream> stream;
    REQUIRE(SUCCEEDED(wic->CreateStream(&stream)));
    REQUIRE(SUCCEEDED(stream->InitializeFromMemory(reinterpret_cast<BYTE*>(const_cast<char*>(bytes.data())),
                                                   static_cast<DWORD>(bytes.size()))));
    ComPtr<IWICBitmapDecoder> decoder;
    REQUIRE(SUCCEEDED(wic->CreateDecoderFromStream(stream.Get(), nullptr, WICDecodeMetadataCacheOnDemand, &decoder)));
    ComPtr<IWICBitmapFrameDecode> frame;
    REQUIRE(SUCCEEDED(decoder->GetFrame(0, &frame)));
    ComPtr<IWICFormatConverter> converter;
    REQUIRE(SUCCEEDED(wic->CreateFormatConverter(&converter)));
    REQUIRE(SUCCEEDED(converter->Initialize(frame.Get(), GUID_WICPixelFormat24bppBGR, WICBitmapDitherTypeNone, nullptr,
                                            0.0, WICBitmapPaletteTypeCustom)));
    Pixels image;
    UINT width = 0, height = 0;
    REQUIRE(SUCCEEDED(converter->GetSize(&width, &height)));
    image.width = static_cast<int>(width);
    image.height = static_cast<int>(height);
    image.bytes.resize(std::size_t(width) * height * 3);
    REQUIRE(SUCCEEDED(converter->CopyPixels(nullptr, width * 3, static_cast<UINT>(image.bytes.size()),
                                            image.bytes.data())));
    return image;
}

std::string big_endian16(unsigned value) { return {char(value >> 8), char(value & 0xFF)}; }
std::string big_endian32(std::uint32_t value) { return big_endian16(value >> 16) + big_endian16(value & 0xFFFF); }

// A JPEG segment: marker, length, payload.
std::string segment(unsigned char marker, const std::string& payload) {
    return std::string("\xFF", 1) + char(marker) + big_endian16(static_cast<unsigned>(payload.size() + 2)) + payload;
}

// An EXIF segment as a camera writes one (big-endian TIFF): IFD0 with the
// camera's make and model, the orientation and a GPS IFD with a position.
std::string exif_segment(int orientation) {
    std::string tiff = "MM" + big_endian16(42) + big_endian32(8);
    auto entry = [](unsigned tag, unsigned type, std::uint32_t count, const std::string& value) {
        std::string padded = value + std::string(4 - value.size(), '\0');
        return big_endian16(tag) + big_endian16(type) + big_endian32(count) + padded;
    };
    // IFD0 at 8: 4 entries (2 + 4 * 12 + 4 bytes), then its values at 62.
    const std::uint32_t values = 8 + 2 + 4 * 12 + 4;
    std::string make = std::string("Camera\0", 7), model = std::string("Phone\0", 6);
    std::uint32_t make_at = values, model_at = values + 8, gps_at = values + 16;  // each padded to 8 bytes
    tiff += big_endian16(4);
    tiff += entry(0x010F, 2, 7, big_endian32(make_at));
    tiff += entry(0x0110, 2, 6, big_endian32(model_at));
    tiff += entry(0x0112, 3, 1, big_endian16(static_cast<unsigned>(orientation)));
    tiff += entry(0x8825, 4, 1, big_endian32(gps_at));
    tiff += big_endian32(0);
    tiff += make + std::string(1, '\0') + model + std::string(2, '\0');
    // GPS IFD: latitude N 55°45'20", longitude E 37°37'02".
    std::uint32_t rationals = gps_at + 2 + 4 * 12 + 4;
    tiff += big_endian16(4);
    tiff += entry(0x0001, 2, 2, "N");
    tiff += entry(0x0002, 5, 3, big_endian32(rationals));
    tiff += entry(0x0003, 2, 2, "E");
    tiff += entry(0x0004, 5, 3, big_endian32(rationals + 24));
    tiff += big_endian32(0);
    for (std::uint32_t value : {55u, 45u, 20u, 37u, 37u, 2u}) tiff += big_endian32(value) + big_endian32(1);
    return segment(0xE1, std::string("Exif\0\0", 6) + tiff);
}

std::string xmp_segment() {
    return segment(0xE1, std::string("http://ns.adobe.com/xap/1.0/\0", 29) +
                             "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/"
                             "22-rdf-syntax-ns#'><rdf:Description xmlns:exif='http://ns.adobe.com/exif/1.0/' "
                             "exif:GPSLatitude='55,45.3N' exif:GPSLongitude='37,37.03E'/></rdf:RDF></x:xmpmeta>");
}

// A geotagged camera file: EXIF (GPS, camera, orientation) and XMP (GPS) right after SOI.
std::string camera_jpeg(int width, int height, int orientation) {
    std::string jpeg = encoded_with_wic(picture(width, height), false);
    return jpeg.substr(0, 2) + exif_segment(orientation) + xmp_segment() + jpeg.substr(2);
}

// The markers of a JPEG up to its first scan (APPn, COM and the rest).
std::vector<unsigned> jpeg_markers(const std::string& bytes) {
    std::vector<unsigned> markers;
    std::size_t at = 2;
    while (at + 4 <= bytes.size() && static_cast<unsigned char>(bytes[at]) == 0xFF) {
        unsigned marker = static_cast<unsigned char>(bytes[at + 1]);
        markers.push_back(marker);
        if (marker == 0xDA) break;
        at += 2 + (static_cast<unsigned char>(bytes[at + 2]) << 8 | static_cast<unsigned char>(bytes[at + 3]));
    }
    return markers;
}

// Neither EXIF (nor its GPS position and camera), XMP, ICC profile nor comment.
void check_no_metadata(const std::string& bytes) {
    CHECK_FALSE(contains(bytes, std::string("Exif\0\0", 6)));
    CHECK_FALSE(contains(bytes, "GPS"));
    CHECK_FALSE(contains(bytes, "Phone"));
    CHECK_FALSE(contains(bytes, "Camera"));
    CHECK_FALSE(contains(bytes, "http://ns.adobe.com/xap/1.0/"));
    CHECK_FALSE(contains(bytes, "ICC_PROFILE"));
    if (bytes.substr(0, 2) == "\xFF\xD8") {
        for (unsigned marker : jpeg_markers(bytes)) {
            INFO("JPEG marker " << marker);
            CHECK_FALSE((marker >= 0xE1 && marker <= 0xEF));  // APP1-15 (APP0 is JFIF)
            CHECK(marker != 0xFE);                             // COM
        }
    } else {
        for (const char* chunk : {"eXIf", "iCCP", "tEXt", "iTXt", "zTXt", "tIME"}) CHECK_FALSE(contains(bytes, chunk));
    }
}

std::string photo_error(const std::string& source) {
    try {
        encode_photo(source, false);
    } catch (const PhotoError& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE("photos (Windows, WIC): a geotagged camera file is published upright, resized, without metadata",
          "[photos]") {
    std::string camera = camera_jpeg(3000, 2000, 6);
    REQUIRE(contains(camera, "GPS"));  // the source does hold a position, in EXIF and XMP
    REQUIRE(contains(camera, "Phone"));

    auto photo = encode_photo(camera, true);
    CHECK(photo.format == "jpg");
    // Turned upright (orientation 6: 3000×2000 stored, 2000×3000 seen), then fitted into 1600 px.
    CHECK(photo.large.width == 1067);
    CHECK(photo.large.height == 1600);
    REQUIRE(photo.small);
    CHECK(photo.small->width == 533);
    CHECK(photo.small->height == 800);
    REQUIRE(photo.original);
    CHECK(photo.original->width == 2000);
    CHECK(photo.original->height == 3000);
    for (const auto* image : {&photo.large, &*photo.small, &*photo.original}) {
        INFO(image->width << "×" << image->height);
        CHECK(image->bytes.substr(0, 3) == "\xFF\xD8\xFF");
        check_no_metadata(image->bytes);
        Pixels pixels = decoded(image->bytes);
        CHECK(pixels.width == image->width);
        CHECK(pixels.height == image->height);
        // Upright: the stored bottom-left corner (green) is now the top-left, its top-left (black) the top-right.
        CHECK(pixels.green(2, 2) > 200);
        CHECK(pixels.red(2, 2) < 40);
        CHECK(pixels.green(pixels.width - 3, 2) < 40);
        CHECK(pixels.red(pixels.width - 3, 2) < 40);
        CHECK(pixels.red(2, pixels.height - 3) > 200);
    }
    // Same bytes in, same bytes out (the cache and reproducible sites rely on it).
    auto again = encode_photo(camera, false);
    CHECK(again.large.bytes == photo.large.bytes);
    CHECK(again.small->bytes == photo.small->bytes);
    CHECK_FALSE(again.original);

    SECTION("a small opaque PNG becomes a JPEG of its own size, with no srcset") {
        auto small = encode_photo(encoded_with_wic(picture(400, 300), true), false);
        CHECK(small.format == "jpg");
        CHECK(small.large.width == 400);
        CHECK(small.large.height == 300);
        CHECK_FALSE(small.small);
        CHECK(decoded(small.large.bytes).width == 400);
    }
    SECTION("a PNG with transparency stays a PNG, alpha kept") {
        auto clear = encode_photo(encoded_with_wic(picture(1000, 500, true), true), false);
        CHECK(clear.format == "png");
        CHECK(clear.large.bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n");
        CHECK(clear.large.width == 1000);
        REQUIRE(clear.small);
        CHECK(clear.small->width == 800);
        CHECK(clear.small->height == 400);
        check_no_metadata(clear.large.bytes);
    }
}

TEST_CASE("photos (Windows, WIC): every EXIF orientation is turned upright", "[photos]") {
    // Stored corners: top-left black, top-right red, bottom-left green, bottom-right yellow.
    struct Corner {
        bool red, green;
    };
    auto corner = [](const Pixels& image, int x, int y) {
        return Corner{image.red(x, y) > 127, image.green(x, y) > 127};
    };
    // For each orientation, the stored corner seen at the upright top-left, top-right and bottom-left.
    const Corner black{false, false}, red{true, false}, green{false, true}, yellow{true, true};
    const std::vector<std::array<Corner, 3>> expected = {
        {black, red, green},   {red, black, yellow},  {yellow, green, red},  {green, yellow, black},
        {black, green, red},   {green, black, yellow}, {yellow, red, green}, {red, yellow, black}};
    for (int orientation = 1; orientation <= 8; ++orientation) {
        INFO("orientation " << orientation);
        auto photo = encode_photo(camera_jpeg(120, 60, orientation), false);
        Pixels upright = decoded(photo.large.bytes);
        CHECK(upright.width == (orientation >= 5 ? 60 : 120));
        int right = upright.width - 4, bottom = upright.height - 4;
        const auto& want = expected[orientation - 1];
        for (auto [seen, wanted] : {std::pair{corner(upright, 3, 3), want[0]}, std::pair{corner(upright, right, 3), want[1]},
                                    std::pair{corner(upright, 3, bottom), want[2]}}) {
            CHECK(seen.red == wanted.red);
            CHECK(seen.green == wanted.green);
        }
    }
}

TEST_CASE("photos (Windows, WIC): a corrupt, oversized or foreign file is refused in Russian", "[photos]") {
    std::string jpeg = encoded_with_wic(picture(1200, 900), false);
    CHECK(contains(photo_error(jpeg.substr(0, jpeg.size() / 2)), "повреждено"));
    CHECK(contains(photo_error(jpeg.substr(0, 200)), "повреждено"));
    // A decompression bomb: a small PNG that says it is 10000×6000.
    std::string header = "IHDR" + big_endian32(10000) + big_endian32(6000) + std::string("\x08\x02\0\0\0", 5);
    std::string bomb = std::string("\x89PNG\r\n\x1A\n", 8) + big_endian32(13) + header + big_endian32(0) +
                       big_endian32(0) + "IEND" + big_endian32(0);
    CHECK(contains(photo_error(bomb), "изображение слишком большое: 10000×6000 точек"));
    CHECK(contains(photo_error("<svg xmlns='http://www.w3.org/2000/svg'/>"), "это не изображение JPEG, PNG или WebP"));
    CHECK(contains(photo_error(std::string("RIFF\0\0\0\0WEBPVP8 ", 16)), "сохраните фотографию как JPEG или PNG"));
}
#endif  // _WIN32
