// serve: `shnor serve`, the preview. Builds the site into a folder of its
// own (under the system's temporary folder, one per content folder, kept
// between runs so a rebuild goes by changes), serves it over HTTP on
// 127.0.0.1 (cpp-httplib), rebuilds when anything in the content folder,
// its layouts included, changes (serve/folder_watch.hpp; the built-in
// layouts and assets are in the binary), and reloads
// the open pages by server-sent events. The script that listens is added to
// the pages as they are served, never to a built file. While the content has
// errors every page is a list of them, by file and line.
#pragma once

#include "pipeline/pipeline.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>

namespace shnor::serve {

struct ServeOptions {
    pipeline::BuildOptions build;  // its out_dir is set by serve()
    std::string bind = "127.0.0.1";
    int port = 8000;  // 0: any free port (the address printed says which)
};

// The folder the preview of `content` is built into.
std::filesystem::path preview_folder(const std::filesystem::path& content);

// Runs until SIGINT or SIGTERM; prints the address, then a line per
// rebuild to `out`. Returns the process's exit code: 0 once stopped, 2
// when the address cannot be bound.
int serve(ServeOptions options, std::ostream& out);

// The page shown instead of the site while the content has errors.
std::string errors_page(const model::Diagnostics& diagnostics);
// `html` with the reload script before its </body> (at the end when none).
std::string with_reload_script(std::string html);

}  // namespace shnor::serve
