/*
 * drv_reduce.c: kernel-driver adapters for the reductions, cumsum and
 * softmax (kernels/reduce.c).
 *
 * Argument conventions: dims are an int list ('l:' is the empty list, which
 * reduces everything), a single int, or None; dtypes are strings or None.
 * Every op also exists as "bf16_<op>": tensor arguments are converted to
 * bfloat16 first and bfloat16 results back to float32, since .npy files
 * cannot carry bfloat16.
 */
#include "kdriver.h"

#include <stdlib.h>
#include <string.h>

static int get_dims(const DArg *a, int index, const int64_t **dims, int *n, Err *err) {
    switch (a->kind) {
    case DA_LIST: *dims = a->list; *n = a->nlist; return TSI_OK;
    case DA_INT: *dims = &a->i; *n = 1; return TSI_OK;
    case DA_NONE: *dims = NULL; *n = 0; return TSI_OK;
    default: return err_set(err, TSI_ERR_USAGE, "argument %d must be dims", index);
    }
}

static int get_dtype(const DArg *a, int index, DType *dt, Err *err) {
    if (a->kind == DA_NONE) {
        *dt = TSI_DTYPE_INVALID;
        return TSI_OK;
    }
    if (a->kind != DA_STR || (*dt = dtype_from_name(a->s)) == TSI_DTYPE_INVALID)
        return err_set(err, TSI_ERR_USAGE, "argument %d must be a dtype name", index);
    return TSI_OK;
}

static int get_bool(const DArg *a, int index, bool *b, Err *err) {
    if (a->kind != DA_BOOL)
        return err_set(err, TSI_ERR_USAGE, "argument %d must be a bool", index);
    *b = a->b;
    return TSI_OK;
}

static int get_double(const DArg *a, int index, double *v, Err *err) {
    Scalar s;
    if (drv_scalar(a, index, &s, err))
        return err->code;
    *v = scalar_to_double(s);
    return TSI_OK;
}

typedef Tensor *(*DimsDtypeFn)(const Tensor *, const int64_t *, int, bool, DType, Err *);
typedef Tensor *(*DimsFn)(const Tensor *, const int64_t *, int, bool, Err *);

/* op(t, dims, keepdim, dtype) */
static int run_dims_dtype(DimsDtypeFn fn, const DArg *a, int n, DOut *out, Err *err) {
    const int64_t *dims = NULL;
    int nd = 0;
    bool keep = false;
    DType dt = TSI_DTYPE_INVALID;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || get_dims(&a[1], 1, &dims, &nd, err) ||
        (n > 2 && get_bool(&a[2], 2, &keep, err)) || (n > 3 && get_dtype(&a[3], 3, &dt, err)))
        return err->code;
    return drv_push(out, fn(a[0].t, dims, nd, keep, dt, err), err);
}

/* op(t, dims, keepdim) */
static int run_dims(DimsFn fn, const DArg *a, int n, DOut *out, Err *err) {
    const int64_t *dims = NULL;
    int nd = 0;
    bool keep = false;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || get_dims(&a[1], 1, &dims, &nd, err) ||
        (n > 2 && get_bool(&a[2], 2, &keep, err)))
        return err->code;
    return drv_push(out, fn(a[0].t, dims, nd, keep, err), err);
}

static int op_sum(const DArg *a, int n, DOut *o, Err *e) { return run_dims_dtype(kern_sum, a, n, o, e); }
static int op_mean(const DArg *a, int n, DOut *o, Err *e) { return run_dims_dtype(kern_mean, a, n, o, e); }
static int op_prod(const DArg *a, int n, DOut *o, Err *e) { return run_dims_dtype(kern_prod, a, n, o, e); }
static int op_amax(const DArg *a, int n, DOut *o, Err *e) { return run_dims(kern_amax, a, n, o, e); }
static int op_amin(const DArg *a, int n, DOut *o, Err *e) { return run_dims(kern_amin, a, n, o, e); }
static int op_any(const DArg *a, int n, DOut *o, Err *e) { return run_dims(kern_any, a, n, o, e); }
static int op_all(const DArg *a, int n, DOut *o, Err *e) { return run_dims(kern_all, a, n, o, e); }
static int op_logsumexp(const DArg *a, int n, DOut *o, Err *e) {
    return run_dims(kern_logsumexp, a, n, o, e);
}

