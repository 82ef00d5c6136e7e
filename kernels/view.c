/*
 * view.c: shape operations that return views — tensors sharing their
 * input's storage with new sizes, strides and storage offset, computed as
 * torch computes them (view, reshape, flatten, permute, transpose, expand,
 * squeeze, unsqueeze, slice, select, narrow, diagonal, as_strided, and the
 * splitting ops unbind/chunk/split). Only reshape copies, and only where
 * torch does.
 */
#include "kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/* The status of a failure already reported in err (which may be NULL). */
static int err_code(const Err *err) { return err && err->code ? err->code : TSI_ERR_RUNTIME; }

int kern_wrap_dim(int64_t dim, int64_t ndim, bool wrap_scalar, int64_t *out, Err *err) {
    if (ndim <= 0) {
        if (!wrap_scalar)
            return err_set(err, TSI_ERR_INDEX,
                           "Dimension specified as %lld but tensor has no dimensions",
                           (long long)dim);
        ndim = 1;
    }
    if (dim < -ndim || dim >= ndim)
        return err_set(err, TSI_ERR_INDEX,
                       "Dimension out of range (expected to be in range of [%lld, %lld], but "
                       "got %lld)",
                       (long long)-ndim, (long long)(ndim - 1), (long long)dim);
    *out = dim < 0 ? dim + ndim : dim;
    return TSI_OK;
}

/* torch's self.size(dim): the dim wraps, but a 0-d tensor has no sizes. */
static int dim_size(const Tensor *t, int64_t dim, int64_t *wrapped, int64_t *size, Err *err) {
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, false, &d, err))
        return err_code(err);
    if (wrapped)
        *wrapped = d;
    *size = t->sizes[d];
    return TSI_OK;
}

static int check_rank(int n, Err *err) {
    if (n < 0 || n > TSI_MAX_DIM)
        return err_set(err, TSI_ERR_UNSUPPORTED, "tensors of rank %d are not supported (limit %d)",
                       n, TSI_MAX_DIM);
    return TSI_OK;
}

/* Set err to a message with an int list in it: prefix LIST suffix. */
static int err_with_list(Err *err, int code, const char *prefix, int n, const int64_t *list,
                         const char *suffix) {
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, prefix);
    shape_format(&sb, n, list);
    sb_puts(&sb, suffix);
    err_set(err, code, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
    sb_free(&sb);
    return code;
}

int kern_infer_size(int n, const int64_t *shape, int64_t numel, int64_t *out, Err *err) {
    int64_t newsize = 1;
    int infer = -1;
    bool overflow = false;
    for (int i = 0; i < n; i++) {
        if (shape[i] == -1) {
            if (infer >= 0)
                return err_set(err, TSI_ERR_VALUE, "only one dimension can be inferred");
            infer = i;
        } else if (shape[i] >= 0) {
            overflow |= mul_i64_overflows(newsize, shape[i], &newsize);
        } else {
            return err_set(err, TSI_ERR_VALUE, "invalid shape dimension %lld",
                           (long long)shape[i]);
        }
    }
    if (!overflow &&
        (numel == newsize || (infer >= 0 && newsize > 0 && numel % newsize == 0))) {
        memmove(out, shape, sizeof(int64_t) * (size_t)n);
        if (infer >= 0) {
            if (newsize == 0)
                return err_with_list(err, TSI_ERR_VALUE, "cannot reshape tensor of 0 elements into shape ",
                                     n, shape,
                                     " because the unspecified dimension size -1 can be any "
                                     "value and is ambiguous");
            out[infer] = numel / newsize;
        }
        return TSI_OK;
    }
    char suffix[64];
    snprintf(suffix, sizeof suffix, "' is invalid for input of size %lld", (long long)numel);
    return err_with_list(err, TSI_ERR_VALUE, "shape '", n, shape, suffix);
}

/*
 * torch's computeStride. Walk the old dims from the innermost, grouping them
 * into chunks that are contiguous among themselves; each chunk must be
 * covered exactly by a run of new dims, which then take strides within that
 * chunk. Size-1 new dims attach to whatever chunk is being filled.
 */
