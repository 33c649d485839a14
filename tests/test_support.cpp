#include "test_support.hpp"

#ifdef _WIN32
#include "platform/utf8_path.hpp"
#else
#include <sys/wait.h>
#endif
#include <zip.h>

#include <stdexcept>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace shnor::test {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void write_zip(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& members) {
    int error = 0;
#ifdef _WIN32
    // libzip's Windows file source takes UTF-8 names; c_str() is UTF-16 there.
    zip_t* archive = zip_open(file.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
#else
    zip_t* archive = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
#endif
    if (!archive) throw std::runtime_error("cannot create " + file.string());
    std::vector<std::string> bytes;  // zip_source_buffer reads them at zip_close
    bytes.reserve(members.size());
    for (const auto& [name, data] : members) {
        bytes.push_back(data);
        zip_source_t* source = zip_source_buffer(archive, bytes.back().data(), bytes.back().size(), 0);
        if (zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(source);
            zip_discard(archive);
            throw std::runtime_error("cannot add " + name + " to " + file.string());
        }
    }
    if (zip_close(archive) != 0) throw std::runtime_error("cannot write " + file.string());
}

void write_docx(const fs::path& file, const std::string& body) {
    write_zip(file, {{"word/document.xml",
                      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                      "<w:body>" + body + "</w:body></w:document>"}});
}

#ifdef _WIN32
// Under Windows std::system runs cmd.exe: double quotes, which a path cannot hold.
std::string shell_quoted(const fs::path& path) {
    return "\"" + path.string() + "\"";
}

CommandResult run_command(const std::string& command, const fs::path& log) {
    // cmd.exe /c strips the outer quotes of a line that starts with one: wrap the whole line.
    std::string line = "\"" + command + " >" + shell_quoted(log) + " 2>&1\"";
    // The wide call: the narrow one converts by the C runtime's code page, not
    // the manifest's UTF-8, and Cyrillic names would not survive.
    int status = _wsystem(platform::path_from_utf8(line).c_str());
    return {status, read_file(log)};
}
#else
std::string shell_quoted(const fs::path& path) {
    std::string quoted = "'";
    for (char c : path.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

CommandResult run_command(const std::string& command, const fs::path& log) {
    int status = std::system((command + " >" + shell_quoted(log) + " 2>&1").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(log)};
}
#endif

}  // namespace shnor::test
