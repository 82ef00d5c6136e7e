/*
 * ops_prim.c: operators on numbers, strings, lists and dicts with Python
 * semantics (TorchScript's prim and aten scalar overloads).
 */
#include "interp_int.h"

#include <math.h>
#include <string.h>

/* Python floor division and modulo on int64, with torch's errors. */
static int int_floordiv(int64_t a, int64_t b, int64_t *r, Err *err) {
    if (b == 0)
        return err_set(err, TSI_ERR_RUNTIME, "ZeroDivisionError: integer division or modulo by zero");
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    *r = q;
    return TSI_OK;
}

#define INT_BINOP(name, expr)                                                                 \
    static int name(OpCall *c, Err *err) {                                                    \
        int64_t a = 0, b = 0;                                                                   \
        int rc = op_int(c, 0, &a, err);                                                       \
        if (!rc)                                                                              \
            rc = op_int(c, 1, &b, err);                                                       \
        if (rc)                                                                               \
            return rc;                                                                        \
        op_ret(c, 0, expr);                                                                   \
        return TSI_OK;                                                                        \
    }

/* int arithmetic wraps on overflow as torch's int64 does */
static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

INT_BINOP(op_add_int, iv_int(wrap_add(a, b)))
INT_BINOP(op_sub_int, iv_int(wrap_sub(a, b)))
INT_BINOP(op_mul_int, iv_int(wrap_mul(a, b)))
INT_BINOP(op_lt_int, iv_bool(a < b))
INT_BINOP(op_le_int, iv_bool(a <= b))
INT_BINOP(op_gt_int, iv_bool(a > b))
INT_BINOP(op_ge_int, iv_bool(a >= b))
INT_BINOP(op_eq_int, iv_bool(a == b))
INT_BINOP(op_ne_int, iv_bool(a != b))

static int op_floordiv_int(OpCall *c, Err *err) {
    int64_t a = 0, b = 0, r = 0;
    int rc = op_int(c, 0, &a, err);
    if (!rc)
        rc = op_int(c, 1, &b, err);
    if (!rc)
        rc = int_floordiv(a, b, &r, err);
    if (rc)
        return rc;
    op_ret(c, 0, iv_int(r));
    return TSI_OK;
}

static int op_len_list(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    op_ret(c, 0, iv_int((int64_t)l->len));
    return TSI_OK;
}

static int op_append(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    if (!iv_list_push(l, iv_dup(c->in[1])))
        return err_nomem(err);
    op_ret(c, 0, iv_dup(c->in[0]));
    return TSI_OK;
}

static int op_list_getitem(OpCall *c, Err *err) {
    IvList *l;
    int64_t i;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = op_int(c, 1, &i, err);
    if (rc)
        return rc;
    int64_t n = (int64_t)l->len;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return err_set(err, TSI_ERR_INDEX, "list index out of range");
    op_ret(c, 0, iv_dup(l->items[i]));
    return TSI_OK;
}

const OpDef interp_ops_prim[] = {
    {"aten::add.int", op_add_int},
    {"aten::sub.int", op_sub_int},
    {"aten::mul.int", op_mul_int},
    {"aten::floordiv.int", op_floordiv_int},
    {"aten::lt.int", op_lt_int},
    {"aten::le.int", op_le_int},
    {"aten::gt.int", op_gt_int},
    {"aten::ge.int", op_ge_int},
    {"aten::eq.int", op_eq_int},
    {"aten::ne.int", op_ne_int},
    {"aten::len.t", op_len_list},
    {"aten::append.t", op_append},
    {"aten::__getitem__.t", op_list_getitem},
    {NULL, NULL},
};
