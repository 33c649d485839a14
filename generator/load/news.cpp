#include "load/content_access.hpp"
#include "load/front_matter.hpp"
#include "load/parts.hpp"
#include "load/yaml_fields.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

namespace shnor::load {

namespace fs = std::filesystem;

namespace {

std::optional<model::Date> date_in_file_name(const std::string& stem) {
    if (stem.size() < 10) return std::nullopt;
    return model::Date::parse_iso(stem.substr(0, 10));
}

std::vector<model::Link> read_links(Fields& fields) {
    std::vector<model::Link> links;
    auto items = fields.list("links");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = fields.item_path("links", i);
        if (items[i].IsMap()) {
            Fields link(fields.file(), items[i], path);
            std::string title = link.text("title");
            if (std::string url = link.url("url", Need::required); !url.empty()) links.push_back({title, url});
        } else if (auto url = text_of(fields.file(), items[i], path); url && !url->empty()) {
            if (std::string problem = url_problem(*url); !problem.empty())
                fields.file().error(fields.file().line_of(items[i]), path, problem);
            else
                links.push_back({"", *url});
        }
    }
    return links;
}

// The bytes' hash is part of the model, so a school whose photo changed is
// rendered again (its pages print the photo's size) like one whose text did.
std::string photo_hash(SourceFile& news_file, const std::string& site_path) {
    SourceFile photo(news_file.context(), site_path, 0, news_file.owner());
    auto bytes = read_content_file(photo, kMaxPhotoBytes);
    if (!bytes) return {};
    XXH128_hash_t hash = XXH3_128bits(bytes->data(), bytes->size());
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    return hex;
}

// An entry of `photos`: the file, or {file, caption, publish_original}.
void attach_photos(Fields& fields, const Owner& owner, model::NewsItem& news) {
    auto photos = fields.list("photos");
    for (std::size_t i = 0; i < photos.size(); ++i) {
        std::string path = fields.item_path("photos", i);
        model::PhotoNote note;
        note.line = fields.file().line_of(photos[i]);
        std::optional<std::string> photo;
        std::string file_path = path;
        if (photos[i].IsMap()) {
            Fields entry(fields.file(), photos[i], path);
            photo = entry.text("file", Need::required);
            file_path = entry.path_of("file");
            note.line = entry.line_of("file");
            note.caption = entry.text("caption");
            note.publish_original = entry.flag("publish_original");
        } else {
            photo = text_of(fields.file(), photos[i], path);
        }
        if (!photo || photo->empty()) continue;
        news.photos.push_back(*photo);
        auto attached = attached_file(fields.file(), note.line, file_path, owner.dir, *photo);
        if (!attached) continue;
        if (attached->size > kMaxPhotoBytes) {
            fields.file().error(note.line, file_path,
                                "фотография " + size_text(attached->size) + ", допустимо не больше " +
                                    size_text(kMaxPhotoBytes) + ": уменьшите её перед публикацией");
            continue;
        }
        note.source_hash = photo_hash(fields.file(), attached->path);
        if (note.source_hash.empty()) continue;
        news.photo_site_paths.push_back(attached->path);
        news.photo_notes.push_back(std::move(note));
    }
}

void settle_date(Fields& fields, const std::string& stem, model::NewsItem& news) {
    bool written = fields.has("date");
    auto date = fields.date("date");
    auto named = date_in_file_name(stem);
    if (date) {
        news.date = *date;
        if (named && *named != *date)
            fields.file().warning(fields.line_of("date"), "date",
                                  "дата " + date->iso() + " не совпадает с датой в имени файла " + named->iso());
    } else if (named) {
        news.date = *named;
    } else if (!written) {
        fields.file().error(fields.line(), "date",
                            "обязательное поле не заполнено (или начните имя файла с даты: 2024-03-31-nazvanie.md)");
    }
}

model::NewsItem read_news_item(SourceFile& file, const MarkdownFile& markdown, const std::string& stem,
                               const Owner& owner) {
    Fields fields(file, markdown.front_matter, "");
    model::NewsItem news;
    news.id = stem;
    news.pos = {file.path(), 1};
    news.title = fields.text("title", Need::required);
    settle_date(fields, stem, news);
    news.schools = fields.references("schools", RefKind::school, true);
    news.roadmap_item = fields.reference("roadmap_item", RefKind::roadmap_item);
    attach_photos(fields, owner, news);
    news.links = read_links(fields);
    news.example = fields.flag("example");
    news.body = markdown.body;
    return news;
}

}  // namespace

std::vector<model::NewsItem> read_news(LoadContext& context, const Owner& owner) {
    std::vector<model::NewsItem> news;
    std::string folder = content_path(owner.dir, "news");
    for (const auto& path : content_files(context, folder, {".md"})) {
        SourceFile file(context, content_path(folder, path.filename().string()), kFrontMatterOffset, owner.slug);
        auto markdown = read_markdown_file(file, true);
        if (!markdown) continue;
        news.push_back(read_news_item(file, *markdown, path.stem().string(), owner));
    }
    std::sort(news.begin(), news.end(), [](const model::NewsItem& a, const model::NewsItem& b) {
        if (a.date != b.date) return a.date > b.date;
        return a.id < b.id;
    });
    return news;
}

}  // namespace shnor::load
