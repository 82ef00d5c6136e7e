/*
 * drv_linalg.c: kernel-driver adapters for the matrix products
 * (kernels/linalg.c). "bf16_<op>" converts tensor arguments to bfloat16 and
 * bfloat16 results to float32, since .npy files cannot carry bfloat16.
 */
#include "kdriver.h"

#include <stdlib.h>

typedef Tensor *(*BinFn)(const Tensor *, const Tensor *, Err *);

static int run_bin(BinFn fn, const DArg *a, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err))
        return err->code;
    return drv_push(out, fn(a[0].t, a[1].t, err), err);
}

static int op_matmul(const DArg *a, int n, DOut *o, Err *e) { (void)n; return run_bin(kern_matmul, a, o, e); }
static int op_mm(const DArg *a, int n, DOut *o, Err *e) { (void)n; return run_bin(kern_mm, a, o, e); }
static int op_mv(const DArg *a, int n, DOut *o, Err *e) { (void)n; return run_bin(kern_mv, a, o, e); }
static int op_dot(const DArg *a, int n, DOut *o, Err *e) { (void)n; return run_bin(kern_dot, a, o, e); }
static int op_bmm(const DArg *a, int n, DOut *o, Err *e) { (void)n; return run_bin(kern_bmm, a, o, e); }

/* addmm(self, a, b, beta=1, alpha=1) */
static int run_addmm(bool batched, const DArg *a, int n, DOut *out, Err *err) {
    Scalar beta = scalar_int(1), alpha = scalar_int(1);
    for (int i = 0; i < 3; i++)
        if (drv_expect(&a[i], DA_TENSOR, i, err))
            return err->code;
    if ((n > 3 && drv_scalar(&a[3], 3, &beta, err)) || (n > 4 && drv_scalar(&a[4], 4, &alpha, err)))
        return err->code;
    Tensor *r = (batched ? kern_baddbmm : kern_addmm)(a[0].t, a[1].t, a[2].t, beta, alpha, err);
    return drv_push(out, r, err);
}

static int op_addmm(const DArg *a, int n, DOut *o, Err *e) { return run_addmm(false, a, n, o, e); }
static int op_baddbmm(const DArg *a, int n, DOut *o, Err *e) { return run_addmm(true, a, n, o, e); }

/* linear(x, w, bias|None) */
static int op_linear(const DArg *a, int n, DOut *out, Err *err) {
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_TENSOR, 1, err))
        return err->code;
    const Tensor *bias = NULL;
    if (n > 2 && a[2].kind != DA_NONE) {
        if (drv_expect(&a[2], DA_TENSOR, 2, err))
            return err->code;
        bias = a[2].t;
    }
    return drv_push(out, kern_linear(a[0].t, a[1].t, bias, err), err);
}

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
        if (out->t[k]->dtype != TSI_DTYPE_BFLOAT16) {
            rc = err_set(err, TSI_ERR_USAGE, "bfloat16 product returned %s",
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

static int op_matmul_bf16(const DArg *a, int n, DOut *o, Err *e) { return with_bf16(op_matmul, a, n, o, e); }
static int op_addmm_bf16(const DArg *a, int n, DOut *o, Err *e) { return with_bf16(op_addmm, a, n, o, e); }
static int op_linear_bf16(const DArg *a, int n, DOut *o, Err *e) { return with_bf16(op_linear, a, n, o, e); }

const DriverOp drv_linalg_ops[] = {
    {"matmul", op_matmul, 2, 2},
    {"mm", op_mm, 2, 2},
    {"mv", op_mv, 2, 2},
    {"dot", op_dot, 2, 2},
    {"bmm", op_bmm, 2, 2},
    {"addmm", op_addmm, 3, 5},
    {"baddbmm", op_baddbmm, 3, 5},
    {"linear", op_linear, 2, 3},
    {"bf16_matmul", op_matmul_bf16, 2, 2},
    {"bf16_addmm", op_addmm_bf16, 3, 5},
    {"bf16_linear", op_linear_bf16, 2, 3},
    {NULL, NULL, 0, 0},
};
