// docs/automation/: every example's commands run as written, against local
// folders standing for the server (rsync to a folder, lftp to a file:// URL):
// the GitLab CI jobs' script lines, the GitHub Actions steps' run lines, the
// systemd service and the crontab lines. Checks the gate (check --strict
// stops a deploy), that a site arrives whole, and that a second run with
// nothing changed transfers nothing.
#include "test_paths.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using shnor::test::read_file;
using shnor::test::shell_quoted;
using shnor::test::write_file;

namespace {

const fs::path kExamples = fs::path(SHNOR_SOURCE_DIR) / "docs" / "automation";

bool have(const char* tool) {
    return shnor::test::run_command(std::string("command -v ") + tool, fs::temp_directory_path() / "shnor-have.txt")
               .exit_code == 0;
}

int this_year() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    return local.tm_year + 1900;
}

// A district that passes `check --strict` on any day of this year: every
// item done and reported, each school with what the orders require.
void write_complete_content(const fs::path& content) {
    std::string year = std::to_string(this_year());
    write_file(content / "site.yaml",
               "title: Сопровождение школ с низкими образовательными результатами\n"
               "base_url: https://uo-kromy.ru/shnor/\n"
               "district:\n  name: Кромской район\n  region: Орловская область\n"
               "  authority: Отдел образования администрации Кромского района\n"
               "  phone: +7 (48643) 2-13-74\n  email: uo@uo-kromy.ru\n"
               "coordinator:\n  name: Великасова Е. Н.\n  position: Главный специалист отдела образования\n"
               "  phone: +7 (48643) 2-13-74\n  email: uo@uo-kromy.ru\n");
    write_file(content / "roadmaps" / ("plan-" + year + ".yaml"),
               "title: План мероприятий по сопровождению ШНОР на " + year + " год\n"
               "period: {start: " + year + "-01-01, end: " + year + "-12-31}\n"
               "items:\n  - n: \"1\"\n    title: Назначение муниципального координатора\n"
               "    when: Январь " + year + "\n    responsible: Отдел образования\n    result: Приказ о назначении\n"
               "    status: done\n    report: Приказ № 3.\n    reported: " + year + "-01-12\n    schools: all\n");
    write_file(content / "schools/shkola-1/school.yaml",
               "name: МБОУ «Кромская средняя общеобразовательная школа № 1»\nshort_name: Кромская СОШ № 1\n"
               "head: {name: Петрова А. И., position: Директор}\n"
               "coordinator: {name: Сидорова О. В., position: Заместитель директора, phone: +7 (48643) 2-00-10, "
               "email: school1@uo-kromy.ru}\n"
               "categories:\n  - type: shnor\n    year: " + year + "\n"
               "    basis: Приказ Департамента образования Орловской области от 30.01." + year + " № 116\n"
               "    reasons:\n      - Низкие результаты ОГЭ по математике в течение двух лет\n");
    write_file(content / "schools/shkola-1/results.yaml",
               "- {exam: ОГЭ, subject: Математика, grade: 9, year: 2025, participants: 20, mean: 3.4, fail_share: 10}\n");
    write_file(content / "schools/shkola-1/documents.yaml",
               "- id: plan\n  kind: plan\n  title: Дорожная карта школы\n  date: " + year + "-01-20\n"
               "  issuer: МБОУ «Кромская СОШ № 1»\n  url: https://school1.uo-kromy.ru/docs/plan.pdf\n");
}

