/*
 * iter.c: the strided iterator shared by elementwise kernels, torch's rule
 * for the layout of freshly allocated outputs, and the thread setting.
 */
#include "kernels.h"

#include <omp.h>
#include <string.h>

/* ------------------------------------------------------------ threads */

static int kern_threads = 0;

void kern_set_num_threads(int n) {
    kern_threads = n > 0 ? n : 0;
    if (n > 0)
        omp_set_num_threads(n);
}

int kern_get_num_threads(void) { return kern_threads > 0 ? kern_threads : omp_get_max_threads(); }

/* ---------------------------------------------------- dimension order */

/*
 * torch's TensorIterator ordering: compare two dims by the operands' byte
 * strides, first operand that tells them apart wins; broadcast (0-stride)
 * dims are ambiguous for that operand; equal strides are broken by size.
 * Returns 1 if d0 should come after d1 (be outer), -1 if before, 0 unknown.
 */
static int should_swap(int nops, int64_t (*strides)[TSI_MAX_DIM], const int64_t *shape, int d0,
                       int d1) {
    for (int k = 0; k < nops; k++) {
        int64_t s0 = strides[k][d0], s1 = strides[k][d1];
        if (s0 == 0 || s1 == 0)
            continue;
        if (s0 < s1)
            return -1;
        if (s0 > s1)
            return 1;
        if (shape[d0] > shape[d1])
            return 1;
    }
    return 0;
}

/* perm[0] is the innermost dim after sorting (an insertion sort that leaves
 * ambiguous pairs in their original reversed order, as torch does). */
static void compute_perm(int nops, int64_t (*strides)[TSI_MAX_DIM], int ndim, const int64_t *shape,
                         int *perm) {
    for (int i = 0; i < ndim; i++)
        perm[i] = ndim - 1 - i;
    for (int i = 1; i < ndim; i++) {
        int d1 = i;
        for (int d0 = i - 1; d0 >= 0; d0--) {
            int c = should_swap(nops, strides, shape, perm[d0], perm[d1]);
            if (c > 0) {
                int tmp = perm[d0];
                perm[d0] = perm[d1];
                perm[d1] = tmp;
                d1 = d0;
            } else if (c < 0) {
                break;
            }
        }
    }
}

void iter_output_strides(int nins, const Tensor *const *ins, int ndim, const int64_t *sizes,
                         int64_t *strides) {
    bool all_contig = true;
    for (int k = 0; k < nins; k++) {
        const Tensor *t = ins[k];
        bool trivial = true; /* every non-broadcast dim laid out contiguously */
        int64_t expected = 1;
        for (int d = ndim - 1; d >= 0; d--) {
            if (sizes[d] == 1)
                continue;
            if (t->strides[d] != expected)
                trivial = false;
            expected *= sizes[d];
        }
        if (!trivial)
            all_contig = false;
    }
    if (all_contig || ndim <= 1) {
        contiguous_strides(ndim, sizes, strides);
        return;
    }
    int64_t bstrides[TSI_ITER_MAX_OPERANDS][TSI_MAX_DIM];
    int n = nins < TSI_ITER_MAX_OPERANDS ? nins : TSI_ITER_MAX_OPERANDS;
    for (int k = 0; k < n; k++)
        for (int d = 0; d < ndim; d++)
            bstrides[k][d] = ins[k]->strides[d] * (int64_t)dtype_size(ins[k]->dtype);
    int perm[TSI_MAX_DIM];
    compute_perm(n, bstrides, ndim, sizes, perm);
    int64_t s = 1;
    for (int i = 0; i < ndim; i++) {
        strides[perm[i]] = s;
        s *= sizes[perm[i]] > 1 ? sizes[perm[i]] : 1;
    }
}

/* ------------------------------------------------------------ iterator */

