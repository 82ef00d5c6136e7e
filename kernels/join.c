/*
 * join.c: shape operations that copy — cat, stack, repeat, index_select,
 * flip, roll, gather — with torch's checks, type promotion and the layout
 * torch gives their results.
 */
#include "kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- layouts */

typedef enum { FMT_CONTIGUOUS, FMT_CHANNELS_LAST, FMT_CHANNELS_LAST_3D } MemFormat;

/*
 * torch's is_channels_last_strides_{2d,3d}: strides increase along the
 * channels-last order (C, then spatial dims innermost-first, then N).
 * Ambiguous cases fall back to contiguous.
 */
static bool strides_like_channels_last(const Tensor *t, const int *order, int n) {
    int64_t min = 0;
    if (t->strides[1] == 0)
        return false;
    for (int k = 0; k < n; k++) {
        int d = order[k];
        if (t->sizes[d] == 0 || t->strides[d] < min)
            return false;
        if (d == 0 && min == t->strides[1])
            return false;
        min = t->strides[d];
        if (t->sizes[d] > 1)
            min *= t->sizes[d];
    }
    return true;
}

/* torch's Tensor::suggest_memory_format. */
static MemFormat suggest_memory_format(const Tensor *t) {
    static const int order4[] = {1, 3, 2, 0}, order5[] = {1, 4, 3, 2, 0};
    if (t->ndim == 4 && strides_like_channels_last(t, order4, 4))
        return FMT_CHANNELS_LAST;
    if (t->ndim == 5 && strides_like_channels_last(t, order5, 5))
        return FMT_CHANNELS_LAST_3D;
    return FMT_CONTIGUOUS;
}

/* Strides of a fresh tensor in the given format (torch's
 * get_channels_last_strides_*; those do not clamp sizes of 0). */
static void format_strides(MemFormat f, int ndim, const int64_t *sizes, int64_t *strides) {
    if (f == FMT_CHANNELS_LAST && ndim == 4) {
        strides[1] = 1;
        strides[3] = sizes[1];
        strides[2] = strides[3] * sizes[3];
        strides[0] = strides[2] * sizes[2];
    } else if (f == FMT_CHANNELS_LAST_3D && ndim == 5) {
        strides[1] = 1;
        strides[4] = sizes[1];
        strides[3] = strides[4] * sizes[4];
        strides[2] = strides[3] * sizes[3];
        strides[0] = strides[2] * sizes[2];
    } else {
        contiguous_strides(ndim, sizes, strides);
    }
}

/*
 * torch's empty_like(memory_format=preserve): a dense input's strides are
 * kept; otherwise dims are ordered by the input's strides (0-stride dims
 * stay where they are) and laid out densely in that order.
 */
static Tensor *empty_like_preserve(const Tensor *t, Err *err) {
    if (tensor_is_non_overlapping_and_dense(t))
        return tensor_empty_strided(t->dtype, t->ndim, t->sizes, t->strides, err);
    int n = t->ndim, perm[TSI_MAX_DIM];
    for (int i = 0; i < n; i++)
        perm[i] = n - 1 - i; /* perm[0] is the innermost */
    /* torch's insertion sort: an ambiguous pair (a 0 stride, or equal
     * strides and sizes) is stepped over rather than ending the scan */
    for (int i = 1; i < n; i++) {
        int d1 = i;
        for (int d0 = i - 1; d0 >= 0; d0--) {
            int a = perm[d0], b = perm[d1];
            int64_t sa = t->strides[a], sb = t->strides[b];
            int cmp = sa == 0 || sb == 0 ? 0
                      : sa < sb          ? -1
                      : sa > sb          ? 1
                      : t->sizes[a] > t->sizes[b] ? 1
                                                  : 0;
            if (cmp > 0) {
                perm[d0] = b;
                perm[d1] = a;
                d1 = d0;
            } else if (cmp < 0) {
                break;
            }
        }
    }
    int64_t strides[TSI_MAX_DIM], s = 1;
    for (int i = 0; i < n; i++) {
        strides[perm[i]] = s;
        if (t->sizes[perm[i]] > 1)
            s *= t->sizes[perm[i]];
    }
    return tensor_empty_strided(t->dtype, n, t->sizes, strides, err);
}

static void format_list_error(Err *err, int code, const char *prefix, int n,
                              const int64_t *list, const char *suffix) {
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, prefix);
    shape_format(&sb, n, list);
    sb_puts(&sb, suffix);
    err_set(err, code, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
    sb_free(&sb);
}

