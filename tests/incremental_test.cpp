// Incremental builds: after random content edits, `shnor build` into a kept
// output folder with a kept cache folder must write exactly the tree that a
// full build (fresh output and cache folders) writes from the same content.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSourceDir = SHNOR_SOURCE_DIR;
constexpr const char* kDate = "2024-11-01";
constexpr const char* kLaterDate = "2025-03-01";
constexpr int kRounds = 25;
constexpr std::uint32_t kDefaultSeed = 20241101;

struct ScratchDir {
    fs::path path;
    explicit ScratchDir(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-incremental-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
};

using shnor::test::CommandResult;
using shnor::test::read_file;
using shnor::test::run_command;
using shnor::test::shell_quoted;
using shnor::test::write_file;

CommandResult build_site(const fs::path& content, const fs::path& out, const fs::path& cache, const std::string& date,
                         const fs::path& log) {
    return run_command(std::string("'") + SHNOR_BINARY + "' build --content " + shell_quoted(content) + " --out " +
                           shell_quoted(out) + " --date " + date + " --cache " + shell_quoted(cache),
                       log);
}

// --- Comparing output trees ------------------------------------------------

enum class EntryKind { file, folder, other };

std::map<std::string, EntryKind> list_tree(const fs::path& root) {
    std::map<std::string, EntryKind> entries;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        EntryKind kind = entry.is_symlink()         ? EntryKind::other
                         : entry.is_regular_file() ? EntryKind::file
                         : entry.is_directory()    ? EntryKind::folder
                                                   : EntryKind::other;
        entries[fs::relative(entry.path(), root).generic_string()] = kind;
    }
    return entries;
}

bool inside_utf8_character(const std::string& bytes, std::size_t offset) {
    return offset < bytes.size() && (static_cast<unsigned char>(bytes[offset]) & 0xC0) == 0x80;
}

// About 160 bytes around `offset`, cut at character boundaries so the
// Russian text in the failure message stays readable.
std::string excerpt_at(const std::string& bytes, std::size_t offset) {
    std::size_t start = offset > 60 ? offset - 60 : 0;
    while (start > 0 && inside_utf8_character(bytes, start)) --start;
    std::size_t end = std::min(bytes.size(), start + 160);
    while (end < bytes.size() && inside_utf8_character(bytes, end)) ++end;
    return "«" + bytes.substr(start, end - start) + "»";
}

// The first difference between two trees (paths in sorted order), as a
// sentence naming the path; empty when both hold the same folders and files
// with byte-identical contents.
std::string first_tree_difference(const fs::path& expected_root, const fs::path& actual_root) {
    auto expected = list_tree(expected_root);
    auto actual = list_tree(actual_root);
    auto e = expected.begin();
    auto a = actual.begin();
    while (e != expected.end() || a != actual.end()) {
        if (a == actual.end() || (e != expected.end() && e->first < a->first))
            return "missing from " + actual_root.string() + ": " + e->first;
        if (e == expected.end() || a->first < e->first)
            return "only in " + actual_root.string() + ", not in " + expected_root.string() + ": " + a->first;
        if (e->second != a->second) return "not the same kind of entry (file/folder/link): " + e->first;
        if (e->second == EntryKind::file) {
            std::string expected_bytes = read_file(expected_root / e->first);
            std::string actual_bytes = read_file(actual_root / a->first);
            if (expected_bytes != actual_bytes) {
                std::size_t offset = 0;
                while (offset < expected_bytes.size() && offset < actual_bytes.size() &&
                       expected_bytes[offset] == actual_bytes[offset])
                    ++offset;
                return "contents differ: " + e->first + " (sizes " + std::to_string(expected_bytes.size()) + " and " +
                       std::to_string(actual_bytes.size()) + ", first difference at byte " + std::to_string(offset) +
                       ")\n  " + expected_root.string() + ": " + excerpt_at(expected_bytes, offset) + "\n  " +
                       actual_root.string() + ": " + excerpt_at(actual_bytes, offset);
            }
        }
        ++e;
        ++a;
    }
    return "";
}

// --- Random edits of a content folder --------------------------------------

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line;
    return text;
}

struct LineRef {
    fs::path file;
    std::size_t index;
};

// Applies one random edit of a chosen kind; every edit keeps the content valid
// (the full build of every round checks that). Shared sources are never
// edited: their fetch cache is fresh for a day by design, so the kept cache
// would rightly serve the old bytes.
class ContentEditor {
public:
    ContentEditor(fs::path content, std::mt19937& random)
        : content_(std::move(content)),
          random_(random),
          builtin_layouts_(kSourceDir / "layouts"),
          builtin_assets_(kSourceDir / "assets"),
          pdf_source_(kSourceDir / "content" / "files" / "spravka-monitoring-2024.pdf"),
          photo_source_(kSourceDir / "content" / "files" / "tochka-rosta-shubinskaya.png") {}

    // A description of the edit made, or nothing when this kind has no target
    // left in the content (the caller then picks another kind).
    std::optional<std::string> apply(int kind) {
        ++edit_number_;
        switch (kind) {
            case 0: return set_roadmap_status();
            case 1: return retitle_roadmap_item();
            case 2: return append_paragraph_to_school_index();
            case 3: return change_result_mean();
            case 4: return retitle_news();
            case 5: return delete_news();
            case 6: return add_news();
            case 7: return add_school();
            case 8: return remove_school();
            case 9: return retitle_site();
            case 10: return touch_file();
            case 11: return change_own_layout();
            case 12: return change_own_asset();
            case 13: return set_district_roadmap_status();
            case 14: return move_due_date();
            case 15: return rename_school();
            case 16: return change_school_category();
            case 17: return change_results_rows();
            case 18: return change_documents();
            case 19: return add_news_with_photo();
            case 20: return append_paragraph_to_text();
            default: return std::string("no edit");
        }
    }
    static constexpr int kKinds = 22;

private:
    fs::path content_;
    std::mt19937& random_;
    fs::path builtin_layouts_, builtin_assets_, pdf_source_, photo_source_;
    int edit_number_ = 0;

