#include "model/diagnostics.hpp"

#include <algorithm>

namespace shnor::model {

std::string Diagnostic::format() const {
    std::string text = file;
    if (line > 0) {
        text += ':';  // appended in steps: g++ 12 warns falsely (-Wrestrict) on ":" + string
        text += std::to_string(line);
        if (column > 0) {
            text += ':';
            text += std::to_string(column);
        }
    }
    text += severity == Severity::error ? ": ошибка: " : ": предупреждение: ";
    if (!field.empty()) text += "поле «" + field + "»: ";
    text += message;
    return text;
}

void Diagnostics::error(std::string file, int line, std::string field, std::string message) {
    error_at(std::move(file), line, 0, std::move(field), std::move(message));
}

void Diagnostics::warning(std::string file, int line, std::string field, std::string message) {
    warning_at(std::move(file), line, 0, std::move(field), std::move(message));
}

void Diagnostics::error_at(std::string file, int line, int column, std::string field, std::string message) {
    items_.push_back({Severity::error, std::move(file), line, column, std::move(field), std::move(message)});
}

void Diagnostics::warning_at(std::string file, int line, int column, std::string field, std::string message) {
    items_.push_back({Severity::warning, std::move(file), line, column, std::move(field), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
        return d.severity == Severity::error;
    }));
}

}  // namespace shnor::model
