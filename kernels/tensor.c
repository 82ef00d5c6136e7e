/*
 * tensor.c: storages and tensors — creation, refcounting, geometry checks,
 * element access, and the layout questions (contiguous, dense).
 */
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- storage */

Storage *storage_new(size_t nbytes, Err *err) {
    Storage *s = xcalloc(1, sizeof *s);
    void *data = calloc(nbytes ? nbytes : 1, 1);
    if (!s || !data) {
        free(s);
        free(data);
        err_set(err, TSI_ERR_NOMEM, "out of memory allocating %zu bytes", nbytes);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->data = data;
    s->nbytes = nbytes;
    return s;
}

Storage *storage_wrap(void *data, size_t nbytes, StorageRelease release, void *ctx, Err *err) {
    Storage *s = xcalloc(1, sizeof *s);
    if (!s) {
        err_nomem(err);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->data = data;
    s->nbytes = nbytes;
    s->release = release ? release : storage_release_none;
    s->release_ctx = ctx;
    return s;
}

void storage_release_none(void *ctx, void *data) {
    TSI_UNUSED(ctx);
    TSI_UNUSED(data);
}

void storage_retain(Storage *s) { atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed); }

void storage_release(Storage *s) {
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (s->release)
        s->release(s->release_ctx, s->data);
    else
        free(s->data);
    free(s);
}

/* ------------------------------------------------------------- tensors */

void tensor_retain(Tensor *t) { atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed); }

void tensor_release(Tensor *t) {
    if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
        return;
    storage_release(t->storage);
    free(t);
}

void contiguous_strides(int ndim, const int64_t *sizes, int64_t *strides) {
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= sizes[i] > 1 ? sizes[i] : 1;
    }
}

/* Copy a shape or stride array; ndim may be 0 with a NULL source. */
static void copy_dims(int64_t *dst, const int64_t *src, int ndim) {
    if (ndim > 0)
        memmove(dst, src, sizeof(int64_t) * (size_t)ndim);
}

static Tensor *tensor_alloc_header(Err *err) {
    Tensor *t = xcalloc(1, sizeof *t);
    if (!t) {
        err_nomem(err);
        return NULL;
    }
    atomic_init(&t->refs, 1);
    return t;
}

/* Number of elements, or -1 when sizes are negative or the product overflows. */
static int64_t checked_numel(int ndim, const int64_t *sizes) {
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] < 0 || mul_i64_overflows(n, sizes[i], &n))
            return -1;
    }
    return n;
}

/* Elements the storage must hold for this view: 1 + the farthest offset. */
static bool view_extent(int64_t offset, int ndim, const int64_t *sizes, const int64_t *strides,
                        int64_t *extent) {
    int64_t hi = offset;
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] == 0) {
            *extent = 0;
            return true;
        }
        int64_t step;
        if (strides[i] < 0 || mul_i64_overflows(sizes[i] - 1, strides[i], &step) ||
            add_i64_overflows(hi, step, &hi))
            return false;
    }
    return !add_i64_overflows(hi, 1, extent);
}

Tensor *tensor_empty_strided(DType dt, int ndim, const int64_t *sizes, const int64_t *strides,
                             Err *err) {
    if (!dtype_valid(dt)) {
        err_set(err, TSI_ERR_VALUE, "invalid dtype code %d", (int)dt);
        return NULL;
    }
    if (ndim < 0 || ndim > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_VALUE, "tensors of rank %d are not supported (limit %d)", ndim,
                TSI_MAX_DIM);
        return NULL;
    }
    if (checked_numel(ndim, sizes) < 0) {
        err_set(err, TSI_ERR_VALUE, "invalid tensor shape (negative or overflowing size)");
        return NULL;
    }
    int64_t extent;
    size_t nbytes;
    if (!view_extent(0, ndim, sizes, strides, &extent) ||
        mul_overflows((size_t)extent, dtype_size(dt), &nbytes)) {
        err_set(err, TSI_ERR_VALUE, "tensor too large");
        return NULL;
    }
    Tensor *t = tensor_alloc_header(err);
    if (!t)
        return NULL;
    t->storage = storage_new(nbytes, err);
    if (!t->storage) {
        free(t);
        return NULL;
    }
    t->dtype = dt;
    t->ndim = ndim;
    copy_dims(t->sizes, sizes, ndim);
    copy_dims(t->strides, strides, ndim);
    return t;
}

