/*
 * nn_internal.h: helpers shared by the neural-network kernel files
 * (conv.c, pool.c, norm.c, nn.c, rnn.c, attention.c) and nothing else:
 * per-thread scratch memory, OpenBLAS thread-count syncing, aten-style
 * integer-list expansion, small GEMM wrappers and message formatting.
 */
#ifndef TSI_KERNELS_NN_INTERNAL_H
#define TSI_KERNELS_NN_INTERNAL_H

#include "kernels.h"

/*
 * A scratch buffer of at least `nbytes` (64-byte aligned) owned by the
 * calling thread. It is reused by the next call from the same thread, so a
 * kernel holds at most one at a time; it grows and is freed at thread exit.
 * Returns NULL on allocation failure.
 */
void *nn_scratch(size_t nbytes);

/* Make OpenBLAS use kern_get_num_threads() threads (cheap when unchanged).
 * Call before a GEMM issued outside our own OpenMP regions. */
void nn_blas_sync_threads(void);

/*
 * aten's expand_param_if_needed: a one-element list is repeated `dim` times,
 * otherwise it must have exactly `dim` elements. n == 0 gives `dflt` (used
 * only where the aten schema has a default). Errors like torch:
 * "expected stride to be a single integer value or a list of 2 values to
 * match the convolution dimensions, but got stride=[1, 1, 1]".
 */
int nn_expand_param(const int64_t *v, int n, int dim, const char *name, int64_t dflt,
                    int64_t *out, Err *err);

/* C = alpha * op(A) op(B) + beta * C for row-major float32/float64 buffers
 * (OpenBLAS). ta/tb: A/B transposed. dt selects the type. */
void nn_gemm(DType dt, bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha,
             const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c,
             int64_t ldc);

/* "[2, 3]" into buf (for messages). */
const char *nn_shape_str(char *buf, size_t n, int ndim, const int64_t *sizes);

/* x as a contiguous tensor of dtype dt (a new reference; x itself when it
 * already is one). */
Tensor *nn_contig(const Tensor *x, DType dt, Err *err);

/* Number of OpenMP threads worth using for `work` scalar operations. */
int nn_threads_for(int64_t work);

/*
 * Hot loops get AVX2/AVX-512 clones picked at load time (GCC ifunc), so the
 * default x86-64 build still runs them wide. Off under sanitizers and clang,
 * where plain code is what we want to check.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
#define NN_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NN_MULTIVERSION
#endif

#endif
