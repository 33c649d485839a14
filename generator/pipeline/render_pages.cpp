#include "pipeline/render_pages.hpp"

#include "pipeline/school_site.hpp"

#include <algorithm>
#include <charconv>

namespace shnor::pipeline {

namespace {

// Where assets go in a page rendered once for both copies; replaced by the
// real prefix of each copy. A private-use code point never occurs in content.
constexpr std::string_view kAssetRootMark = "\xEE\x80\x83";  // U+E003

std::string with_mark_replaced(const std::string& text, std::string_view mark, const std::string& value) {
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t at = 0;
    for (std::size_t found = text.find(mark); found != std::string::npos; found = text.find(mark, at)) {
        out.append(text, at, found - at);
        out += value;
        at = found + mark.size();
    }
    out.append(text, at, std::string::npos);
    return out;
}

}  // namespace

// The version for visually impaired readers leaves the results charts out
// (ГОСТ Р 52872-2019): the tables beside them carry the numbers in large
// type. Its other images follow the reader's choice (.vi-settings): each is
// followed by its alt text, which CSS shows in the image's place when the
// reader turns images off (screen readers have the alt already).
std::string vi_copy_of(std::string html) {
    constexpr std::string_view open = "<figure class=\"chart\">", close = "</figure>";
    for (auto start = html.find(open); start != std::string::npos; start = html.find(open, start)) {
        auto end = html.find(close, start);
        if (end == std::string::npos) break;
        html.erase(start, end + close.size() - start);
    }
    constexpr std::string_view image = "<img ", alt = " alt=\"", picture_end = "</picture>";
    for (auto start = html.find(image); start != std::string::npos; start = html.find(image, start + 1)) {
        auto end = html.find('>', start);
        if (end == std::string::npos) break;
        auto alt_at = html.find(alt, start);
        if (alt_at == std::string::npos || alt_at > end) continue;
        auto text_at = alt_at + alt.size();
        auto text_end = html.find('"', text_at);  // the value is escaped: no '"' inside
        if (text_end == std::string::npos || text_end > end || text_end == text_at) continue;
        auto after = end + 1;
        if (std::string_view(html).substr(after, picture_end.size()) == picture_end) after += picture_end.size();
        html.insert(after, "<span class=\"vi-alt\" aria-hidden=\"true\">" + html.substr(text_at, text_end - text_at) +
                               "</span>");
    }
    return html;
}

std::string render_fragment(render::Templates& templates, const view::Fragment& fragment,
                            const render::Glossary* glossary, bool vi) {
    std::string html = templates.render(fragment.layout, fragment.make_data ? fragment.make_data() : fragment.data);
    if (fragment.expand_abbreviations && glossary) html = glossary->expand_first_uses(html);
    return vi ? vi_copy_of(std::move(html)) : html;
}

namespace {

// Renders the page's fragments, each from its own data (made now, when lazy).
std::vector<std::string> render_fragments(render::Templates& templates, const view::PageSpec& page) {
    std::vector<std::string> rendered;
    rendered.reserve(page.fragments.size());
    for (const auto& fragment : page.fragments)
        rendered.push_back(render_fragment(templates, fragment, page.glossary.get(), false));
    return rendered;
}

struct MarkAt {
    std::size_t at, length, index;
};

// Every fragment mark in the page, in one pass (the schools list has thousands).
std::vector<MarkAt> fragment_marks_in(const std::string& html, std::size_t fragment_count) {
    std::vector<MarkAt> marks;
    for (std::size_t at = html.find(view::kFragmentMarkStart); at != std::string::npos;
         at = html.find(view::kFragmentMarkStart, at + 1)) {
        std::size_t digits = at + view::kFragmentMarkStart.size();
        std::size_t index = 0;
        auto [end, error] = std::from_chars(html.data() + digits, html.data() + html.size(), index);
        if (error != std::errc() || index >= fragment_count ||
            std::string_view(end, html.data() + html.size()).substr(0, view::kFragmentMarkEnd.size()) !=
                view::kFragmentMarkEnd)
            continue;
        std::size_t length = static_cast<std::size_t>(end - html.data()) + view::kFragmentMarkEnd.size() - at;
        marks.push_back({at, length, index});
    }
    return marks;
}

// Copies `page` to `out` (append(bytes), size()) with each mark replaced by
// its fragment's HTML, `html_of(index)`. A fragment whose mark is printed
// once gets a span; one printed twice or not at all (a layout of the
// content's own) gets none, so no later build patches it.
template <class Out>
std::vector<FragmentSpan> fill_marks(const std::string& page, const std::vector<MarkAt>& marks,
                                     const std::vector<view::Fragment>& fragments,
                                     const std::function<std::string(std::size_t)>& html_of, Out& out) {
    std::vector<FragmentSpan> spans;
    std::vector<int> printed(fragments.size(), 0);
    for (const auto& mark : marks) ++printed[mark.index];
    for (std::size_t index = 0; index < fragments.size(); ++index)
        if (printed[index] > 1) spans.push_back({fragments[index].key, FragmentSpan::kNowhere, 0});
    std::size_t copied = 0;
    for (const auto& mark : marks) {
        out.append(std::string_view(page).substr(copied, mark.at - copied));
        std::string html = html_of(mark.index);
        if (printed[mark.index] == 1) spans.push_back({fragments[mark.index].key, out.size(), html.size()});
        out.append(html);
        copied = mark.at + mark.length;
    }
    out.append(std::string_view(page).substr(copied));
    return spans;
}

struct StringOut {
    std::string& text;
    void append(std::string_view bytes) { text += bytes; }
    std::size_t size() const { return text.size(); }
};

struct StreamOut {
    write::OutputTree::Stream& stream;
    std::size_t written = 0;
    void append(std::string_view bytes) {
        stream.append(bytes);
        written += bytes.size();
    }
    std::size_t size() const { return written; }
};

// Puts the rendered fragments where their marks are.
void place_fragments(RenderedPage& page, const std::vector<view::Fragment>& fragments,
                     const std::vector<std::string>& rendered, bool vi) {
    auto marks = fragment_marks_in(page.html, fragments.size());
    if (marks.empty()) return;
    // Reserved for the whole page at once: grown by doubling, a big page
    // would briefly take three times its size.
    std::size_t size = page.html.size();
    for (const auto& mark : marks) size += rendered[mark.index].size() - std::min(rendered[mark.index].size(), mark.length);
    std::string html;
    html.reserve(size + (vi ? size / 16 : 0) + 64);  // a vi copy of a fragment may be a little longer
    StringOut out{html};
    page.fragments = fill_marks(page.html, marks, fragments,
                                [&](std::size_t index) { return vi ? vi_copy_of(rendered[index]) : rendered[index]; },
                                out);
    page.html = std::move(html);
}

// The first use of each abbreviation on the page gets <abbr title>. Only
// the page around its fragments is searched: a fragment (a school's index.md
// text, a row of the schools list) is patched in later builds without the
// rest of its page, so nothing in it may depend on what precedes it. The
// school's text is searched on its own (render_fragments, FragmentBuild).
void expand_abbreviations(RenderedPage& rendered, const view::PageSpec& page) {
    if (page.glossary) rendered.html = page.glossary->expand_first_uses(rendered.html);
}

}  // namespace

// The version for visually impaired readers (ГОСТ Р 52872-2019) is a second
// copy of every page under vi/, so it works without JavaScript or cookies.
// Its links stay inside vi/; assets and files are shared with the main site,
// so the two copies differ only in the asset prefix and in the base layout:
// the page's own layout is rendered once for both.
void render_district_page(render::Templates& templates, view::PageSpec& page, write::OutputTree& tree,
                          const PageWritten& written) {
    const view::Data* given_root = page.data.get("root");
    std::string root = given_root && given_root->is_string() ? given_root->string_value() : std::string();
    bool has_vi_copy = page.path != "404.html";
    std::string vi_path = "vi/" + page.path;
    std::string vi_asset_root = view::root_prefix_of(vi_path);
    page.data.set("page_path", page.path);
    page.data.set("asset_root", std::string(kAssetRootMark));
    // A page of many fragments (the schools list: a row a school, about
    // 120 MB a copy at 40 000 schools) is streamed into the tree, each
    // fragment rendered for the copy being written and dropped, so neither
    // the copy nor its rendered fragments are ever whole in memory. Others
    // render their fragments once for both copies.
    bool streamed = page.fragments.size() > 1;
    auto fragments = streamed ? std::vector<std::string>{} : render_fragments(templates, page);
    auto put = [&](RenderedPage&& copy, bool vi) {
        expand_abbreviations(copy, page);
        if (!streamed) {
            place_fragments(copy, page.fragments, fragments, vi);
            tree.put(copy.path, copy.html);
            written(std::move(copy.path), std::move(copy.fragments));
            return;
        }
        auto marks = fragment_marks_in(copy.html, page.fragments.size());
        auto stream = tree.open(copy.path);
        StreamOut out{stream};
        auto spans = fill_marks(
            copy.html, marks, page.fragments,
            [&](std::size_t index) { return render_fragment(templates, page.fragments[index], page.glossary.get(), vi); },
            out);
        stream.close();
        written(std::move(copy.path), std::move(spans));
    };
    std::string content = templates.render(page.layout, page.data);

    page.data.set("vi", false);
    page.data.set("asset_root", root);
    page.data["content"] = view::Data(with_mark_replaced(content, kAssetRootMark, root));  // moved, not copied
    put({view::output_path_of(page.path), templates.render("base", page.data), {}}, false);  // gone before the vi copy
    if (!has_vi_copy) return;
    if (root != view::root_prefix_of(page.path)) {
        page.data.set("root", view::root_prefix_of(page.path));
        page.data.set("asset_root", std::string(kAssetRootMark));
        content = templates.render(page.layout, page.data);
    }
    page.data.set("vi", true);
    page.data.set("asset_root", vi_asset_root);
    page.data["content"] = view::Data(vi_copy_of(with_mark_replaced(content, kAssetRootMark, vi_asset_root)));
    put({view::output_path_of(vi_path), templates.render("base", page.data), {}}, true);
}

// A school build renders the copies separately: their links carry different
// markers for relocate_to_school().
std::vector<RenderedPage> render_school_build_page(render::Templates& templates, view::PageSpec& page) {
    std::vector<RenderedPage> pages;
    auto fragments = render_fragments(templates, page);
    if (page.path != "404.html") {
        view::Data data = page.data;
        data.set("vi", true);
        data.set("page_path", page.path);
        mark_roots_for_school(data, page.path, true);
        pages.push_back({view::output_path_of("vi/" + page.path),
                         vi_copy_of(templates.render_page(page.layout, std::move(data))), {}});
        expand_abbreviations(pages.back(), page);
        place_fragments(pages.back(), page.fragments, fragments, true);
    }
    page.data.set("vi", false);
    page.data.set("page_path", page.path);
    mark_roots_for_school(page.data, page.path, false);
    pages.push_back({view::output_path_of(page.path), templates.render_page(page.layout, std::move(page.data)), {}});
    expand_abbreviations(pages.back(), page);
    place_fragments(pages.back(), page.fragments, fragments, false);
    return pages;
}

std::string render_school_page_content(render::Templates& templates, view::PageSpec& page) {
    auto fragments = render_fragments(templates, page);
    page.data.set("vi", false);
    page.data.set("page_path", page.path);
    mark_roots_for_school(page.data, page.path, false);
    RenderedPage content{page.path, templates.render(page.layout, page.data), {}};
    expand_abbreviations(content, page);
    place_fragments(content, page.fragments, fragments, false);
    return std::move(content.html);
}

}  // namespace shnor::pipeline