bool kern_compute_stride(int old_ndim, const int64_t *old_sizes, const int64_t *old_strides,
                         int new_ndim, const int64_t *new_sizes, int64_t *new_strides) {
    if (old_ndim == 0) {
        for (int i = 0; i < new_ndim; i++)
            new_strides[i] = 1;
        return true;
    }
    bool empty = false;
    for (int i = 0; i < old_ndim; i++)
        empty |= old_sizes[i] == 0;
    if (empty) {
        bool same = old_ndim == new_ndim &&
                    memcmp(old_sizes, new_sizes, sizeof(int64_t) * (size_t)old_ndim) == 0;
        if (same) {
            memmove(new_strides, old_strides, sizeof(int64_t) * (size_t)old_ndim);
            return true;
        }
        /* No elements: any strides do; torch picks contiguous ones. */
        for (int d = new_ndim - 1; d >= 0; d--)
            new_strides[d] = d == new_ndim - 1
                                 ? 1
                                 : (new_sizes[d + 1] > 1 ? new_sizes[d + 1] : 1) * new_strides[d + 1];
        return true;
    }
    int view_d = new_ndim - 1;
    int64_t chunk_base = old_strides[old_ndim - 1];
    int64_t tensor_numel = 1, view_numel = 1;
    for (int td = old_ndim - 1; td >= 0; td--) {
        tensor_numel *= old_sizes[td];
        if (td == 0 ||
            (old_sizes[td - 1] != 1 && old_strides[td - 1] != tensor_numel * chunk_base)) {
            while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
                new_strides[view_d] = view_numel * chunk_base;
                view_numel *= new_sizes[view_d];
                view_d--;
            }
            if (view_numel != tensor_numel)
                return false;
            if (td > 0) {
                chunk_base = old_strides[td - 1];
                tensor_numel = 1;
                view_numel = 1;
            }
        }
    }
    return view_d == -1;
}

/* ----------------------------------------------------- view, reshape */

