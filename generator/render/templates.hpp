// Mustache layouts: built-in ones, overridden file by file by a content
// tree's own layouts/. Each layout is parsed once.
#pragma once

#include <kainjow/mustache.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace shnor::render {

class Templates {
public:
    // `folders` in order of precedence: the first folder holding a file wins.
    explicit Templates(std::vector<std::filesystem::path> folders);

    // Renders layouts/<layout>.mustache with `data`, then wraps it in
    // layouts/base.mustache as {{{content}}}. Partials come from
    // layouts/partials/<name>.mustache. Throws std::runtime_error naming the
    // layout file when a template does not parse.
    std::string render_page(const std::string& layout, kainjow::mustache::data data);
    std::string render(const std::string& layout, const kainjow::mustache::data& data);

    // Parses every layout of the folders now and makes the set read-only, so
    // render() may then be called from several threads without locking.
    // Throws like render() for a layout that does not parse.
    void compile_all();

private:
    kainjow::mustache::mustache& compiled(const std::string& layout);
    kainjow::mustache::mustache& compile(const std::string& layout);  // under mutex_
    std::string with_partials_inlined(const std::string& source, std::vector<std::string>& stack) const;
    std::filesystem::path find(const std::string& relative) const;
    void load_partials();  // once, under mutex_

    // Pages may be rendered from several threads; the cache is shared.
    std::mutex mutex_;
    bool partials_loaded_ = false;
    std::atomic<bool> frozen_ = false;  // set by compile_all(); cache_ no longer changes
    kainjow::mustache::data partials_;  // name → template text, for {{> name}}

    std::vector<std::filesystem::path> folders_;
    std::map<std::string, std::unique_ptr<kainjow::mustache::mustache>> cache_;
    std::map<std::string, std::string> partial_sources_;
};

}  // namespace shnor::render
