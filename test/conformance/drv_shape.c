/*
 * drv_shape.c: kernel-driver adapters for the shape kernels (kernels/view.c,
 * kernels/join.c).
 *
 * Every op writes two results so the tests can check layout as well as
 * values:
 *   single-result ops: OUT.0 = the result; OUT.1 = its geometry, an int64
 *     vector [shares_storage, offset, sizes..., strides...], where
 *     shares_storage is 1 when the result views the first tensor argument's
 *     storage;
 *   several-result ops (unbind, chunk, split*): OUT.0 = every piece
 *     flattened and joined into one 1-d tensor; OUT.1 = an int64 matrix with
 *     one geometry row per piece.
 *
 * Argument forms (see kdriver.h): lists are l:..., optional ints are i:N or n.
 */
#include "kdriver.h"

#include <stdlib.h>
#include <string.h>

/* Write a geometry row for r (relative to input `in`) into row. */
static void geometry_row(const Tensor *r, const Tensor *in, int64_t *row) {
    row[0] = r->storage == in->storage;
    row[1] = r->offset;
    for (int i = 0; i < r->ndim; i++) {
        row[2 + i] = r->sizes[i];
        row[2 + r->ndim + i] = r->strides[i];
    }
}

/* Push result r (owned; NULL = failed) and its geometry. */
static int push_with_geometry(DOut *out, Tensor *r, const Tensor *in, Err *err) {
    if (!r)
        return err->code ? err->code : TSI_ERR_RUNTIME;
    int64_t n = 2 + 2 * (int64_t)r->ndim;
    Tensor *g = tensor_empty(TSI_DTYPE_INT64, 1, &n, err);
    if (g)
        geometry_row(r, in, tensor_data(g));
    int rc = drv_push(out, r, err);
    if (rc) {
        tensor_release(g);
        return rc;
    }
    return drv_push(out, g, err);
}

/* Push the pieces of a TensorArray (consumed) as values + geometry matrix. */
static int push_pieces(DOut *out, TensorArray *a, const Tensor *in, Err *err) {
    int nd = a->len ? a->data[0]->ndim : 0;
    int64_t total = 0;
    for (int64_t i = 0; i < a->len; i++)
        total += tensor_numel(a->data[i]);
    int64_t gs[2] = {a->len, 2 + 2 * (int64_t)nd};
    Tensor *vals = tensor_empty(in->dtype, 1, &total, err);
    Tensor *g = vals ? tensor_empty(TSI_DTYPE_INT64, 2, gs, err) : NULL;
    int rc = g ? TSI_OK : err->code;
    int64_t off = 0;
    for (int64_t i = 0; i < a->len && !rc; i++) {
        const Tensor *p = a->data[i];
        if (p->ndim != nd) {
            rc = err_set(err, TSI_ERR_RUNTIME, "pieces differ in rank");
            break;
        }
        geometry_row(p, in, (int64_t *)tensor_data(g) + i * gs[1]);
        int64_t n = tensor_numel(p);
        if (n == 0)
            continue;
        /* a 1-d window of vals, filled from the piece viewed as 1-d */
        Tensor *flat = tensor_contiguous(p, err);
        Tensor *window = NULL;
        if (flat) {
            int64_t one = 1;
            window = tensor_make_view(vals, 1, &n, &one, off, err);
        }
        Tensor *src = flat ? tensor_make_view(flat, 1, &n, (int64_t[]){1}, flat->offset, err)
                           : NULL;
        rc = window && src ? tensor_copy_(window, src, err) : err->code;
        tensor_release(src);
        tensor_release(window);
        tensor_release(flat);
        off += n;
    }
    kern_tensor_array_free(a);
    if (!rc)
        rc = drv_push(out, vals, err);
    else
        tensor_release(vals);
    if (!rc)
        return drv_push(out, g, err);
    tensor_release(g);
    return rc;
}

static int want(const DArg *a, int i, DArgKind k, Err *err) { return drv_expect(&a[i], k, i, err); }