Tensor *tensor_empty(DType dt, int ndim, const int64_t *sizes, Err *err) {
    int64_t strides[TSI_MAX_DIM] = {0};
    if (ndim < 0 || ndim > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_VALUE, "tensors of rank %d are not supported (limit %d)", ndim,
                TSI_MAX_DIM);
        return NULL;
    }
    contiguous_strides(ndim, sizes, strides);
    return tensor_empty_strided(dt, ndim, sizes, strides, err);
}

Tensor *tensor_empty_like(const Tensor *t, DType dt, Err *err) {
    if (tensor_is_non_overlapping_and_dense(t))
        return tensor_empty_strided(dt, t->ndim, t->sizes, t->strides, err);
    return tensor_empty(dt, t->ndim, t->sizes, err);
}

Tensor *tensor_full(DType dt, int ndim, const int64_t *sizes, Scalar v, Err *err) {
    Tensor *t = tensor_empty(dt, ndim, sizes, err);
    if (!t)
        return NULL;
    Tensor *s = tensor_scalar(v, dt, err);
    if (!s || tensor_copy_(t, s, err)) {
        tensor_release(s);
        tensor_release(t);
        return NULL;
    }
    tensor_release(s);
    return t;
}

Tensor *tensor_scalar(Scalar v, DType dt, Err *err) {
    Tensor *t = tensor_empty(dt, 0, NULL, err);
    if (t)
        tensor_set(t, NULL, v);
    return t;
}

Tensor *tensor_wrap_scalar(Scalar v, Err *err) {
    Tensor *t = tensor_scalar(v, scalar_dtype(v), err);
    if (t)
        t->wrapped_number = true;
    return t;
}

Tensor *tensor_from_storage(Storage *s, DType dt, int64_t offset, int ndim, const int64_t *sizes,
                            const int64_t *strides, Err *err) {
    if (!dtype_valid(dt)) {
        err_set(err, TSI_ERR_FORMAT, "invalid dtype code %d", (int)dt);
        return NULL;
    }
    if (ndim < 0 || ndim > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_FORMAT, "tensor rank %d out of range (limit %d)", ndim, TSI_MAX_DIM);
        return NULL;
    }
    if (offset < 0 || checked_numel(ndim, sizes) < 0) {
        err_set(err, TSI_ERR_FORMAT, "invalid tensor geometry (negative offset or size)");
        return NULL;
    }
    int64_t extent;
    if (!view_extent(offset, ndim, sizes, strides, &extent)) {
        err_set(err, TSI_ERR_FORMAT, "invalid tensor geometry (negative stride or overflow)");
        return NULL;
    }
    size_t esize = dtype_size(dt), need;
    if (extent == 0)
        extent = offset; /* empty tensor: only the offset must be in range */
    if (mul_overflows((size_t)extent, esize, &need) || need > s->nbytes) {
        err_set(err, TSI_ERR_FORMAT,
                "tensor view needs %lld elements of %zu bytes but its storage has %zu bytes",
                (long long)extent, esize, s->nbytes);
        return NULL;
    }
    Tensor *t = tensor_alloc_header(err);
    if (!t)
        return NULL;
    storage_retain(s);
    t->storage = s;
    t->dtype = dt;
    t->offset = offset;
    t->ndim = ndim;
    copy_dims(t->sizes, sizes, ndim);
    copy_dims(t->strides, strides, ndim);
    return t;
}

