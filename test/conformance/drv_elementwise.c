/*
 * drv_elementwise.c: kernel-driver adapters for the elementwise kernels.
 *
 * Argument convention (see kdriver.h for the ARG syntax). A number argument
 * where a tensor operand is expected becomes a wrapped number, as a Python
 * scalar does in torch.
 *
 *   binary   s:OP X Y            OP a name from elementwise_ops.def ("add",
 *                                "div_floor", "pow", ...). X, Y tensors or
 *                                numbers: tensor-number calls
 *                                kern_binary_scalar (pow(Tensor, Scalar)),
 *                                number-tensor kern_binary_rscalar.
 *   unary    s:OP T
 *   add      X Y ALPHA           sub: same
 *   clamp    T MIN MAX           MIN/MAX: n (None), numbers (kern_clamp) or
 *                                tensors (kern_clamp_tensor)
 *   where    C X Y               (no in-place / out variants)
 *   hardtanh T MIN MAX  leaky_relu T SLOPE  elu T ALPHA SCALE INPUT_SCALE
 *   softplus T BETA THRESHOLD    threshold T THRESHOLD VALUE
 *
 * Variants: NAME_ runs in place on the first tensor argument (the result is
 * that tensor); NAME_out takes one more argument, the out tensor.
 *   strides  s:NAME ARGS...      runs NAME and returns two results: the
 *                                result and its strides as int64, so tests
 *                                can compare the layout tsi chose.
 *   bf16     s:NAME ARGS...      runs NAME with every float32 tensor argument
 *                                converted to bfloat16 (which .npy cannot
 *                                carry); a bfloat16 result comes back as
 *                                float32 (exact).
 *   binary_views s:MODE s:OP T l:VA l:VB
 *                                aliasing: VA and VB are views of T's storage
 *                                (l:OFFSET,NDIM,SIZES...,STRIDES...). MODE
 *                                "inplace" runs VA.op_(VB); "out" runs
 *                                op(VB, 1, out=VA). The result is all of T.
 */
#include "kdriver.h"

#include <string.h>

typedef Tensor *(*EwAdapter)(const DArg *a, int n, Tensor *out, Err *err);

/* A tensor argument (retained) or a number wrapped as torch wraps it. */
static Tensor *operand(const DArg *a, int index, Err *err) {
    if (a->kind == DA_TENSOR) {
        tensor_retain(a->t);
        return a->t;
    }
    Scalar s;
    if (drv_scalar(a, index, &s, err))
        return NULL;
    /* not tensor_wrap_scalar: it hands memcpy a NULL pointer (UBSan) */
    static const int64_t no_sizes[1] = {0};
    Tensor *t = tensor_empty(scalar_dtype(s), 0, no_sizes, err);
    if (t) {
        tensor_set(t, NULL, s);
        t->wrapped_number = true;
    }
    return t;
}

static bool is_number(const DArg *a) {
    return a->kind == DA_INT || a->kind == DA_FLOAT || a->kind == DA_BOOL;
}

static Tensor *ad_binary(const DArg *a, int n, Tensor *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_STR, 0, err))
        return NULL;
    int op = kern_binary_op_from_name(a[0].s);
    if (op < 0) {
        err_set(err, TSI_ERR_USAGE, "unknown binary op %s", a[0].s);
        return NULL;
    }
    Scalar s;
    if (a[1].kind == DA_TENSOR && is_number(&a[2]))
        return drv_scalar(&a[2], 2, &s, err) ? NULL
                                              : kern_binary_scalar(op, a[1].t, s, out, err);
    if (is_number(&a[1]) && a[2].kind == DA_TENSOR)
        return drv_scalar(&a[1], 1, &s, err) ? NULL
                                              : kern_binary_rscalar(op, s, a[2].t, out, err);
    Tensor *x = operand(&a[1], 1, err);
    Tensor *y = x ? operand(&a[2], 2, err) : NULL;
    Tensor *r = y ? kern_binary(op, x, y, out, err) : NULL;
    tensor_release(x);
    tensor_release(y);
    return r;
}