    std::size_t pick_index(std::size_t size) {
        return std::uniform_int_distribution<std::size_t>(0, size - 1)(random_);
    }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[pick_index(items.size())];
    }

    std::string relative(const fs::path& path) const { return fs::relative(path, content_).generic_string(); }

    // Sorted, so that a seed replays the same edits whatever the directory order.
    std::vector<fs::path> files_where(const std::function<bool(const fs::path&)>& wanted) const {
        std::vector<fs::path> files;
        for (const auto& entry : fs::recursive_directory_iterator(content_))
            if (entry.is_regular_file() && wanted(entry.path())) files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        return files;
    }

    std::vector<fs::path> files_in_folders_named(const std::string& folder, const std::string& extension) const {
        return files_where([&](const fs::path& path) {
            return path.parent_path().filename() == folder && path.extension() == extension;
        });
    }

    std::vector<std::string> school_slugs() const {
        std::vector<std::string> slugs;
        if (!fs::exists(content_ / "schools")) return slugs;
        for (const auto& entry : fs::directory_iterator(content_ / "schools"))
            if (entry.is_directory()) slugs.push_back(entry.path().filename().string());
        std::sort(slugs.begin(), slugs.end());
        return slugs;
    }

    std::vector<LineRef> lines_matching(const std::vector<fs::path>& files, const std::regex& pattern) const {
        std::vector<LineRef> found;
        for (const auto& file : files) {
            auto lines = split_lines(read_file(file));
            for (std::size_t i = 0; i < lines.size(); ++i) {
                // Without its line break: `$` of ECMAScript regexes matches only at the very end.
                std::string line = lines[i].substr(0, lines[i].find_last_not_of("\r\n") + 1);
                if (std::regex_search(line, pattern)) found.push_back({file, i});
            }
        }
        return found;
    }

    std::string replace_line(const LineRef& where, const std::function<std::string(const std::string&)>& change) {
        auto lines = split_lines(read_file(where.file));
        std::string before = lines[where.index];
        lines[where.index] = change(before);
        write_file(where.file, join_lines(lines));
        auto trimmed = [](std::string line) {
            while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
            return line;
        };
        return relative(where.file) + ":" + std::to_string(where.index + 1) + ": «" + trimmed(before) + "» → «" +
               trimmed(lines[where.index]) + "»";
    }

    std::string edit_mark() const { return "(правка " + std::to_string(edit_number_) + ")"; }

    std::optional<std::string> set_roadmap_status() {
        return set_status_in(files_in_folders_named("roadmaps", ".yaml"));
    }

    std::optional<std::string> set_status_in(const std::vector<fs::path>& roadmaps) {
        static const std::regex status_line(R"(^(\s+(?:- )?status:\s*)(planned|in_progress|done|cancelled)\b)");
        auto candidates = lines_matching(roadmaps, status_line);
        if (candidates.empty()) return std::nullopt;
        auto where = pick(candidates);
        return "status " + replace_line(where, [&](const std::string& line) {
                   std::smatch match;
                   std::regex_search(line, match, status_line);
                   std::vector<std::string> others;
                   for (std::string status : {"planned", "in_progress", "done"})
                       if (status != match[2].str()) others.push_back(status);
                   return match.prefix().str() + match[1].str() + pick(others) + match.suffix().str();
               });
    }

    // Item and section titles: indented `title:` lines with a one-line value
    // (block scalars `|`/`>` are left alone).
    std::optional<std::string> retitle_roadmap_item() {
        static const std::regex title_line(R"(^\s+(?:- )?title: *([^|> \n].*)$)");
        auto candidates = lines_matching(files_in_folders_named("roadmaps", ".yaml"), title_line);
        if (candidates.empty()) return std::nullopt;
        auto where = pick(candidates);
        return "item title " + replace_line(where, [&](const std::string& line) {
                   return appended_to_value(line, " " + edit_mark());
               });
    }

    // `key: value` with `addition` at the end of the value, inside its quotes.
    static std::string appended_to_value(std::string text, const std::string& addition) {
        bool newline = !text.empty() && text.back() == '\n';
        if (newline) text.pop_back();
        char last = text.empty() ? ' ' : text.back();
        if (last == '"' || last == '\'')
            text.insert(text.size() - 1, addition);
        else
            text += addition;
        return text + (newline ? "\n" : "");
    }

    std::optional<std::string> append_paragraph_to_school_index() {
        auto indexes = files_where([](const fs::path& path) {
            return path.filename() == "index.md" && path.parent_path().parent_path().filename() == "schools";
        });
        if (indexes.empty()) return std::nullopt;
        auto index = pick(indexes);
        std::string text = read_file(index);
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += "\nШкола дополнила описание своей работы " + edit_mark() + ": проведены консультации для родителей.\n";
        write_file(index, text);
        return "paragraph appended to " + relative(index);
    }

    std::optional<std::string> change_result_mean() {
        static const std::regex mean_value(R"(\bmean: *([0-9]+(?:\.[0-9]+)?))");
        auto results = files_where([](const fs::path& path) {
            return path.filename() == "results.yaml" && path.parent_path().parent_path().filename() == "schools";
        });
        auto candidates = lines_matching(results, mean_value);
        if (candidates.empty()) return std::nullopt;
        auto where = pick(candidates);
        return "mean " + replace_line(where, [&](const std::string& line) {
                   std::smatch match;
                   std::regex_search(line, match, mean_value);
                   double mean = std::stod(match[1].str());
                   bool five_point = mean <= 5.0;
                   double step = (five_point ? 0.1 : 1.0) * std::uniform_int_distribution<int>(1, 3)(random_);
                   double changed = std::uniform_int_distribution<int>(0, 1)(random_) ? mean + step : mean - step;
                   changed = std::clamp(changed, five_point ? 2.0 : 10.0, five_point ? 5.0 : 99.0);
                   if (changed == mean) changed = five_point ? 3.5 : 50.0;
                   char formatted[32];
                   std::snprintf(formatted, sizeof formatted, "%.1f", changed);
                   return match.prefix().str() + "mean: " + formatted + match.suffix().str();
               });
    }

    std::vector<fs::path> news_files() const { return files_in_folders_named("news", ".md"); }

    std::optional<std::string> retitle_news() {
        static const std::regex title_line(R"(^title: )");
        std::vector<LineRef> candidates;
        for (const auto& news : news_files()) {
            auto lines = split_lines(read_file(news));
            for (std::size_t i = 0; i < lines.size(); ++i)
                if (std::regex_search(lines[i], title_line)) {
                    candidates.push_back({news, i});
                    break;
                }
        }
        if (candidates.empty()) return std::nullopt;
        return "news title " + replace_line(pick(candidates), [&](const std::string&) {
                   return "title: Новость обновлена " + edit_mark() + "\n";
               });
    }

    // True when some content file outside `except` cites the news item as
    // evidence (`news:<id>`): deleting it would break that reference.
    bool news_is_cited(const std::string& news_id, const fs::path& except = {}) const {
        for (const auto& file : files_where([](const fs::path& path) {
                 return path.extension() == ".yaml" || path.extension() == ".md";
             })) {
            if (!except.empty() && file.string().rfind(except.string() + "/", 0) == 0) continue;
            if (read_file(file).find("news:" + news_id) != std::string::npos) return true;
        }
        return false;
    }

    std::optional<std::string> delete_news() {
        std::vector<fs::path> deletable;
        for (const auto& news : news_files())
            if (!news_is_cited(news.stem().string())) deletable.push_back(news);
        if (deletable.empty()) return std::nullopt;
        auto news = pick(deletable);
        fs::remove(news);
        return "deleted " + relative(news);
    }

    std::optional<std::string> add_news() {
        auto all_news = news_files();
        if (all_news.empty()) return std::nullopt;
        auto original = pick(all_news);
        char date[16];
        std::snprintf(date, sizeof date, "2024-%02d-%02d", std::uniform_int_distribution<int>(1, 10)(random_),
                      std::uniform_int_distribution<int>(1, 28)(random_));
        fs::path copy = original.parent_path() / (std::string(date) + "-novost-" + std::to_string(edit_number_) + ".md");
        static const std::regex date_line(R"(^date: .*$)", std::regex::multiline);
        write_file(copy, std::regex_replace(read_file(original), date_line, std::string("date: ") + date,
                                            std::regex_constants::format_first_only));
        return "added " + relative(copy) + " (a copy of " + relative(original) + ")";
    }

    // site.yaml may list the schools in order (`schools:` then `  - slug`).
    std::optional<std::size_t> last_listed_school_line(const std::vector<std::string>& site_lines) const {
        std::optional<std::size_t> last;
        bool inside = false;
        for (std::size_t i = 0; i < site_lines.size(); ++i) {
            if (site_lines[i].rfind("schools:", 0) == 0) {
                inside = true;
                continue;
            }
            if (!inside) continue;
            if (site_lines[i].rfind("  - ", 0) == 0)
                last = i;
            else if (!site_lines[i].empty() && site_lines[i][0] != ' ' && site_lines[i][0] != '#')
                break;
        }
        return last;
    }

    std::optional<std::string> add_school() {
        auto slugs = school_slugs();
        if (slugs.empty()) return std::nullopt;
        auto original = pick(slugs);
        std::string slug = "nova-" + std::to_string(edit_number_);
        fs::copy(content_ / "schools" / original, content_ / "schools" / slug, fs::copy_options::recursive);
        auto site_lines = split_lines(read_file(content_ / "site.yaml"));
        if (auto last = last_listed_school_line(site_lines)) {
            site_lines.insert(site_lines.begin() + static_cast<std::ptrdiff_t>(*last) + 1, "  - " + slug + "\n");
            write_file(content_ / "site.yaml", join_lines(site_lines));
        }
        return "added school " + slug + " (a copy of " + original + ")";
    }

    // Drops the slug from every flow list `schools: [a, b]` and from the
    // site.yaml block list, so no reference to the removed school remains.
    void forget_school(const std::string& slug) {
        const std::regex flow_list(R"(schools: *\[([^\]]*)\])");
        for (const auto& file : files_where([](const fs::path& path) {
                 return path.extension() == ".yaml" || path.extension() == ".md";
             })) {
            std::string text = read_file(file);
            std::string result;
            auto begin = std::sregex_iterator(text.begin(), text.end(), flow_list);
            std::size_t copied = 0;
            for (auto it = begin; it != std::sregex_iterator(); ++it) {
                const auto& match = *it;
                std::stringstream items(match[1].str());
                std::string item;
                std::vector<std::string> kept;
                while (std::getline(items, item, ',')) {
                    auto first = item.find_first_not_of(' ');
                    auto last = item.find_last_not_of(' ');
                    std::string trimmed = first == std::string::npos ? "" : item.substr(first, last - first + 1);
                    if (!trimmed.empty() && trimmed != slug) kept.push_back(trimmed);
                }
                std::string list;
                for (const auto& k : kept) list += (list.empty() ? "" : ", ") + k;
                result += text.substr(copied, static_cast<std::size_t>(match.position(0)) - copied);
                result += "schools: [" + list + "]";
                copied = static_cast<std::size_t>(match.position(0) + match.length(0));
            }
            result += text.substr(copied);
            if (result != text) write_file(file, result);
        }
        auto site_lines = split_lines(read_file(content_ / "site.yaml"));
        std::erase_if(site_lines, [&](const std::string& line) {
            return line == "  - " + slug + "\n" || line == "  - " + slug;
        });
        write_file(content_ / "site.yaml", join_lines(site_lines));
    }

    std::optional<std::string> remove_school() {
        auto slugs = school_slugs();
        if (slugs.size() <= 3) return std::nullopt;
        std::vector<std::string> removable;
        for (const auto& slug : slugs) {
            fs::path folder = content_ / "schools" / slug;
            bool cited = false;
            if (fs::exists(folder / "news"))
                for (const auto& news : fs::directory_iterator(folder / "news"))
                    cited = cited || news_is_cited(news.path().stem().string(), folder);
            bool mentor = !files_where([&](const fs::path& path) {
                               return path.filename() == "school.yaml" &&
                                      read_file(path).find("mentor: " + slug + "\n") != std::string::npos;
                           }).empty();
            if (!cited && !mentor) removable.push_back(slug);
        }
        if (removable.empty()) return std::nullopt;
        auto slug = pick(removable);
        fs::remove_all(content_ / "schools" / slug);
        forget_school(slug);
        return "removed school " + slug;
    }

    std::optional<std::string> retitle_site() {
        static const std::regex title_line(R"(^title: )");
        auto candidates = lines_matching({content_ / "site.yaml"}, title_line);
        if (candidates.empty()) return std::nullopt;
        return "site title " + replace_line(candidates.front(), [&](const std::string&) {
                   return "title: Сопровождение школ с низкими образовательными результатами " + edit_mark() + "\n";
               });
    }

    std::optional<std::string> touch_file() {
        auto files = files_where([](const fs::path&) { return true; });
        if (files.empty()) return std::nullopt;
        auto file = pick(files);
        // A newer mtime with the same bytes: the build must notice nothing.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        write_file(file, read_file(file));
        return "rewrote " + relative(file) + " with the same bytes";
    }

    // --- Edits beyond the model's text: the content's own layouts and
    // assets, files attached to documents and news, whole entries. ---

    // Layouts of the content that replace built-in ones; each is safe to
    // mark with an HTML comment at its end (base: before </body>).
    static const std::vector<std::string>& overridable_layouts() {
        static const std::vector<std::string> names = {
            "base.mustache",           "home.mustache",           "school.mustache",
            "school_intro.mustache",   "school_row.mustache",     "school_roadmap.mustache",
            "school_results.mustache", "news_item.mustache",      "schools.mustache",
            "partials/news_teaser.mustache", "partials/school_nav.mustache"};
        return names;
    }

    std::string layout_marked(const std::string& name, std::string text) const {
        std::string mark = "<!-- свой шаблон, " + edit_mark() + " -->\n";
        if (name == "base.mustache") {
            auto body_end = text.rfind("</body>");
            if (body_end != std::string::npos) return text.insert(body_end, mark);
        }
        if (!text.empty() && text.back() != '\n') text += '\n';
        return text + mark;
    }

    std::vector<fs::path> files_under(const fs::path& folder) const {
        if (!fs::is_directory(folder)) return {};
        return files_where([&](const fs::path& path) {
            return path.string().rfind(folder.string() + "/", 0) == 0;
        });
    }

    // One of: a built-in layout copied into content/layouts/ with a change,
    // an own layout changed again, an own layout removed (the built-in one
    // is used again).
    std::optional<std::string> change_own_layout() {
        const fs::path own = content_ / "layouts";
        auto owned = files_under(own);
        std::vector<std::string> not_owned;
        for (const auto& name : overridable_layouts())
            if (!fs::exists(own / name)) not_owned.push_back(name);
        // 0 add, 1 change, 2 remove
        int action = owned.empty()       ? 0
                     : not_owned.empty() ? 1 + static_cast<int>(pick_index(2))
                                         : static_cast<int>(pick_index(3));
        if (action == 0) {
            std::string name = pick(not_owned);
            fs::create_directories((own / name).parent_path());
            write_file(own / name, layout_marked(name, read_file(builtin_layouts_ / name)));
            return "own layout added: " + relative(own / name);
        }
        fs::path layout = pick(owned);
        if (action == 1) {
            write_file(layout, layout_marked(fs::relative(layout, own).generic_string(), read_file(layout)));
            return "own layout changed: " + relative(layout);
        }
        fs::remove(layout);
        return "own layout removed: " + relative(layout);
    }

    // content/assets/: a built-in asset replaced, a new file, one changed
    // again, one removed.
    std::optional<std::string> change_own_asset() {
        const fs::path own = content_ / "assets";
        auto owned = files_under(own);
        int action = owned.empty() ? 0 : static_cast<int>(pick_index(3));
        auto with_comment = [&](const fs::path& file, std::string bytes) {
            std::string ext = file.extension().string();
            if (ext == ".css") return bytes + "/* своё оформление, " + edit_mark() + " */\n";
            if (ext == ".svg") return bytes + "<!-- " + edit_mark() + " -->\n";
            return bytes + edit_mark();  // an icon's bytes: copied as they are
        };
        if (action == 0) {
            static const std::vector<std::string> names = {"style.css", "print.css", "favicon.svg", "favicon.ico",
                                                           "extra.css", "img/emblem.svg"};
            std::string name = pick(names);
            fs::path file = own / name;
            std::string base = fs::exists(file)                        ? read_file(file)
                               : fs::exists(builtin_assets_ / name)  ? read_file(builtin_assets_ / name)
                               : name.ends_with(".svg")
                                   ? std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\">"
                                                 "<rect width=\"8\" height=\"8\"/></svg>\n")
                                   : std::string(".note { color: #333; }\n");
            fs::create_directories(file.parent_path());
            write_file(file, with_comment(file, base));
            return "own asset added or replaced: " + relative(file);
        }
        fs::path file = pick(owned);
        if (action == 1) {
            write_file(file, with_comment(file, read_file(file)));
            return "own asset changed: " + relative(file);
        }
        fs::remove(file);
        return "own asset removed: " + relative(file);
    }

    // A list file's entries: each starts with "- " in the first column and
    // runs to the next (flow rows are one line, block entries several).
    struct Entry {
        std::size_t begin, end;  // lines [begin, end)
    };
    static std::vector<Entry> list_entries(const std::vector<std::string>& lines) {
        std::vector<Entry> entries;
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].rfind("- ", 0) == 0) {
                if (!entries.empty()) entries.back().end = i;
                entries.push_back({i, lines.size()});
            }
        return entries;
    }
    static std::string entry_text(const std::vector<std::string>& lines, const Entry& entry) {
        std::string text;
        for (std::size_t i = entry.begin; i < entry.end; ++i) text += lines[i];
        return text;
    }

    // A results row removed, or one added for an earlier year of the same
    // exam and subject (school rows and the district's region rows).
    std::optional<std::string> change_results_rows() {
        auto files = files_where([](const fs::path& path) { return path.filename() == "results.yaml"; });
        if (files.empty()) return std::nullopt;
        fs::path file = pick(files);
        auto lines = split_lines(read_file(file));
        auto entries = list_entries(lines);
        if (entries.empty()) return std::nullopt;
        const Entry entry = pick(entries);
        const std::string text = entry_text(lines, entry);
        if (entries.size() > 2 && pick_index(2) == 0) {
            lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(entry.begin),
                        lines.begin() + static_cast<std::ptrdiff_t>(entry.end));
            write_file(file, join_lines(lines));
            return "results row removed from " + relative(file) + ": line " + std::to_string(entry.begin + 1);
        }
        static const std::regex key_field(R"(\b(scope|exam|subject|grade): *([^,}\n]+))");
        static const std::regex year_field(R"(\byear: *([0-9]{4}))");
        auto key_of = [&](const std::string& row) {
            std::string key;
            for (auto it = std::sregex_iterator(row.begin(), row.end(), key_field); it != std::sregex_iterator(); ++it)
                key += (*it)[0].str() + ";";
            return key;
        };
        std::smatch year;
        if (!std::regex_search(text, year, year_field)) return std::nullopt;
        int earliest = std::stoi(year[1].str());
        for (const auto& other : entries) {
            std::string row = entry_text(lines, other);
            std::smatch other_year;
            if (key_of(row) == key_of(text) && std::regex_search(row, other_year, year_field))
                earliest = std::min(earliest, std::stoi(other_year[1].str()));
        }
        std::string added = std::regex_replace(text, year_field, "year: " + std::to_string(earliest - 1),
                                               std::regex_constants::format_first_only);
        if (!added.empty() && added.back() != '\n') added += '\n';
        std::string all = join_lines(lines);
        if (!all.empty() && all.back() != '\n') all += '\n';
        write_file(file, all + added);
        return "results row added to " + relative(file) + " for " + std::to_string(earliest - 1);
    }

    // Folders that may hold documents.yaml: the district's and each school's.
    std::vector<fs::path> document_owners() const {
        std::vector<fs::path> owners = {content_};
        for (const auto& slug : school_slugs()) owners.push_back(content_ / "schools" / slug);
        return owners;
    }

    // How often `needle` occurs in the content's YAML and Markdown.
    std::size_t mentions(const std::string& needle) const {
        std::size_t count = 0;
        for (const auto& file : files_where([](const fs::path& path) {
                 return path.extension() == ".yaml" || path.extension() == ".md";
             })) {
            std::string text = read_file(file);
            for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
        }
        return count;
    }

    // A document with an attached file added, one that nothing cites
    // removed with its file, or an attached file's bytes changed.
    std::optional<std::string> change_documents() {
        int action = static_cast<int>(pick_index(3));
        if (action == 1) {  // remove
            std::vector<std::pair<fs::path, Entry>> removable;
            for (const auto& owner : document_owners()) {
                fs::path file = owner / "documents.yaml";
                if (!fs::exists(file)) continue;
                auto lines = split_lines(read_file(file));
                for (const auto& entry : list_entries(lines)) {
                    static const std::regex id_field(R"(\bid: *([a-z0-9-]+))");
                    std::string text = entry_text(lines, entry);
                    std::smatch id;
                    if (!std::regex_search(text, id, id_field)) continue;
                    std::size_t own = 0;
                    for (auto at = text.find(id[1].str()); at != std::string::npos; at = text.find(id[1].str(), at + 1))
                        ++own;
                    if (mentions(id[1].str()) == own) removable.push_back({file, entry});
                }
            }
            if (!removable.empty()) {
                const auto& chosen = pick(removable);
                const fs::path file = chosen.first;
                const Entry entry = chosen.second;
                auto lines = split_lines(read_file(file));
                std::string text = entry_text(lines, entry);
                lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(entry.begin),
                            lines.begin() + static_cast<std::ptrdiff_t>(entry.end));
                write_file(file, join_lines(lines));
                static const std::regex file_field(R"(\bfile: *([^,}\n]+))");
                std::smatch attached;
                std::string removed_file;
                if (std::regex_search(text, attached, file_field) && mentions(attached[1].str()) == 0) {
                    fs::remove(file.parent_path() / attached[1].str());
                    removed_file = " and " + attached[1].str();
                }
                return "document removed from " + relative(file) + removed_file;
            }
            action = 0;
        }
        if (action == 2) {  // the bytes of an attached file
            static const std::regex file_field(R"(^\s*(?:- )?file: *(\S+)\s*$)");
            std::vector<fs::path> attached;
            for (const auto& owner : document_owners()) {
                if (!fs::exists(owner / "documents.yaml")) continue;
                for (const auto& ref : lines_matching({owner / "documents.yaml"}, file_field)) {
                    std::smatch match;
                    std::string line = split_lines(read_file(ref.file))[ref.index];
                    if (std::regex_search(line, match, file_field) && fs::exists(owner / match[1].str()))
                        attached.push_back(owner / match[1].str());
                }
            }
            if (!attached.empty()) {
                fs::path file = pick(attached);
                write_file(file, read_file(file) + "% " + edit_mark() + "\n");
                return "document file changed: " + relative(file);
            }
        }
        fs::path owner = pick(document_owners());
        std::string id = "dokument-pravki-" + std::to_string(edit_number_);
        fs::create_directories(owner / "files");
        write_file(owner / "files" / (id + ".pdf"), read_file(pdf_source_) + "% " + edit_mark() + "\n");
        fs::path list = owner / "documents.yaml";
        std::string text = fs::exists(list) ? read_file(list) : "";
        if (!text.empty() && text.back() != '\n') text += '\n';
        char date[16];
        std::snprintf(date, sizeof date, "2024-%02d-%02d", std::uniform_int_distribution<int>(1, 10)(random_),
                      std::uniform_int_distribution<int>(1, 28)(random_));
        text += "- id: " + id + "\n  kind: report\n  title: Справка о ходе работы " + edit_mark() + "\n  date: " +
                date + "\n  file: files/" + id + ".pdf\n";
        write_file(list, text);
        return "document with a file added to " + relative(list);
    }

    // A copy of a news item with a photo of its own (a new file beside the
    // news folder); the copy's own photos, if any, are dropped.
    std::optional<std::string> add_news_with_photo() {
        auto all_news = news_files();
        if (all_news.empty()) return std::nullopt;
        auto original = pick(all_news);
        std::string name = "foto-pravki-" + std::to_string(edit_number_) + ".png";
        fs::path holder = original.parent_path().parent_path();  // photos are relative to it
        fs::create_directories(holder / "files");
        fs::copy_file(photo_source_, holder / "files" / name);
        auto lines = split_lines(read_file(original));
        std::vector<std::string> copy;
        bool in_photos = false;
        int fences = 0;
        char date[16];
        std::snprintf(date, sizeof date, "2024-%02d-%02d", std::uniform_int_distribution<int>(1, 10)(random_),
                      std::uniform_int_distribution<int>(1, 28)(random_));
        for (const auto& line : lines) {
            // The copy's own photo list (not the closing "---"): indented lines or "- " items.
            if (fences == 1 && in_photos && (line.rfind(" ", 0) == 0 || line.rfind("- ", 0) == 0)) continue;
            in_photos = fences == 1 && line.rfind("photos:", 0) == 0;
            if (in_photos) continue;
            if (line.rfind("---", 0) == 0) {
                ++fences;
                if (fences == 2)
                    copy.push_back("photos:\n  - {file: files/" + name + ", caption: Снимок к новости " + edit_mark() +
                                   "}\n");
            }
            copy.push_back(fences == 1 && line.rfind("date:", 0) == 0 ? "date: " + std::string(date) + "\n" : line);
        }
        fs::path news = original.parent_path() / (std::string(date) + "-foto-" + std::to_string(edit_number_) + ".md");
        write_file(news, join_lines(copy));
        return "added " + relative(news) + " with photo files/" + name + " (a copy of " + relative(original) + ")";
    }

    // The school's own name, as webmasters correct it.
    std::optional<std::string> rename_school() {
        static const std::regex name_line(R"(^name: *([^|> \n].*)$)");
        auto files = files_where([](const fs::path& path) { return path.filename() == "school.yaml"; });
        auto candidates = lines_matching(files, name_line);
        if (candidates.empty()) return std::nullopt;
        return "school name " + replace_line(pick(candidates), [&](const std::string& line) {
                   return appended_to_value(line, " " + edit_mark());
               });
    }

    // A category's type: one the school does not have yet.
    std::optional<std::string> change_school_category() {
        static const std::regex type_line(R"(^(\s+(?:- )?type: *)(shnor|shnsu|risk)\b)");
        auto files = files_where([](const fs::path& path) { return path.filename() == "school.yaml"; });
        std::vector<std::pair<LineRef, std::string>> candidates;  // the line, a type it may take
        for (const auto& file : files) {
            auto found = lines_matching({file}, type_line);
            std::set<std::string> present;
            auto lines = split_lines(read_file(file));
            for (const auto& ref : found) {
                std::smatch match;
                std::regex_search(lines[ref.index], match, type_line);
                present.insert(match[2].str());
            }
            for (const auto& ref : found)
                for (std::string type : {"shnor", "shnsu", "risk"})
                    if (!present.count(type)) candidates.push_back({ref, type});
        }
        if (candidates.empty()) return std::nullopt;
        const auto& chosen = pick(candidates);
        const LineRef where = chosen.first;
        const std::string type = chosen.second;
        return "category " + replace_line(where, [&](const std::string& line) {
                   std::smatch match;
                   std::regex_search(line, match, type_line);
                   return match.prefix().str() + match[1].str() + type + match.suffix().str();
               });
    }

    // A district roadmap item's status (the district's own plan, which its
    // pages, the home page and the open data read).
    std::optional<std::string> set_district_roadmap_status() {
        return set_status_in(files_where([&](const fs::path& path) {
            return path.parent_path() == content_ / "roadmaps" && path.extension() == ".yaml";
        }));
    }

    // A roadmap item's due date moved by up to two months either way, never
    // before its start (district items half of the time when there are any).
    std::optional<std::string> move_due_date() {
        static const std::regex due_line(R"(^(\s+(?:- )?due: *)([0-9]{4})-([0-9]{2})-([0-9]{2})\b)");
        auto district = lines_matching(files_where([&](const fs::path& path) {
                                           return path.parent_path() == content_ / "roadmaps" &&
                                                  path.extension() == ".yaml";
                                       }),
                                       due_line);
        auto candidates = !district.empty() && pick_index(2) == 0
                              ? district
                              : lines_matching(files_in_folders_named("roadmaps", ".yaml"), due_line);
        if (candidates.empty()) return std::nullopt;
        auto where = pick(candidates);
        auto lines = split_lines(read_file(where.file));
        std::optional<long> start = item_start_day(lines, where.index);
        return "due " + replace_line(where, [&](const std::string& line) {
                   std::smatch match;
                   std::regex_search(line, match, due_line);
                   long due =
                       day_number(std::stoi(match[2].str()), std::stoi(match[3].str()), std::stoi(match[4].str()));
                   int shift = std::uniform_int_distribution<int>(1, 60)(random_);
                   long moved = pick_index(2) == 0 ? due + shift : due - shift;
                   if (start && moved < *start) moved = due + shift;
                   return match.prefix().str() + match[1].str() + iso_date(moved) + match.suffix().str();
               });
    }

    // The `start:` of the item whose `due:` is on line `due_index`, as a day
    // number: the lines of the same mapping, up to its "- " line.
    static std::optional<long> item_start_day(const std::vector<std::string>& lines, std::size_t due_index) {
        static const std::regex start_line(R"(^\s*(?:- )?start: *([0-9]{4})-([0-9]{2})-([0-9]{2})\b)");
        auto key_column = [](const std::string& line) {
            std::size_t at = line.find_first_not_of(' ');
            if (at == std::string::npos || line[at] == '#' || line[at] == '\n') return std::string::npos;
            return line.compare(at, 2, "- ") == 0 ? at + 2 : at;
        };
        const std::size_t column = key_column(lines[due_index]);
        auto starts_item = [&](std::size_t i) {
            return column >= 2 && lines[i].size() >= column && lines[i].compare(column - 2, 2, "- ") == 0;
        };
        std::size_t first = due_index, last = due_index;
        while (first > 0 && !starts_item(first)) {
            std::size_t c = key_column(lines[first - 1]);
            if (c != std::string::npos && c < column) break;
            --first;
        }
        while (last + 1 < lines.size()) {
            std::size_t c = key_column(lines[last + 1]);
            if (c != std::string::npos && (c < column || (c == column && starts_item(last + 1)))) break;
            ++last;
        }
        for (std::size_t i = first; i <= last; ++i) {
            std::smatch match;
            if (key_column(lines[i]) == column && std::regex_search(lines[i], match, start_line))
                return day_number(std::stoi(match[1].str()), std::stoi(match[2].str()), std::stoi(match[3].str()));
        }
        return std::nullopt;
    }

    // Days since 1970-01-01 and back (H. Hinnant's civil calendar algorithms).
    static long day_number(int y, int m, int d) {
        y -= m <= 2;
        const long era = (y >= 0 ? y : y - 399) / 400;
        const long yoe = y - era * 400;
        const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    }
    static std::string iso_date(long days) {
        days += 719468;
        const long era = (days >= 0 ? days : days - 146096) / 146097;
        const long doe = days - era * 146097;
        const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const long mp = (5 * doy + 2) / 153;
        const long d = doy - (153 * mp + 2) / 5 + 1;
        const long m = mp + (mp < 10 ? 3 : -9);
        const long y = yoe + era * 400 + (m <= 2);
        char text[48];
        std::snprintf(text, sizeof text, "%04ld-%02ld-%02ld", y, m, d);
        return text;
    }

    // A paragraph appended to a news item, a page or a programme.
    std::optional<std::string> append_paragraph_to_text() {
        auto texts = files_where([](const fs::path& path) {
            std::string folder = path.parent_path().filename().string();
            return path.extension() == ".md" && (folder == "news" || folder == "pages" || folder == "programs");
        });
        if (texts.empty()) return std::nullopt;
        auto file = pick(texts);
        std::string text = read_file(file);
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += "\nДополнение " + edit_mark() + ": уточнены сроки и ответственные.\n";
        write_file(file, text);
        return "paragraph appended to " + relative(file);
    }
};

