// Helpers shared by the tests that run the real `shnor` binary on scratch
// folders (e2e, publish, hostile content, incremental builds).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace shnor::test {

std::string read_file(const std::filesystem::path& path);
// Creates the parent folders; replaces the file's bytes.
void write_file(const std::filesystem::path& path, const std::string& bytes);
// The path in single quotes, for sh (double quotes for cmd.exe on Windows).
std::string shell_quoted(const std::filesystem::path& path);

// A ZIP archive of (member name, bytes), as Word and Excel write their files.
void write_zip(const std::filesystem::path& file, const std::vector<std::pair<std::string, std::string>>& members);
// A .docx whose body is `body` (WordprocessingML: paragraphs, w:tbl ...).
void write_docx(const std::filesystem::path& file, const std::string& body);

struct CommandResult {
    int exit_code;       // -1 when the command did not exit normally
    std::string output;  // stdout and stderr together
};
// Runs `command` with sh (cmd.exe on Windows), its output going to the file `log`.
CommandResult run_command(const std::string& command, const std::filesystem::path& log);

}  // namespace shnor::test
