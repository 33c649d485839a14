// Large (2 MiB, transparent huge) pages for the memory a build allocates
// from now on, when the process runs with mimalloc (the shnor executable;
// the tests run without it, and this does nothing there).
#pragma once

namespace shnor::pipeline {

// A partial build's memory is new pages filled once (the record's maps, the
// peer parts, the patched files' buffers): on a virtual machine each 4 KB
// page's first touch is a costly fault, a 2 MB page's one fault for 512.
// A whole build turns them off again: it was measured to spend more with
// them (ARCHITECTURE.md, "Memory" and "Partial builds, third pass").
void use_large_pages(bool on);

}  // namespace shnor::pipeline