// SHNOR_INCREMENTAL_SEED replays a failure, or tries other edit sequences.
std::uint32_t seed_for_this_run(std::uint32_t fixed_seed) {
    if (const char* chosen = std::getenv("SHNOR_INCREMENTAL_SEED")) return static_cast<std::uint32_t>(std::stoul(chosen));
    return fixed_seed;
}

// SHNOR_INCREMENTAL_ROUNDS: edit rounds per content (each one incremental
// build and one full build); CI's sanitized run takes fewer than its
// ordinary one. Every kind of edit is made at least once whatever the count.
int rounds_for_this_run() {
    // At least 4: round 1 and the date's round make no edit.
    if (const char* chosen = std::getenv("SHNOR_INCREMENTAL_ROUNDS")) return std::max(4, std::stoi(chosen));
    return kRounds;
}

// SHNOR_INCREMENTAL_KINDS=11,12: only these kinds of edit (numbers of
// ContentEditor::apply), to chase one kind.
std::vector<int> kinds_for_this_run() {
    std::vector<int> kinds;
    if (const char* chosen = std::getenv("SHNOR_INCREMENTAL_KINDS")) {
        std::stringstream list(chosen);
        std::string kind;
        while (std::getline(list, kind, ','))
            if (!kind.empty()) kinds.push_back(std::stoi(kind));
    }
    if (kinds.empty()) {
        kinds.resize(ContentEditor::kKinds);
        std::iota(kinds.begin(), kinds.end(), 0);
    }
    return kinds;
}