/* ------------------------------------------------------------------ cat */

/* torch's legacy rule: 1-d empty tensors may join anything; they are skipped. */
static bool cat_skips(const Tensor *t) { return t->ndim == 1 && t->sizes[0] == 0; }

/* Copy src into dst[..., off:off+len, ...] along dim, both contiguous and of
 * the same dtype: one memcpy per outer index. */
static void cat_copy_blocks(Tensor *dst, const Tensor *src, int dim, int64_t off) {
    size_t es = dtype_size(dst->dtype);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < dim; d++)
        outer *= dst->sizes[d];
    for (int d = dim + 1; d < dst->ndim; d++)
        inner *= dst->sizes[d];
    size_t block = (size_t)(src->sizes[dim] * inner) * es;
    size_t dst_row = (size_t)(dst->sizes[dim] * inner) * es;
    char *dp = (char *)tensor_data(dst) + (size_t)(off * inner) * es;
    const char *sp = tensor_data(src);
    for (int64_t o = 0; o < outer; o++)
        memcpy(dp + (size_t)o * dst_row, sp + (size_t)o * block, block);
}

Tensor *kern_cat(const Tensor *const *ts, int n, int64_t dim, Err *err) {
    for (int i = 0; i < n; i++)
        if (ts[i]->ndim == 0) {
            err_set(err, TSI_ERR_VALUE,
                    "zero-dimensional tensor (at position %d) cannot be concatenated", i);
            return NULL;
        }
    for (int i = 0; i < n; i++)
        if (!cat_skips(ts[i])) {
            if (kern_wrap_dim(dim, ts[i]->ndim, true, &dim, err))
                return NULL;
            break;
        }
    if (n <= 0) {
        err_set(err, TSI_ERR_VALUE, "torch.cat(): expected a non-empty list of Tensors");
        return NULL;
    }
    int valid = -1;
    for (int i = 0; i < n && valid < 0; i++)
        if (!cat_skips(ts[i]))
            valid = i;
    /* channels-last only when every input suggests it */
    MemFormat fmt = suggest_memory_format(ts[0]);
    for (int i = 1; i < n; i++)
        if (suggest_memory_format(ts[i]) != fmt)
            fmt = FMT_CONTIGUOUS;
    DType dt = result_type(n, ts);
    int ndim = 1;
    int64_t sizes[TSI_MAX_DIM] = {0}, strides[TSI_MAX_DIM];
    if (valid >= 0) {
        const Tensor *v = ts[valid];
        if (dim >= v->ndim) {
            err_set(err, TSI_ERR_INDEX, "torch.cat(): dimension %lld out of range",
                    (long long)dim);
            return NULL;
        }
        ndim = v->ndim;
        memcpy(sizes, v->sizes, sizeof(int64_t) * (size_t)ndim);
        sizes[dim] = 0;
        for (int i = 0; i < n; i++) {
            const Tensor *t = ts[i];
            if (cat_skips(t))
                continue;
            if (t->ndim != ndim) {
                err_set(err, TSI_ERR_VALUE,
                        "Tensors must have same number of dimensions: got %d and %d", ndim,
                        t->ndim);
                return NULL;
            }
            for (int d = 0; d < ndim; d++)
                if (d != dim && t->sizes[d] != v->sizes[d]) {
                    err_set(err, TSI_ERR_VALUE,
                            "Sizes of tensors must match except in dimension %lld. Expected "
                            "size %lld but got size %lld for tensor number %d in the list.",
                            (long long)dim, (long long)v->sizes[d], (long long)t->sizes[d], i);
                    return NULL;
                }
            if (add_i64_overflows(sizes[dim], t->sizes[dim], &sizes[dim])) {
                err_set(err, TSI_ERR_VALUE, "torch.cat(): result too large");
                return NULL;
            }
        }
    }
    format_strides(fmt, ndim, sizes, strides);
    Tensor *out = tensor_empty_strided(dt, ndim, sizes, strides, err);
    if (!out || valid < 0)
        return out;
    bool out_contig = tensor_is_contiguous(out);
    int64_t off = 0;
    for (int i = 0; i < n; i++) {
        const Tensor *t = ts[i];
        if (cat_skips(t))
            continue;
        int64_t len = t->sizes[dim];
        if (len > 0 && tensor_numel(t) > 0) {
            if (out_contig && t->dtype == dt && tensor_is_contiguous(t)) {
                cat_copy_blocks(out, t, (int)dim, off);
            } else {
                /* a strided window of the output, filled by copy_ (casts) */
                Tensor part = *out;
                part.offset = out->offset + off * out->strides[dim];
                part.sizes[dim] = len;
                if (tensor_copy_(&part, t, err)) {
                    tensor_release(out);
                    return NULL;
                }
            }
        }
        off += len;
    }
    return out;
}

