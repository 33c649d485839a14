// `shnor import`'s readers on hostile bytes: the first byte picks the form
// (word/document.xml of a .docx, or a CSV file), the rest is the input; the
// tables then go through every import kind. Bad input must end as an
// ImportError or a list of unplaced rows, never a crash.
#include "import/lists.hpp"
#include "import/roadmap.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    namespace import = shnor::import;
    std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        auto tables = data[0] % 2 == 0 ? import::tables_of_document_xml(bytes) : import::tables_of_csv(bytes);
        auto attempt = [](auto&& run) {
            try {
                run();
            } catch (const import::ImportError&) {
            }
        };
        attempt([&] { import::import_roadmap(tables); });
        attempt([&] { import::import_indicators(tables, 2025); });
        attempt([&] { import::import_results(tables, "s"); });
        attempt([&] { import::import_schools(tables, {}); });
    } catch (const import::ImportError&) {
    }
    return 0;
}
