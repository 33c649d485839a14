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
#include <vips/vips8>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

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

TEST_CASE("photos: fitting into the long side never enlarges and keeps the shape", "[photos]") {
    using shnor::render::fit_long_side;
    CHECK(fit_long_side(4000, 3000, 1600).width == 1600);
    CHECK(fit_long_side(4000, 3000, 1600).height == 1200);
    CHECK(fit_long_side(2000, 3000, 800).width == 533);
    CHECK(fit_long_side(800, 10, 1600).width == 800);
    CHECK(fit_long_side(100000, 1, 1600).height == 1);
}
