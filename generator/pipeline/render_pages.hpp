// One page's HTML files: its main copy and the copy for visually impaired
// readers under vi/, with its fragments (view::Fragment) put in place and
// where each one landed (for later builds that patch them).
#pragma once

#include "pipeline/build_record.hpp"
#include "render/templates.hpp"
#include "view/view.hpp"
#include "write/output_tree.hpp"

#include <functional>
#include <string>
#include <vector>

namespace shnor::pipeline {

struct RenderedPage {
    std::string path;  // output file path
    std::string html;
    std::vector<FragmentSpan> fragments;  // where its fragments lie, when each was placed once
};

// The version for visually impaired readers of some HTML: no results
// charts, each image followed by its alt text.
std::string vi_copy_of(std::string html);

// A fragment as it is put in its page: rendered from its own data, its
// abbreviations expanded on their own when it asks for it, the vi copy's
// changes made for `vi`.
std::string render_fragment(render::Templates& templates, const view::Fragment& fragment,
                            const render::Glossary* glossary, bool vi);

// Called with each copy's output path and where its fragments lie, once it is in the tree.
using PageWritten = std::function<void(std::string path, std::vector<FragmentSpan> fragments)>;

// A district build's page: both copies (404.html has no vi copy), the
// page's own layout rendered once for both, put into `tree`.
// Each copy goes to the tree as soon as it is made: the main copy before
// the vi copy is rendered; a page of many fragments (the schools list of a
// big district is hundreds of MB) as its fragments render.
void render_district_page(render::Templates& templates, view::PageSpec& page, write::OutputTree& tree,
                          const PageWritten& written);

// A --school build's page: the copies rendered separately, their links
// marked for relocate_to_school().
std::vector<RenderedPage> render_school_build_page(render::Templates& templates, view::PageSpec& page);

// A --school --fragment build's page: only what the base layout puts in
// <main> (the page's own layout, its fragments and abbreviations in place),
// its links marked as for relocate_to_school().
std::string render_school_page_content(render::Templates& templates, view::PageSpec& page);

}  // namespace shnor::pipeline