static Tensor *ad_unary(const DArg *a, int n, Tensor *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_STR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err))
        return NULL;
    int op = kern_unary_op_from_name(a[0].s);
    if (op < 0) {
        err_set(err, TSI_ERR_USAGE, "unknown unary op %s", a[0].s);
        return NULL;
    }
    return kern_unary(op, a[1].t, out, err);
}

static Tensor *add_sub(const DArg *a, Tensor *out, bool sub, Err *err) {
    Scalar alpha;
    if (drv_scalar(&a[2], 2, &alpha, err))
        return NULL;
    Tensor *x = operand(&a[0], 0, err);
    Tensor *y = x ? operand(&a[1], 1, err) : NULL;
    Tensor *r = !y ? NULL : sub ? kern_sub(x, y, alpha, out, err) : kern_add(x, y, alpha, out, err);
    tensor_release(x);
    tensor_release(y);
    return r;
}

static Tensor *ad_add(const DArg *a, int n, Tensor *out, Err *err) {
    (void)n;
    return add_sub(a, out, false, err);
}

static Tensor *ad_sub(const DArg *a, int n, Tensor *out, Err *err) {
    (void)n;
    return add_sub(a, out, true, err);
}

static Tensor *ad_clamp(const DArg *a, int n, Tensor *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return NULL;
    if (a[1].kind == DA_TENSOR || a[2].kind == DA_TENSOR) {
        Tensor *lo = a[1].kind == DA_NONE ? NULL : operand(&a[1], 1, err);
        Tensor *hi = a[2].kind == DA_NONE ? NULL : operand(&a[2], 2, err);
        Tensor *r = NULL;
        if ((lo || a[1].kind == DA_NONE) && (hi || a[2].kind == DA_NONE))
            r = kern_clamp_tensor(a[0].t, lo, hi, out, err);
        tensor_release(lo);
        tensor_release(hi);
        return r;
    }
    Scalar lo, hi;
    if ((a[1].kind != DA_NONE && drv_scalar(&a[1], 1, &lo, err)) ||
        (a[2].kind != DA_NONE && drv_scalar(&a[2], 2, &hi, err)))
        return NULL;
    return kern_clamp(a[0].t, a[1].kind == DA_NONE ? NULL : &lo, a[2].kind == DA_NONE ? NULL : &hi,
                      out, err);
}

static Tensor *ad_where(const DArg *a, int n, Tensor *out, Err *err) {
    (void)n;
    if (out) {
        err_set(err, TSI_ERR_USAGE, "where has no out variant");
        return NULL;
    }
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return NULL;
    Tensor *x = operand(&a[1], 1, err);
    Tensor *y = x ? operand(&a[2], 2, err) : NULL;
    Tensor *r = y ? kern_where(a[0].t, x, y, err) : NULL;
    tensor_release(x);
    tensor_release(y);
    return r;
}

/* T followed by n numbers. */
static int tensor_and_numbers(const DArg *a, int n, Scalar *s, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return err->code;
    for (int i = 1; i < n; i++)
        if (drv_scalar(&a[i], i, &s[i - 1], err))
            return err->code;
    return TSI_OK;
}

static Tensor *ad_hardtanh(const DArg *a, int n, Tensor *out, Err *err) {
    Scalar s[2];
    return tensor_and_numbers(a, n, s, err) ? NULL : kern_hardtanh(a[0].t, s[0], s[1], out, err);
}

static Tensor *ad_leaky_relu(const DArg *a, int n, Tensor *out, Err *err) {
    Scalar s[1];
    return tensor_and_numbers(a, n, s, err) ? NULL : kern_leaky_relu(a[0].t, s[0], out, err);
}

static Tensor *ad_elu(const DArg *a, int n, Tensor *out, Err *err) {
    Scalar s[3];
    return tensor_and_numbers(a, n, s, err) ? NULL : kern_elu(a[0].t, s[0], s[1], s[2], out, err);
}

