// HeapAllocations(): how many heap allocations (malloc, aligned_alloc) the
// process has made so far, for tests that an operation allocates nothing
// once warm. allocation_counter.cc replaces glibc's malloc and
// aligned_alloc with counting wrappers, so it is linked only into the
// allocation_tests binary, and not in sanitizer builds (their allocator
// must see every allocation).
#pragma once

#include <cstddef>

namespace smtp::testing {

size_t HeapAllocations();

}  // namespace smtp::testing
