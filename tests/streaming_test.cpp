// The streaming whole build (pipeline/pipeline.cpp, render_in_batches): the
// site holds each school's light part and loads the full schools again a
// batch at a time. Whatever the batch (SHNOR_BATCH), the output must be the
// bytes of a build that holds every school at once (one batch), also when
// the school store cannot give the schools back; a content error still
// stops the build with the same messages and leaves the last site as it was.
#include "test_paths.hpp"
#include "test_support.hpp"

#include "cache/fingerprint.hpp"
#include "cache/school_store.hpp"
#include "pipeline/load_planned.hpp"
#include "pipeline/render_planned.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSourceDir = SHNOR_SOURCE_DIR;
constexpr const char* kDate = "2024-11-01";

using shnor::test::CommandResult;
using shnor::test::read_file;
using shnor::test::run_command;
using shnor::test::shell_quoted;
using shnor::test::write_file;

struct ScratchDir {
    fs::path path;
    explicit ScratchDir(const std::string& name) {
        path = fs::temp_directory_path() / ("shnor-streaming-" + name + "-" + std::to_string(::getpid()));
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

// `batch` empty: the built-in batch size.
CommandResult build_with_batch(const std::string& batch, const fs::path& content, const fs::path& out,
                               const fs::path& cache, const fs::path& log) {
    std::string env = batch.empty() ? "env -u SHNOR_BATCH " : "env SHNOR_BATCH=" + batch + " ";
    return run_command(env + "'" + SHNOR_BINARY + "' build --content " + shell_quoted(content) + " --out " +
                           shell_quoted(out) + " --date " + kDate + " --cache " + shell_quoted(cache),
                       log);
}

// diff's report of the two trees: empty when every file is the same bytes.
std::string tree_difference(const fs::path& expected, const fs::path& actual, const fs::path& log) {
    CommandResult diff = run_command("diff -r " + shell_quoted(expected) + " " + shell_quoted(actual), log);
    return diff.exit_code == 0 ? std::string() : "diff -r exit " + std::to_string(diff.exit_code) + ":\n" +
                                                     diff.output.substr(0, 2000);
}

// Builds `content` in one batch (every school held at once) and with batches
// of 1, 3 and the default, each into fresh folders; all must be the same bytes.
void check_batches_agree(const fs::path& content, ScratchDir& scratch) {
    const fs::path whole = scratch.path / "out-one-batch";
    auto reference = build_with_batch("1000000", content, whole, scratch.path / "cache-one-batch", scratch.path / "log");
    INFO(reference.output);
    REQUIRE(reference.exit_code == 0);
    for (std::string batch : {"1", "3", ""}) {
        std::string name = batch.empty() ? "default" : batch;
        const fs::path out = scratch.path / ("out-" + name);
        auto built = build_with_batch(batch, content, out, scratch.path / ("cache-" + name), scratch.path / "log");
        INFO("SHNOR_BATCH=" << name << "\n" << built.output);
        REQUIRE(built.exit_code == 0);
        CHECK(tree_difference(whole, out, scratch.path / "diff.txt") == "");
    }
}

fs::path generated_district(ScratchDir& scratch, int schools) {
    auto generate = run_command("python3 " + shell_quoted(kSourceDir / "bench" / "generate.py") + " " +
                                    std::to_string(schools) + " " + shell_quoted(scratch.path / "generated"),
                                scratch.path / "generate.txt");
    INFO(generate.output);
    REQUIRE(generate.exit_code == 0);
    return scratch.path / "generated" / "content";
}

// Each file of the folder's tree, garbled: a damaged cache.
void garble_files(const fs::path& folder) {
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file()) write_file(entry.path(), "garbled " + entry.path().filename().string());
}

}  // namespace

TEST_CASE("the example content comes out the same in any batch size", "[streaming]") {
    ScratchDir scratch("example");
    check_batches_agree(kSourceDir / "content", scratch);
}

TEST_CASE("a generated district comes out the same in any batch size", "[streaming]") {
    ScratchDir scratch("generated");
    check_batches_agree(generated_district(scratch, 30), scratch);
}

// A light part keeps few of its documents (pipeline::shed_after_derive):
// the words of the others stay, so the district's glossary page still
// lists a term only a school's document uses.
TEST_CASE("a term only a school's document uses stays on the glossary page in any batch size", "[streaming]") {
    ScratchDir scratch("document-term");
    const fs::path content = scratch.path / "content";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);
    const fs::path documents = content / "schools" / "shubinskaya" / "documents.yaml";
    std::string yaml = read_file(documents);
    auto issuer = yaml.find("issuer: ");  // a light part keeps no issuer
    REQUIRE(issuer != std::string::npos);
    write_file(documents, yaml.insert(issuer + 8, "ИОМ и "));  // a built-in term the content does not use elsewhere
    check_batches_agree(content, scratch);
    CHECK(read_file(scratch.path / "out-1" / "glossary" / "index.html").find("ИОМ") != std::string::npos);
}

