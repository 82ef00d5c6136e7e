/*
 * ops_prim_list.c: list operators with TorchScript's semantics — the
 * generic `t[]` overloads (indexing, append/insert/pop/del, slicing, +, *,
 * copies) and the element-typed ones (remove/index/count/in, sort/sorted,
 * comparisons, min/max, sum/any/all).
 *
 * Lists are shared, mutable objects: in-place ops change the list they are
 * given and ops documented to return their input return that same list.
 * Tensors in lists compare as torch does, through `a.eq(b)` / `a.lt(b)`
 * followed by bool(): only single-element results have a truth value.
 */
#include "ops_prim.h"

#include <math.h>
#include <string.h>

static int new_list_like(Type *elem, size_t reserve, IValue *out, Err *err) {
    *out = iv_list_new(elem, reserve);
    return out->tag == IV_INVALID ? err_nomem(err) : TSI_OK;
}

static int push_dup(IvList *l, IValue v, Err *err) {
    if (!iv_list_push(l, iv_dup(v)))
        return err_nomem(err);
    return TSI_OK;
}

/* ------------------------------------------------- tensor comparisons */

/* bool(a.eq(b)) or bool(a.lt(b)) for the tensors of a list */
static int tensor_truth_cmp(IValue x, IValue y, bool lt, bool *out, Err *err) {
    if (x.tag != IV_TENSOR || y.tag != IV_TENSOR || !x.u.t || !y.u.t)
        return err_set(err, TSI_ERR_TYPE, "expected defined tensors in a tensor list");
    const Tensor *a = x.u.t, *b = y.u.t;
    int nd;
    int64_t shape[TSI_MAX_DIM];
    int rc = broadcast_shapes(a->ndim, a->sizes, b->ndim, b->sizes, &nd, shape, err);
    if (rc)
        return rc;
    int64_t n = 1;
    for (int i = 0; i < nd; i++)
        n *= shape[i];
    if (n == 0)
        return err_set(err, TSI_ERR_RUNTIME, "Boolean value of Tensor with no values is ambiguous");
    if (n > 1)
        return err_set(err, TSI_ERR_RUNTIME,
                       "Boolean value of Tensor with more than one value is ambiguous");
    Scalar sa, sb;
    if ((rc = tensor_item(a, &sa, err)) || (rc = tensor_item(b, &sb, err)))
        return rc;
    const Tensor *both[2] = {a, b};
    DType common = result_type(2, both);
    if (dtype_is_floating(common)) {
        double p = scalar_to_double(sa), q = scalar_to_double(sb);
        if (common == TSI_DTYPE_FLOAT32) {
            p = (float)p;
            q = (float)q;
        }
        *out = lt ? p < q : p == q;
    } else {
        int64_t p = scalar_to_int64(sa), q = scalar_to_int64(sb);
        *out = lt ? p < q : p == q;
    }
    return TSI_OK;
}

/* element equality for the typed list ops (==: NaN never equal) */
static int elem_eq(IValue a, IValue b, bool *out, Err *err) {
    if (a.tag == IV_TENSOR || b.tag == IV_TENSOR)
        return tensor_truth_cmp(a, b, false, out, err);
    *out = iv_equal(a, b);
    return TSI_OK;
}

/* a < b for ints, floats, bools and strings (std::string: bytes unsigned) */
static bool prim_lt(IValue a, IValue b) {
    if (a.tag == IV_STR && b.tag == IV_STR) {
        size_t n = a.u.s->len < b.u.s->len ? a.u.s->len : b.u.s->len;
        int r = n ? memcmp(a.u.s->data, b.u.s->data, n) : 0;
        return r < 0 || (r == 0 && a.u.s->len < b.u.s->len);
    }
    if (a.tag == IV_DOUBLE || b.tag == IV_DOUBLE) {
        double x = a.tag == IV_DOUBLE ? a.u.d : a.tag == IV_INT ? (double)a.u.i : a.u.b;
        double y = b.tag == IV_DOUBLE ? b.u.d : b.tag == IV_INT ? (double)b.u.i : b.u.b;
        return x < y;
    }
    int64_t x = a.tag == IV_INT ? a.u.i : a.u.b, y = b.tag == IV_INT ? b.u.i : b.u.b;
    return x < y;
}

