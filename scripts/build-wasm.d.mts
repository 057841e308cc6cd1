/** The text of src/backend/wasm/heap_kernels_wasm.ts as assembled from heap_kernels.wat. */
export function assembleHeapKernels(): Promise<string>;