/* An optional int: i:N or n (None). */
static int opt_int(const DArg *a, int i, const int64_t **p, Err *err) {
    if (a[i].kind == DA_NONE) {
        *p = NULL;
        return TSI_OK;
    }
    if (want(a, i, DA_INT, err))
        return err->code;
    *p = &a[i].i;
    return TSI_OK;
}

/* ------------------------------------------------------------- views */

static int op_view(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err))
        return err->code;
    return push_with_geometry(out, kern_view(a[0].t, a[1].list, a[1].nlist, err), a[0].t, err);
}

static int op_reshape(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err))
        return err->code;
    return push_with_geometry(out, kern_reshape(a[0].t, a[1].list, a[1].nlist, err), a[0].t,
                              err);
}

static int op_flatten(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_flatten(a[0].t, a[1].i, a[2].i, err), a[0].t, err);
}

static int op_permute(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err))
        return err->code;
    return push_with_geometry(out, kern_permute(a[0].t, a[1].list, a[1].nlist, err), a[0].t,
                              err);
}

static int op_transpose(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_transpose(a[0].t, a[1].i, a[2].i, err), a[0].t, err);
}

static int op_t(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err))
        return err->code;
    return push_with_geometry(out, kern_t(a[0].t, err), a[0].t, err);
}

static int op_expand(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err))
        return err->code;
    return push_with_geometry(out, kern_expand(a[0].t, a[1].list, a[1].nlist, err), a[0].t,
                              err);
}

static int op_expand_as(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_TENSOR, err))
        return err->code;
    return push_with_geometry(out, kern_expand_as(a[0].t, a[1].t, err), a[0].t, err);
}

/* squeeze(t) or squeeze(t, dim) */
static int op_squeeze(const DArg *a, int n, DOut *out, Err *err) {
    if (want(a, 0, DA_TENSOR, err) || (n > 1 && want(a, 1, DA_INT, err)))
        return err->code;
    Tensor *r = n > 1 ? kern_squeeze_dim(a[0].t, a[1].i, err) : kern_squeeze(a[0].t, err);
    return push_with_geometry(out, r, a[0].t, err);
}

static int op_unsqueeze(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_unsqueeze(a[0].t, a[1].i, err), a[0].t, err);
}

/* slice(t, dim, start|None, end|None, step) */
static int op_slice(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    const int64_t *start = NULL, *end = NULL;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || opt_int(a, 2, &start, err) ||
        opt_int(a, 3, &end, err) || want(a, 4, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_slice(a[0].t, a[1].i, start, end, a[4].i, err), a[0].t,
                              err);
}

static int op_select(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_select(a[0].t, a[1].i, a[2].i, err), a[0].t, err);
}

static int op_narrow(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err) ||
        want(a, 3, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_narrow(a[0].t, a[1].i, a[2].i, a[3].i, err), a[0].t,
                              err);
}

static int op_diagonal(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err) ||
        want(a, 3, DA_INT, err))
        return err->code;
    return push_with_geometry(out, kern_diagonal(a[0].t, a[1].i, a[2].i, a[3].i, err), a[0].t,
                              err);
}

/* as_strided(t, sizes, strides, offset|None) */
static int op_as_strided(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    const int64_t *off = NULL;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err) || want(a, 2, DA_LIST, err) ||
        opt_int(a, 3, &off, err))
        return err->code;
    if (a[1].nlist != a[2].nlist)
        /* the length check is part of torch's API surface, not the kernel's */
        return err_set(err, TSI_ERR_VALUE, "mismatch in length of strides and shape");
    return push_with_geometry(
        out, kern_as_strided(a[0].t, a[1].nlist, a[1].list, a[2].list, off, err), a[0].t, err);
}

/* ------------------------------------------------------- several results */

static int op_unbind(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    TensorArray r;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) ||
        kern_unbind(a[0].t, a[1].i, &r, err))
        return err->code;
    return push_pieces(out, &r, a[0].t, err);
}

static int op_chunk(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    TensorArray r;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err) ||
        kern_chunk(a[0].t, a[1].i, a[2].i, &r, err))
        return err->code;
    return push_pieces(out, &r, a[0].t, err);
}

