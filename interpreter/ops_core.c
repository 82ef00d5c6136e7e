/*
 * ops_core.c: the structural prim ops — tuples, lists, dicts, objects,
 * casts, isinstance, exceptions, Optional unwrapping and identity tests.
 * Their static types come from the node being executed.
 */
#include "interp_int.h"

#include <string.h>

static int op_tuple_construct(OpCall *c, Err *err) {
    Type *t = op_out_type(c, 0);
    IValue r = iv_tuple_new((size_t)c->nin, t->kind == TY_TUPLE && t->name ? t : NULL);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    for (int i = 0; i < c->nin; i++)
        r.u.tup->items[i] = iv_dup(c->in[i]);
    op_ret(c, 0, r);
    return TSI_OK;
}

static int op_tuple_unpack(OpCall *c, Err *err) {
    IValue t = c->in[0];
    if (t.tag != IV_TUPLE || t.u.tup->n != (size_t)c->nout)
        return err_set(err, TSI_ERR_RUNTIME, "Expected a tuple of %d elements", c->nout);
    for (int k = 0; k < c->nout; k++)
        op_ret(c, k, iv_dup(t.u.tup->items[k]));
    return TSI_OK;
}

static int op_tuple_index(OpCall *c, Err *err) {
    IValue t = c->in[0];
    int64_t i;
    int rc = op_int(c, 1, &i, err);
    if (rc)
        return rc;
    if (t.tag != IV_TUPLE)
        return err_set(err, TSI_ERR_TYPE, "prim::TupleIndex on a non-tuple");
    int64_t n = (int64_t)t.u.tup->n;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return err_set(err, TSI_ERR_INDEX, "Tuple index out of range");
    op_ret(c, 0, iv_dup(t.u.tup->items[i]));
    return TSI_OK;
}

static int op_tuple_slice(OpCall *c, Err *err) {
    IValue t = c->in[0];
    if (t.tag != IV_TUPLE)
        return err_set(err, TSI_ERR_TYPE, "prim::TupleSlice on a non-tuple");
    int64_t beg = ir_node_i(c->node, SYM_attr_beg), end = ir_node_i(c->node, SYM_attr_end);
    if (beg < 0 || end < beg || (size_t)end > t.u.tup->n)
        return err_set(err, TSI_ERR_INDEX, "Tuple slice out of range");
    IValue r = iv_tuple_new((size_t)(end - beg), NULL);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    for (int64_t i = beg; i < end; i++)
        r.u.tup->items[i - beg] = iv_dup(t.u.tup->items[i]);
    op_ret(c, 0, r);
    return TSI_OK;
}

static int op_list_construct(OpCall *c, Err *err) {
    Type *t = op_out_type(c, 0);
    Type *elem = t->kind == TY_LIST ? t->elems[0] : type_any();
    IValue l = iv_list_new(elem, (size_t)c->nin);
    if (l.tag == IV_INVALID)
        return err_nomem(err);
    for (int i = 0; i < c->nin; i++)
        if (!iv_list_push(l.u.l, iv_dup(c->in[i]))) {
            iv_release(l);
            return err_nomem(err);
        }
    op_ret(c, 0, l);
    return TSI_OK;
}

static int op_list_unpack(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    if (l->len != (size_t)c->nout)
        return err_set(err, TSI_ERR_VALUE, "Expected %d elements in a list but found %zu",
                       c->nout, l->len);
    for (int k = 0; k < c->nout; k++)
        op_ret(c, k, iv_dup(l->items[k]));
    return TSI_OK;
}

static int op_dict_construct(OpCall *c, Err *err) {
    Type *t = op_out_type(c, 0);
    if (t->kind != TY_DICT || c->nin % 2)
        return err_set(err, TSI_ERR_TYPE, "prim::DictConstruct needs a Dict output type");
    IValue d = iv_dict_new(t->elems[0], t->elems[1]);
    if (d.tag == IV_INVALID)
        return err_nomem(err);
    for (int i = 0; i < c->nin; i += 2)
        if (!iv_dict_set(d.u.dict, iv_dup(c->in[i]), iv_dup(c->in[i + 1]))) {
            iv_release(d);
            return err_nomem(err);
        }
    op_ret(c, 0, d);
    return TSI_OK;
}

static int op_create_object(OpCall *c, Err *err) {
    Type *t = op_out_type(c, 0);
    if (t->kind != TY_CLASS)
        return err_set(err, TSI_ERR_TYPE, "prim::CreateObject needs a class output type");
    IValue o = iv_object_new(t);
    if (o.tag == IV_INVALID)
        return err_nomem(err);
    op_ret(c, 0, o);
    return TSI_OK;
}