/* ------------------------------------------------------ generic ops */

static int op_len(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        op_ret(c, 0, iv_int((int64_t)l->len));
    return rc;
}

static int norm_index(const IvList *l, int64_t i, size_t *out, Err *err) {
    int64_t n = (int64_t)l->len;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return err_set(err, TSI_ERR_INDEX, "list index out of range");
    *out = (size_t)i;
    return TSI_OK;
}

static int op_getitem(OpCall *c, Err *err) {
    IvList *l;
    int64_t i;
    size_t k = 0;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = op_int(c, 1, &i, err);
    if (!rc)
        rc = norm_index(l, i, &k, err);
    if (!rc)
        op_ret(c, 0, iv_dup(l->items[k]));
    return rc;
}

static int op_setitem(OpCall *c, Err *err) {
    IvList *l;
    int64_t i;
    size_t k = 0;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = op_int(c, 1, &i, err);
    if (!rc)
        rc = norm_index(l, i, &k, err);
    if (rc)
        return rc;
    iv_list_set(l, k, iv_dup(c->in[2]));
    op_ret(c, 0, iv_dup(c->in[0]));
    return TSI_OK;
}

static int op_append(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = push_dup(l, c->in[1], err);
    if (!rc)
        op_ret(c, 0, iv_dup(c->in[0]));
    return rc;
}

static int op_reverse(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    for (size_t i = 0, j = l->len; i + 1 < j; i++, j--) {
        IValue t = l->items[i];
        l->items[i] = l->items[j - 1];
        l->items[j - 1] = t;
    }
    return TSI_OK;
}

/* append the first n items of b to a (n fixed first: a may be b) */
static int extend_by(IvList *a, const IvList *b, Err *err) {
    size_t n = b->len;
    for (size_t i = 0; i < n; i++) {
        int rc = push_dup(a, b->items[i], err);
        if (rc)
            return rc;
    }
    return TSI_OK;
}

static int op_extend(OpCall *c, Err *err) {
    IvList *a, *b;
    int rc = op_list(c, 0, &a, err);
    if (!rc)
        rc = op_list(c, 1, &b, err);
    return rc ? rc : extend_by(a, b, err);
}

static int copy_list(const IvList *l, IValue *out, Err *err) {
    int rc = new_list_like(l->elem, l->len, out, err);
    if (!rc && (rc = extend_by(out->u.l, l, err)))
        iv_release(*out);
    return rc;
}

static int op_copy(OpCall *c, Err *err) {
    IvList *l;
    IValue r;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = copy_list(l, &r, err);
    if (!rc)
        op_ret(c, 0, r);
    return rc;
}

static int op_clear(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    while (l->len)
        iv_release(iv_list_remove(l, l->len - 1));
    return TSI_OK;
}

/* torch's listPopImpl: empty list -> `empty_msg`, else index-checked */
static int pop_at(OpCall *c, int64_t idx, const char *empty_msg, IValue *out, Err *err) {
    IvList *l;
    size_t k = 0;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    if (l->len == 0)
        return err_set(err, TSI_ERR_INDEX, "%s", empty_msg);
    if ((rc = norm_index(l, idx, &k, err)))
        return rc;
    IValue v = iv_list_remove(l, k);
    if (out)
        *out = v;
    else
        iv_release(v);
    return TSI_OK;
}

static int op_pop(OpCall *c, Err *err) {
    int64_t idx = -1;
    IValue v;
    int rc = c->nin > 1 ? op_int(c, 1, &idx, err) : TSI_OK;
    if (!rc)
        rc = pop_at(c, idx, "pop from empty list", &v, err);
    if (!rc)
        op_ret(c, 0, v);
    return rc;
}

static int op_delete(OpCall *c, Err *err) {
    int64_t idx;
    int rc = op_int(c, 1, &idx, err);
    return rc ? rc : pop_at(c, idx, "pop index out of range", NULL, err);
}