/* max_dim(t, dim, keepdim) -> values, indices */
static int run_minmax_dim(bool is_max, const DArg *a, int n, DOut *out, Err *err) {
    bool keep = false;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_INT, 1, err) ||
        (n > 2 && get_bool(&a[2], 2, &keep, err)))
        return err->code;
    Tensor *v, *i;
    int rc = (is_max ? kern_max_dim : kern_min_dim)(a[0].t, a[1].i, keep, &v, &i, err);
    if (rc)
        return rc;
    drv_push(out, v, err);
    return drv_push(out, i, err);
}

static int op_max_dim(const DArg *a, int n, DOut *o, Err *e) { return run_minmax_dim(true, a, n, o, e); }
static int op_min_dim(const DArg *a, int n, DOut *o, Err *e) { return run_minmax_dim(false, a, n, o, e); }

/* argmax(t, dim|None, keepdim) */
static int run_arg(bool is_max, const DArg *a, int n, DOut *out, Err *err) {
    bool keep = false;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || (n > 2 && get_bool(&a[2], 2, &keep, err)))
        return err->code;
    if (a[1].kind != DA_INT && a[1].kind != DA_NONE)
        return err_set(err, TSI_ERR_USAGE, "argument 1 must be an int or None");
    const int64_t *dim = a[1].kind == DA_INT ? &a[1].i : NULL;
    return drv_push(out, (is_max ? kern_argmax : kern_argmin)(a[0].t, dim, keep, err), err);
}

static int op_argmax(const DArg *a, int n, DOut *o, Err *e) { return run_arg(true, a, n, o, e); }
static int op_argmin(const DArg *a, int n, DOut *o, Err *e) { return run_arg(false, a, n, o, e); }

static int op_max_all(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return err->code;
    return drv_push(out, kern_max_all(a[0].t, err), err);
}

static int op_min_all(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return err->code;
    return drv_push(out, kern_min_all(a[0].t, err), err);
}

/* var(t, dims, correction, keepdim) */
static int run_var(bool take_sqrt, const DArg *a, int n, DOut *out, Err *err) {
    const int64_t *dims = NULL;
    int nd = 0;
    double corr = 1;
    bool keep = false;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || get_dims(&a[1], 1, &dims, &nd, err) ||
        (n > 2 && get_double(&a[2], 2, &corr, err)) || (n > 3 && get_bool(&a[3], 3, &keep, err)))
        return err->code;
    return drv_push(out, (take_sqrt ? kern_std : kern_var)(a[0].t, dims, nd, corr, keep, err),
                    err);
}

static int op_var(const DArg *a, int n, DOut *o, Err *e) { return run_var(false, a, n, o, e); }
static int op_std(const DArg *a, int n, DOut *o, Err *e) { return run_var(true, a, n, o, e); }

/* norm(t, p, dims, keepdim, dtype) */
static int op_norm(const DArg *a, int n, DOut *out, Err *err) {
    double p = 0;
    const int64_t *dims = NULL;
    int nd = 0;
    bool keep = false;
    DType dt = TSI_DTYPE_INVALID;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || get_double(&a[1], 1, &p, err) ||
        get_dims(&a[2], 2, &dims, &nd, err) || (n > 3 && get_bool(&a[3], 3, &keep, err)) ||
        (n > 4 && get_dtype(&a[4], 4, &dt, err)))
        return err->code;
    return drv_push(out, kern_norm(a[0].t, p, dims, nd, keep, dt, err), err);
}

/* cumsum / softmax / log_softmax (t, dim, dtype) */
static int run_dim_dtype(Tensor *(*fn)(const Tensor *, int64_t, DType, Err *), const DArg *a,
                         int n, DOut *out, Err *err) {
    DType dt = TSI_DTYPE_INVALID;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_INT, 1, err) ||
        (n > 2 && get_dtype(&a[2], 2, &dt, err)))
        return err->code;
    return drv_push(out, fn(a[0].t, a[1].i, dt, err), err);
}