Tensor *kern_stack(const Tensor *const *ts, int n, int64_t dim, Err *err) {
    if (n <= 0) {
        err_set(err, TSI_ERR_VALUE, "stack expects a non-empty TensorList");
        return NULL;
    }
    const Tensor *t0 = ts[0];
    int64_t d = 0;
    if (kern_wrap_dim(dim, t0->ndim + 1, true, &d, err))
        return NULL;
    for (int i = 1; i < n; i++) {
        if (ts[i]->ndim == t0->ndim &&
            memcmp(ts[i]->sizes, t0->sizes, sizeof(int64_t) * (size_t)t0->ndim) == 0)
            continue;
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, "stack expects each tensor to be equal size, but got ");
        shape_format(&sb, t0->ndim, t0->sizes);
        sb_puts(&sb, " at entry 0 and ");
        shape_format(&sb, ts[i]->ndim, ts[i]->sizes);
        sb_printf(&sb, " at entry %d", i);
        err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
        sb_free(&sb);
        return NULL;
    }
    /* As torch: cat the inputs unsqueezed at dim; for an inner dim, view
     * the result to the stacked shape (the cat's layout decides strides). */
    Tensor **us = xcalloc((size_t)n, sizeof *us);
    Tensor *out = NULL;
    if (!us) {
        err_nomem(err);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        if (!(us[i] = kern_unsqueeze(ts[i], d, err)))
            goto done;
    out = kern_cat((const Tensor *const *)us, n, d, err);
    if (out && d < t0->ndim) {
        int64_t sizes[TSI_MAX_DIM];
        int k = 0;
        for (int i = 0; i < t0->ndim; i++) {
            if (i == d)
                sizes[k++] = n;
            sizes[k++] = t0->sizes[i];
        }
        Tensor *v = kern_view(out, sizes, k, err);
        tensor_release(out);
        out = v;
    }
done:
    for (int i = 0; i < n; i++)
        tensor_release(us[i]);
    free(us);
    return out;
}

/* --------------------------------------------------------------- repeat */

Tensor *kern_repeat(const Tensor *t, const int64_t *repeats, int n, Err *err) {
    if (n < t->ndim) {
        err_set(err, TSI_ERR_VALUE,
                "Number of dimensions of repeat dims can not be smaller than number of "
                "dimensions of tensor");
        return NULL;
    }
    if (n > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_UNSUPPORTED, "tensors of rank %d are not supported (limit %d)", n,
                TSI_MAX_DIM);
        return NULL;
    }
    int lead = n - t->ndim;
    int64_t padded[TSI_MAX_DIM], pstrides[TSI_MAX_DIM], target[TSI_MAX_DIM];
    bool zero = false;
    for (int i = 0; i < n; i++) {
        padded[i] = i < lead ? 1 : t->sizes[i - lead];
        pstrides[i] = i < lead ? 0 : t->strides[i - lead];
        if (mul_i64_overflows(padded[i], repeats[i], &target[i])) {
            err_set(err, TSI_ERR_VALUE, "repeat: result too large");
            return NULL;
        }
        zero |= repeats[i] == 0;
    }
    for (int i = 0; i < n; i++)
        if (target[i] < 0) {
            char prefix[80];
            snprintf(prefix, sizeof prefix,
                     "Trying to create tensor with negative dimension %lld: ",
                     (long long)target[i]);
            format_list_error(err, TSI_ERR_VALUE, prefix, n, target, "");
            return NULL;
        }
    Tensor *out = tensor_empty(t->dtype, n, target, err);
    if (!out || zero || tensor_numel(out) == 0)
        return out;
    /* View the output as (r0, s0, r1, s1, ...) and copy the input into it
     * with 0 strides along the repeat dims; size-1 dims are dropped. */
    Tensor dst = *out, src = *out;
    int k = 0;
    for (int i = 0; i < n; i++) {
        int64_t os = out->strides[i];
        if (repeats[i] != 1) {
            if (k >= TSI_MAX_DIM)
                goto too_many;
            dst.sizes[k] = src.sizes[k] = repeats[i];
            dst.strides[k] = padded[i] * os;
            src.strides[k++] = 0;
        }
        if (padded[i] != 1) {
            if (k >= TSI_MAX_DIM)
                goto too_many;
            dst.sizes[k] = src.sizes[k] = padded[i];
            dst.strides[k] = os;
            src.strides[k++] = pstrides[i];
        }
    }
    dst.ndim = src.ndim = k;
    src.storage = t->storage;
    src.offset = t->offset;
    src.dtype = t->dtype;
    if (tensor_copy_(&dst, &src, err)) {
        tensor_release(out);
        return NULL;
    }
    return out;
