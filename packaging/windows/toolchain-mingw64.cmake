# Cross-compiling for 64-bit Windows with Debian's MinGW-w64 (the -posix
# variants: their libstdc++ has std::thread, std::mutex and std::future,
# which the pipeline uses; the -win32 ones do not).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SHNOR_MINGW_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${SHNOR_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${SHNOR_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${SHNOR_MINGW_TRIPLE}-windres)
set(CMAKE_AR ${SHNOR_MINGW_TRIPLE}-gcc-ar-posix CACHE FILEPATH "")
set(CMAKE_RANLIB ${SHNOR_MINGW_TRIPLE}-gcc-ranlib-posix CACHE FILEPATH "")

# Libraries and headers come from the MinGW sysroot and from the prefix the
# script builds (CMAKE_PREFIX_PATH / CMAKE_FIND_ROOT_PATH on the command
# line), never from the build machine's /usr/include or /usr/lib.
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${SHNOR_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Programs built here run under wine (tests, try_run).
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