static Tensor *ad_softplus(const DArg *a, int n, Tensor *out, Err *err) {
    Scalar s[2];
    return tensor_and_numbers(a, n, s, err) ? NULL : kern_softplus(a[0].t, s[0], s[1], out, err);
}

static Tensor *ad_threshold(const DArg *a, int n, Tensor *out, Err *err) {
    Scalar s[2];
    return tensor_and_numbers(a, n, s, err) ? NULL : kern_threshold(a[0].t, s[0], s[1], out, err);
}

/* ------------------------------------------------------------ variants */

enum { MODE_NEW, MODE_INPLACE, MODE_OUT };

static int run_adapter(EwAdapter fn, const DArg *a, int n, int mode, DOut *o, Err *err) {
    Tensor *out = NULL;
    if (mode == MODE_INPLACE) {
        for (int i = 0; i < n && !out; i++)
            if (a[i].kind == DA_TENSOR)
                out = a[i].t;
        if (!out)
            return err_set(err, TSI_ERR_USAGE, "in-place call without a tensor argument");
    } else if (mode == MODE_OUT) {
        if (drv_expect(&a[n - 1], DA_TENSOR, n - 1, err))
            return err->code;
        out = a[--n].t;
    }
    return drv_push(o, fn(a, n, out, err), err);
}

#define VARIANTS(NAME)                                                                        \
    static int NAME##_new(const DArg *a, int n, DOut *o, Err *e) {                            \
        return run_adapter(ad_##NAME, a, n, MODE_NEW, o, e);                                  \
    }                                                                                         \
    static int NAME##_inplace(const DArg *a, int n, DOut *o, Err *e) {                        \
        return run_adapter(ad_##NAME, a, n, MODE_INPLACE, o, e);                              \
    }                                                                                         \
    static int NAME##_out(const DArg *a, int n, DOut *o, Err *e) {                            \
        return run_adapter(ad_##NAME, a, n, MODE_OUT, o, e);                                  \
    }
VARIANTS(binary)
VARIANTS(unary)
VARIANTS(add)
VARIANTS(sub)
VARIANTS(clamp)
VARIANTS(hardtanh)
VARIANTS(leaky_relu)
VARIANTS(elu)
VARIANTS(softplus)
VARIANTS(threshold)

static int where_new(const DArg *a, int n, DOut *o, Err *e) {
    return run_adapter(ad_where, a, n, MODE_NEW, o, e);
}

static int strides_op(const DArg *a, int n, DOut *o, Err *err);
static int bf16_op(const DArg *a, int n, DOut *o, Err *err);

static Tensor *view_of(const Tensor *t, const DArg *a, int index, Err *err) {
    if (drv_expect(a, DA_LIST, index, err))
        return NULL;
    int nd = a->nlist >= 2 ? (int)a->list[1] : -1;
    if (nd < 0 || nd > TSI_MAX_DIM || a->nlist != 2 + 2 * nd) {
        err_set(err, TSI_ERR_USAGE, "argument %d: bad view spec", index);
        return NULL;
    }
    return tensor_from_storage(t->storage, t->dtype, a->list[0], nd, a->list + 2, a->list + 2 + nd,
                               err);
}

static int binary_views(const DArg *a, int n, DOut *o, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_STR, 0, err) || drv_expect(&a[1], DA_STR, 1, err) ||
        drv_expect(&a[2], DA_TENSOR, 2, err))
        return err->code;
    int op = kern_binary_op_from_name(a[1].s);
    if (op < 0)
        return err_set(err, TSI_ERR_USAGE, "unknown binary op %s", a[1].s);
    Tensor *va = view_of(a[2].t, &a[3], 3, err);
    Tensor *vb = va ? view_of(a[2].t, &a[4], 4, err) : NULL;
    Tensor *r = NULL;
    if (vb && !strcmp(a[0].s, "inplace"))
        r = kern_binary(op, va, vb, va, err);
    else if (vb)
        r = kern_binary_scalar(op, vb, scalar_int(1), va, err);
    tensor_release(va);
    tensor_release(vb);
    if (!r)
        return err->code ? err->code : TSI_ERR_RUNTIME;
    tensor_release(r);
    tensor_retain(a[2].t);
    return drv_push(o, a[2].t, err);
}