// Runs the rounds on a copy of `original_content`: each round edits the
// content, builds incrementally into a kept folder with a kept cache, builds
// fully into fresh folders, and requires identical trees.
void check_incremental_builds_match_full_builds(const fs::path& original_content, const std::string& name,
                                                std::uint32_t seed) {
    ScratchDir scratch(name);
    const fs::path content = scratch.path / "content";
    const fs::path incremental_out = scratch.path / "incremental-site";
    const fs::path incremental_cache = scratch.path / "incremental-cache";
    const fs::path log = scratch.path / "build-output.txt";
    fs::copy(original_content, content, fs::copy_options::recursive);

    const int rounds = rounds_for_this_run();
    const std::vector<int> kinds = kinds_for_this_run();
    std::cout << "incremental builds of " << name << ": seed " << seed << ", " << rounds
              << " rounds (SHNOR_INCREMENTAL_SEED, SHNOR_INCREMENTAL_ROUNDS)" << std::endl;
    INFO("seed " << seed << " (replay with SHNOR_INCREMENTAL_SEED=" << seed << " SHNOR_INCREMENTAL_ROUNDS=" << rounds
                 << ")");
    std::mt19937 random(seed);
    ContentEditor editor(content, random);
    std::string history;
    // Each round first makes kinds not made yet, as many as it takes for
    // every kind to be made by the last round whatever the number of rounds;
    // then up to two more drawn at random.
    std::vector<int> kinds_not_yet_made = kinds;
    std::shuffle(kinds_not_yet_made.begin(), kinds_not_yet_made.end(), random);

    // Round 0 is the first build; the round with the later date changes
    // nothing but the date, so the date alone must refresh overdue statuses.
    const int later_date_round = rounds / 2;
    int edit_rounds_left = rounds - 2;  // not round 1 (no edit) nor the date's round
    for (int round = 0; round <= rounds; ++round) {
        std::string date = round == later_date_round ? kLaterDate : kDate;
        std::string edits;
        if (round == 1) edits = "no edit";
        if (round > 1 && round != later_date_round) {
            std::size_t forced = edit_rounds_left > 0 ? (kinds_not_yet_made.size() + edit_rounds_left - 1) /
                                                            static_cast<std::size_t>(edit_rounds_left)
                                                      : kinds_not_yet_made.size();
            --edit_rounds_left;
            int count = static_cast<int>(forced) + std::uniform_int_distribution<int>(forced ? 0 : 1, 2)(random);
            for (int i = 0; i < count; ++i) {
                std::optional<std::string> made;
                if (static_cast<std::size_t>(i) < forced && !kinds_not_yet_made.empty()) {
                    made = editor.apply(kinds_not_yet_made.back());
                    kinds_not_yet_made.pop_back();
                }
                for (int tries = 0; !made && tries < 100; ++tries)
                    made = editor.apply(kinds[std::uniform_int_distribution<std::size_t>(0, kinds.size() - 1)(random)]);
                if (made) edits += (edits.empty() ? "" : "; ") + *made;
            }
        }
        history += "round " + std::to_string(round) + " (--date " + date + "): " + (edits.empty() ? "-" : edits) + "\n";
        INFO("edits so far:\n" << history);

        auto incremental = build_site(content, incremental_out, incremental_cache, date, log);
        INFO("incremental build output:\n" << incremental.output);
        REQUIRE(incremental.exit_code == 0);

        const fs::path full_out = scratch.path / ("full-site-" + std::to_string(round));
        const fs::path full_cache = scratch.path / ("full-cache-" + std::to_string(round));
        auto full = build_site(content, full_out, full_cache, date, log);
        INFO("full build output:\n" << full.output);
        REQUIRE(full.exit_code == 0);

        REQUIRE(first_tree_difference(full_out, incremental_out) == "");
        fs::remove_all(full_out);
        fs::remove_all(full_cache);
    }
    std::cout << history << std::flush;  // what was covered, in the log of a passing run too
}

