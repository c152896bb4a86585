/**
 * Raw memory for the wrapper. Every buffer a kernel reads or writes is
 * allocated here by the TypeScript side and passed back as a byte offset;
 * kernels themselves never allocate.
 */

/** Allocates `bytes` bytes, 16-byte aligned, and returns the byte offset. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Frees a block returned by `alloc`. */
export function free(ptr: usize): void {
  heap.free(ptr);
}