// A light part drops its results rows once the site's index has them
// (pipeline::shed_results): the words of its exams and subjects stay for the
// glossary page, and data/results.* (written from the full schools in pass 2)
// come out the same.
TEST_CASE("a term only a school's results use stays on the glossary page in any batch size", "[streaming]") {
    ScratchDir scratch("results-term");
    const fs::path content = scratch.path / "content";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);
    const fs::path results = content / "schools" / "karmaklinskaya" / "results.yaml";
    std::string yaml = read_file(results);
    auto subject = yaml.find("subject: ");
    REQUIRE(subject != std::string::npos);
    write_file(results, yaml.insert(subject + 9, "ИОМ "));  // a built-in term the content does not use elsewhere
    check_batches_agree(content, scratch);
    CHECK(read_file(scratch.path / "out-1" / "glossary" / "index.html").find("ИОМ") != std::string::npos);
    CHECK(read_file(scratch.path / "out-1" / "data" / "results.csv").find("ИОМ") != std::string::npos);
}

// What pass 1 of a streaming build holds once the site's index is built
// (pipeline::Rendering): the light parts without their rows, the index
// knowing which schools had them.
TEST_CASE("a light site's parts hold no results rows once its index is built", "[streaming]") {
    namespace pipeline = shnor::pipeline;
    ScratchDir scratch("light-rows");
    pipeline::BuildOptions options;
    options.content_dir = kSourceDir / "content";
    options.build_date = shnor::model::Date{2024, 11, 1};
    options.sources.cache_dir = scratch.path / "cache";
    options.sources.offline = true;
    shnor::cache::SchoolStore store(scratch.path / "store", options.content_dir,
                                    shnor::cache::stamp_tree(options.content_dir));
    shnor::plan::BuildPlan plan;
    plan.scope = shnor::plan::BuildPlan::Scope::whole;
    pipeline::BuildReport report;
    auto loaded = pipeline::prepare_planned(options, scratch.path / "record", plan, nullptr, {}, store, true, report);
    REQUIRE(loaded);
    pipeline::Rendering rendering(options, plan, *loaded);
    std::size_t with_rows = 0;
    for (const auto& school : loaded->prepared->site.schools) {
        INFO(school.slug);
        CHECK(school.results.empty());
        with_rows += rendering.index->results().has_own_rows(school) ? 1 : 0;
    }
    CHECK(with_rows == 3);  // karmaklinskaya, shubinskaya, sosh-47
    CHECK_FALSE(rendering.index->results().computed_district_rows().empty());
}

// A light part keeps no news bodies (pipeline::light_part): data/site.json
// takes them from the full schools in pass 2, the feed the summary the light
// part keeps, the glossary page their words.
TEST_CASE("a school's news body is in site.json, the feed and the glossary page in any batch size", "[streaming]") {
    ScratchDir scratch("news-body");
    const fs::path content = scratch.path / "content";
    fs::copy(kSourceDir / "content", content, fs::copy_options::recursive);
    const fs::path news = content / "schools" / "shubinskaya" / "news" / "2024-10-10-den-otkrytyh-dverey.md";
    // A built-in term the content does not use elsewhere.
    write_file(news, read_file(news) + "\nПотом прошла РКР по химии.\n");
    check_batches_agree(content, scratch);
    const fs::path out = scratch.path / "out-1";
    CHECK(read_file(out / "glossary" / "index.html").find("РКР") != std::string::npos);
    CHECK(read_file(out / "data" / "site.json").find("Потом прошла РКР по химии.") != std::string::npos);
    CHECK(read_file(out / "news" / "feed.xml").find("посмотрели занятия по химии и робототехнике.") !=
          std::string::npos);
}

TEST_CASE("a damaged school store only costs the batches their speed", "[streaming]") {
    ScratchDir scratch("damaged");
    fs::path content = generated_district(scratch, 12);
    const fs::path cache = scratch.path / "cache";
    auto first = build_with_batch("2", content, scratch.path / "out-first", cache, scratch.path / "log");
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    REQUIRE(fs::is_directory(cache / "schools"));
    garble_files(cache / "schools");
    auto damaged = build_with_batch("2", content, scratch.path / "out-damaged", cache, scratch.path / "log");
    INFO(damaged.output);
    REQUIRE(damaged.exit_code == 0);
    CHECK(tree_difference(scratch.path / "out-first", scratch.path / "out-damaged", scratch.path / "diff.txt") == "");
}

