#include "render/templates.hpp"

#include <fstream>
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

}  // namespace

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

mustache::mustache& Templates::compiled(const std::string& layout) {
    std::lock_guard lock(mutex_);
    load_partials();
    auto cached = cache_.find(layout);
    if (cached != cache_.end()) return *cached->second;

    fs::path path = find(layout + kExtension);
    if (path.empty()) {
        std::string searched;
        for (const auto& folder : folders_) searched += (searched.empty() ? "" : ", ") + folder.string();
        throw std::runtime_error("Нет шаблона " + layout + kExtension + " ни в одной из папок: " + searched);
    }
    auto parsed = std::make_unique<mustache::mustache>(read_file(path));
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
    std::string content = render(layout, data);
    data.set("content", content);
    return render("base", data);
}

}  // namespace shnor::render