using Mtimes = std::map<std::string, fs::file_time_type>;

Mtimes file_mtimes(const fs::path& root) {
    Mtimes mtimes;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) mtimes[fs::relative(entry.path(), root).generic_string()] = entry.last_write_time();
    return mtimes;
}

std::map<std::string, std::string> file_contents(const fs::path& root) {
    std::map<std::string, std::string> contents;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) contents[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
    return contents;
}

}  // namespace

TEST_CASE("the tree comparison names the first differing path", "[incremental]") {
    ScratchDir scratch("compare");
    fs::path left = scratch.path / "left";
    fs::path right = scratch.path / "right";
    fs::create_directories(left / "schools" / "a");
    write_file(left / "index.html", "<p>главная</p>");
    write_file(left / "schools" / "a" / "index.html", "<p>школа</p>");
    fs::copy(left, right, fs::copy_options::recursive);
    CHECK(first_tree_difference(left, right) == "");

    write_file(right / "schools" / "a" / "index.html", "<p>школа!</p>");
    CHECK_THAT(first_tree_difference(left, right), Catch::Contains("contents differ: schools/a/index.html"));

    write_file(right / "schools" / "a" / "index.html", "<p>школа</p>");
    write_file(right / "extra.html", "");
    CHECK_THAT(first_tree_difference(left, right), Catch::Contains("only in") && Catch::Contains(": extra.html"));

    fs::remove(right / "extra.html");
    fs::remove(right / "schools" / "a" / "index.html");
    CHECK_THAT(first_tree_difference(left, right), Catch::Contains("missing from") &&
                                                       Catch::Contains(": schools/a/index.html"));
}

