/* freexl includes it on MinGW (packaging/windows/iconv/iconv.h says why this
 * folder exists). The name of the ANSI code page, "CPnnnn". */
#ifndef SHNOR_LOCALCHARSET_SHIM_H
#define SHNOR_LOCALCHARSET_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

const char* locale_charset(void);

#ifdef __cplusplus
}
#endif

#endif