static int op_insert(OpCall *c, Err *err) {
    IvList *l;
    int64_t idx;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = op_int(c, 1, &idx, err);
    if (rc)
        return rc;
    int64_t n = (int64_t)l->len;
    if (idx < 0)
        idx += n;
    size_t at = idx < 0 ? 0 : idx >= n ? (size_t)n : (size_t)idx;
    if (!iv_list_insert(l, at, iv_dup(c->in[2])))
        return err_nomem(err);
    return TSI_OK;
}

static int op_add_list(OpCall *c, Err *err) {
    IvList *a, *b;
    IValue r;
    int rc = op_list(c, 0, &a, err);
    if (!rc)
        rc = op_list(c, 1, &b, err);
    if (!rc)
        rc = copy_list(a, &r, err);
    if (rc)
        return rc;
    if ((rc = extend_by(r.u.l, b, err))) {
        iv_release(r);
        return rc;
    }
    op_ret(c, 0, r);
    return TSI_OK;
}

static int op_add_inplace(OpCall *c, Err *err) {
    int rc = op_extend(c, err);
    if (!rc)
        op_ret(c, 0, iv_dup(c->in[0]));
    return rc;
}

static int repeat_limit(size_t len, int64_t n, Err *err) {
    if (len && (uint64_t)n > PRIM_MAX_RESULT / len)
        return err_set(err, TSI_ERR_LIMIT, "list repetition result is too large (%zu * %lld items)",
                       len, (long long)n);
    return TSI_OK;
}

/* l * n and n * l: a new list. torch reserves len * n first, so a
 * negative count with a non-empty list fails in vector::reserve. */
static int list_mul(OpCall *c, int li, int ni, Err *err) {
    IvList *l;
    int64_t n;
    IValue r;
    int rc = op_list(c, li, &l, err);
    if (!rc)
        rc = op_int(c, ni, &n, err);
    if (rc)
        return rc;
    if (n < 0 && l->len)
        return err_set(err, TSI_ERR_RUNTIME, "vector::reserve");
    if (n < 0)
        n = 0;
    if ((rc = repeat_limit(l->len, n, err)) ||
        (rc = new_list_like(l->elem, l->len * (size_t)n, &r, err)))
        return rc;
    for (int64_t k = 0; k < n && l->len && !rc; k++)
        rc = extend_by(r.u.l, l, err);
    if (rc) {
        iv_release(r);
        return rc;
    }
    op_ret(c, 0, r);
    return TSI_OK;
}
static int op_mul_left(OpCall *c, Err *err) { return list_mul(c, 0, 1, err); }
static int op_mul_right(OpCall *c, Err *err) { return list_mul(c, 1, 0, err); }

/* l *= n: in place, n <= 0 empties the list */
static int op_mul_inplace(OpCall *c, Err *err) {
    IvList *l;
    int64_t n;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = op_int(c, 1, &n, err);
    if (rc)
        return rc;
    if (n <= 0) {
        while (l->len)
            iv_release(iv_list_remove(l, l->len - 1));
    } else if ((rc = repeat_limit(l->len, n, err))) {
        return rc;
    } else {
        size_t len = l->len;
        for (int64_t k = 1; k < n && len && !rc; k++)
            for (size_t j = 0; j < len && !rc; j++)
                rc = push_dup(l, l->items[j], err);
        if (rc)
            return rc;
    }
    op_ret(c, 0, iv_dup(c->in[0]));
    return TSI_OK;
}

