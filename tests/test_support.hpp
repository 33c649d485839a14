// Helpers shared by the tests that run the real `shnor` binary on scratch
// folders (e2e, publish, hostile content, incremental builds).
#pragma once

#include <filesystem>
#include <string>

namespace shnor::test {

std::string read_file(const std::filesystem::path& path);
// Creates the parent folders; replaces the file's bytes.
void write_file(const std::filesystem::path& path, const std::string& bytes);
// The path in single quotes, for sh.
std::string shell_quoted(const std::filesystem::path& path);

struct CommandResult {
    int exit_code;       // -1 when the command did not exit normally
    std::string output;  // stdout and stderr together
};
// Runs `command` with sh, its output going to the file `log`.
CommandResult run_command(const std::string& command, const std::filesystem::path& log);

}  // namespace shnor::test