too_many:
    tensor_release(out);
    err_set(err, TSI_ERR_UNSUPPORTED, "repeat: too many non-trivial dimensions (limit %d)",
            TSI_MAX_DIM);
    return NULL;
}

/* ------------------------------------------------------ index_select */

static int64_t load_index(const Tensor *idx, int64_t i) {
    /* idx is contiguous int32 or int64 */
    if (idx->dtype == TSI_DTYPE_INT32)
        return ((const int32_t *)tensor_data(idx))[i];
    return ((const int64_t *)tensor_data(idx))[i];
}

Tensor *kern_index_select(const Tensor *t, int64_t dim, const Tensor *index, Err *err) {
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, true, &d, err))
        return NULL;
    int64_t numel = tensor_numel(index);
    if (index->ndim > 1) {
        err_set(err, TSI_ERR_INDEX, "index_select(): Index is supposed to be a vector");
        return NULL;
    }
    if (index->dtype != TSI_DTYPE_INT64 && index->dtype != TSI_DTYPE_INT32) {
        err_set(err, TSI_ERR_TYPE, "index_select(): Expected dtype int32 or int64 for index");
        return NULL;
    }
    int64_t sizes[TSI_MAX_DIM];
    memcpy(sizes, t->sizes, sizeof(int64_t) * (size_t)t->ndim);
    if (t->ndim > 0)
        sizes[d] = numel;
    Tensor *out = tensor_empty(t->dtype, t->ndim, sizes, err);
    Tensor *idx = out ? tensor_contiguous(index, err) : NULL;
    if (!idx)
        goto fail;
    int64_t axis = t->ndim > 0 ? t->sizes[d] : 1;
    if (t->ndim > 1 && numel == 0)
        goto done;
    if (t->ndim > 1 && tensor_numel(t) == 0 && axis <= 0) {
        err_set(err, TSI_ERR_INDEX, "index_select(): self indexing axis dim should be positive");
        goto fail;
    }
    /* torch checks the whole index up front with its own message when self
     * is empty or dim is 1 (its dim-1 kernel), else while copying */
    if (t->ndim > 1 && (tensor_numel(t) == 0 || d == 1)) {
        for (int64_t i = 0; i < numel; i++) {
            int64_t v = load_index(idx, i);
            if (v < 0 || v >= axis) {
                err_set(err, TSI_ERR_INDEX,
                        "INDICES element is out of DATA bounds, id=%lld axis_dim=%lld",
                        (long long)v, (long long)axis);
                goto fail;
            }
        }
        if (tensor_numel(t) == 0)
            goto done;
    }
    for (int64_t i = 0; i < numel; i++) {
        int64_t v = load_index(idx, i);
        if (v < 0 || v >= axis) {
            err_set(err, TSI_ERR_INDEX, "index out of range in self");
            goto fail;
        }
    }
    if (t->ndim == 0) {
        /* every index is 0 here; torch 1.13 returns the element (left
         * uninitialised when the index is empty: we return 0) */
        if (numel > 0 && tensor_copy_(out, t, err))
            goto fail;
        goto done;
    }
    size_t es = dtype_size(t->dtype);
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < d; i++)
        outer *= t->sizes[i];
    for (int64_t i = d + 1; i < t->ndim; i++)
        inner *= t->sizes[i];
    if (tensor_is_contiguous(t)) {
        /* rows of `inner` elements, one memcpy each */
        const char *sp = tensor_data(t);
        char *dp = tensor_data(out);
        size_t row = (size_t)inner * es;
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < numel; i++, dp += row)
                memcpy(dp, sp + ((size_t)o * (size_t)axis + (size_t)load_index(idx, i)) * row,
                       row);
    } else {
        /* one strided slice copy per index */
        for (int64_t i = 0; i < numel; i++) {
            Tensor s = *t, o = *out;
            s.offset = t->offset + load_index(idx, i) * t->strides[d];
            s.sizes[d] = 1;
            o.offset = out->offset + i * out->strides[d];
            o.sizes[d] = 1;
            if (tensor_copy_(&o, &s, err))
                goto fail;
        }
    }