/* CPython's slice index adjustment, as torch's slice_indices_adjust */
static int64_t adjust_slice(int64_t len, int64_t *start, int64_t *stop, int64_t step, Err *err) {
    if (step == 0) {
        err_set(err, TSI_ERR_RUNTIME, "List slice should have non-zero step");
        return -1;
    }
    if (step < -INT64_MAX) {
        err_set(err, TSI_ERR_RUNTIME, "List slice step is out of bounds");
        return -1;
    }
    if (*start == INT64_MAX)
        *start = step < 0 ? INT64_MAX : 0;
    if (*stop == INT64_MAX)
        *stop = step < 0 ? INT64_MIN : INT64_MAX;
    if (*start < 0) {
        *start += len;
        if (*start < 0)
            *start = step < 0 ? -1 : 0;
    } else if (*start >= len) {
        *start = step < 0 ? len - 1 : len;
    }
    if (*stop < 0) {
        *stop += len;
        if (*stop < 0)
            *stop = step < 0 ? -1 : 0;
    } else if (*stop >= len) {
        *stop = step < 0 ? len - 1 : len;
    }
    if (step < 0)
        return *stop < *start ? (*start - *stop - 1) / (-step) + 1 : 0;
    return *start < *stop ? (*stop - *start - 1) / step + 1 : 0;
}

static int op_slice(OpCall *c, Err *err) {
    IvList *l;
    bool hs, he;
    int64_t start, end, step = 1;
    IValue r;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = prim_opt_int(c, 1, &hs, &start, err);
    if (!rc)
        rc = prim_opt_int(c, 2, &he, &end, err);
    if (!rc && c->nin > 3)
        rc = op_int(c, 3, &step, err);
    if (rc)
        return rc;
    if (!hs)
        start = INT64_MAX;
    if (!he)
        end = INT64_MAX;
    int64_t n = adjust_slice((int64_t)l->len, &start, &end, step, err);
    if (n < 0)
        return err->code;
    if ((rc = new_list_like(l->elem, (size_t)n, &r, err)))
        return rc;
    for (int64_t k = 0, i = start; k < n && !rc; k++, i += step)
        rc = push_dup(r.u.l, l->items[i], err);
    if (rc) {
        iv_release(r);
        return rc;
    }
    op_ret(c, 0, r);
    return TSI_OK;
}

/* ---------------------------------------------------- typed searches */

static int op_remove(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < l->len; i++) {
        bool eq;
        if ((rc = elem_eq(c->in[1], l->items[i], &eq, err)))
            return rc;
        if (eq) {
            iv_release(iv_list_remove(l, i));
            return TSI_OK;
        }
    }
    return err_set(err, TSI_ERR_VALUE, "list.remove(x): x not in list");
}

static int op_index(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < l->len; i++) {
        bool eq;
        if ((rc = elem_eq(c->in[1], l->items[i], &eq, err)))
            return rc;
        if (eq) {
            op_ret(c, 0, iv_int((int64_t)i));
            return TSI_OK;
        }
    }
    StrBuf sb;
    sb_init(&sb);
    sb_putc(&sb, '\'');
    prim_stream_elem(&sb, c->in[1]);
    sb_puts(&sb, "' is not in list");
    rc = err_set(err, TSI_ERR_VALUE, "%s", sb.oom ? "value is not in list" : sb_cstr(&sb));
    sb_free(&sb);
    return rc;
}

static int op_count(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    int64_t n = 0;
    for (size_t i = 0; i < l->len; i++) {
        bool eq;
        if ((rc = elem_eq(c->in[1], l->items[i], &eq, err)))
            return rc;
        n += eq;
    }
    op_ret(c, 0, iv_int(n));
    return TSI_OK;
}

static int op_contains(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    bool found = false;
    for (size_t i = 0; i < l->len && !found; i++)
        found = iv_equal(l->items[i], c->in[1]);
    op_ret(c, 0, iv_bool(found));
    return TSI_OK;
}

/* ----------------------------------------------------- comparisons */

static int lists_equal(IValue x, IValue y, bool *out, Err *err) {
    if (x.tag != IV_LIST || y.tag != IV_LIST)
        return err_set(err, TSI_ERR_TYPE, "expected lists");
    const IvList *a = x.u.l, *b = y.u.l;
    *out = a->len == b->len;
    for (size_t i = 0; i < a->len && *out; i++) {
        int rc = elem_eq(a->items[i], b->items[i], out, err);
        if (rc)
            return rc;
    }
    return TSI_OK;
}

static int op_list_eq(OpCall *c, Err *err) {
    bool r;
    int rc = lists_equal(c->in[0], c->in[1], &r, err);
    if (!rc)
        op_ret(c, 0, iv_bool(r));
    return rc;
}