Tensor *kern_view(const Tensor *t, const int64_t *sizes, int n, Err *err) {
    int64_t shape[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    if (check_rank(n, err) || kern_infer_size(n, sizes, tensor_numel(t), shape, err))
        return NULL;
    if (!kern_compute_stride(t->ndim, t->sizes, t->strides, n, shape, strides)) {
        err_set(err, TSI_ERR_VALUE,
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        return NULL;
    }
    return tensor_make_view(t, n, shape, strides, t->offset, err);
}

Tensor *kern_reshape(const Tensor *t, const int64_t *sizes, int n, Err *err) {
    int64_t shape[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    if (check_rank(n, err) || kern_infer_size(n, sizes, tensor_numel(t), shape, err))
        return NULL;
    if (kern_compute_stride(t->ndim, t->sizes, t->strides, n, shape, strides))
        return tensor_make_view(t, n, shape, strides, t->offset, err);
    /* No view exists: copy into a contiguous tensor and view that. */
    Tensor *c = tensor_empty(t->dtype, t->ndim, t->sizes, err);
    if (!c)
        return NULL;
    if (tensor_copy_(c, t, err)) {
        tensor_release(c);
        return NULL;
    }
    contiguous_strides(n, shape, strides);
    Tensor *r = tensor_make_view(c, n, shape, strides, 0, err);
    tensor_release(c);
    return r;
}

Tensor *kern_flatten(const Tensor *t, int64_t start, int64_t end, Err *err) {
    int64_t s, e;
    if (kern_wrap_dim(start, t->ndim, true, &s, err) || kern_wrap_dim(end, t->ndim, true, &e, err))
        return NULL;
    if (s > e) {
        err_set(err, TSI_ERR_VALUE,
                "flatten() has invalid args: start_dim cannot come after end_dim");
        return NULL;
    }
    if (t->ndim == 0) {
        int64_t one = 1;
        return kern_reshape(t, &one, 1, err);
    }
    if (s == e) {
        tensor_retain((Tensor *)t);
        return (Tensor *)t;
    }
    int64_t shape[TSI_MAX_DIM];
    int n = 0;
    for (int64_t d = 0; d < s; d++)
        shape[n++] = t->sizes[d];
    int64_t prod = 1;
    for (int64_t d = s; d <= e; d++)
        if (mul_i64_overflows(prod, t->sizes[d], &prod)) {
            /* only an empty tensor can have such sizes */
            err_set(err, TSI_ERR_VALUE, "flatten(): flattened size overflows int64");
            return NULL;
        }
    shape[n++] = prod;
    for (int64_t d = e + 1; d < t->ndim; d++)
        shape[n++] = t->sizes[d];
    return kern_reshape(t, shape, n, err);
}

/* ------------------------------------------------ permute, transpose */

Tensor *kern_permute(const Tensor *t, const int64_t *dims, int n, Err *err) {
    if (n != t->ndim) {
        err_set(err, TSI_ERR_VALUE,
                "permute(sparse_coo): number of dimensions in the tensor input does not match "
                "the length of the desired ordering of dimensions i.e. input.dim() = %d is not "
                "equal to len(dims) = %d",
                t->ndim, n);
        return NULL;
    }
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    bool seen[TSI_MAX_DIM] = {false};
    for (int i = 0; i < n; i++) {
        int64_t d = 0;
        if (kern_wrap_dim(dims[i], n, true, &d, err))
            return NULL;
        if (seen[d]) {
            err_set(err, TSI_ERR_VALUE, "permute(): duplicate dims are not allowed.");
            return NULL;
        }
        seen[d] = true;
        sizes[i] = t->sizes[d];
        strides[i] = t->strides[d];
    }
    return tensor_make_view(t, n, sizes, strides, t->offset, err);
}

Tensor *kern_transpose(const Tensor *t, int64_t d0, int64_t d1, Err *err) {
    int64_t a, b;
    if (kern_wrap_dim(d0, t->ndim, true, &a, err) || kern_wrap_dim(d1, t->ndim, true, &b, err))
        return NULL;
    Tensor *r = tensor_alias(t, err);
    if (r && a != b) {
        int64_t sz = r->sizes[a], st = r->strides[a];
        r->sizes[a] = r->sizes[b];
        r->strides[a] = r->strides[b];
        r->sizes[b] = sz;
        r->strides[b] = st;
    }
    return r;
}

Tensor *kern_t(const Tensor *t, Err *err) {
    if (t->ndim > 2) {
        err_set(err, TSI_ERR_VALUE, "t() expects a tensor with <= 2 dimensions, but self is %dD",
                t->ndim);
        return NULL;
    }
    return kern_transpose(t, 0, t->ndim < 2 ? 0 : 1, err);
}

/* -------------------------------------------------------------- expand */

/* torch's legacy type name used in expand's message ("torch.FloatTensor";
 * bool and bfloat16 have no legacy class and print the backend type). */
static void legacy_type_name(StrBuf *sb, DType dt) {
    if (dt == TSI_DTYPE_BOOL || dt == TSI_DTYPE_BFLOAT16)
        sb_printf(sb, "CPU%sType", dtype_prefix(dt));
    else
        sb_printf(sb, "torch.%sTensor", dtype_prefix(dt));
}

Tensor *kern_expand(const Tensor *t, const int64_t *sizes, int n, Err *err) {
    if (check_rank(n, err))
        return NULL;
    if (n < t->ndim) {
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, "expand(");
        legacy_type_name(&sb, t->dtype);
        sb_putc(&sb, '{');
        shape_format(&sb, t->ndim, t->sizes);
        sb_puts(&sb, "}, size=");
        shape_format(&sb, n, sizes);
        sb_printf(&sb,
                  "): the number of sizes provided (%d) must be greater or equal to the number "
                  "of dimensions in the tensor (%d)",
                  n, t->ndim);
        err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
        sb_free(&sb);
        return NULL;
    }
    int64_t es[TSI_MAX_DIM], est[TSI_MAX_DIM];
    if (t->ndim == 0) {
        /* A 0-d tensor takes the sizes as given, every stride 0. */
        for (int i = 0; i < n; i++) {
            es[i] = sizes[i];
            est[i] = 0;
        }
    }
    for (int i = n - 1; i >= 0 && t->ndim > 0; i--) {
        int d = t->ndim - n + i;
        int64_t size = d >= 0 ? t->sizes[d] : 1;
        int64_t stride = d >= 0 ? t->strides[d] : es[i + 1] * est[i + 1];
        int64_t target = sizes[i];
        if (target == -1) {
            if (d < 0) {
                err_set(err, TSI_ERR_VALUE,
                        "The expanded size of the tensor (-1) isn't allowed in a leading, "
                        "non-existing dimension %d",
                        i);
                return NULL;
            }
            target = size;
        }
        if (size != target) {
            if (size != 1) {
                StrBuf sb;
                sb_init(&sb);
                sb_printf(&sb,
                          "The expanded size of the tensor (%lld) must match the existing size "
                          "(%lld) at non-singleton dimension %d.  Target sizes: ",
                          (long long)target, (long long)size, i);
                shape_format(&sb, n, sizes);
                sb_puts(&sb, ".  Tensor sizes: ");
                shape_format(&sb, t->ndim, t->sizes);
                err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
                sb_free(&sb);
                return NULL;
            }
            size = target;
            stride = 0;
        }
        es[i] = size;
        est[i] = stride;
    }
    for (int i = 0; i < n; i++)
        if (es[i] < 0) {
            /* torch lets the size through and fails counting elements */
            err_set(err, TSI_ERR_VALUE, "numel: integer multiplication overflow");
            return NULL;
        }
    return tensor_make_view(t, n, es, est, t->offset, err);
}

Tensor *kern_expand_as(const Tensor *t, const Tensor *other, Err *err) {
    return kern_expand(t, other->sizes, other->ndim, err);
}

/* ------------------------------------------------- squeeze, unsqueeze */

Tensor *kern_squeeze(const Tensor *t, Err *err) {
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = 0;
    for (int d = 0; d < t->ndim; d++)
        if (t->sizes[d] != 1) {
            sizes[n] = t->sizes[d];
            strides[n++] = t->strides[d];
        }
    return tensor_make_view(t, n, sizes, strides, t->offset, err);
}

Tensor *kern_squeeze_dim(const Tensor *t, int64_t dim, Err *err) {
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, true, &d, err))
        return NULL;
    if (t->ndim == 0 || t->sizes[d] != 1)
        return tensor_alias(t, err);
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    return tensor_make_view(t, n, sizes, strides, t->offset, err);
}

