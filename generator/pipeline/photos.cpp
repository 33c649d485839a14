#include "pipeline/photos.hpp"

#include "cache/fingerprint.hpp"
#include "platform/utf8_path.hpp"
#include "render/photos.hpp"
#include "write/atomic_file.hpp"

#include <fstream>
#include <map>
#include <sstream>

namespace shnor::pipeline {

namespace fs = std::filesystem;

namespace {

// One photo file of the content, however many news items show it.
struct Wanted {
    std::string source_hash;
    bool original = false;
    std::string news_file;  // where the first news item names it, for errors
    int line = 0;
    std::string field;
};

std::string without_extension(const std::string& path) {
    auto slash = path.rfind('/');
    auto dot = path.rfind('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1) return path;
    return path.substr(0, dot);
}

std::string lower_extension(const std::string& path) {
    std::string stem = without_extension(path);
    std::string extension = stem.size() < path.size() ? path.substr(stem.size() + 1) : "";
    for (auto& c : extension)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return extension;
}

bool read_whole(const fs::path& path, std::string& bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream out;
    out << in.rdbuf();
    bytes = std::move(out).str();
    return !in.bad();
}

// The cache entry of one photo: its images and a `meta` file written last
// (an entry without it is incomplete and encoded again).
struct Entry {
    std::string format;
    std::map<std::string, render::EncodedImage> images;  // "large", "small", "original": sizes only
};

std::optional<Entry> read_entry(const fs::path& folder) {
    std::ifstream meta(folder / "meta");
    if (!meta) return std::nullopt;
    Entry entry;
    std::string word;
    if (!(meta >> word >> entry.format) || word != "format" || (entry.format != "jpg" && entry.format != "png"))
        return std::nullopt;
    std::string name;
    int width = 0, height = 0;
    std::uintmax_t size = 0;
    while (meta >> name >> width >> height >> size) {
        std::error_code error;
        if (fs::file_size(folder / (name + "." + entry.format), error) != size || error) return std::nullopt;
        entry.images[name] = {{}, width, height};
    }
    if (!entry.images.count("large")) return std::nullopt;
    return entry;
}

// Writes the entry; false when the cache folder is not writable (the bytes
// are then written to the site straight away).
bool write_entry(const fs::path& folder, const render::EncodedPhoto& photo) {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) return false;
    std::string meta = "format " + photo.format + "\n";
    auto add = [&](const std::string& name, const std::optional<render::EncodedImage>& image) {
        if (!image) return true;
        meta += name + " " + std::to_string(image->width) + " " + std::to_string(image->height) + " " +
                std::to_string(image->bytes.size()) + "\n";
        return write::replace_file(folder / (name + "." + photo.format), {image->bytes});
    };
    if (!add("large", photo.large) || !add("small", photo.small) || !add("original", photo.original)) return false;
    return write::replace_file(folder / "meta", {meta});
}

}  // namespace

std::string photo_image_path(const std::string& site_path, const std::string& label, const std::string& format) {
    return without_extension(site_path) + "-" + label + "." + format;
}

std::string photo_original_path(const std::string& site_path, const std::string& format) {
    std::string extension = lower_extension(site_path);
    bool same = format == "png" ? extension == "png" : (extension == "jpg" || extension == "jpeg");
    return same ? site_path : without_extension(site_path) + "." + format;
}

PhotoOutputs publish_photos(const model::Site& site, const fs::path& cache_dir, const std::set<std::string>& reserved,
                            model::Diagnostics& diagnostics) {
    std::map<std::string, Wanted> wanted;  // by content path: one order, whatever the threads
    auto collect = [&](const model::Publications& own) {
        for (const auto& item : own.news)
            for (std::size_t i = 0; i < item.photo_site_paths.size() && i < item.photo_notes.size(); ++i) {
                const auto& note = item.photo_notes[i];
                auto [found, added] = wanted.try_emplace(item.photo_site_paths[i]);
                if (added)
                    found->second = {note.source_hash, false, item.pos.file, note.line,
                                     "photos[" + std::to_string(i + 1) + "]"};
                found->second.original = found->second.original || note.publish_original;
            }
    };
    collect(site.district);
    for (const auto& school : site.schools) collect(school.own);

    PhotoOutputs outputs;
    auto published = std::make_shared<view::PublishedPhotos>();
    std::set<std::string> taken = reserved;
    for (const auto& wanted_photo : wanted) {
        // Named, not bound: clang 14 cannot capture structured bindings in a lambda.
        const std::string& site_path = wanted_photo.first;
        const Wanted& photo = wanted_photo.second;
        auto error = [&](const std::string& message) {
            diagnostics.error(photo.news_file, photo.line, photo.field,
                              "фотография «" + site_path + "»: " + message);
        };
        cache::Hasher key;
        key.add(render::kPhotoEncoderVersion).add(photo.source_hash).add(std::uint64_t{photo.original});
        fs::path folder = cache_dir / "photos" / key.finish().hex();
        std::optional<Entry> entry = read_entry(folder);
        std::optional<render::EncodedPhoto> encoded;
        if (!entry) {
            std::string source;
            if (!read_whole(site.content_dir / platform::path_from_utf8(site_path), source)) {
                error("не удалось прочитать файл");
                continue;
            }
            if (cache::hash_bytes(source).hex() != photo.source_hash) {
                error("файл изменился во время сборки; запустите сборку ещё раз");
                continue;
            }
            try {
                encoded = render::encode_photo(source, photo.original);
            } catch (const std::exception& failure) {
                error(failure.what());
                continue;
            }
            if (write_entry(folder, *encoded)) entry = read_entry(folder);
        }
        std::string format = entry ? entry->format : encoded->format;
        view::PublishedPhoto shown;
        bool clash = false;
        // Each image from the cache entry, or from the bytes when there is none.
        auto add = [&](const std::string& name, const std::string& path,
                       const std::optional<render::EncodedImage>& bytes) -> std::optional<view::PhotoImage> {
            std::optional<view::PhotoImage> image;
            if (entry) {
                auto found = entry->images.find(name);
                if (found == entry->images.end()) return image;
                image = view::PhotoImage{path, found->second.width, found->second.height};
                if (!taken.insert(path).second) clash = true;
                else outputs.files.push_back({path, "", folder / (name + "." + format)});
            } else if (bytes) {
                image = view::PhotoImage{path, bytes->width, bytes->height};
                if (!taken.insert(path).second) clash = true;
                else outputs.files.push_back({path, bytes->bytes, {}});
            }
            return image;
        };
        auto none = std::optional<render::EncodedImage>();
        shown.large = *add("large", photo_image_path(site_path, std::to_string(render::kPhotoLongSide), format),
                           encoded ? std::optional(encoded->large) : none);
        shown.small = add("small", photo_image_path(site_path, std::to_string(render::kPhotoSmallLongSide), format),
                          encoded ? encoded->small : none);
        if (photo.original)
            if (auto original = add("original", photo_original_path(site_path, format), encoded ? encoded->original : none))
                shown.original = original->path;
        if (clash) {
            error("её уменьшенная копия или оригинал попадает на место другого файла сайта; переименуйте фотографию");
            continue;
        }
        published->emplace(site_path, std::move(shown));
    }
    outputs.published = std::move(published);
    return outputs;
}

}  // namespace shnor::pipeline
