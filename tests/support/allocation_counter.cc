#include "tests/support/allocation_counter.h"

#include <atomic>
#include <cstddef>

// glibc's own entry points (exported for exactly this: wrapping malloc).
extern "C" void* __libc_malloc(size_t size);
extern "C" void* __libc_memalign(size_t alignment, size_t size);

namespace {

std::atomic<size_t> allocations{0};

}  // namespace

// operator new calls malloc; Asio's recycling allocator (coroutine frames,
// operations) calls aligned_alloc. free needs no wrapper.
extern "C" void* malloc(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}

extern "C" void* aligned_alloc(size_t alignment, size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}

namespace smtp::testing {

size_t HeapAllocations() { return allocations.load(std::memory_order_relaxed); }

}  // namespace smtp::testing