Tensor *kern_unsqueeze(const Tensor *t, int64_t dim, Err *err) {
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim + 1, true, &d, err) || check_rank(t->ndim + 1, err))
        return NULL;
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = 0;
    for (int i = 0; i <= t->ndim; i++) {
        if (i == d) {
            sizes[n] = 1;
            strides[n++] = d >= t->ndim ? 1 : t->sizes[d] * t->strides[d];
        }
        if (i < t->ndim) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    }
    return tensor_make_view(t, n, sizes, strides, t->offset, err);
}

/* ------------------------------------------- slice, select, narrow */

Tensor *kern_slice(const Tensor *t, int64_t dim, const int64_t *start, const int64_t *end,
                   int64_t step, Err *err) {
    if (t->ndim == 0) {
        err_set(err, TSI_ERR_INDEX, "slice() cannot be applied to a 0-dim tensor.");
        return NULL;
    }
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, true, &d, err))
        return NULL;
    if (step <= 0) {
        err_set(err, TSI_ERR_VALUE, "slice step must be positive");
        return NULL;
    }
    int64_t size = t->sizes[d];
    int64_t s = start ? *start : 0, e = end ? *end : INT64_MAX;
    if (s < 0)
        s += size;
    if (e < 0)
        e += size;
    if (s < 0)
        s = 0;
    else if (s >= size)
        s = size;
    if (e < s)
        e = s;
    else if (e >= size)
        e = size;
    int64_t len = e - s, stride;
    if (mul_i64_overflows(t->strides[d], step, &stride)) {
        /* torch's stride wraps around here; refuse instead */
        err_set(err, TSI_ERR_VALUE, "slice step %lld is too large for stride %lld",
                (long long)step, (long long)t->strides[d]);
        return NULL;
    }
    Tensor *r = tensor_alias(t, err);
    if (!r)
        return NULL;
    r->offset = t->offset + s * t->strides[d];
    r->sizes[d] = len == 0 ? 0 : (len - 1) / step + 1;
    r->strides[d] = stride;
    return r;
}