// A repository of content with `shnor` on the PATH; the server's folders beside it.
struct Setup {
    fs::path root, repo, bin, rsync_target, ftp_target;
    explicit Setup(const std::string& name) {
        root = fs::temp_directory_path() / ("shnor-automation-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(root);
        repo = root / "repo";
        bin = root / "bin";
        rsync_target = root / "server-rsync";
        ftp_target = root / "server-ftp";
        for (const auto& folder : {repo, bin, rsync_target, ftp_target}) fs::create_directories(folder);
        fs::create_symlink(SHNOR_BINARY, bin / "shnor");
        write_complete_content(repo / "content");
    }
    ~Setup() { fs::remove_all(root); }

    // What the CI settings, secrets or the server give the examples.
    std::map<std::string, std::string> deploy_env() const {
        return {{"DEPLOY_RSYNC_TARGET", rsync_target.string() + "/"},
                {"FTP_URL", "file://" + ftp_target.string()},
                {"FTP_USER", "shnor"},
                {"LFTP_PASSWORD", "not-used-by-file-urls"}};
    }

    // Runs `lines` as one `sh -eu` script in the repository.
    shnor::test::CommandResult run(const std::vector<std::string>& lines, std::map<std::string, std::string> env,
                                   const std::string& name) const {
        std::ostringstream script;
        script << "set -eu\nexport PATH=" << shell_quoted(bin) << ":\"$PATH\"\n";
        for (const auto& [key, value] : env) script << "export " << key << "=" << shell_quoted(value) << "\n";
        script << "cd " << shell_quoted(repo) << "\n";
        for (const auto& line : lines) script << line << "\n";
        fs::path file = root / (name + ".sh");
        write_file(file, script.str());
        return shnor::test::run_command("sh " + shell_quoted(file), root / (name + ".log"));
    }
};

std::map<std::string, std::string> scalars_of(const YAML::Node& map) {
    std::map<std::string, std::string> values;
    if (map && map.IsMap())
        for (const auto& entry : map) values[entry.first.as<std::string>()] = entry.second.as<std::string>();
    return values;
}

std::vector<std::string> script_of(const YAML::Node& job) {
    std::vector<std::string> lines;
    for (const auto& line : job["script"]) lines.push_back(line.as<std::string>());
    return lines;
}

// Path → mtime of every file under `folder`.
std::map<std::string, std::int64_t> mtimes(const fs::path& folder) {
    std::map<std::string, std::int64_t> times;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file()) continue;
        struct stat info {};
        ::lstat(entry.path().c_str(), &info);
        times[fs::relative(entry.path(), folder).generic_string()] =
            static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    }
    return times;
}

void require_site_arrived(const fs::path& site, const fs::path& target) {
    REQUIRE(fs::exists(target / "index.html"));
    CHECK(read_file(target / "index.html") == read_file(site / "index.html"));
    CHECK(fs::exists(target / "schools/shkola-1/index.html"));
    CHECK_FALSE(fs::exists(target / ".shnor-site"));  // the output folder's marker stays home
    auto sent = mtimes(target), built = mtimes(site);
    built.erase(".shnor-site");
    CHECK(sent.size() == built.size());
}

}  // namespace

TEST_CASE("automation: the GitLab CI example's jobs gate, build and deploy by rsync and by FTP", "[automation]") {
    if (!have("rsync") || !have("lftp")) FAIL("rsync and lftp are needed (bash .ci/setup installs them)");
    Setup setup("gitlab");
    YAML::Node ci = YAML::LoadFile((kExamples / "gitlab-ci.yml").string());
    auto env = scalars_of(ci["variables"]);
    for (const auto& [key, value] : setup.deploy_env()) env[key] = value;
    for (const char* job : {"check", "deploy-rsync", "deploy-ftp"}) {
        auto result = setup.run(script_of(ci[job]), env, job);
        INFO(job << ": " << result.output);
        REQUIRE(result.exit_code == 0);
    }
    fs::path site = setup.repo / "site";
    require_site_arrived(site, setup.rsync_target);
    require_site_arrived(site, setup.ftp_target);

    // The next pipeline with nothing changed: nothing is sent again.
    auto by_rsync = mtimes(setup.rsync_target), by_ftp = mtimes(setup.ftp_target);
    for (const char* job : {"deploy-rsync", "deploy-ftp"}) REQUIRE(setup.run(script_of(ci[job]), env, job).exit_code == 0);
    CHECK(mtimes(setup.rsync_target) == by_rsync);
    CHECK(mtimes(setup.ftp_target) == by_ftp);

    // The gate: content with a blank left stops the check job (exit 1).
    write_file(setup.repo / "content/schools/shkola-2/school.yaml", "name: \"Впишите: название школы\"\n");
    auto gated = setup.run(script_of(ci["check"]), env, "gate");
    CHECK(gated.exit_code == 1);
    CHECK_THAT(gated.output, Catch::Contains("заготовка не заполнена"));
}