static int op_list_ne(OpCall *c, Err *err) {
    bool r;
    int rc = lists_equal(c->in[0], c->in[1], &r, err);
    if (!rc)
        op_ret(c, 0, iv_bool(!r));
    return rc;
}

/* min(l, r) / max(l, r) of two lists: torch returns one of the two list
 * objects itself, deciding on the first index where they differ (by ==),
 * else on length; on a full tie it returns r. */
static int minmax_lists(OpCall *c, bool is_max, Err *err) {
    IvList *l, *r;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = op_list(c, 1, &r, err);
    if (rc)
        return rc;
    size_t n = l->len < r->len ? l->len : r->len;
    for (size_t i = 0; i < n; i++) {
        IValue a = r->items[i], b = l->items[i];
        if (iv_equal(a, b))
            continue;
        bool pick_r = is_max ? prim_lt(b, a) : prim_lt(a, b);
        op_ret(c, 0, iv_dup(c->in[pick_r ? 1 : 0]));
        return TSI_OK;
    }
    bool pick_l = is_max ? l->len > r->len : l->len < r->len;
    op_ret(c, 0, iv_dup(c->in[pick_l ? 0 : 1]));
    return TSI_OK;
}
static int op_min_lists(OpCall *c, Err *err) { return minmax_lists(c, false, err); }
static int op_max_lists(OpCall *c, Err *err) { return minmax_lists(c, true, err); }

static int minmax_self(OpCall *c, bool is_max, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    if (l->len == 0)
        return err_set(err, TSI_ERR_VALUE, "%s() arg is an empty sequence", is_max ? "max" : "min");
    IValue best = l->items[0];
    for (size_t i = 1; i < l->len; i++) {
        IValue e = l->items[i];
        if (is_max ? prim_lt(best, e) : prim_lt(e, best))
            best = e;
    }
    op_ret(c, 0, iv_dup(best));
    return TSI_OK;
}
static int op_min_self(OpCall *c, Err *err) { return minmax_self(c, false, err); }
static int op_max_self(OpCall *c, Err *err) { return minmax_self(c, true, err); }

/* ---------------------------------------------------------- reductions */

/* sum of an int list accumulates in a C int (wrapping at 32 bits) */
static int op_sum_int(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    uint32_t s = 0;
    for (size_t i = 0; i < l->len; i++) {
        IValue e = l->items[i];
        s += (uint32_t)(uint64_t)(e.tag == IV_INT ? e.u.i : e.tag == IV_BOOL ? e.u.b : 0);
    }
    op_ret(c, 0, iv_int((int32_t)s));
    return TSI_OK;
}

static int op_sum_float(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    double s = 0.0;
    for (size_t i = 0; i < l->len; i++)
        s += l->items[i].tag == IV_DOUBLE ? l->items[i].u.d : (double)l->items[i].u.i;
    op_ret(c, 0, iv_double(s));
    return TSI_OK;
}

static int op_sum_complex(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    double re = 0.0, im = 0.0;
    for (size_t i = 0; i < l->len; i++) {
        IValue e = l->items[i];
        if (e.tag == IV_COMPLEX) {
            re += e.u.c->re;
            im += e.u.c->im;
        } else {
            re += e.tag == IV_DOUBLE ? e.u.d : (double)e.u.i;
        }
    }
    IValue r = iv_complex(re, im);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    op_ret(c, 0, r);
    return TSI_OK;
}

static bool truthy(IValue v) {
    switch (v.tag) {
    case IV_BOOL: return v.u.b;
    case IV_INT: return v.u.i != 0;
    case IV_DOUBLE: return v.u.d != 0;
    case IV_STR: return v.u.s->len != 0;
    default: return true;
    }
}

static int any_all(OpCall *c, bool any, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    bool r = !any;
    for (size_t i = 0; i < l->len; i++)
        if (truthy(l->items[i]) == any) {
            r = any;
            break;
        }
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}
static int op_any(OpCall *c, Err *err) { return any_all(c, true, err); }
static int op_all(OpCall *c, Err *err) { return any_all(c, false, err); }