static int op_cumsum(const DArg *a, int n, DOut *o, Err *e) { return run_dim_dtype(kern_cumsum, a, n, o, e); }
static int op_softmax(const DArg *a, int n, DOut *o, Err *e) { return run_dim_dtype(kern_softmax, a, n, o, e); }
static int op_log_softmax(const DArg *a, int n, DOut *o, Err *e) {
    return run_dim_dtype(kern_log_softmax, a, n, o, e);
}

/* ------------------------------------------------------ bfloat16 wrappers */

static int with_bf16(DriverFn fn, const DArg *a, int n, DOut *out, Err *err) {
    DArg *b = xcalloc((size_t)n + 1, sizeof *b);
    int rc = TSI_OK;
    for (int i = 0; i < n; i++) {
        b[i] = a[i];
        b[i].t = NULL;
        if (a[i].kind == DA_TENSOR && !(b[i].t = tensor_to(a[i].t, TSI_DTYPE_BFLOAT16, false, err)))
            rc = err->code;
    }
    if (!rc)
        rc = fn(b, n, out, err);
    for (int k = 0; !rc && k < out->n; k++) {
        if (out->t[k]->dtype == TSI_DTYPE_INT64) /* indices */
            continue;
        if (out->t[k]->dtype != TSI_DTYPE_BFLOAT16) {
            rc = err_set(err, TSI_ERR_USAGE, "bfloat16 reduction returned %s",
                         dtype_name(out->t[k]->dtype));
            break;
        }
        Tensor *f = tensor_to(out->t[k], TSI_DTYPE_FLOAT32, false, err);
        if (!f) {
            rc = err->code;
            break;
        }
        tensor_release(out->t[k]);
        out->t[k] = f;
    }
    for (int i = 0; i < n; i++)
        tensor_release(b[i].t);
    free(b);
    return rc;
}

#define BF16(op)                                                                             \
    static int op##_bf16(const DArg *a, int n, DOut *o, Err *e) { return with_bf16(op, a, n, o, e); }
BF16(op_sum)
BF16(op_mean)
BF16(op_amax)
BF16(op_max_dim)
BF16(op_argmax)
BF16(op_var)
BF16(op_logsumexp)
BF16(op_norm)
BF16(op_cumsum)
BF16(op_softmax)
BF16(op_log_softmax)
BF16(op_prod)

const DriverOp drv_reduce_ops[] = {
    {"sum", op_sum, 2, 4},
    {"mean", op_mean, 2, 4},
    {"prod", op_prod, 2, 4},
    {"amax", op_amax, 2, 3},
    {"amin", op_amin, 2, 3},
    {"any", op_any, 2, 3},
    {"all", op_all, 2, 3},
    {"logsumexp", op_logsumexp, 2, 3},
    {"max_dim", op_max_dim, 2, 3},
    {"min_dim", op_min_dim, 2, 3},
    {"argmax", op_argmax, 2, 3},
    {"argmin", op_argmin, 2, 3},
    {"max_all", op_max_all, 1, 1},
    {"min_all", op_min_all, 1, 1},
    {"var", op_var, 2, 4},
    {"std", op_std, 2, 4},
    {"norm", op_norm, 3, 5},
    {"cumsum", op_cumsum, 2, 3},
    {"softmax", op_softmax, 2, 3},
    {"log_softmax", op_log_softmax, 2, 3},
    {"bf16_sum", op_sum_bf16, 2, 4},
    {"bf16_mean", op_mean_bf16, 2, 4},
    {"bf16_prod", op_prod_bf16, 2, 4},
    {"bf16_amax", op_amax_bf16, 2, 3},
    {"bf16_max_dim", op_max_dim_bf16, 2, 3},
    {"bf16_argmax", op_argmax_bf16, 2, 3},
    {"bf16_var", op_var_bf16, 2, 4},
    {"bf16_logsumexp", op_logsumexp_bf16, 2, 3},
    {"bf16_norm", op_norm_bf16, 3, 5},
    {"bf16_cumsum", op_cumsum_bf16, 2, 3},
    {"bf16_softmax", op_softmax_bf16, 2, 3},
    {"bf16_log_softmax", op_log_softmax_bf16, 2, 3},
    {NULL, NULL, 0, 0},
};