Tensor *tensor_make_view(const Tensor *t, int ndim, const int64_t *sizes, const int64_t *strides,
                         int64_t offset, Err *err) {
    if (ndim < 0 || ndim > TSI_MAX_DIM) {
        err_set(err, TSI_ERR_VALUE, "tensors of rank %d are not supported (limit %d)", ndim,
                TSI_MAX_DIM);
        return NULL;
    }
    Tensor *v = tensor_alloc_header(err);
    if (!v)
        return NULL;
    storage_retain(t->storage);
    v->storage = t->storage;
    v->dtype = t->dtype;
    v->offset = offset;
    v->ndim = ndim;
    v->requires_grad = t->requires_grad;
    copy_dims(v->sizes, sizes, ndim);
    copy_dims(v->strides, strides, ndim);
    return v;
}

Tensor *tensor_alias(const Tensor *t, Err *err) {
    return tensor_make_view(t, t->ndim, t->sizes, t->strides, t->offset, err);
}

int64_t tensor_numel(const Tensor *t) {
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= t->sizes[i];
    return n;
}

size_t tensor_nbytes(const Tensor *t) { return (size_t)tensor_numel(t) * dtype_size(t->dtype); }

bool tensor_is_contiguous(const Tensor *t) {
    int64_t expected = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->sizes[i] == 0)
            return true;
        if (t->sizes[i] != 1 && t->strides[i] != expected)
            return false;
        expected *= t->sizes[i];
    }
    return true;
}

bool tensor_is_non_overlapping_and_dense(const Tensor *t) {
    if (t->ndim == 1)
        return t->sizes[0] < 2 || t->strides[0] == 1;
    if (tensor_is_contiguous(t))
        return true;
    /* Sort dims by stride (size-1 dims last) and check they tile densely. */
    int perm[TSI_MAX_DIM];
    for (int i = 0; i < t->ndim; i++)
        perm[i] = i;
    for (int i = 1; i < t->ndim; i++)
        for (int j = i; j > 0; j--) {
            int a = perm[j - 1], b = perm[j];
            bool a_after = t->sizes[a] < 2 ? t->sizes[b] >= 2 : (t->sizes[b] >= 2 && t->strides[a] > t->strides[b]);
            if (!a_after)
                break;
            perm[j - 1] = b;
            perm[j] = a;
        }
    int64_t expected = 1;
    for (int i = 0; i < t->ndim; i++) {
        int d = perm[i];
        if (t->sizes[d] == 1)
            continue;
        if (t->strides[d] != expected)
            return false;
        expected *= t->sizes[d];
    }
    return true;
}

void *tensor_data(const Tensor *t) {
    return (char *)t->storage->data + (size_t)t->offset * dtype_size(t->dtype);
}

void *tensor_element_ptr(const Tensor *t, const int64_t *index) {
    int64_t off = 0;
    for (int i = 0; i < t->ndim; i++)
        off += index[i] * t->strides[i];
    return (char *)tensor_data(t) + off * (int64_t)dtype_size(t->dtype);
}

/* ------------------------------------------------------ element access */

Scalar tensor_get(const Tensor *t, const int64_t *index) {
    const void *p = tensor_element_ptr(t, index);
    switch (t->dtype) {
    case TSI_DTYPE_BOOL: return scalar_bool(*(const bool *)p);
    case TSI_DTYPE_UINT8: return scalar_int(*(const uint8_t *)p);
    case TSI_DTYPE_INT8: return scalar_int(*(const int8_t *)p);
    case TSI_DTYPE_INT16: return scalar_int(*(const int16_t *)p);
    case TSI_DTYPE_INT32: return scalar_int(*(const int32_t *)p);
    case TSI_DTYPE_INT64: return scalar_int(*(const int64_t *)p);
    case TSI_DTYPE_FLOAT16: return scalar_float(half_to_float(*(const uint16_t *)p));
    case TSI_DTYPE_BFLOAT16: return scalar_float(bf16_to_float(*(const uint16_t *)p));
    case TSI_DTYPE_FLOAT32: return scalar_float(*(const float *)p);
    case TSI_DTYPE_FLOAT64: return scalar_float(*(const double *)p);
    default: return scalar_int(0);
    }
}