static int op_sum_bool(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    int64_t n = 0;
    for (size_t i = 0; i < l->len; i++)
        n += truthy(l->items[i]);
    op_ret(c, 0, iv_int(n));
    return TSI_OK;
}

/* -------------------------------------------------------------- sort */

/* the typed sorts: `a == b ? false : (a < b) != reverse` */
typedef struct TypedCmp {
    bool reverse;
    bool eq_shortcut;
} TypedCmp;

static int typed_less(IValue a, IValue b, void *ctx, Err *err) {
    TSI_UNUSED(err);
    const TypedCmp *t = ctx;
    if (t->eq_shortcut && iv_equal(a, b))
        return 0;
    return prim_lt(a, b) != t->reverse;
}

/* Tensor lists: bool(a.lt(b)) (^ reverse), identical tensors never less */
typedef struct TensorCmp {
    bool reverse;
    bool identity_shortcut;
} TensorCmp;

static int tensor_less(IValue a, IValue b, void *ctx, Err *err) {
    const TensorCmp *t = ctx;
    if (t->identity_shortcut && a.tag == IV_TENSOR && b.tag == IV_TENSOR && a.u.t == b.u.t)
        return 0;
    bool r;
    if (tensor_truth_cmp(a, b, true, &r, err))
        return -1;
    return r != t->reverse;
}

/* the generic sort (sort.any/sorted.any): torch's getLessThanComparator
 * chosen from the first element; reverse compares (b, a). Tuples compare
 * element by element; objects through their __lt__ method. */
typedef struct AnyCmp {
    bool reverse;
    Interp *interp;
} AnyCmp;

static int any_lt(IValue a, IValue b, AnyCmp *ac, Err *err);

static int tuple_lt(IValue a, IValue b, AnyCmp *ac, Err *err) {
    size_t n = a.u.tup->n;
    for (size_t i = 0; i < n && i < b.u.tup->n; i++) {
        int r = any_lt(a.u.tup->items[i], b.u.tup->items[i], ac, err);
        if (r)
            return r; /* less (1) or error (-1) */
        IValue x = a.u.tup->items[i], y = b.u.tup->items[i];
        bool eq;
        if (x.tag == IV_TENSOR) {
            if (tensor_truth_cmp(x, y, false, &eq, err))
                return -1;
        } else {
            eq = iv_equal(x, y);
        }
        if (!eq)
            return 0;
    }
    return 0;
}

static int object_lt(IValue a, IValue b, AnyCmp *ac, Err *err) {
    if (iv_is(a, b))
        return 0;
    Function *lt = ir_class_find_method(a.u.obj->cls, "__lt__");
    if (!lt || !ac->interp) {
        err_set(err, TSI_ERR_RUNTIME, "To sort a list of %s it must define a __lt__ method with two "
                                      "inputs of type %s that returns a bool",
                a.u.obj->cls->name, a.u.obj->cls->name);
        return -1;
    }
    IValue args[2] = {a, b}, out;
    if (interp_op_call_function(ac->interp, lt, args, 2, &out, err))
        return -1;
    bool r = out.tag == IV_BOOL && out.u.b;
    iv_release(out);
    return r;
}

static int any_lt(IValue a, IValue b, AnyCmp *ac, Err *err) {
    switch (a.tag) {
    case IV_TENSOR: {
        bool r;
        return tensor_truth_cmp(a, b, true, &r, err) ? -1 : r;
    }
    case IV_DOUBLE:
    case IV_INT:
    case IV_STR: return prim_lt(a, b);
    case IV_BOOL: return !a.u.b && b.tag == IV_BOOL && b.u.b;
    case IV_TUPLE: return b.tag == IV_TUPLE ? tuple_lt(a, b, ac, err) : 0;
    case IV_OBJECT: return b.tag == IV_OBJECT ? object_lt(a, b, ac, err) : 0;
    default: {
        StrBuf sb;
        sb_init(&sb);
        type_annotation(&sb, iv_type_of(a, false));
        err_set(err, TSI_ERR_RUNTIME, "IValues of type: %s are not comparable", sb_cstr(&sb));
        sb_free(&sb);
        return -1;
    }
    }
}

