// The glossary of a build: the built-in abbreviations and site.yaml
// `glossary`, found in pages and expanded at their first use with
// <abbr title="…">. Built once per build and only read, by every thread.
#pragma once

#include "model/model.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shnor::render {

class Glossary {
public:
    // The built-in terms and `site_terms`; a site term replaces a built-in
    // one of the same abbreviation. Terms are kept sorted by abbreviation.
    explicit Glossary(const std::vector<model::GlossaryTerm>& site_terms);

    const std::vector<model::GlossaryTerm>& terms() const { return terms_; }

    // `used[i]` becomes true for each terms()[i] found in plain `text`.
    void find_terms(std::string_view text, std::vector<bool>& used) const;

    // The HTML with the first use of each term not yet `seen` wrapped in
    // <abbr title="expansion">, which marks it seen. Only text is searched:
    // never tags, attributes, entities, <title>, <script>, <style>,
    // <textarea>, <svg> or the site's <header>; a term inside an <abbr>
    // already written counts as expanded. `seen` is resized to terms().size().
    std::string expand_first_uses(std::string_view html, std::vector<bool>& seen) const;
    // The same for a whole page, starting with nothing seen.
    std::string expand_first_uses(std::string_view html) const;

private:
    struct Match {
        std::size_t term = 0;
        std::size_t length = 0;  // 0: none
    };
    // The longest term starting at `at`, a word start, whose first word is `word`.
    Match match_at(std::string_view text, std::size_t at, std::string_view word) const;
    template <class OnMatch>
    void scan_text(std::string_view text, OnMatch on_match) const;

    std::vector<model::GlossaryTerm> terms_;
    std::vector<std::string> opening_tags_;  // <abbr title="…"> of each term
    // First word → terms starting with it, longest first.
    std::unordered_map<std::string_view, std::vector<std::size_t>> by_first_word_;
};

}  // namespace shnor::render