TEST_CASE("incremental builds of a synthetic district match full builds after random edits", "[incremental]") {
    // SHNOR_INCREMENTAL_SCHOOLS: the size of the generated district (CI's
    // sanitized run takes a smaller one).
    const char* schools = std::getenv("SHNOR_INCREMENTAL_SCHOOLS");
    const int school_count = schools ? std::max(4, std::stoi(schools)) : 30;
    ScratchDir generated("generated");
    auto generate = run_command("python3 " + shell_quoted(kSourceDir / "bench" / "generate.py") + " " +
                                    std::to_string(school_count) + " " +
                                    shell_quoted(generated.path / "gen"),
                                generated.path / "generate-output.txt");
    INFO(generate.output);
    REQUIRE(generate.exit_code == 0);
    check_incremental_builds_match_full_builds(generated.path / "gen" / "content", "synthetic",
                                                seed_for_this_run(kDefaultSeed));
}

TEST_CASE("incremental builds of the example content match full builds after random edits", "[incremental]") {
    check_incremental_builds_match_full_builds(kSourceDir / "content", "example",
                                               seed_for_this_run(kDefaultSeed + 1));
}

TEST_CASE("a build with nothing changed rewrites no output file", "[incremental]") {
    ScratchDir scratch("mtimes");
    const fs::path content = scratch.path / "content";
    const fs::path out = scratch.path / "site";
    const fs::path cache = scratch.path / "cache";
    const fs::path log = scratch.path / "build-output.txt";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);

    auto first = build_site(content, out, cache, kDate, log);
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    auto before = file_mtimes(out);
    REQUIRE(before.size() > 100);

    // Longer than any file system's timestamp granularity, so a rewrite shows.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto unchanged = build_site(content, out, cache, kDate, log);
    INFO(unchanged.output);
    REQUIRE(unchanged.exit_code == 0);
    auto after = file_mtimes(out);
    REQUIRE(after.size() == before.size());
    std::vector<std::string> rewritten;
    for (const auto& [path, mtime] : before)
        if (after.count(path) == 0 || after.at(path) != mtime) rewritten.push_back(path);
    CHECK(rewritten == std::vector<std::string>{});

    // After one edit, only the files whose bytes changed are written.
    auto contents_before = file_contents(out);
    fs::path index = content / "schools" / "shubinskaya" / "index.md";
    write_file(index, read_file(index) + "\nНовый абзац о работе школы.\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto edited = build_site(content, out, cache, kDate, log);
    INFO(edited.output);
    REQUIRE(edited.exit_code == 0);
    auto contents_after = file_contents(out);
    auto mtimes_after_edit = file_mtimes(out);
    REQUIRE(contents_after.size() == contents_before.size());
    std::vector<std::string> changed, rewritten_unchanged, changed_but_old_mtime;
    for (const auto& [path, bytes] : contents_after) {
        REQUIRE(contents_before.count(path) == 1);
        bool same_bytes = contents_before.at(path) == bytes;
        bool written = mtimes_after_edit.at(path) != after.at(path);
        if (!same_bytes) changed.push_back(path);
        if (same_bytes && written) rewritten_unchanged.push_back(path);
        if (!same_bytes && !written) changed_but_old_mtime.push_back(path);
    }
    CHECK_FALSE(changed.empty());
    CHECK(rewritten_unchanged == std::vector<std::string>{});
    CHECK(changed_but_old_mtime == std::vector<std::string>{});
}