static int any_less(IValue a, IValue b, void *ctx, Err *err) {
    AnyCmp *ac = ctx;
    return ac->reverse ? any_lt(b, a, ac, err) : any_lt(a, b, ac, err);
}

/* the type check torch runs before a generic sort */
static int check_sortable(const IvList *l, Err *err) {
    if (l->len == 0)
        return TSI_OK;
    Type *t = iv_type_of(l->items[0], false);
    for (size_t i = 1; i < l->len; i++) {
        Type *u = iv_type_of(l->items[i], false);
        if (u != t) {
            StrBuf sb;
            sb_init(&sb);
            sb_puts(&sb, "Only values of same type can be compared. Found ");
            type_annotation(&sb, t);
            sb_puts(&sb, " and ");
            type_annotation(&sb, u);
            int rc = err_set(err, TSI_ERR_RUNTIME, "%s", sb_cstr(&sb));
            sb_free(&sb);
            return rc;
        }
    }
    return TSI_OK;
}

typedef enum { SORT_TYPED, SORT_TENSOR, SORT_ANY } SortKind;

static int do_sort(OpCall *c, IvList *l, SortKind kind, bool reverse, bool copied, Err *err) {
    if (kind == SORT_TENSOR) {
        /* sort(): identity shortcut and reverse; sorted(): neither */
        TensorCmp t = {reverse, !copied};
        return prim_sort(l->items, l->len, tensor_less, &t, err);
    }
    if (kind == SORT_ANY) {
        int rc = check_sortable(l, err);
        if (rc)
            return rc;
        AnyCmp ac = {reverse, c->interp};
        return prim_sort(l->items, l->len, any_less, &ac, err);
    }
    TypedCmp t = {reverse, true};
    return prim_sort(l->items, l->len, typed_less, &t, err);
}

static int sort_inplace(OpCall *c, SortKind kind, Err *err) {
    IvList *l;
    bool reverse = false;
    int rc = op_list(c, 0, &l, err);
    if (!rc && c->nin > 1)
        rc = op_bool(c, 1, &reverse, err);
    return rc ? rc : do_sort(c, l, kind, reverse, false, err);
}

static int sorted_copy(OpCall *c, SortKind kind, Err *err) {
    IvList *l;
    IValue r;
    int rc = op_list(c, 0, &l, err);
    if (!rc)
        rc = copy_list(l, &r, err);
    if (rc)
        return rc;
    if ((rc = do_sort(c, r.u.l, kind, false, true, err))) {
        iv_release(r);
        return rc;
    }
    op_ret(c, 0, r);
    return TSI_OK;
}
static int op_sort_typed(OpCall *c, Err *err) { return sort_inplace(c, SORT_TYPED, err); }
static int op_sort_tensor(OpCall *c, Err *err) { return sort_inplace(c, SORT_TENSOR, err); }
static int op_sort_any(OpCall *c, Err *err) { return sort_inplace(c, SORT_ANY, err); }
static int op_sorted_typed(OpCall *c, Err *err) { return sorted_copy(c, SORT_TYPED, err); }
static int op_sorted_tensor(OpCall *c, Err *err) { return sorted_copy(c, SORT_TENSOR, err); }
static int op_sorted_any(OpCall *c, Err *err) { return sorted_copy(c, SORT_ANY, err); }

/* ------------------------------------------------------------ misc */

static int op_rangelist(OpCall *c, Err *err) {
    int64_t n;
    IValue r;
    int rc = op_int(c, 0, &n, err);
    if (rc)
        return rc;
    if (n > PRIM_MAX_RESULT)
        return err_set(err, TSI_ERR_LIMIT, "range of %lld items is too large", (long long)n);
    if ((rc = new_list_like(type_int(), n > 0 ? (size_t)n : 0, &r, err)))
        return rc;
    for (int64_t i = 0; i < n; i++)
        if (!iv_list_push(r.u.l, iv_int(i))) {
            iv_release(r);
            return err_nomem(err);
        }
    op_ret(c, 0, r);
    return TSI_OK;
}