static bool value_isinstance(IValue v, Type *t) {
    if (t->kind == TY_ANY)
        return true;
    if (v.tag == IV_NONE)
        return t->kind == TY_NONE || t->kind == TY_OPTIONAL;
    if (t->kind == TY_OPTIONAL)
        return value_isinstance(v, t->elems[0]);
    if (t->kind == TY_UNION) {
        for (int i = 0; i < t->n; i++)
            if (value_isinstance(v, t->elems[i]))
                return true;
        return false;
    }
    switch (v.tag) {
    case IV_LIST:
        if (t->kind == TY_ANY_LIST)
            return true;
        return t->kind == TY_LIST && type_is_subtype(type_list(v.u.l->elem), t);
    case IV_TUPLE:
        if (t->kind == TY_ANY_TUPLE)
            return true;
        if (t->kind != TY_TUPLE || (size_t)t->n != v.u.tup->n)
            return false;
        if (t->name)
            return v.u.tup->type == t;
        for (int i = 0; i < t->n; i++)
            if (!value_isinstance(v.u.tup->items[i], t->elems[i]))
                return false;
        return true;
    default: return type_is_subtype(iv_type_of(v, false), t);
    }
}

static int op_isinstance(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    Attr *a = ir_node_attr(c->node, SYM_attr_types);
    bool r = false;
    if (a && a->kind == AK_TYS)
        for (int i = 0; i < a->ntys && !r; i++)
            r = value_isinstance(c->in[0], a->tys[i]);
    op_ret(c, 0, iv_bool(r));
    return TSI_OK;
}

static int op_identity(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_dup(c->in[0]));
    return TSI_OK;
}

static int op_unwrap_optional(OpCall *c, Err *err) {
    if (c->in[0].tag == IV_NONE)
        return err_set(err, TSI_ERR_RUNTIME, "Unwrapping null optional");
    return op_identity(c, err);
}

static int op_uninitialized(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    op_ret(c, 0, iv_uninit());
    return TSI_OK;
}

static int op_raise(OpCall *c, Err *err) {
    const char *msg = "";
    int rc = op_str(c, 0, &msg, NULL, err);
    if (rc)
        return rc;
    if (c->nin > 1 && c->in[1].tag == IV_STR)
        interp_set_exception_class(c->interp, c->in[1].u.s->data);
    return err_set(err, TSI_ERR_RUNTIME, "%s", msg);
}

static int op_num_to_tensor(OpCall *c, Err *err) {
    Scalar s;
    int rc = op_scalar(c, 0, &s, err);
    if (rc)
        return rc;
    return op_ret_tensor(c, 0, tensor_scalar(s, scalar_dtype(s), err), err);
}

static int op_is(OpCall *c, Err *err) {
    TSI_UNUSED(err);
    bool r = iv_is(c->in[0], c->in[1]);
    op_ret(c, 0, iv_bool(c->node && c->node->kind == SYM_aten___isnot__ ? !r : r));
    return TSI_OK;
}

static int op_not(OpCall *c, Err *err) {
    bool b;
    int rc = op_bool(c, 0, &b, err);
    if (rc)
        return rc;
    op_ret(c, 0, iv_bool(!b));
    return TSI_OK;
}

static int op_enum_name(OpCall *c, Err *err) {
    if (c->in[0].tag != IV_ENUM)
        return err_set(err, TSI_ERR_TYPE, "expected an enum");
    op_ret(c, 0, iv_dup((IValue){.tag = IV_STR, .u.s = c->in[0].u.e->name}));
    return TSI_OK;
}

static int op_enum_value(OpCall *c, Err *err) {
    if (c->in[0].tag != IV_ENUM)
        return err_set(err, TSI_ERR_TYPE, "expected an enum");
    op_ret(c, 0, iv_dup(c->in[0].u.e->value));
    return TSI_OK;
}

static int op_wait(OpCall *c, Err *err) {
    if (c->in[0].tag != IV_FUTURE)
        return err_set(err, TSI_ERR_TYPE, "aten::wait expects a Future");
    IvFuture *f = c->in[0].u.fut;
    if (f->error)
        return err_set(err, TSI_ERR_RUNTIME, "%s", f->error);
    op_ret(c, 0, iv_dup(f->value));
    return TSI_OK;
}

const OpDef interp_ops_core[] = {
    {"prim::TupleConstruct", op_tuple_construct},
    {"prim::TupleUnpack", op_tuple_unpack},
    {"prim::TupleIndex", op_tuple_index},
    {"prim::TupleSlice", op_tuple_slice},
    {"prim::ListConstruct", op_list_construct},
    {"prim::ListUnpack", op_list_unpack},
    {"prim::DictConstruct", op_dict_construct},
    {"prim::CreateObject", op_create_object},
    {"prim::isinstance", op_isinstance},
    {"prim::unchecked_cast", op_identity},
    {"prim::unchecked_unwrap_optional", op_identity},
    {"aten::_unwrap_optional", op_unwrap_optional},
    {"prim::Uninitialized", op_uninitialized},
    {"prim::RaiseException", op_raise},
    {"prim::NumToTensor", op_num_to_tensor},
    {"prim::NumToTensor.Scalar", op_num_to_tensor},
    {"aten::__is__", op_is},
    {"aten::__isnot__", op_is},
    {"aten::__not__", op_not},
    {"prim::EnumName", op_enum_name},
    {"prim::EnumValue", op_enum_value},
    {"prim::EnumValue.int", op_enum_value},
    {"prim::EnumValue.float", op_enum_value},
    {"prim::EnumValue.str", op_enum_value},
    {"aten::wait", op_wait},
    {NULL, NULL},
};
