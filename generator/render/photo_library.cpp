#include "render/photo_library.hpp"

#ifdef _WIN32
#include <stdexcept>

namespace shnor::render {

// The same kind of message as a Linux build without libvips: a district
// without photos builds, one with photos is told why they are missing.
const VipsLibrary& vips() {
    throw std::runtime_error("в Windows-версии shnor нет библиотеки libvips, без неё фотографии новостей не "
                             "публикуются; уберите фотографии из новостей или соберите сайт в Linux");
}

}  // namespace shnor::render
#else
#include <dlfcn.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace shnor::render {

namespace {

constexpr const char* kVipsPackage = "libvips42";

std::runtime_error library_error(const std::string& detail) {
    return std::runtime_error(std::string("не удалось загрузить библиотеку ") + SHNOR_LIBVIPS_SONAME +
                              ", без неё фотографии новостей не публикуются; установите пакет " + kVipsPackage +
                              " (apt install " + kVipsPackage + "): " + detail);
}

std::string last_error() {
    const char* error = ::dlerror();
    return error ? error : "";
}

template <class Function>
void bind(void* library, const char* name, Function& function) {
    // dlsym on the handle also searches the libraries libvips depends on (GLib).
    function = reinterpret_cast<Function>(::dlsym(library, name));
    if (!function) throw library_error(std::string("нет функции ") + name + ": " + last_error());
}

VipsLibrary load_vips() {
    void* library = ::dlopen(SHNOR_LIBVIPS_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!library) throw library_error(last_error());  // never closed: used until exit
    VipsLibrary functions{};
    bind(library, "vips_init", functions.init);
    bind(library, "vips_cache_set_max", functions.cache_set_max);
    bind(library, "vips_error_buffer", functions.error_buffer);
    bind(library, "vips_error_clear", functions.error_clear);
    bind(library, "vips_image_new_from_buffer", functions.image_new_from_buffer);
    bind(library, "vips_image_get_width", functions.image_get_width);
    bind(library, "vips_image_get_height", functions.image_get_height);
    bind(library, "vips_image_get_orientation_swap", functions.image_get_orientation_swap);
    bind(library, "vips_image_hasalpha", functions.image_hasalpha);
    bind(library, "vips_image_map", functions.image_map);
    bind(library, "vips_image_remove", functions.image_remove);
    bind(library, "vips_thumbnail_buffer", functions.thumbnail_buffer);
    bind(library, "vips_colourspace", functions.colourspace);
    bind(library, "vips_copy", functions.copy);
    bind(library, "vips_jpegsave_buffer", functions.jpegsave_buffer);
    bind(library, "vips_pngsave_buffer", functions.pngsave_buffer);
    bind(library, "g_object_unref", functions.object_unref);
    bind(library, "g_free", functions.free);
    // What VIPS_INIT does, less its ABI check (we bind by name, the soname
    // fixes the ABI).
    if (functions.init("shnor") != 0) throw library_error(functions.error_buffer());
    // libvips' worker threads end with vips_shutdown(); left running at exit,
    // they crash LeakSanitizer's scan of the process (the sanitizer build of CI).
    void (*shutdown)() = nullptr;
    bind(library, "vips_shutdown", shutdown);
    std::atexit(shutdown);
    // Each photo is encoded once per build: libvips' operation cache would
    // only hold decoded images in memory.
    functions.cache_set_max(0);
    return functions;
}

}  // namespace

const VipsLibrary& vips() {
    static const VipsLibrary loaded = load_vips();
    return loaded;
}

}  // namespace shnor::render
#endif
