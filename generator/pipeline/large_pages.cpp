#include "pipeline/large_pages.hpp"

#ifdef _WIN32

namespace shnor::pipeline {

// shnor.exe runs on Windows' own heap, without mimalloc (docs/windows.md).
void use_large_pages(bool) {}

}  // namespace shnor::pipeline

#else

#include <mimalloc.h>

#include <dlfcn.h>

namespace shnor::pipeline {

// Looked up at run time: shnor_core is not linked with mimalloc (the tests
// and the sanitizer build use the system's malloc).
void use_large_pages(bool on) {
    using OptionSet = void (*)(mi_option_t, long);
    static const OptionSet set = reinterpret_cast<OptionSet>(::dlsym(RTLD_DEFAULT, "mi_option_set"));
    if (set) set(mi_option_large_os_pages, on ? 1 : 0);
}

}  // namespace shnor::pipeline

#endif