/* aten::Size(int[]) is the identity */
static int op_identity_list(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_dup(c->in[0]));
    return TSI_OK;
}

#define TYPED(base, fn)                                                                        \
    {"aten::" base ".int", fn}, {"aten::" base ".float", fn}, {"aten::" base ".bool", fn},     \
        {"aten::" base ".str", fn}

const OpDef interp_ops_prim_list[] = {
    {"aten::len.t", op_len},
    {"aten::len.any", op_len},
    {"aten::__getitem__.t", op_getitem},
    {"aten::select.t", op_getitem},
    {"aten::_set_item.t", op_setitem},
    {"aten::append.t", op_append},
    {"aten::reverse.t", op_reverse},
    {"aten::extend.t", op_extend},
    {"aten::copy.t", op_copy},
    {"aten::list.t", op_copy},
    {"aten::clear.t", op_clear},
    {"aten::pop.t", op_pop},
    {"aten::Delete.t", op_delete},
    {"aten::insert.t", op_insert},
    {"aten::add.t", op_add_list},
    {"aten::add_.t", op_add_inplace},
    {"aten::mul.left_t", op_mul_left},
    {"aten::mul.right_", op_mul_right},
    {"aten::mul_.t", op_mul_inplace},
    {"aten::slice.t", op_slice},
    TYPED("remove", op_remove),
    {"aten::remove.Tensor", op_remove},
    {"aten::index.list_int", op_index},
    {"aten::index.list_float", op_index},
    {"aten::index.list_bool", op_index},
    {"aten::index.list_str", op_index},
    {"aten::index.list_Tensor", op_index},
    {"aten::count.int", op_count},
    {"aten::count.float", op_count},
    {"aten::count.bool", op_count},
    {"aten::count.str", op_count},
    {"aten::count.Tensor", op_count},
    {"aten::__contains__.int_list", op_contains},
    {"aten::__contains__.float_list", op_contains},
    {"aten::__contains__.str_list", op_contains},
    {"aten::eq.int_list", op_list_eq},
    {"aten::eq.float_list", op_list_eq},
    {"aten::eq.bool_list", op_list_eq},
    {"aten::eq.str_list", op_list_eq},
    {"aten::eq.Tensor_list", op_list_eq},
    {"aten::ne.int_list", op_list_ne},
    {"aten::ne.float_list", op_list_ne},
    {"aten::ne.bool_list", op_list_ne},
    {"aten::ne.str_list", op_list_ne},
    {"aten::ne.Tensor_list", op_list_ne},
    {"prim::min.int_list", op_min_lists},
    {"prim::min.float_list", op_min_lists},
    {"prim::min.bool_list", op_min_lists},
    {"prim::max.int_list", op_max_lists},
    {"prim::max.float_list", op_max_lists},
    {"prim::max.bool_list", op_max_lists},
    {"prim::min.self_int", op_min_self},
    {"prim::min.self_float", op_min_self},
    {"prim::min.self_bool", op_min_self},
    {"prim::max.self_int", op_max_self},
    {"prim::max.self_float", op_max_self},
    {"prim::max.self_bool", op_max_self},
    {"aten::sum.int", op_sum_int},
    {"aten::sum.float", op_sum_float},
    {"aten::sum.complex", op_sum_complex},
    {"aten::sum.bool", op_sum_bool},
    {"aten::any.str", op_any},
    {"aten::any.int", op_any},
    {"aten::any.float", op_any},
    {"aten::any.bool", op_any},
    {"aten::all.int", op_all},
    {"aten::all.float", op_all},
    {"aten::all.bool", op_all},
    TYPED("sort", op_sort_typed),
    {"aten::sort.Tensor", op_sort_tensor},
    {"aten::sort.any", op_sort_any},
    TYPED("sorted", op_sorted_typed),
    {"aten::sorted.Tensor", op_sorted_tensor},
    {"aten::sorted.any", op_sorted_any},
    {"prim::rangelist", op_rangelist},
    {"aten::Size", op_identity_list},
    {NULL, NULL},
};