TEST_CASE("automation: the GitHub Actions example's run steps build and deploy", "[automation]") {
    if (!have("rsync")) FAIL("rsync is needed (bash .ci/setup installs it)");
    Setup setup("github");
    YAML::Node workflow = YAML::LoadFile((kExamples / "github-actions.yml").string());
    const YAML::Node job = workflow["jobs"]["site"];
    auto env = scalars_of(job["env"]);
    for (const auto& [key, value] : setup.deploy_env()) env[key] = value;  // the secrets
    std::vector<std::string> lines;
    for (const auto& step : job["steps"])
        if (step["run"]) lines.push_back(step["run"].as<std::string>());  // `uses:` steps are GitHub's own
    REQUIRE(lines.size() == 3);
    auto result = setup.run(lines, env, "github");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    require_site_arrived(setup.repo / "site", setup.rsync_target);
}

namespace {

// The example's paths on a server, moved into the test's folders.
std::string on_test_server(std::string text, const Setup& setup) {
    const std::pair<std::string, std::string> moves[] = {
        {"/usr/local/bin/shnor-rebuild.sh", (kExamples / "shnor-rebuild.sh").string()},
        {"/srv/shnor/", (setup.root / "srv").string() + "/"},
        {"/var/www/shnor/", setup.rsync_target.string() + "/"},
    };
    for (const auto& [from, to] : moves)
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    return text;
}

}  // namespace

TEST_CASE("automation: the systemd service and the crontab run the rebuild script as written", "[automation]") {
    if (!have("rsync")) FAIL("rsync is needed (bash .ci/setup installs it)");
    Setup setup("server");
    fs::create_directories(setup.root / "srv");
    fs::rename(setup.repo / "content", setup.root / "srv" / "content");

    SECTION("systemd: its Environment= lines and ExecStart") {
        std::map<std::string, std::string> env;
        std::string exec;
        std::istringstream service(on_test_server(read_file(kExamples / "shnor-rebuild.service"), setup));
        for (std::string line; std::getline(service, line);) {
            if (line.starts_with("Environment=")) {
                auto assignment = line.substr(12);
                env[assignment.substr(0, assignment.find('='))] = assignment.substr(assignment.find('=') + 1);
            } else if (line.starts_with("ExecStart=")) {
                exec = line.substr(10);
            }
        }
        REQUIRE(env.at("SHNOR_GIT_PULL") == "1");
        env["SHNOR_GIT_PULL"] = "0";  // the test's content is no clone of a remote
        auto result = setup.run({exec}, env, "systemd");
        INFO(result.output);
        REQUIRE(result.exit_code == 0);
        require_site_arrived(setup.root / "srv" / "site", setup.rsync_target);
        // The timer is one systemd accepts the shape of.
        CHECK_THAT(read_file(kExamples / "shnor-rebuild.timer"), Catch::Contains("OnCalendar=") &&
                                                                     Catch::Contains("WantedBy=timers.target"));
    }
    SECTION("cron: its variables and the command of each schedule line") {
        std::map<std::string, std::string> env;
        std::vector<std::string> commands;
        std::istringstream crontab(on_test_server(read_file(kExamples / "crontab"), setup));
        for (std::string line; std::getline(crontab, line);) {
            if (line.empty() || line[0] == '#') continue;
            if (auto equals = line.find('='); equals != std::string::npos && line.find(' ') > equals) {
                env[line.substr(0, equals)] = line.substr(equals + 1);
                continue;
            }
            std::istringstream fields(line);
            std::string field;
            for (int i = 0; i < 5; ++i) fields >> field;  // minute hour day month weekday
            std::string command;
            std::getline(fields, command);
            commands.push_back(command);
        }
        REQUIRE(commands.size() == 2);
        for (const auto& command : commands) {
            auto result = setup.run({command}, env, "cron");
            INFO(command << ": " << result.output);
            REQUIRE(result.exit_code == 0);
        }
        require_site_arrived(setup.root / "srv" / "site", setup.rsync_target);
        CHECK(fs::exists(setup.root / "srv" / "rebuild.log"));
    }
}
