// Time and memory of the open data (data/*.json, data/*.csv) on a bench district:
//   cmake --build build --target shnor_open_data_bench
//   ./build/shnor_open_data_bench /tmp/shnor-bench/n2000/content /tmp/od-bench-out [strings|stream]
// `strings` builds each file whole (view::open_data_part) and puts it;
// `stream` hands the chunks of view::write_open_data_part to
// OutputTree::open. Prints each part's time and the peak memory above what
// the loaded site takes (VmHWM, reset through /proc/self/clear_refs).
#include "derive/derive.hpp"
#include "load/load.hpp"
#include "view/view.hpp"
#include "write/output_folder.hpp"
#include "write/output_tree.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

using namespace shnor;
using Clock = std::chrono::steady_clock;

namespace {

long status_kb(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    return -1;
}

void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

class TreeSink : public view::TextSink {
public:
    explicit TreeSink(write::OutputTree& tree) : tree_(tree) {}
    void begin(const std::string& path) override { stream_.emplace(tree_.open(path)); }
    void append(std::string_view bytes) override { stream_->append(bytes); }
    void end() override {
        stream_->close();
        stream_.reset();
    }

private:
    write::OutputTree& tree_;
    std::optional<write::OutputTree::Stream> stream_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s CONTENT_DIR OUT_DIR [strings|stream]\n", argv[0]);
        return 2;
    }
    bool stream = argc > 3 && std::string(argv[3]) == "stream";
    auto loaded = load::load_site(argv[1]);
    const model::Date build_date{2024, 11, 1};
    derive::derive_site(loaded.site, build_date);
    const view::BuildContext context{build_date, "https://example.org/"};
    std::filesystem::remove_all(argv[2]);

    auto folder = write::OutputFolder::open(argv[2], {});
    write::OutputTree tree(folder, {});
    reset_peak_rss();
    long base_kb = status_kb("VmRSS");
    std::printf("site loaded: %ld MB resident; mode %s\n", base_kb / 1024, stream ? "stream" : "strings");
    double total = 0;
    for (std::size_t part = 0; part < view::open_data_parts(); ++part) {
        reset_peak_rss();
        auto start = Clock::now();
        if (stream) {
            TreeSink sink(tree);
            view::write_open_data_part(loaded.site, context, part, sink);
        } else {
            for (auto& file : view::open_data_part(loaded.site, context, part)) tree.put(file.path, file.bytes);
        }
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        total += seconds;
        std::printf("part %zu: %.3f s, peak +%ld MB\n", part, seconds, (status_kb("VmHWM") - base_kb) / 1024);
    }
    tree.commit();
    tree.publish();
    std::printf("all parts: %.3f s\n", total);
}
