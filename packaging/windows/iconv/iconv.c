/* See iconv.h. */
#include "iconv.h"
#include "localcharset.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define CODE_PAGE_UTF16LE 1200
#define CODE_PAGE_UTF16BE 1201

struct converter {
    UINT from;
    UINT to;
};

static int code_page_of(const char* name, UINT* code_page) {
    char* end = NULL;
    unsigned long number;
    if (_stricmp(name, "UTF-8") == 0 || _stricmp(name, "UTF8") == 0) *code_page = CP_UTF8;
    else if (_stricmp(name, "UTF-16LE") == 0 || _stricmp(name, "UTF-16") == 0) *code_page = CODE_PAGE_UTF16LE;
    else if (_stricmp(name, "UTF-16BE") == 0) *code_page = CODE_PAGE_UTF16BE;
    else if (_stricmp(name, "ASCII") == 0 || _stricmp(name, "US-ASCII") == 0) *code_page = 20127;
    else if (_stricmp(name, "MacRoman") == 0) *code_page = 10000;
    else {
        if (_strnicmp(name, "CP", 2) == 0) name += 2;
        else if (_strnicmp(name, "WINDOWS-", 8) == 0) name += 8;
        else return 0;
        number = strtoul(name, &end, 10);
        if (end == name || *end != '\0' || number == 0 || number > 65535) return 0;
        *code_page = (UINT) number;
        if (*code_page != CP_UTF8 && *code_page != CODE_PAGE_UTF16LE && *code_page != CODE_PAGE_UTF16BE &&
            !IsValidCodePage(*code_page))
            return 0;
    }
    return 1;
}

iconv_t iconv_open(const char* to_code, const char* from_code) {
    struct converter* converter;
    UINT from, to;
    if (!code_page_of(from_code, &from) || !code_page_of(to_code, &to)) {
        errno = EINVAL;
        return (iconv_t) -1;
    }
    converter = malloc(sizeof *converter);
    if (!converter) {
        errno = ENOMEM;
        return (iconv_t) -1;
    }
    converter->from = from;
    converter->to = to;
    return converter;
}

int iconv_close(iconv_t cd) {
    free(cd);
    return 0;
}

static void swap_bytes(wchar_t* text, size_t length) {
    size_t i;
    for (i = 0; i < length; ++i) text[i] = (wchar_t) (((text[i] & 0xFF) << 8) | ((text[i] >> 8) & 0xFF));
}

/* The input as UTF-16 in a new buffer (*length units), or NULL with errno set. */
static wchar_t* to_utf16(UINT from, const char* in, size_t in_size, size_t* length) {
    wchar_t* wide;
    int count;
    if (from == CODE_PAGE_UTF16LE || from == CODE_PAGE_UTF16BE) {
        if (in_size % 2 != 0) {
            errno = EINVAL;
            return NULL;
        }
        *length = in_size / 2;
        wide = malloc(in_size + 2);
        if (!wide) {
            errno = ENOMEM;
            return NULL;
        }
        memcpy(wide, in, in_size);
        if (from == CODE_PAGE_UTF16BE) swap_bytes(wide, *length);
        return wide;
    }
    if (in_size > INT_MAX) {
        errno = E2BIG;
        return NULL;
    }
    /* MB_ERR_INVALID_CHARS: bytes the code page lacks are an error, as in iconv. */
    count = MultiByteToWideChar(from, MB_ERR_INVALID_CHARS, in, (int) in_size, NULL, 0);
    if (count <= 0) {
        errno = EILSEQ;
        return NULL;
    }
    wide = malloc(((size_t) count + 1) * sizeof(wchar_t));
    if (!wide) {
        errno = ENOMEM;
        return NULL;
    }
    *length = (size_t) MultiByteToWideChar(from, MB_ERR_INVALID_CHARS, in, (int) in_size, wide, count);
    return wide;
}

/* Writes the UTF-16 text in code page `to` into out; -1 with errno set. */
static int from_utf16(UINT to, wchar_t* wide, size_t length, char* out, size_t out_size, size_t* written) {
    BOOL lossy = FALSE;
    int count;
    if (to == CODE_PAGE_UTF16LE || to == CODE_PAGE_UTF16BE) {
        if (length * 2 > out_size) {
            errno = E2BIG;
            return -1;
        }
        if (to == CODE_PAGE_UTF16BE) swap_bytes(wide, length);
        memcpy(out, wide, length * 2);
        *written = length * 2;
        return 0;
    }
    if (length == 0) {
        *written = 0;
        return 0;
    }
    /* UTF-8 takes no "default char" arguments; other code pages report a lossy character. */
    count = WideCharToMultiByte(to, to == CP_UTF8 ? WC_ERR_INVALID_CHARS : 0, wide, (int) length, NULL, 0, NULL,
                                to == CP_UTF8 ? NULL : &lossy);
    if (count <= 0 || lossy) {
        errno = EILSEQ;
        return -1;
    }
    if ((size_t) count > out_size) {
        errno = E2BIG;
        return -1;
    }
    *written = (size_t) WideCharToMultiByte(to, to == CP_UTF8 ? WC_ERR_INVALID_CHARS : 0, wide, (int) length, out,
                                            count, NULL, NULL);
    return 0;
}

size_t iconv(iconv_t cd, char** in, size_t* in_left, char** out, size_t* out_left) {
    const struct converter* converter = cd;
    wchar_t* wide;
    size_t length = 0, written = 0;
    if (!in || !*in || !in_left) return 0; /* reset: no state is kept */
    if (*in_left == 0) return 0;
    wide = to_utf16(converter->from, *in, *in_left, &length);
    if (!wide) return (size_t) -1;
    if (from_utf16(converter->to, wide, length, *out, *out_left, &written) != 0) {
        free(wide);
        return (size_t) -1;
    }
    free(wide);
    *in += *in_left;
    *in_left = 0;
    *out += written;
    *out_left -= written;
    return 0;
}

const char* locale_charset(void) {
    static char name[16];
    snprintf(name, sizeof name, "CP%u", GetACP());
    return name;
}
