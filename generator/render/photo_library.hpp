// libvips, opened on first use. Linked directly, libvips and the ~100
// libraries it needs (codecs, GLib, ImageMagick, poppler…) would be loaded
// and relocated at every start of shnor, photos or not; like libcurl
// (fetch/libraries.hpp) it is opened only when a build has a photo to encode.
// Only the C API can be opened so (the C++ one, vips8, is another library
// of inline calls to it).
//
// Windows has no libvips yet (docs/windows.md: WIC is the plan): there
// vips() only throws the message that says so.
#pragma once

#ifndef _WIN32
#include <vips/vips.h>
#endif

namespace shnor::render {

#ifdef _WIN32
struct VipsLibrary;
#else

// The functions of libvips (and of the GLib it brings) that photos.cpp calls.
struct VipsLibrary {
    decltype(&::vips_init) init;
    decltype(&::vips_cache_set_max) cache_set_max;
    decltype(&::vips_error_buffer) error_buffer;
    decltype(&::vips_error_clear) error_clear;
    decltype(&::vips_image_new_from_buffer) image_new_from_buffer;
    decltype(&::vips_image_get_width) image_get_width;
    decltype(&::vips_image_get_height) image_get_height;
    decltype(&::vips_image_get_orientation_swap) image_get_orientation_swap;
    decltype(&::vips_image_hasalpha) image_hasalpha;
    decltype(&::vips_image_map) image_map;
    decltype(&::vips_image_remove) image_remove;
    decltype(&::vips_thumbnail_buffer) thumbnail_buffer;
    decltype(&::vips_colourspace) colourspace;
    decltype(&::vips_copy) copy;
    decltype(&::vips_jpegsave_buffer) jpegsave_buffer;
    decltype(&::vips_pngsave_buffer) pngsave_buffer;
    decltype(&::g_object_unref) object_unref;
    decltype(&::g_free) free;
};
#endif

// Opened and initialised once (thread-safe); throws std::runtime_error, in
// Russian, naming the package to install, when it cannot be.
const VipsLibrary& vips();

}  // namespace shnor::render
