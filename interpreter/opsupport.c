/*
 * opsupport.c: argument accessors and result helpers for op implementations.
 */
#include "interp_int.h"

static const char *const tag_names[IV_TAG_COUNT] = {
    [IV_INVALID] = "uninitialized value", [IV_NONE] = "None", [IV_BOOL] = "bool",
    [IV_INT] = "int", [IV_DOUBLE] = "float", [IV_COMPLEX] = "complex", [IV_STR] = "str",
    [IV_TENSOR] = "Tensor", [IV_LIST] = "list", [IV_TUPLE] = "tuple", [IV_DICT] = "dict",
    [IV_OBJECT] = "object", [IV_ENUM] = "enum", [IV_DEVICE] = "Device",
    [IV_FUTURE] = "Future", [IV_UNINIT] = "uninitialized", [IV_FUNCTION] = "function",
    [IV_TYPE] = "type", [IV_CAPSULE] = "capsule",
};

static int bad_arg(const OpCall *c, int i, const char *want, Err *err) {
    IVTag t = c->in[i].tag;
    return err_set(err, TSI_ERR_TYPE, "argument %d: expected %s but got %s", i, want,
                   t < IV_TAG_COUNT && tag_names[t] ? tag_names[t] : "?");
}

int op_tensor(const OpCall *c, int i, Tensor **t, Err *err) {
    IValue v = c->in[i];
    if (v.tag == IV_NONE) {
        *t = NULL;
        return TSI_OK;
    }
    if (v.tag != IV_TENSOR)
        return bad_arg(c, i, "Tensor", err);
    *t = v.u.t;
    return TSI_OK;
}

int op_int(const OpCall *c, int i, int64_t *v, Err *err) {
    IValue x = c->in[i];
    if (x.tag == IV_INT)
        *v = x.u.i;
    else if (x.tag == IV_BOOL)
        *v = x.u.b;
    else
        return bad_arg(c, i, "int", err);
    return TSI_OK;
}

int op_double(const OpCall *c, int i, double *v, Err *err) {
    IValue x = c->in[i];
    if (x.tag == IV_DOUBLE)
        *v = x.u.d;
    else if (x.tag == IV_INT)
        *v = (double)x.u.i;
    else if (x.tag == IV_BOOL)
        *v = x.u.b;
    else
        return bad_arg(c, i, "float", err);
    return TSI_OK;
}

int op_bool(const OpCall *c, int i, bool *v, Err *err) {
    IValue x = c->in[i];
    if (x.tag == IV_BOOL)
        *v = x.u.b;
    else if (x.tag == IV_INT)
        *v = x.u.i != 0;
    else
        return bad_arg(c, i, "bool", err);
    return TSI_OK;
}

int op_scalar(const OpCall *c, int i, Scalar *s, Err *err) {
    IValue x = c->in[i];
    switch (x.tag) {
    case IV_INT: *s = scalar_int(x.u.i); return TSI_OK;
    case IV_DOUBLE: *s = scalar_float(x.u.d); return TSI_OK;
    case IV_BOOL: *s = scalar_bool(x.u.b); return TSI_OK;
    case IV_TENSOR:
        if (x.u.t && tensor_numel(x.u.t) == 1)
            return tensor_item(x.u.t, s, err);
        return bad_arg(c, i, "a number", err);
    default: return bad_arg(c, i, "a number", err);
    }
}

int op_str(const OpCall *c, int i, const char **s, size_t *len, Err *err) {
    IValue x = c->in[i];
    if (x.tag != IV_STR)
        return bad_arg(c, i, "str", err);
    *s = x.u.s->data;
    if (len)
        *len = x.u.s->len;
    return TSI_OK;
}

int op_intlist(const OpCall *c, int i, int64_t *buf, int max, int *n, int broadcast, Err *err) {
    IValue x = c->in[i];
    if ((x.tag == IV_INT || x.tag == IV_BOOL) && broadcast > 0) {
        if (broadcast > max)
            return err_set(err, TSI_ERR_VALUE, "argument %d: list too long", i);
        for (int k = 0; k < broadcast; k++)
            buf[k] = x.tag == IV_INT ? x.u.i : x.u.b;
        *n = broadcast;
        return TSI_OK;
    }
    if (x.tag != IV_LIST)
        return bad_arg(c, i, "List[int]", err);
    IvList *l = x.u.l;
    if (l->len > (size_t)max)
        return err_set(err, TSI_ERR_VALUE, "argument %d: list of %zu entries is too long", i,
                       l->len);
    for (size_t k = 0; k < l->len; k++) {
        IValue e = l->items[k];
        if (e.tag == IV_INT)
            buf[k] = e.u.i;
        else if (e.tag == IV_BOOL)
            buf[k] = e.u.b;
        else
            return bad_arg(c, i, "List[int]", err);
    }
    *n = (int)l->len;
    return TSI_OK;
}

int op_list(const OpCall *c, int i, IvList **l, Err *err) {
    if (c->in[i].tag != IV_LIST)
        return bad_arg(c, i, "list", err);
    *l = c->in[i].u.l;
    return TSI_OK;
}

int op_opt_dtype(const OpCall *c, int i, int *dtype, Err *err) {
    if (c->in[i].tag == IV_NONE) {
        *dtype = -1;
        return TSI_OK;
    }
    int64_t v = 0;
    int rc = op_int(c, i, &v, err);
    if (rc)
        return rc;
    if (!dtype_valid((int)v))
        return err_set(err, TSI_ERR_UNSUPPORTED, "dtype code %lld is not supported", (long long)v);
    *dtype = (int)v;
    return TSI_OK;
}

int op_ret_tensor(OpCall *c, int k, Tensor *t, Err *err) {
    if (!t)
        return err && err->code ? err->code : TSI_ERR_RUNTIME;
    c->out[k] = iv_tensor(t);
    return TSI_OK;
}

Type *op_out_type(const OpCall *c, int k) {
    if (c->node && (size_t)k < c->node->outputs.len)
        return c->node->outputs.data[k]->type;
    return type_any();
}