done:
    tensor_release(idx);
    return out;
fail:
    tensor_release(idx);
    tensor_release(out);
    return NULL;
}

/* ------------------------------------------------------ flip and roll */

/* Reverse n elements of size es from src into dst. */
static void reverse_row(char *dst, const char *src, int64_t n, size_t es) {
#define REV(T)                                                                            \
    do {                                                                                  \
        T *d_ = (T *)(void *)dst;                                                         \
        const T *s_ = (const T *)(const void *)src;                                       \
        for (int64_t i = 0; i < n; i++)                                                   \
            d_[i] = s_[n - 1 - i];                                                        \
    } while (0)
    switch (es) {
    case 1: REV(uint8_t); break;
    case 2: REV(uint16_t); break;
    case 4: REV(uint32_t); break;
    default: REV(uint64_t); break;
    }
#undef REV
}

/* Flip with the innermost dim flipped, input and output contiguous: whole
 * rows reversed with typed loops (the generic copy would go element by
 * element through a negative stride). */
static void flip_rows(Tensor *out, const Tensor *t, const bool *flip) {
    int nd = t->ndim;
    int64_t len = t->sizes[nd - 1], rows = tensor_numel(t) / len;
    size_t es = dtype_size(t->dtype), row_bytes = (size_t)len * es;
    const char *sp = tensor_data(t);
    char *dp = tensor_data(out);
    for (int64_t r = 0; r < rows; r++) {
        /* the source row: r's index over the outer dims, flipped where asked */
        int64_t rest = r, src = 0, scale = 1;
        for (int d = nd - 2; d >= 0; d--) {
            int64_t i = rest % t->sizes[d];
            rest /= t->sizes[d];
            src += (flip[d] ? t->sizes[d] - 1 - i : i) * scale;
            scale *= t->sizes[d];
        }
        reverse_row(dp + (size_t)r * row_bytes, sp + (size_t)src * row_bytes, len, es);
    }
}

Tensor *kern_flip(const Tensor *t, const int64_t *dims, int n, Err *err) {
    bool flip[TSI_MAX_DIM] = {false};
    for (int i = 0; i < n; i++) {
        int64_t d = 0;
        if (kern_wrap_dim(dims[i], t->ndim, true, &d, err))
            return NULL;
        if (flip[d]) {
            err_set(err, TSI_ERR_VALUE, "dim %lld appears multiple times in the list of dims",
                    (long long)d);
            return NULL;
        }
        flip[d] = true;
    }
    Tensor *out = empty_like_preserve(t, err);
    if (!out)
        return NULL;
    if (t->ndim > 0 && flip[t->ndim - 1] && tensor_numel(t) > 0 && tensor_is_contiguous(t) &&
        tensor_is_contiguous(out)) {
        flip_rows(out, t, flip);
        return out;
    }
    /* copy from a view that walks the flipped dims backwards (internal
     * only: negative strides never leave this function) */
    Tensor src = *t;
    if (tensor_numel(t) > 0)
        for (int d = 0; d < t->ndim; d++)
            if (flip[d]) {
                src.offset += (t->sizes[d] - 1) * t->strides[d];
                src.strides[d] = -t->strides[d];
            }
    if (tensor_copy_(out, &src, err)) {
        tensor_release(out);
        return NULL;
    }
    return out;
}

static Tensor *roll_one(const Tensor *t, int64_t shift, int64_t dim, Err *err) {
    if (tensor_numel(t) == 0)
        return tensor_clone(t, err);
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, false, &d, err))
        return NULL;
    int64_t size = t->sizes[d];
    int64_t start = (size - shift % size) % size;
    if (start < 0)
        start += size;
    Tensor *a = kern_narrow(t, d, start, size - start, err);
    Tensor *b = a ? kern_narrow(t, d, 0, start, err) : NULL;
    Tensor *r = NULL;
    if (b) {
        const Tensor *parts[2] = {a, b};
        r = kern_cat(parts, 2, d, err);
    }
    tensor_release(a);
    tensor_release(b);
    return r;
}

