/*
 * kdriver.c: argument parsing, op lookup and result writing for the kernel
 * driver (see kdriver.h).
 */
#include "kdriver.h"
#include "serialize/serialize.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Core tensor operations: layout and conversion (kernels/copy.c). */
static int core_contiguous(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return err->code;
    return drv_push(out, tensor_contiguous(a[0].t, err), err);
}

static int core_clone(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_TENSOR, 0, err))
        return err->code;
    return drv_push(out, tensor_clone(a[0].t, err), err);
}

/* to(t, dtype_name): conversion with torch's casting. */
static int core_to(const DArg *a, int n, DOut *out, Err *err) {
    (void)n;
    if (drv_expect(&a[0], DA_TENSOR, 0, err) || drv_expect(&a[1], DA_STR, 1, err))
        return err->code;
    DType dt = dtype_from_name(a[1].s);
    if (dt == TSI_DTYPE_INVALID)
        return err_set(err, TSI_ERR_USAGE, "unknown dtype %s", a[1].s);
    return drv_push(out, tensor_to(a[0].t, dt, true, err), err);
}

/* result_type(tensors_or_scalars...): the promoted dtype as a 0-d int64
 * holding the ScalarType code. Scalars become wrapped numbers. */
static int core_result_type(const DArg *a, int n, DOut *out, Err *err) {
    Tensor *ts[8];
    int rc = TSI_OK;
    for (int i = 0; i < n; i++) {
        Scalar s;
        ts[i] = a[i].kind == DA_TENSOR ? (tensor_retain(a[i].t), a[i].t)
                : drv_scalar(&a[i], i, &s, err) ? NULL
                                                : tensor_wrap_scalar(s, err);
        if (!ts[i])
            rc = err->code;
    }
    if (!rc)
        rc = drv_push(out, tensor_scalar(scalar_int(result_type(n, (const Tensor *const *)ts)), TSI_DTYPE_INT64, err), err);
    for (int i = 0; i < n; i++)
        tensor_release(ts[i]);
    return rc;
}

static const DriverOp drv_core_ops[] = {
    {"contiguous", core_contiguous, 1, 1},
    {"clone", core_clone, 1, 1},
    {"to", core_to, 2, 2},
    {"result_type", core_result_type, 1, 8},
    {NULL, NULL, 0, 0},
};

static const DriverOp *const tables[] = {drv_core_ops, drv_elementwise_ops, drv_reduce_ops,
                                         drv_linalg_ops, drv_shape_ops, drv_nn_ops};

static const DriverOp *find_op(const char *name) {
    for (size_t k = 0; k < TSI_ARRAY_LEN(tables); k++)
        for (const DriverOp *op = tables[k]; op->name; op++)
            if (!strcmp(op->name, name))
                return op;
    return NULL;
}

int drv_expect(const DArg *a, DArgKind kind, int index, Err *err) {
    if (a->kind != kind)
        return err_set(err, TSI_ERR_USAGE, "argument %d has the wrong kind", index);
    return TSI_OK;
}

int drv_scalar(const DArg *a, int index, Scalar *s, Err *err) {
    switch (a->kind) {
    case DA_INT: *s = scalar_int(a->i); return TSI_OK;
    case DA_FLOAT: *s = scalar_float(a->f); return TSI_OK;
    case DA_BOOL: *s = scalar_bool(a->b); return TSI_OK;
    default: return err_set(err, TSI_ERR_USAGE, "argument %d must be a number", index);
    }
}

int drv_push(DOut *out, Tensor *t, Err *err) {
    if (!t)
        return err && err->code ? err->code : TSI_ERR_RUNTIME;
    if (out->n >= DRV_MAX_OUT) {
        tensor_release(t);
        return err_set(err, TSI_ERR_USAGE, "too many results");
    }
    out->t[out->n++] = t;
    return TSI_OK;
}

static int parse_ints(const char *s, int64_t *vals, int max, int *n, Err *err) {
    *n = 0;
    if (!*s || !strcmp(s, "-"))
        return TSI_OK;
    while (*s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || errno)
            return err_set(err, TSI_ERR_USAGE, "bad integer list near '%s'", s);
        if (*n >= max)
            return err_set(err, TSI_ERR_USAGE, "integer list too long");
        vals[(*n)++] = v;
        s = end;
        if (*s == ',')
            s++;
        else if (*s)
            return err_set(err, TSI_ERR_USAGE, "bad integer list near '%s'", s);
    }
    return TSI_OK;
}