int iter_init(TensorIter *it, int nops, const Tensor *const *ops, Err *err) {
    if (nops < 1 || nops > TSI_ITER_MAX_OPERANDS)
        return err_set(err, TSI_ERR_USAGE, "iterator: %d operands", nops);
    memset(it, 0, sizeof *it);
    const Tensor *out = ops[0];
    int ndim = out->ndim;
    for (int k = 1; k < nops; k++) {
        if (ops[k]->ndim != ndim ||
            memcmp(ops[k]->sizes, out->sizes, sizeof(int64_t) * (size_t)ndim) != 0)
            return err_set(err, TSI_ERR_USAGE, "iterator: operand %d has a different shape", k);
    }
    it->nops = nops;
    int64_t bstrides[TSI_ITER_MAX_OPERANDS][TSI_MAX_DIM];
    for (int k = 0; k < nops; k++) {
        it->data[k] = tensor_data(ops[k]);
        for (int d = 0; d < ndim; d++)
            bstrides[k][d] = ops[k]->strides[d] * (int64_t)dtype_size(ops[k]->dtype);
    }
    int perm[TSI_MAX_DIM];
    compute_perm(nops, bstrides, ndim, out->sizes, perm);

    /* Permute into innermost-first order, dropping size-1 dims, then coalesce
     * neighbours that are laid out back to back in every operand. */
    int n = 0;
    it->numel = 1;
    for (int i = 0; i < ndim; i++) {
        int d = perm[i];
        int64_t size = out->sizes[d];
        it->numel *= size;
        if (size == 1)
            continue;
        if (n > 0) {
            bool merge = true;
            for (int k = 0; k < nops; k++)
                if (it->strides[k][n - 1] * it->shape[n - 1] != bstrides[k][d])
                    merge = false;
            if (merge) {
                it->shape[n - 1] *= size;
                continue;
            }
        }
        it->shape[n] = size;
        for (int k = 0; k < nops; k++)
            it->strides[k][n] = bstrides[k][d];
        n++;
    }
    if (n == 0) {
        it->shape[0] = 1;
        for (int k = 0; k < nops; k++)
            it->strides[k][0] = 0;
        n = 1;
    }
    it->ndim = n;
    return TSI_OK;
}

void iter_run_range(const TensorIter *it, int64_t begin, int64_t end, IterLoop loop, void *ctx) {
    if (begin >= end)
        return;
    int nops = it->nops, ndim = it->ndim;
    int64_t idx[TSI_MAX_DIM];
    int64_t rest = begin;
    for (int d = 0; d < ndim; d++) {
        idx[d] = rest % it->shape[d];
        rest /= it->shape[d];
    }
    char *ptrs[TSI_ITER_MAX_OPERANDS];
    int64_t inner[TSI_ITER_MAX_OPERANDS];
    for (int k = 0; k < nops; k++)
        inner[k] = it->strides[k][0];
    int64_t pos = begin;
    while (pos < end) {
        for (int k = 0; k < nops; k++) {
            char *p = it->data[k];
            for (int d = 0; d < ndim; d++)
                p += idx[d] * it->strides[k][d];
            ptrs[k] = p;
        }
        int64_t run = it->shape[0] - idx[0];
        if (run > end - pos)
            run = end - pos;
        loop(ptrs, inner, run, ctx);
        pos += run;
        idx[0] += run;
        for (int d = 0; d < ndim - 1 && idx[d] >= it->shape[d]; d++) {
            idx[d] = 0;
            idx[d + 1]++;
        }
    }
}

enum { ITER_GRAIN = 32768 };

void iter_run(const TensorIter *it, IterLoop loop, void *ctx) {
    int64_t n = it->numel;
    int nt = kern_get_num_threads();
    if (nt <= 1 || n < 2 * ITER_GRAIN) {
        iter_run_range(it, 0, n, loop, ctx);
        return;
    }
    int64_t chunks = n / ITER_GRAIN;
    if (chunks > nt)
        chunks = nt;
#pragma omp parallel for num_threads((int)chunks) schedule(static)
    for (int64_t c = 0; c < chunks; c++) {
        int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
        iter_run_range(it, b, e, loop, ctx);
    }
}
