/*
 * ops_prim_dict.c: dict operators with TorchScript's semantics. One
 * implementation serves every key-type overload (str, int, bool, float,
 * complex, Tensor): keys hash and compare as c10's Dict does (numbers by
 * value, tensors by identity). Dicts keep insertion order; re-assigning a
 * key keeps its place, and popitem() removes the *first* entry (c10's
 * order, not Python's LIFO). Missing keys raise "KeyError: <key>" with the
 * key as str() prints it.
 */
#include "ops_prim.h"

static int get_dict(const OpCall *c, int i, IvDict **d, Err *err) {
    if (c->in[i].tag != IV_DICT)
        return err_set(err, TSI_ERR_TYPE, "argument %d: expected a dict", i);
    *d = c->in[i].u.dict;
    return TSI_OK;
}

static int key_error(IValue key, Err *err) {
    StrBuf sb;
    sb_init(&sb);
    prim_str_of(&sb, key);
    int rc = err_set(err, TSI_ERR_INDEX, "KeyError: %s", sb.oom ? "?" : sb_cstr(&sb));
    sb_free(&sb);
    return rc;
}

static int op_len(OpCall *c, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (!rc)
        op_ret(c, 0, iv_int((int64_t)d->live));
    return rc;
}

/* keys() / values(): new lists typed by the dict's key / value type */
static int keys_or_values(OpCall *c, bool keys, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    IValue l = iv_list_new(keys ? d->key_type : d->value_type, d->live);
    if (l.tag == IV_INVALID)
        return err_nomem(err);
    IValue k, v;
    for (size_t it = 0; iv_dict_next(d, &it, &k, &v);)
        if (!iv_list_push(l.u.l, iv_dup(keys ? k : v))) {
            iv_release(l);
            return err_nomem(err);
        }
    op_ret(c, 0, l);
    return TSI_OK;
}
static int op_keys(OpCall *c, Err *err) { return keys_or_values(c, true, err); }
static int op_values(OpCall *c, Err *err) { return keys_or_values(c, false, err); }

static int op_items(OpCall *c, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    Type *kv[2] = {d->key_type, d->value_type};
    Type *tt = type_tuple(2, kv);
    if (!tt)
        return err_nomem(err);
    IValue l = iv_list_new(tt, d->live);
    if (l.tag == IV_INVALID)
        return err_nomem(err);
    IValue k, v;
    for (size_t it = 0; iv_dict_next(d, &it, &k, &v);) {
        IValue t = iv_tuple_new(2, NULL);
        if (t.tag == IV_INVALID) {
            iv_release(l);
            return err_nomem(err);
        }
        t.u.tup->items[0] = iv_dup(k);
        t.u.tup->items[1] = iv_dup(v);
        if (!iv_list_push(l.u.l, t)) {
            iv_release(l);
            return err_nomem(err);
        }
    }
    op_ret(c, 0, l);
    return TSI_OK;
}

static int op_getitem(OpCall *c, Err *err) {
    IvDict *d = NULL;
    IValue v;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    if (!iv_dict_get(d, c->in[1], &v))
        return key_error(c->in[1], err);
    op_ret(c, 0, iv_dup(v));
    return TSI_OK;
}

/* get(k) -> value or None; get(k, default) */
static int op_get(OpCall *c, Err *err) {
    IvDict *d = NULL;
    IValue v;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    if (iv_dict_get(d, c->in[1], &v))
        op_ret(c, 0, iv_dup(v));
    else
        op_ret(c, 0, c->nin > 2 ? iv_dup(c->in[2]) : iv_none());
    return TSI_OK;
}

static int op_setdefault(OpCall *c, Err *err) {
    IvDict *d = NULL;
    IValue v;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    if (iv_dict_get(d, c->in[1], &v)) {
        op_ret(c, 0, iv_dup(v));
        return TSI_OK;
    }
    if (!iv_dict_set(d, iv_dup(c->in[1]), iv_dup(c->in[2])))
        return err_nomem(err);
    op_ret(c, 0, iv_dup(c->in[2]));
    return TSI_OK;
}

static int op_setitem(OpCall *c, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    if (!iv_dict_set(d, iv_dup(c->in[1]), iv_dup(c->in[2])))
        return err_nomem(err);
    return TSI_OK;
}

/* pop(k), pop(k, default) and del d[k] */
static int dict_pop(OpCall *c, bool want_value, Err *err) {
    IvDict *d = NULL;
    IValue v;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    if (!iv_dict_remove(d, c->in[1], &v)) {
        if (c->nin > 2 && want_value) {
            op_ret(c, 0, iv_dup(c->in[2]));
            return TSI_OK;
        }
        return key_error(c->in[1], err);
    }
    if (want_value)
        op_ret(c, 0, v);
    else
        iv_release(v);
    return TSI_OK;
}
static int op_pop(OpCall *c, Err *err) { return dict_pop(c, true, err); }
static int op_delete(OpCall *c, Err *err) { return dict_pop(c, false, err); }