Tensor *kern_select(const Tensor *t, int64_t dim, int64_t index, Err *err) {
    if (t->ndim == 0) {
        err_set(err, TSI_ERR_INDEX, "select() cannot be applied to a 0-dim tensor.");
        return NULL;
    }
    int64_t d = 0;
    if (kern_wrap_dim(dim, t->ndim, true, &d, err))
        return NULL;
    int64_t size = t->sizes[d];
    if (index < -size || index >= size) {
        char prefix[80], suffix[48];
        snprintf(prefix, sizeof prefix, "select(): index %lld out of range for tensor of size ",
                 (long long)index);
        snprintf(suffix, sizeof suffix, " at dimension %lld", (long long)d);
        err_with_list(err, TSI_ERR_INDEX, prefix, t->ndim, t->sizes, suffix);
        return NULL;
    }
    if (index < 0)
        index += size;
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    return tensor_make_view(t, n, sizes, strides, t->offset + index * t->strides[d], err);
}

Tensor *kern_narrow(const Tensor *t, int64_t dim, int64_t start, int64_t length, Err *err) {
    if (t->ndim == 0) {
        err_set(err, TSI_ERR_VALUE, "narrow() cannot be applied to a 0-dim tensor.");
        return NULL;
    }
    int64_t size = 0;
    if (dim_size(t, dim, NULL, &size, err))
        return NULL;
    /* start == size is a valid (empty) start though not a valid index */
    if (start != size && kern_wrap_dim(start, size, true, &start, err))
        return NULL;
    if (length < 0 || start > size - length) {
        err_set(err, TSI_ERR_VALUE, "start (%lld) + length (%lld) exceeds dimension size (%lld).",
                (long long)start, (long long)length, (long long)size);
        return NULL;
    }
    int64_t end = start + length;
    return kern_slice(t, dim, &start, &end, 1, err);
}

Tensor *kern_diagonal(const Tensor *t, int64_t offset, int64_t dim1, int64_t dim2, Err *err) {
    int64_t d1, d2;
    if (kern_wrap_dim(dim1, t->ndim, true, &d1, err) ||
        kern_wrap_dim(dim2, t->ndim, true, &d2, err))
        return NULL;
    if (d1 == d2) {
        err_set(err, TSI_ERR_VALUE, "diagonal dimensions cannot be identical %lld, %lld",
                (long long)dim1, (long long)dim2);
        return NULL;
    }
    int64_t s1 = t->sizes[d1], s2 = t->sizes[d2], diag;
    if (offset >= 0)
        diag = s1 < s2 - offset ? s1 : s2 - offset;
    else
        diag = s1 + offset < s2 ? s1 + offset : s2;
    if (diag < 0)
        diag = 0;
    int64_t off = t->offset;
    if (diag > 0)
        off += offset >= 0 ? offset * t->strides[d2] : -offset * t->strides[d1];
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int n = 0;
    for (int i = 0; i < t->ndim; i++)
        if (i != d1 && i != d2) {
            sizes[n] = t->sizes[i];
            strides[n++] = t->strides[i];
        }
    sizes[n] = diag;
    strides[n++] = t->strides[d1] + t->strides[d2];
    return tensor_make_view(t, n, sizes, strides, off, err);
}

/* ---------------------------------------------------------- as_strided */

