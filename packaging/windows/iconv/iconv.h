/* A small iconv for the Windows build (packaging/windows/build-deps.sh):
 * MinGW has none, and Debian 12 has neither GNU libiconv nor win-iconv as a
 * source package. It converts between Windows code pages through
 * MultiByteToWideChar/WideCharToMultiByte, which is what freexl needs to
 * read the strings of an .xls book (docs/windows.md). */
#ifndef SHNOR_ICONV_SHIM_H
#define SHNOR_ICONV_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void* iconv_t;

/* Names: "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-16" (little-endian, as
 * Windows writes it), "ASCII", "MacRoman", "CPnnn" and "WINDOWS-nnnn" (any
 * code page Windows has), case-insensitive. Unknown names: (iconv_t) -1, errno EINVAL. */
iconv_t iconv_open(const char* to_code, const char* from_code);

/* Converts the whole input at once, never part of it: a caller must not
 * split a character between two calls (freexl passes whole strings).
 * (size_t) -1 with errno EILSEQ for bytes the source code page lacks or a
 * character the target lacks, E2BIG when the output does not fit; then
 * nothing is consumed. A null input resets (no state is kept). */
size_t iconv(iconv_t cd, char** in, size_t* in_left, char** out, size_t* out_left);

int iconv_close(iconv_t cd);

#ifdef __cplusplus
}
#endif

#endif