static int op_split(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    TensorArray r;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_INT, err) ||
        kern_split(a[0].t, a[1].i, a[2].i, &r, err))
        return err->code;
    return push_pieces(out, &r, a[0].t, err);
}

static int op_split_with_sizes(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    TensorArray r;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err) || want(a, 2, DA_INT, err) ||
        kern_split_with_sizes(a[0].t, a[1].nlist, a[1].list, a[2].i, &r, err))
        return err->code;
    return push_pieces(out, &r, a[0].t, err);
}

/* ------------------------------------------------------------ copies */

/* cat(dim, t...) and stack(dim, t...); geometry is relative to the first
 * tensor (a copy never shares it). */
static int join(const DArg *a, int n, DOut *out, Err *err, bool stack) {
    if (want(a, 0, DA_INT, err))
        return err->code;
    const Tensor *ts[64];
    int k = 0;
    for (int i = 1; i < n; i++) {
        if (want(a, i, DA_TENSOR, err))
            return err->code;
        ts[k++] = a[i].t;
    }
    Tensor *r = stack ? kern_stack(ts, k, a[0].i, err) : kern_cat(ts, k, a[0].i, err);
    if (r && k == 0) {
        tensor_release(r);
        return err_set(err, TSI_ERR_RUNTIME, "joined nothing");
    }
    return push_with_geometry(out, r, k ? ts[0] : r, err);
}

static int op_cat(const DArg *a, int n, DOut *out, Err *err) { return join(a, n, out, err, false); }
static int op_stack(const DArg *a, int n, DOut *out, Err *err) { return join(a, n, out, err, true); }

static int op_repeat(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err))
        return err->code;
    return push_with_geometry(out, kern_repeat(a[0].t, a[1].list, a[1].nlist, err), a[0].t,
                              err);
}

static int op_index_select(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_TENSOR, err))
        return err->code;
    return push_with_geometry(out, kern_index_select(a[0].t, a[1].i, a[2].t, err), a[0].t, err);
}

static int op_flip(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err))
        return err->code;
    return push_with_geometry(out, kern_flip(a[0].t, a[1].list, a[1].nlist, err), a[0].t, err);
}

static int op_roll(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_LIST, err) || want(a, 2, DA_LIST, err))
        return err->code;
    return push_with_geometry(
        out, kern_roll(a[0].t, a[1].list, a[1].nlist, a[2].list, a[2].nlist, err), a[0].t, err);
}

static int op_gather(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (want(a, 0, DA_TENSOR, err) || want(a, 1, DA_INT, err) || want(a, 2, DA_TENSOR, err))
        return err->code;
    return push_with_geometry(out, kern_gather(a[0].t, a[1].i, a[2].t, err), a[0].t, err);
}

const DriverOp drv_shape_ops[] = {
    {"view", op_view, 2, 2},
    {"reshape", op_reshape, 2, 2},
    {"flatten", op_flatten, 3, 3},
    {"permute", op_permute, 2, 2},
    {"transpose", op_transpose, 3, 3},
    {"t", op_t, 1, 1},
    {"expand", op_expand, 2, 2},
    {"expand_as", op_expand_as, 2, 2},
    {"squeeze", op_squeeze, 1, 2},
    {"unsqueeze", op_unsqueeze, 2, 2},
    {"slice", op_slice, 5, 5},
    {"select", op_select, 3, 3},
    {"narrow", op_narrow, 4, 4},
    {"diagonal", op_diagonal, 4, 4},
    {"as_strided", op_as_strided, 4, 4},
    {"unbind", op_unbind, 2, 2},
    {"chunk", op_chunk, 3, 3},
    {"split", op_split, 3, 3},
    {"split_with_sizes", op_split_with_sizes, 3, 3},
    {"cat", op_cat, 1, 65},
    {"stack", op_stack, 1, 65},
    {"repeat", op_repeat, 2, 2},
    {"index_select", op_index_select, 3, 3},
    {"flip", op_flip, 2, 2},
    {"roll", op_roll, 3, 3},
    {"gather", op_gather, 3, 3},
    {NULL, NULL, 0, 0},
};