Tensor *kern_as_strided(const Tensor *t, int n, const int64_t *sizes, const int64_t *strides,
                        const int64_t *offset, Err *err) {
    if (check_rank(n, err))
        return NULL;
    for (int i = 0; i < n; i++)
        if (strides[i] < 0) {
            err_with_list(err, TSI_ERR_VALUE,
                          "as_strided: Negative strides are not supported at the moment, got "
                          "strides: ",
                          n, strides, "");
            return NULL;
        }
    int64_t off = offset ? *offset : t->offset;
    /* torch's computeStorageNbytes, in unsigned arithmetic as there: a
     * negative size reads as huge and overflows. */
    uint64_t esize = dtype_size(t->dtype), need = 1;
    bool overflow = false, empty = false;
    for (int i = 0; i < n; i++) {
        if (sizes[i] == 0) {
            empty = true;
            break;
        }
        uint64_t a = (uint64_t)strides[i], b = (uint64_t)sizes[i] - 1, step;
        overflow |= b != 0 && a > UINT64_MAX / b;
        step = a * b;
        overflow |= need > UINT64_MAX - step;
        need += step;
    }
    if (!empty) {
        overflow |= need > (uint64_t)INT64_MAX / esize;
        need *= esize;
    }
    for (int i = 0; i < n; i++)
        overflow |= sizes[i] < 0;
    if (overflow) {
        StrBuf sb;
        sb_init(&sb);
        sb_puts(&sb, "Storage size calculation overflowed with sizes=");
        shape_format(&sb, n, sizes);
        sb_puts(&sb, " and strides=");
        shape_format(&sb, n, strides);
        err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
        sb_free(&sb);
        return NULL;
    }
    if (!empty) {
        /* the view must lie inside the storage */
        int64_t total, off_bytes;
        bool bad = mul_i64_overflows(off, (int64_t)esize, &off_bytes) ||
                   add_i64_overflows((int64_t)need, off_bytes, &total);
        if (bad || (total > 0 && (uint64_t)total > t->storage->nbytes)) {
            StrBuf sb;
            sb_init(&sb);
            sb_puts(&sb, "setStorage: sizes ");
            shape_format(&sb, n, sizes);
            sb_puts(&sb, ", strides ");
            shape_format(&sb, n, strides);
            sb_printf(&sb, ", storage offset %lld, and itemsize %llu", (long long)off,
                      (unsigned long long)esize);
            if (bad)
                sb_puts(&sb, " requiring a storage size beyond 2^63 bytes");
            else
                sb_printf(&sb, " requiring a storage size of %lld", (long long)total);
            sb_printf(&sb, " are out of bounds for storage of size %zu", t->storage->nbytes);
            err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "out of memory" : sb_cstr(&sb));
            sb_free(&sb);
            return NULL;
        }
    }
    if (off < 0) {
        err_set(err, TSI_ERR_VALUE, "Tensor: invalid storage offset %lld", (long long)off);
        return NULL;
    }
    return tensor_make_view(t, n, sizes, strides, off, err);
}

/* ------------------------------------------------- several results */

void kern_tensor_array_free(TensorArray *a) {
    if (!a)
        return;
    for (int64_t i = 0; i < a->len; i++)
        tensor_release(a->data[i]);
    free(a->data);
    a->data = NULL;
    a->len = 0;
}

static int array_alloc(TensorArray *out, int64_t n, Err *err) {
    out->data = NULL;
    out->len = 0;
    if (n > 0) {
        out->data = xcalloc((size_t)n, sizeof(Tensor *));
        if (!out->data)
            return err_nomem(err);
    }
    return TSI_OK;
}

int kern_unbind(const Tensor *t, int64_t dim, TensorArray *out, Err *err) {
    int64_t d = 0, size = 0;
    out->data = NULL;
    out->len = 0;
    if (kern_wrap_dim(dim, t->ndim, true, &d, err) || dim_size(t, d, NULL, &size, err) ||
        array_alloc(out, size, err))
        return err_code(err);
    for (int64_t i = 0; i < size; i++) {
        out->data[i] = kern_select(t, d, i, err);
        if (!out->data[i]) {
            kern_tensor_array_free(out);
            return err_code(err);
        }
        out->len++;
    }
    return TSI_OK;
}