Tensor *kern_roll(const Tensor *t, const int64_t *shifts, int nshifts, const int64_t *dims,
                  int ndims, Err *err) {
    if (nshifts == 1 && ndims == 1)
        return roll_one(t, shifts[0], dims[0], err);
    if (nshifts == 0) {
        err_set(err, TSI_ERR_VALUE, "`shifts` required");
        return NULL;
    }
    if (ndims == 0 && nshifts == 1) {
        /* roll the flattened tensor, then view it back */
        int64_t numel = tensor_numel(t);
        Tensor *c = tensor_contiguous(t, err);
        Tensor *flat = c ? kern_view(c, &numel, 1, err) : NULL;
        Tensor *rolled = flat ? roll_one(flat, shifts[0], 0, err) : NULL;
        Tensor *r = rolled ? kern_view(rolled, t->sizes, t->ndim, err) : NULL;
        tensor_release(c);
        tensor_release(flat);
        tensor_release(rolled);
        return r;
    }
    if (nshifts != ndims) {
        err_set(err, TSI_ERR_VALUE, "shifts and dimensions must align. shifts: %d, dims:%d",
                nshifts, ndims);
        return NULL;
    }
    Tensor *cur = roll_one(t, shifts[0], dims[0], err);
    for (int i = 1; i < nshifts && cur; i++) {
        Tensor *next = roll_one(cur, shifts[i], dims[i], err);
        tensor_release(cur);
        cur = next;
    }
    return cur;
}

/* -------------------------------------------------------------- gather */

static void copy_elem(char *dst, const char *src, size_t es) {
    switch (es) {
    case 1: memcpy(dst, src, 1); break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    default: memcpy(dst, src, 8); break;
    }
}

Tensor *kern_gather(const Tensor *t, int64_t dim, const Tensor *index, Err *err) {
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, true, &d, err))
        return NULL;
    int64_t numel = tensor_numel(index);
    if (numel == 0)
        return tensor_empty(t->dtype, index->ndim, index->sizes, err);
    if (index->dtype != TSI_DTYPE_INT64) {
        err_set(err, TSI_ERR_TYPE, "gather(): Expected dtype int64 for index");
        return NULL;
    }
    /* 0-d tensors act as 1-d of size 1 (torch's ensure_nonempty_*) */
    int nd = t->ndim > 0 ? t->ndim : 1;
    if ((index->ndim > 0 ? index->ndim : 1) != nd) {
        err_set(err, TSI_ERR_VALUE,
                "Index tensor must have the same number of dimensions as input tensor");
        return NULL;
    }
    int64_t tsz[TSI_MAX_DIM], tst[TSI_MAX_DIM], isz[TSI_MAX_DIM], ist[TSI_MAX_DIM];
    for (int i = 0; i < nd; i++) {
        tsz[i] = t->ndim ? t->sizes[i] : 1;
        tst[i] = t->ndim ? t->strides[i] : 0;
        isz[i] = index->ndim ? index->sizes[i] : 1;
        ist[i] = index->ndim ? index->strides[i] : 0;
    }
    for (int i = 0; i < nd; i++)
        if (i != d && isz[i] > tsz[i]) {
            StrBuf sb;
            sb_init(&sb);
            sb_printf(&sb, "Size does not match at dimension %d expected index ", i);
            shape_format(&sb, index->ndim, index->sizes);
            sb_puts(&sb, " to be smaller than self ");
            shape_format(&sb, t->ndim, t->sizes);
            sb_printf(&sb, " apart from dimension %lld", (long long)d);
            err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
            sb_free(&sb);
            return NULL;
        }
    Tensor *out = tensor_empty(t->dtype, index->ndim, index->sizes, err);
    if (!out)
        return NULL;
    size_t es = dtype_size(t->dtype);
    const char *sp = tensor_data(t);
    const int64_t *ip = tensor_data(index);
    char *op = tensor_data(out);
    int64_t pos[TSI_MAX_DIM] = {0}, ioff = 0, soff = 0; /* soff: all dims but d */
    for (int64_t k = 0; k < numel; k++) {
        int64_t v = ip[ioff];
        if (v < 0 || v >= tsz[d]) {
            err_set(err, TSI_ERR_INDEX, "index %lld is out of bounds for dimension %lld with size %lld",
                    (long long)v, (long long)d, (long long)tsz[d]);
            tensor_release(out);
            return NULL;
        }
        copy_elem(op + (size_t)k * es, sp + (soff + v * tst[d]) * (int64_t)es, es);
        for (int i = nd - 1; i >= 0; i--) {
            int64_t sstep = i == d ? 0 : tst[i];
            if (++pos[i] < isz[i]) {
                ioff += ist[i];
                soff += sstep;
                break;
            }
            ioff -= (isz[i] - 1) * ist[i];
            soff -= (isz[i] - 1) * sstep;
            pos[i] = 0;
        }
    }
    return out;
}
