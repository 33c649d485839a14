// Linked only into the sanitizer build's executables (SHNOR_SANITIZE /
// SHNOR_FUZZ in CMakeLists.txt), so these defaults hold however a binary is
// started: by CTest, by a test that runs `shnor`, or by hand. An
// ASAN_OPTIONS variable the user sets still overrides them.
//
// intercept_tls_get_addr=0: up to LLVM 16 the runtime's __tls_get_addr
// interceptor takes a dynamic TLS block for a glibc 2.19 one whenever its
// start lies at a particular offset in its page, reads the two words before
// it as a range, and LeakSanitizer's scan at exit then dies ("Tracer caught
// signal 11"), reporting no leak. Only libraries opened with dlopen have
// dynamic TLS here (libvips and GLib for news photos, libcurl), and the
// offset is chance (ASLR): one sanitized `shnor build` in a few hundred
// failed that way in CI. Without the interceptor, dynamic TLS blocks are
// not scanned as roots; none of shnor's own memory is reachable only from
// them (its thread_locals are static TLS of the executable).
// https://github.com/google/sanitizers/issues/1322
extern "C" const char* __asan_default_options() { return "intercept_tls_get_addr=0"; }