int kern_split_with_sizes(const Tensor *t, int n, const int64_t *split_sizes, int64_t dim,
                          TensorArray *out, Err *err) {
    out->data = NULL;
    out->len = 0;
    if (t->ndim == 0)
        return err_set(err, TSI_ERR_VALUE, "split expects at least a 1-dimensional tensor");
    int64_t d = 0, size = 0;
    if (dim_size(t, dim, &d, &size, err) || array_alloc(out, n, err))
        return err_code(err);
    int64_t start = 0;
    bool overflow = false;
    for (int i = 0; i < n; i++) {
        int64_t len = split_sizes[i];
        if (len < 0) {
            kern_tensor_array_free(out);
            return err_with_list(err, TSI_ERR_VALUE,
                                 "split_with_sizes expects split_sizes have only non-negative "
                                 "entries, but got split_sizes=",
                                 n, split_sizes, "");
        }
        int64_t end;
        overflow |= add_i64_overflows(start, len, &end);
        out->data[i] = kern_slice(t, d, &start, &end, 1, err);
        if (!out->data[i]) {
            kern_tensor_array_free(out);
            return err_code(err);
        }
        out->len++;
        start = end;
    }
    if (overflow || start != size) {
        kern_tensor_array_free(out);
        char prefix[160];
        snprintf(prefix, sizeof prefix,
                 "split_with_sizes expects split_sizes to sum exactly to %lld (input tensor's "
                 "size at dimension %lld), but got split_sizes=",
                 (long long)size, (long long)dim);
        return err_with_list(err, TSI_ERR_VALUE, prefix, n, split_sizes, "");
    }
    return TSI_OK;
}

int kern_split(const Tensor *t, int64_t split_size, int64_t dim, TensorArray *out, Err *err) {
    out->data = NULL;
    out->len = 0;
    if (t->ndim == 0)
        return err_set(err, TSI_ERR_VALUE, "split expects at least a 1-dimensional tensor");
    if (split_size < 0)
        return err_set(err, TSI_ERR_VALUE,
                       "split expects split_size be non-negative, but got split_size=%lld",
                       (long long)split_size);
    int64_t d = 0, size = 0;
    if (dim_size(t, dim, &d, &size, err))
        return err_code(err);
    if (split_size == 0 && size != 0)
        return err_set(err, TSI_ERR_VALUE,
                       "split_size can only be 0 if dimension size is 0, but got dimension size "
                       "of %lld",
                       (long long)size);
    /* at least one piece, also when split_size exceeds the size */
    int64_t n = split_size == 0 || size == 0 ? 1 : (size - 1) / split_size + 1;
    if (array_alloc(out, n, err))
        return err_code(err);
    for (int64_t i = 0; i < n; i++) {
        int64_t start = i * split_size;
        int64_t len = i < n - 1 ? split_size : size - start;
        out->data[i] = kern_narrow(t, d, start, len, err);
        if (!out->data[i]) {
            kern_tensor_array_free(out);
            return err_code(err);
        }
        out->len++;
    }
    return TSI_OK;
}

int kern_chunk(const Tensor *t, int64_t chunks, int64_t dim, TensorArray *out, Err *err) {
    out->data = NULL;
    out->len = 0;
    if (t->ndim == 0)
        return err_set(err, TSI_ERR_VALUE, "chunk expects at least a 1-dimensional tensor");
    if (chunks <= 0)
        return err_set(err, TSI_ERR_VALUE,
                       "chunk expects `chunks` to be greater than 0, got: %lld",
                       (long long)chunks);
    int64_t d = 0, size = 0;
    if (dim_size(t, dim, &d, &size, err))
        return err_code(err);
    int64_t split_size = size == 0 ? 0 : (size - 1) / chunks + 1;
    if (size != 0)
        return kern_split(t, split_size, d, out, err);
    /* An empty dim splits into `chunks` empty pieces. */
    if (chunks > INT32_MAX)
        return err_set(err, TSI_ERR_LIMIT, "chunk: too many chunks (%lld)", (long long)chunks);
    int64_t *zeros = xcalloc((size_t)chunks, sizeof(int64_t));
    if (!zeros)
        return err_nomem(err);
    int rc = kern_split_with_sizes(t, (int)chunks, zeros, d, out, err);
    free(zeros);
    return rc;
}
