// Problems found in content, reported all at once with file, line and field.
#pragma once

#include <string>
#include <vector>

namespace shnor::model {

enum class Severity { warning, error };

struct Diagnostic {
    Severity severity = Severity::error;
    std::string file;   // relative to the content root
    int line = 0;       // 1-based; 0 when the whole file is meant
    int column = 0;     // 1-based, in characters; 0 when the whole line is meant
    std::string field;  // e.g. "sections[1].items[3].status"; may be empty
    std::string message;

    // "roadmaps/plan.yaml:12: ошибка: поле «status»: ..." — one line a webmaster can act on;
    // "roadmaps/plan.yaml:12:17: ..." when the column is known (syntax errors, CSV cells).
    std::string format() const;
};

class Diagnostics {
public:
    void error(std::string file, int line, std::string field, std::string message);
    void warning(std::string file, int line, std::string field, std::string message);
    // The same at a column of the line (editors jump to file:line:column).
    void error_at(std::string file, int line, int column, std::string field, std::string message);
    void warning_at(std::string file, int line, int column, std::string field, std::string message);
    void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
    void append(const Diagnostics& other);

    bool has_errors() const;
    std::size_t error_count() const;
    const std::vector<Diagnostic>& items() const { return items_; }

private:
    std::vector<Diagnostic> items_;
};

}  // namespace shnor::model