static int parse_view(const char *spec, DArg *a, Err *err) {
    /* PATH:OFFSET:SIZES:STRIDES — split from the right, the path may hold ':' */
    char *buf = xstrdup(spec);
    char *parts[3];
    for (int k = 2; k >= 0; k--) {
        char *c = strrchr(buf, ':');
        if (!c) {
            free(buf);
            return err_set(err, TSI_ERR_USAGE, "bad view spec '%s'", spec);
        }
        *c = 0;
        parts[k] = c + 1;
    }
    Tensor *base = NULL;
    int rc = npy_read_file(buf, &base, err);
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int ns = 0, nt = 0;
    if (!rc)
        rc = parse_ints(parts[1], sizes, TSI_MAX_DIM, &ns, err);
    if (!rc)
        rc = parse_ints(parts[2], strides, TSI_MAX_DIM, &nt, err);
    if (!rc && ns != nt)
        rc = err_set(err, TSI_ERR_USAGE, "view sizes and strides differ in length");
    if (!rc) {
        a->t = tensor_from_storage(base->storage, base->dtype, strtoll(parts[0], NULL, 10), ns,
                                   sizes, strides, err);
        if (!a->t)
            rc = err->code;
    }
    tensor_release(base);
    free(buf);
    a->kind = DA_TENSOR;
    return rc;
}

static int parse_arg(const char *s, DArg *a, Err *err) {
    memset(a, 0, sizeof *a);
    if (!strcmp(s, "n")) {
        a->kind = DA_NONE;
        return TSI_OK;
    }
    if (strlen(s) < 2 || s[1] != ':')
        return err_set(err, TSI_ERR_USAGE, "bad argument '%s'", s);
    const char *v = s + 2;
    switch (s[0]) {
    case 't': a->kind = DA_TENSOR; return npy_read_file(v, &a->t, err);
    case 'v': return parse_view(v, a, err);
    case 'i': a->kind = DA_INT; a->i = strtoll(v, NULL, 10); return TSI_OK;
    case 'f': a->kind = DA_FLOAT; a->f = strtod(v, NULL); return TSI_OK;
    case 'b': a->kind = DA_BOOL; a->b = strcmp(v, "0") != 0; return TSI_OK;
    case 'l': a->kind = DA_LIST; return parse_ints(v, a->list, (int)TSI_ARRAY_LEN(a->list), &a->nlist, err);
    case 's': a->kind = DA_STR; a->s = v; return TSI_OK;
    default: return err_set(err, TSI_ERR_USAGE, "bad argument '%s'", s);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: kdriver OUT_PREFIX OP ARG...\n");
        return 2;
    }
    Err err = {0};
    const DriverOp *op = find_op(argv[2]);
    if (!op) {
        fprintf(stderr, "error: unknown op '%s'\n", argv[2]);
        return 2;
    }
    int nargs = argc - 3;
    if (nargs < op->min_args || nargs > op->max_args) {
        fprintf(stderr, "error: %s takes %d..%d arguments, got %d\n", op->name, op->min_args,
                op->max_args, nargs);
        return 2;
    }
    DArg *args = xcalloc((size_t)nargs + 1, sizeof *args);
    DOut out = {0};
    int rc = TSI_OK;
    for (int i = 0; i < nargs && !rc; i++)
        rc = parse_arg(argv[3 + i], &args[i], &err);
    if (!rc)
        rc = op->fn(args, nargs, &out, &err);
    char path[4096];
    for (int k = 0; k < out.n && !rc; k++) {
        if (out.n == 1)
            snprintf(path, sizeof path, "%s.npy", argv[1]);
        else
            snprintf(path, sizeof path, "%s.%d.npy", argv[1], k);
        rc = npy_write_file(path, out.t[k], &err);
    }
    for (int k = 0; k < out.n; k++)
        tensor_release(out.t[k]);
    for (int i = 0; i < nargs; i++)
        tensor_release(args[i].t);
    free(args);
    if (rc) {
        fprintf(stderr, "error: %s\n", err.msg ? err.msg : "failed");
        err_clear(&err);
        return 1;
    }
    return 0;
}