static int op_popitem(OpCall *c, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    IValue k, v;
    size_t it = 0;
    if (!iv_dict_next(d, &it, &k, &v))
        return err_set(err, TSI_ERR_INDEX, "popitem(): dictionary is empty");
    IValue t = iv_tuple_new(2, NULL);
    if (t.tag == IV_INVALID)
        return err_nomem(err);
    t.u.tup->items[0] = iv_dup(k);
    t.u.tup->items[1] = iv_dup(v);
    iv_dict_remove(d, t.u.tup->items[0], NULL);
    op_ret(c, 0, t);
    return TSI_OK;
}

static int op_contains(OpCall *c, Err *err) {
    IvDict *d = NULL;
    IValue v;
    int rc = get_dict(c, 0, &d, err);
    if (!rc)
        op_ret(c, 0, iv_bool(iv_dict_get(d, c->in[1], &v)));
    return rc;
}

static int op_clear(OpCall *c, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (!rc)
        iv_dict_clear(d);
    return rc;
}

static int update_from(IvDict *d, const IvDict *from, Err *err) {
    if (from == d)
        return TSI_OK; /* d.update(d) changes nothing */
    IValue k, v;
    for (size_t it = 0; iv_dict_next(from, &it, &k, &v);) {
        if (!iv_dict_set(d, iv_dup(k), iv_dup(v)))
            return err_nomem(err);
    }
    return TSI_OK;
}

static int op_update(OpCall *c, Err *err) {
    IvDict *d = NULL, *from = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (!rc)
        rc = get_dict(c, 1, &from, err);
    return rc ? rc : update_from(d, from, err);
}

static int op_copy(OpCall *c, Err *err) {
    IvDict *d = NULL;
    int rc = get_dict(c, 0, &d, err);
    if (rc)
        return rc;
    IValue r = iv_dict_new(d->key_type, d->value_type);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    if ((rc = update_from(r.u.dict, d, err))) {
        iv_release(r);
        return rc;
    }
    op_ret(c, 0, r);
    return TSI_OK;
}

/* dict(list of (key, value) tuples): later duplicates overwrite */
static int op_dict_from_list(OpCall *c, Err *err) {
    IvList *l;
    int rc = op_list(c, 0, &l, err);
    if (rc)
        return rc;
    Type *kt = type_any(), *vt = type_any();
    if (l->elem->kind == TY_TUPLE && l->elem->n == 2) {
        kt = l->elem->elems[0];
        vt = l->elem->elems[1];
    } else if (l->len && l->items[0].tag == IV_TUPLE && l->items[0].u.tup->n == 2) {
        kt = iv_type_of(l->items[0].u.tup->items[0], false);
        vt = iv_type_of(l->items[0].u.tup->items[1], false);
    }
    IValue r = iv_dict_new(kt, vt);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    for (size_t i = 0; i < l->len; i++) {
        IValue t = l->items[i];
        if (t.tag != IV_TUPLE || t.u.tup->n != 2) {
            iv_release(r);
            return err_set(err, TSI_ERR_TYPE, "dict() expects a list of (key, value) tuples");
        }
        if (!iv_dict_set(r.u.dict, iv_dup(t.u.tup->items[0]), iv_dup(t.u.tup->items[1]))) {
            iv_release(r);
            return err_nomem(err);
        }
    }
    op_ret(c, 0, r);
    return TSI_OK;
}

/* dict(): an empty Dict[str, Tensor] */
static int op_dict_empty(OpCall *c, Err *err) {
    IValue r = iv_dict_new(type_str(), type_tensor());
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    op_ret(c, 0, r);
    return TSI_OK;
}

#define DICT_OPS(K)                                                                            \
    {"aten::len.Dict_" K, op_len}, {"aten::keys." K, op_keys}, {"aten::values." K, op_values}, \
        {"aten::__getitem__.Dict_" K, op_getitem}, {"aten::get." K, op_get},                   \
        {"aten::get.default_" K, op_get}, {"aten::setdefault." K, op_setdefault},              \
        {"aten::Delete.Dict_" K, op_delete}, {"aten::pop.Dict_" K, op_pop},                    \
        {"aten::pop.Dict_default_" K, op_pop}, {"aten::popitem." K, op_popitem},               \
        {"aten::clear." K, op_clear}, {"aten::update." K, op_update},                          \
        {"aten::items." K, op_items}, {"aten::copy.Dict_" K, op_copy},                         \
        {"aten::__contains__." K, op_contains}, {"aten::_set_item." K, op_setitem},            \
        {"aten::dict." K, op_dict_from_list}, {"aten::dict.Dict_" K, op_copy}

const OpDef interp_ops_prim_dict[] = {
    DICT_OPS("str"),
    DICT_OPS("int"),
    DICT_OPS("bool"),
    DICT_OPS("float"),
    DICT_OPS("complex"),
    DICT_OPS("Tensor"),
    {"aten::dict", op_dict_empty},
    {NULL, NULL},
};
