// school_names: matching the official names of the regional ШНОР/ШНСУ list
// against the schools of the site. One school is spelled many ways in Russian
// documents (legal-form prefixes or their expansions, «СОШ» or its expansion,
// quotes, «№ 1»/«№1»/«N 1», ё/е, a locality at the end), so names are compared
// through a key that forgets those differences.
#pragma once

#include "model/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shnor::check {

// A comparison key: the same for two spellings of one school's name; empty
// when the name holds nothing but a legal form, punctuation or spaces.
std::string school_name_key(std::string_view name);

// One row of a `schools-list` source.
struct ListedSchool {
    std::string name;
    std::string type;
    std::optional<int> year;
    std::string inn;
    int line = 0;
};

struct ListComparison {
    std::vector<ListedSchool> listed_without_section;       // on the list, no section on the site
    std::vector<const model::School*> sections_not_listed;  // on the site, not on the list
    std::vector<std::pair<ListedSchool, const model::School*>> matched;
};

// A row matches a school when its key equals the key of the school's name,
// short_name or one of other_names; each row takes the first such school in
// site order. The pointers point into `schools`.
ListComparison compare_with_list(const std::vector<ListedSchool>& list,
                                 const std::vector<model::School>& schools);

}  // namespace shnor::check