#define ENTRIES(NAME, nargs)                                                                  \
    {#NAME, NAME##_new, nargs, nargs}, {#NAME "_", NAME##_inplace, nargs, nargs},             \
        {#NAME "_out", NAME##_out, nargs + 1, nargs + 1}

const DriverOp drv_elementwise_ops[] = {
    ENTRIES(binary, 3),
    ENTRIES(unary, 2),
    ENTRIES(add, 3),
    ENTRIES(sub, 3),
    ENTRIES(clamp, 3),
    ENTRIES(hardtanh, 3),
    ENTRIES(leaky_relu, 2),
    ENTRIES(elu, 4),
    ENTRIES(softplus, 3),
    ENTRIES(threshold, 3),
    {"where", where_new, 3, 3},
    {"binary_views", binary_views, 5, 5},
    {"strides", strides_op, 2, 9},
    {"bf16", bf16_op, 2, 9},
    {NULL, NULL, 0, 0},
};

/* The op a wrapper (strides, bf16) runs: a[0] names it, a[1..] its args. */
static const DriverOp *inner_op(const DArg *a, int n, Err *err) {
    if (drv_expect(&a[0], DA_STR, 0, err))
        return NULL;
    const DriverOp *op = drv_elementwise_ops;
    while (op->name && (strcmp(op->name, a[0].s) || op->fn == strides_op || op->fn == bf16_op))
        op++;
    if (!op->name) {
        err_set(err, TSI_ERR_USAGE, "unknown op %s", a[0].s);
        return NULL;
    }
    if (n - 1 < op->min_args || n - 1 > op->max_args) {
        err_set(err, TSI_ERR_USAGE, "%s takes %d..%d arguments", op->name, op->min_args,
                op->max_args);
        return NULL;
    }
    return op;
}

static int bf16_op(const DArg *a, int n, DOut *o, Err *err) {
    const DriverOp *op = inner_op(a, n, err);
    if (!op)
        return err->code;
    DArg args[9];
    int rc = TSI_OK;
    for (int i = 1; i < n; i++) {
        args[i - 1] = a[i];
        if (a[i].kind == DA_TENSOR && a[i].t->dtype == TSI_DTYPE_FLOAT32) {
            args[i - 1].t = tensor_to(a[i].t, TSI_DTYPE_BFLOAT16, false, err);
            if (!args[i - 1].t)
                rc = err->code;
        }
    }
    if (!rc)
        rc = op->fn(args, n - 1, o, err);
    for (int i = 1; i < n; i++)
        if (args[i - 1].t != a[i].t)
            tensor_release(args[i - 1].t);
    if (rc)
        return rc;
    Tensor *r = o->t[o->n - 1];
    if (r->dtype == TSI_DTYPE_BFLOAT16) {
        Tensor *f = tensor_to(r, TSI_DTYPE_FLOAT32, false, err);
        if (!f)
            return err->code;
        tensor_release(r);
        o->t[o->n - 1] = f;
    }
    return TSI_OK;
}

static int strides_op(const DArg *a, int n, DOut *o, Err *err) {
    const DriverOp *op = inner_op(a, n, err);
    if (!op)
        return err->code;
    int rc = op->fn(a + 1, n - 1, o, err);
    if (rc)
        return rc;
    const Tensor *r = o->t[o->n - 1];
    int64_t len = r->ndim;
    Tensor *st = tensor_empty(TSI_DTYPE_INT64, 1, &len, err);
    if (!st)
        return err->code;
    memcpy(tensor_data(st), r->strides, sizeof(int64_t) * (size_t)r->ndim);
    return drv_push(o, st, err);
}