TEST_CASE("a content error in a late batch stops the build with the messages of one batch", "[streaming]") {
    ScratchDir scratch("error");
    fs::path content = generated_district(scratch, 12);
    const fs::path out = scratch.path / "out";
    auto good = build_with_batch("2", content, out, scratch.path / "cache", scratch.path / "log");
    INFO(good.output);
    REQUIRE(good.exit_code == 0);
    // The last school's school.yaml: a key without its value's closing quote.
    fs::path last;
    for (const auto& entry : fs::directory_iterator(content / "schools"))
        if (entry.is_directory() && (last.empty() || entry.path() > last)) last = entry.path();
    REQUIRE(!last.empty());
    write_file(last / "school.yaml", read_file(last / "school.yaml") + "\nname: \"не закрыта\n");
    ScratchDir before("before");
    fs::copy(out, before.path / "out", fs::copy_options::recursive);

    auto streamed = build_with_batch("2", content, out, scratch.path / "cache", scratch.path / "log-2");
    auto whole = build_with_batch("1000000", content, scratch.path / "out-whole", scratch.path / "cache-whole",
                                  scratch.path / "log-whole");
    INFO(streamed.output);
    CHECK(streamed.exit_code != 0);
    CHECK(whole.exit_code != 0);
    CHECK_THAT(streamed.output, Catch::Contains(last.filename().string() + "/school.yaml"));
    // The same messages, but for the output folder they name.
    auto messages = [](std::string text, const fs::path& folder) {
        for (std::size_t at; (at = text.find(folder.string())) != std::string::npos;) text.erase(at, folder.string().size());
        return text;
    };
    CHECK(messages(streamed.output, out) == messages(whole.output, scratch.path / "out-whole"));
    CHECK(tree_difference(before.path / "out", out, scratch.path / "diff.txt") == "");
}

TEST_CASE("a district without schools still gets its pages in any batch size", "[streaming]") {
    ScratchDir scratch("no-schools");
    const fs::path content = scratch.path / "content";
    write_file(content / "site.yaml", "title: Сопровождение ШНОР\nbase_url: https://example.org/shnor/\n");
    check_batches_agree(content, scratch);
    CHECK(fs::is_regular_file(scratch.path / "out-default" / "index.html"));
    CHECK(fs::is_regular_file(scratch.path / "out-1" / "data" / "schools.json"));
}

namespace {

// How often each of `needles` occurs in `text`.
std::vector<std::size_t> occurrences(const std::string& text, const std::vector<std::string>& needles) {
    std::vector<std::size_t> counts;
    for (const auto& needle : needles) {
        std::size_t count = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
        counts.push_back(count);
    }
    return counts;
}

// Each `open`…`close` value of `text`, in order.
std::vector<std::string> values_between(const std::string& text, const std::string& open, const std::string& close) {
    std::vector<std::string> values;
    for (auto at = text.find(open); at != std::string::npos; at = text.find(open, at)) {
        at += open.size();
        auto end = text.find(close, at);
        if (end == std::string::npos) break;
        values.push_back(text.substr(at, end - at));
    }
    return values;
}

}  // namespace

// The schools list is written into the output as its rows render (a row is
// rendered for each copy and dropped), and the sitemap and the news feed as
// their lines are made (pipeline/render_pages.cpp, view/feeds.cpp): every
// row, page and news item must be there once, in its place.
TEST_CASE("the schools list, the sitemap and the feed written piece by piece hold everything once, in order",
          "[streaming]") {
    ScratchDir scratch("pieces");
    const fs::path content = generated_district(scratch, 30);
    const fs::path out = scratch.path / "out";
    auto built = build_with_batch("7", content, out, scratch.path / "cache", scratch.path / "log");
    INFO(built.output);
    REQUIRE(built.exit_code == 0);

    std::vector<std::string> slugs, links;
    std::size_t news = 0;
    for (int school = 1; school <= 30; ++school) {
        std::string slug = "s000" + std::string(school < 10 ? "0" : "") + std::to_string(school);
        slugs.push_back(slug);
        links.push_back("href=\"../schools/" + slug + "/\"");
        for (const auto& entry : fs::directory_iterator(content / "schools" / slug / "news"))
            news += entry.path().extension() == ".md" ? 1 : 0;
    }
    for (const std::string copy : {"schools/index.html", "vi/schools/index.html"}) {
        INFO(copy);
        std::string page = read_file(out / copy);
        auto counts = occurrences(page, links);
        CHECK(counts.front() >= 1);
        CHECK(std::count(counts.begin(), counts.end(), counts.front()) == 30);  // no row lost or repeated
        std::vector<std::size_t> first_links;
        for (const auto& link : links) first_links.push_back(page.find(link));
        CHECK(std::is_sorted(first_links.begin(), first_links.end()));  // in the site's order
        CHECK(page.ends_with("</html>\n"));
    }

    // The sitemap: every main page but 404.html, sorted, once.
    std::string sitemap = read_file(out / "sitemap.xml");
    auto urls = values_between(sitemap, "<loc>", "</loc>");
    CHECK(std::adjacent_find(urls.begin(), urls.end(), std::greater_equal<std::string>()) == urls.end());
    std::size_t pages = 0;
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
        std::string path = fs::relative(entry.path(), out).generic_string();
        if (entry.path().filename() == "index.html" && !path.starts_with("vi/")) ++pages;
    }
    CHECK(urls.size() == pages);
    CHECK(sitemap.ends_with("</urlset>\n"));

    // The feed: every school's news item, newest first.
    std::string feed = read_file(out / "news" / "feed.xml");
    auto published = values_between(feed, "<published>", "</published>");
    CHECK(published.size() == news);
    CHECK(std::is_sorted(published.begin(), published.end(), std::greater<std::string>()));
    CHECK(feed.ends_with("</feed>\n"));
}