void tensor_set(Tensor *t, const int64_t *index, Scalar v) {
    void *p = tensor_element_ptr(t, index);
    switch (t->dtype) {
    case TSI_DTYPE_BOOL:
        *(bool *)p = v.kind == SCALAR_FLOAT ? v.f != 0 : scalar_to_int64(v) != 0;
        break;
    case TSI_DTYPE_UINT8: *(uint8_t *)p = (uint8_t)scalar_to_int64(v); break;
    case TSI_DTYPE_INT8: *(int8_t *)p = (int8_t)scalar_to_int64(v); break;
    case TSI_DTYPE_INT16: *(int16_t *)p = (int16_t)scalar_to_int64(v); break;
    case TSI_DTYPE_INT32: *(int32_t *)p = (int32_t)scalar_to_int64(v); break;
    case TSI_DTYPE_INT64: *(int64_t *)p = scalar_to_int64(v); break;
    case TSI_DTYPE_FLOAT16: *(uint16_t *)p = float_to_half((float)scalar_to_double(v)); break;
    case TSI_DTYPE_BFLOAT16: *(uint16_t *)p = float_to_bf16((float)scalar_to_double(v)); break;
    case TSI_DTYPE_FLOAT32: *(float *)p = (float)scalar_to_double(v); break;
    case TSI_DTYPE_FLOAT64: *(double *)p = scalar_to_double(v); break;
    default: break;
    }
}

int tensor_item(const Tensor *t, Scalar *out, Err *err) {
    if (tensor_numel(t) != 1)
        return err_set(err, TSI_ERR_VALUE,
                       "a Tensor with %lld elements cannot be converted to Scalar",
                       (long long)tensor_numel(t));
    int64_t zero[TSI_MAX_DIM] = {0};
    *out = tensor_get(t, zero);
    return TSI_OK;
}

/* ------------------------------------------------------ shape helpers */

int broadcast_shapes(int na, const int64_t *a, int nb, const int64_t *b, int *nout, int64_t *out,
                     Err *err) {
    /* torch's infer_size: scan from the last dimension, so an error names
     * the rightmost mismatch as torch's does */
    int n = na > nb ? na : nb;
    int64_t tmp[TSI_MAX_DIM];
    for (int i = n - 1; i >= 0; i--) {
        int ia = na - n + i, ib = nb - n + i;
        int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
        if (sa == sb || sb == 1)
            tmp[i] = sa;
        else if (sa == 1)
            tmp[i] = sb;
        else
            return err_set(err, TSI_ERR_VALUE,
                           "The size of tensor a (%lld) must match the size of tensor b (%lld) "
                           "at non-singleton dimension %d",
                           (long long)sa, (long long)sb, i);
    }
    copy_dims(out, tmp, n);
    *nout = n;
    return TSI_OK;
}

void shape_format(StrBuf *sb, int ndim, const int64_t *sizes) {
    sb_putc(sb, '[');
    for (int i = 0; i < ndim; i++)
        sb_printf(sb, "%s%lld", i ? ", " : "", (long long)sizes[i]);
    sb_putc(sb, ']');
}

/* Exact comparison, elementwise in double (exact for every supported dtype
 * except int64 beyond 2^53, which is compared as integers). */
bool tensor_equal(const Tensor *a, const Tensor *b) {
    if (a->ndim != b->ndim || a->dtype != b->dtype)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->sizes[i] != b->sizes[i])
            return false;
    int64_t n = tensor_numel(a);
    int64_t idx[TSI_MAX_DIM] = {0};
    for (int64_t k = 0; k < n; k++) {
        Scalar x = tensor_get(a, idx), y = tensor_get(b, idx);
        if (x.kind == SCALAR_FLOAT ? !(x.f == y.f) : scalar_to_int64(x) != scalar_to_int64(y))
            return false;
        for (int d = a->ndim - 1; d >= 0; d--) {
            if (++idx[d] < a->sizes[d])
                break;
            idx[d] = 0;
        }
    }
    return true;
}