namespace {

// Builds `content` into fresh folders and requires the same tree as `out`.
void require_same_as_full_build(const fs::path& content, const fs::path& out, const fs::path& scratch,
                                const std::string& name) {
    const fs::path full_out = scratch / ("full-" + name);
    auto full = build_site(content, full_out, scratch / ("full-cache-" + name), kDate, scratch / "full-output.txt");
    INFO(full.output);
    REQUIRE(full.exit_code == 0);
    REQUIRE(first_tree_difference(full_out, out) == "");
}

// Files changed within 2 s before a build are never trusted as unchanged
// by the next one; waiting makes the build after next a "nothing changed" one.
void edit_then_wait(const fs::path& file, const std::function<std::string(std::string)>& edit) {
    write_file(file, edit(read_file(file)));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
}

}  // namespace

TEST_CASE("a change inside one school's own section rebuilds only that section", "[incremental]") {
    ScratchDir scratch("sections");
    const fs::path content = scratch.path / "content";
    const fs::path out = scratch.path / "site";
    const fs::path cache = scratch.path / "cache";
    const fs::path log = scratch.path / "build-output.txt";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // the copies are not racy for the first build
    auto first = build_site(content, out, cache, kDate, log);
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    const std::string section_only = "пересобраны только они";
    const std::string text_only = "обновлены только их главные страницы";

    SECTION("index.md text: only the school's first page, where its text is") {
        edit_then_wait(content / "schools" / "shubinskaya" / "index.md",
                        [](std::string text) { return text + "\nНовый абзац о работе школы.\n"; });
        auto edited = build_site(content, out, cache, kDate, log);
        INFO(edited.output);
        REQUIRE(edited.exit_code == 0);
        CHECK_THAT(edited.output, Catch::Contains("(shubinskaya)") && Catch::Contains(text_only));
        CHECK_THAT(edited.output, Catch::Contains("записано изменённых файлов: 2,"));
        require_same_as_full_build(content, out, scratch.path, "intro");

        SECTION("then the text again, and emptied") {
            edit_then_wait(content / "schools" / "shubinskaya" / "index.md",
                            [](std::string text) { return text + "\n## Подзаголовок\n\n- пункт\n"; });
            auto twice = build_site(content, out, cache, kDate, log);
            INFO(twice.output);
            CHECK_THAT(twice.output, Catch::Contains(text_only));
            require_same_as_full_build(content, out, scratch.path, "intro-twice");
            edit_then_wait(content / "schools" / "shubinskaya" / "index.md", [](std::string text) {
                return text.substr(0, text.find("---", 3) + 4);  // front matter only
            });
            auto emptied = build_site(content, out, cache, kDate, log);
            INFO(emptied.output);
            CHECK_THAT(emptied.output, Catch::Contains(text_only));
            require_same_as_full_build(content, out, scratch.path, "intro-empty");
        }

        SECTION("then nothing changed") {
            auto again = build_site(content, out, cache, kDate, log);
            INFO(again.output);
            CHECK_THAT(again.output, Catch::Contains("Без изменений"));
        }
        SECTION("then the same school's name: the district's pages too") {
            edit_then_wait(content / "schools" / "shubinskaya" / "school.yaml", [](std::string text) {
                auto at = text.find("name:");
                REQUIRE(at != std::string::npos);
                return text.insert(text.find('\n', at), " (изменено)");
            });
            auto renamed = build_site(content, out, cache, kDate, log);
            INFO(renamed.output);
            REQUIRE(renamed.exit_code == 0);
            CHECK_THAT(renamed.output, !Catch::Contains(section_only));
            require_same_as_full_build(content, out, scratch.path, "name");
        }
    }
    SECTION("index.md text, with the school's first page changed by hand since: its section is rendered again") {
        fs::path page = out / "schools" / "shubinskaya" / "index.html";
        std::ofstream(page, std::ios::app) << "<!-- правка вручную -->";
        edit_then_wait(content / "schools" / "shubinskaya" / "index.md",
                        [](std::string text) { return text + "\nНовый абзац о работе школы.\n"; });
        auto edited = build_site(content, out, cache, kDate, log);
        INFO(edited.output);
        REQUIRE(edited.exit_code == 0);
        CHECK_THAT(edited.output, Catch::Contains("(shubinskaya)") && Catch::Contains(section_only));
        require_same_as_full_build(content, out, scratch.path, "intro-by-hand");
    }
    SECTION("index.md text, with the content's own layout printing it: its section is rendered again") {
        fs::create_directories(content / "layouts");
        std::ifstream in(kSourceDir / "layouts" / "school.mustache");
        std::string layout((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto at = layout.find("{{{intro_block}}}");
        REQUIRE(at != std::string::npos);
        layout.replace(at, 17, "{{#intro_html}}<div class=\"prose\">{{{intro_html}}}</div>{{/intro_html}}");
        std::ofstream(content / "layouts" / "school.mustache") << layout;
        std::this_thread::sleep_for(std::chrono::milliseconds(2100));
        REQUIRE(build_site(content, out, cache, kDate, log).exit_code == 0);
        edit_then_wait(content / "schools" / "shubinskaya" / "index.md",
                        [](std::string text) { return text + "\nНовый абзац о работе школы.\n"; });
        auto edited = build_site(content, out, cache, kDate, log);
        INFO(edited.output);
        REQUIRE(edited.exit_code == 0);
        CHECK_THAT(edited.output, Catch::Contains("(shubinskaya)") && Catch::Contains(section_only));
        require_same_as_full_build(content, out, scratch.path, "own-layout");
        std::ifstream page(out / "schools" / "shubinskaya" / "index.html");
        std::string html((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
        CHECK_THAT(html, Catch::Contains("Новый абзац о работе школы."));
    }
    SECTION("a roadmap item's status: the section, and the school's row and open-data elements patched") {
        const fs::path roadmap = content / "schools" / "shubinskaya" / "roadmaps" / "dorozhnaya-karta-shkoly-2024.yaml";
        const std::string patched = "обновлены строки школ shubinskaya";
        auto set_status = [&](const std::string& from, const std::string& to) {
            edit_then_wait(roadmap, [&](std::string text) {
                auto at = text.find("status: " + from);
                REQUIRE(at != std::string::npos);
                return text.replace(at, 8 + from.size(), "status: " + to);
            });
        };
        // The first item (April 2024) goes back to in progress: overdue now,
        // so the school's row counts change, and no listing page comes or goes.
        const std::string list_before = read_file(out / "schools" / "index.html");
        // The workbook follows its patched CSV (a cell «просрочено» more).
        auto overdue_cells = [&]() {
            auto sheet = run_command("unzip -p " + shell_quoted(out / "data" / "roadmaps.xlsx") +
                                         " xl/worksheets/sheet1.xml",
                                     scratch.path / "unzip.txt");
            REQUIRE(sheet.exit_code == 0);
            std::size_t count = 0;
            for (auto at = sheet.output.find("<t>просрочено</t>"); at != std::string::npos;
                 at = sheet.output.find("<t>просрочено</t>", at + 1))
                ++count;
            return count;
        };
        const std::size_t overdue_before = overdue_cells();
        set_status("done", "in_progress");
        auto edited = build_site(content, out, cache, kDate, log);
        INFO(edited.output);
        REQUIRE(edited.exit_code == 0);
        CHECK_THAT(edited.output, Catch::Contains(section_only) && Catch::Contains(patched));
        CHECK(read_file(out / "schools" / "index.html") != list_before);
        CHECK(overdue_cells() == overdue_before + 1);
        require_same_as_full_build(content, out, scratch.path, "status");

        SECTION("then another status, then the text: spans moved by the patch still hold") {
            set_status("in_progress", "done");
            auto again = build_site(content, out, cache, kDate, log);
            INFO(again.output);
            CHECK_THAT(again.output, Catch::Contains(patched));
            require_same_as_full_build(content, out, scratch.path, "status-again");
            edit_then_wait(content / "schools" / "shubinskaya" / "index.md",
                           [](std::string text) { return text + "\nНовый абзац.\n"; });
            auto text = build_site(content, out, cache, kDate, log);
            INFO(text.output);
            CHECK_THAT(text.output, Catch::Contains(text_only));
            require_same_as_full_build(content, out, scratch.path, "status-then-text");
        }
        SECTION("then a status, with the open data changed by hand since: a whole build") {
            std::ofstream(out / "data" / "roadmaps.csv", std::ios::app) << "правка вручную\r\n";
            set_status("in_progress", "done");
            auto by_hand = build_site(content, out, cache, kDate, log);
            INFO(by_hand.output);
            REQUIRE(by_hand.exit_code == 0);
            CHECK_THAT(by_hand.output, !Catch::Contains(patched));
            require_same_as_full_build(content, out, scratch.path, "status-by-hand");
        }
    }
    SECTION("a roadmap item's report date: the school's lines of the sitemap follow it") {
        // The item that fell overdue on the build date (due in October) is
        // moved to September (overdue since 1 October: the same pages), so the
        // report date is the newest the page shows.
        edit_then_wait(content / "schools" / "shubinskaya" / "roadmaps" / "dorozhnaya-karta-shkoly-2024.yaml",
                       [](std::string text) {
                           auto at = text.find("reported: 2024-09-02");
                           REQUIRE(at != std::string::npos);
                           text.replace(at, 20, "reported: 2024-10-20");
                           at = text.find("when: Октябрь 2024");
                           REQUIRE(at != std::string::npos);
                           return text.replace(at, std::string("when: Октябрь 2024").size(), "when: Сентябрь 2024");
                       });
        auto edited = build_site(content, out, cache, kDate, log);
        INFO(edited.output);
        REQUIRE(edited.exit_code == 0);
        CHECK_THAT(edited.output, Catch::Contains(section_only));
        CHECK_THAT(read_file(out / "sitemap.xml"),
                   Catch::Contains("schools/shubinskaya/roadmap/</loc><lastmod>2024-10-20</lastmod>"));
        require_same_as_full_build(content, out, scratch.path, "reported");
    }
    SECTION("a roadmap item's title is read by the district's pages: a whole build") {
        fs::path roadmaps = content / "schools" / "shubinskaya" / "roadmaps";
        REQUIRE(fs::is_directory(roadmaps));
        fs::path roadmap = fs::directory_iterator(roadmaps)->path();
        edit_then_wait(roadmap, [](std::string text) {
            auto at = text.find("title:", text.find("items:"));
            REQUIRE(at != std::string::npos);
            return text.insert(text.find('\n', at), " (уточнено)");
        });
        auto edited = build_site(content, out, cache, kDate, log);
        INFO(edited.output);
        REQUIRE(edited.exit_code == 0);
        CHECK_THAT(edited.output, !Catch::Contains(section_only));
        require_same_as_full_build(content, out, scratch.path, "item");
    }
}

TEST_CASE("a rebuilt shnor renders the site again even when nothing in the content changed", "[incremental]") {
    // A new release or a developer's change to any source file relinks the
    // binary; its pages may differ, so "nothing changed" must not be trusted.
    ScratchDir scratch("new-binary");
    const fs::path content = scratch.path / "content";
    const fs::path out = scratch.path / "site";
    const fs::path cache = scratch.path / "cache";
    const fs::path log = scratch.path / "build-output.txt";
    const fs::path binary = scratch.path / "shnor";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);
    fs::copy_file(SHNOR_BINARY, binary);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // files just written are never trusted
    auto build = [&] {
        return run_command(shell_quoted(binary) + " build --content " + shell_quoted(content) + " --out " +
                               shell_quoted(out) + " --date " + kDate + " --cache " + shell_quoted(cache),
                           log);
    };
    auto first = build();
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto same_binary = build();
    INFO(same_binary.output);
    REQUIRE(same_binary.exit_code == 0);
    CHECK(same_binary.output.find("Без изменений") != std::string::npos);

    fs::last_write_time(binary, fs::last_write_time(binary) + std::chrono::seconds(5));
    auto relinked = build();
    INFO(relinked.output);
    REQUIRE(relinked.exit_code == 0);
    CHECK(relinked.output.find("Без изменений") == std::string::npos);
}

TEST_CASE("a section-only build that gives up leaves the whole build it falls back to able to run", "[incremental]") {
    // The first incremental build after a build into a new folder makes the
    // spare; when it then falls back to a whole build (here: sitemap.xml was
    // changed by hand), that build must find the spare, not fail to create it.
    ScratchDir scratch("fallback");
    const fs::path content = scratch.path / "content";
    const fs::path out = scratch.path / "site";
    const fs::path cache = scratch.path / "cache";
    const fs::path log = scratch.path / "build-output.txt";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // files just written are never trusted
    auto first = build_site(content, out, cache, kDate, log);
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    fs::path index = content / "schools" / "shubinskaya" / "index.md";
    write_file(index, read_file(index) + "\nНовый абзац о работе школы.\n");
    write_file(out / "sitemap.xml", read_file(out / "sitemap.xml") + "<!-- правка вручную -->\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto second = build_site(content, out, cache, kDate, log);
    INFO(second.output);
    REQUIRE(second.exit_code == 0);
    CHECK(read_file(out / "schools" / "shubinskaya" / "index.html").find("Новый абзац о работе школы.") !=
          std::string::npos);
    CHECK(read_file(out / "sitemap.xml").find("правка вручную") == std::string::npos);
    require_same_as_full_build(content, out, scratch.path, "fallback");
}
