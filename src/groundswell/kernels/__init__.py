"""numba kernels: arrays in, arrays out; the engines validate input and call them."""
