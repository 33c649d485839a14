#include "render/templates.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace shnor::render {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;

namespace {

constexpr const char* kExtension = ".mustache";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("Не удалось прочитать шаблон " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void require_valid(const mustache::mustache& compiled, const fs::path& path) {
    if (!compiled.is_valid())
        throw std::runtime_error("Ошибка в шаблоне " + path.string() + ": " + compiled.error_message());
}

// Partials are looked up in the layouts' partials first, so a page value that
// happens to share a partial's name cannot replace the partial.
class PageContext : public mustache::context<std::string> {
public:
    PageContext(const mustache::data* page, const mustache::data* partials)
        : mustache::context<std::string>(page), partials_(partials) {}

    const mustache::data* get_partial(const std::string& name) const override {
        if (const mustache::data* partial = partials_->get(name)) return partial;
        return mustache::context<std::string>::get_partial(name);
    }

private:
    const mustache::data* partials_;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// A partial tag at `open` ("{{>" with optional blanks): its name and where it ends.
struct PartialTag {
    std::string name;
    std::size_t end = std::string::npos;  // one past "}}"
};

std::optional<PartialTag> partial_tag_at(const std::string& text, std::size_t open) {
    std::size_t at = open + 2;
    while (at < text.size() && is_blank(text[at])) ++at;
    if (at >= text.size() || text[at] != '>') return std::nullopt;
    std::size_t close = text.find("}}", at);
    if (close == std::string::npos) return std::nullopt;
    std::size_t first = at + 1, last = close;
    while (first < last && is_blank(text[first])) ++first;
    while (last > first && is_blank(text[last - 1])) --last;
    return PartialTag{text.substr(first, last - first), close + 2};
}

}  // namespace

// kainjow re-parses a partial's text every time the partial is rendered, so
// partials are pasted into the templates once instead. That is the same
// output: kainjow renders a partial with the page's context and line buffer,
// exactly as if its text stood in place of the tag. Templates that change
// delimiters are left as they are.
std::string Templates::with_partials_inlined(const std::string& source, std::vector<std::string>& stack) const {
    if (source.find("{{=") != std::string::npos) return source;
    std::string result;
    std::size_t from = 0;
    for (std::size_t open = source.find("{{"); open != std::string::npos; open = source.find("{{", open + 2)) {
        auto tag = partial_tag_at(source, open);
        if (!tag) continue;
        result.append(source, from, open - from);
        from = tag->end;
        auto partial = partial_sources_.find(tag->name);
        if (partial == partial_sources_.end()) continue;  // as in Mustache: an unknown partial renders nothing
        if (std::find(stack.begin(), stack.end(), tag->name) != stack.end())
            throw std::runtime_error("Партиал " + tag->name + kExtension + " включает сам себя");
        stack.push_back(tag->name);
        result += with_partials_inlined(partial->second, stack);
        stack.pop_back();
        open = tag->end - 2;
    }
    result.append(source, from, std::string::npos);
    return result;
}

Templates::Templates(std::vector<fs::path> folders) : folders_(std::move(folders)) {}

fs::path Templates::find(const std::string& relative) const {
    for (const auto& folder : folders_) {
        fs::path candidate = folder / relative;
        if (fs::is_regular_file(candidate)) return candidate;
    }
    return {};
}

void Templates::load_partials() {
    if (partials_loaded_) return;
    // From the lowest precedence up, so a content tree's partial replaces the built-in one.
    for (auto folder = folders_.rbegin(); folder != folders_.rend(); ++folder) {
        fs::path partials_dir = *folder / "partials";
        if (!fs::is_directory(partials_dir)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(partials_dir)) {
            if (!entry.is_regular_file() || entry.path().extension() != kExtension) continue;
            std::string source = read_file(entry.path());
            require_valid(mustache::mustache(source), entry.path());
            fs::path name = fs::relative(entry.path(), partials_dir);
            name.replace_extension();
            partial_sources_[name.generic_string()] = std::move(source);
        }
    }
    partials_ = mustache::data(mustache::data::type::object);
    for (const auto& [name, source] : partial_sources_) partials_.set(name, source);
    partials_loaded_ = true;
}

void Templates::compile_all() {
    std::lock_guard lock(mutex_);
    load_partials();
    for (const auto& folder : folders_) {
        if (!fs::is_directory(folder)) continue;
        for (const auto& entry : fs::directory_iterator(folder)) {
            if (!entry.is_regular_file() || entry.path().extension() != kExtension) continue;
            std::string layout = entry.path().stem().string();
            if (!cache_.count(layout)) compile(layout);
        }
    }
    frozen_ = true;
}

mustache::mustache& Templates::compiled(const std::string& layout) {
    if (frozen_) {
        // Read-only from here on: threads share the compiled templates without a lock.
        auto cached = cache_.find(layout);
        if (cached != cache_.end()) return *cached->second;
    }
    std::lock_guard lock(mutex_);
    load_partials();
    auto cached = cache_.find(layout);
    if (cached != cache_.end()) return *cached->second;
    return compile(layout);
}

mustache::mustache& Templates::compile(const std::string& layout) {

    fs::path path = find(layout + kExtension);
    if (path.empty()) {
        std::string searched;
        for (const auto& folder : folders_) searched += (searched.empty() ? "" : ", ") + folder.string();
        throw std::runtime_error("Нет шаблона " + layout + kExtension + " ни в одной из папок: " + searched);
    }
    std::string source = read_file(path);
    require_valid(mustache::mustache(source), path);
    std::vector<std::string> stack;
    auto parsed = std::make_unique<mustache::mustache>(with_partials_inlined(source, stack));
    require_valid(*parsed, path);
    return *cache_.emplace(layout, std::move(parsed)).first->second;
}

std::string Templates::render(const std::string& layout, const mustache::data& data) {
    mustache::mustache& tmpl = compiled(layout);
    PageContext context(&data, &partials_);
    std::string html = tmpl.render(context);
    if (!tmpl.is_valid())
        throw std::runtime_error("Ошибка при выводе шаблона " + layout + kExtension + ": " + tmpl.error_message());
    return html;
}

std::string Templates::render_page(const std::string& layout, mustache::data data) {
    // kainjow's set() would copy the page's HTML twice; a string Data is filled by moving instead.
    mustache::data content(mustache::data::type::string);
    const_cast<std::string&>(content.string_value()) = render(layout, data);
    data["content"] = std::move(content);
    return render("base", data);
}

}  // namespace shnor::render
