/*
 * api.c: the public C API (include/tsi.h) over models, values and the
 * interpreter. A tsi_value boxes one IValue reference.
 */
#include "../include/tsi.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

tsi_status api_error_out(Err *e, tsi_error **out);

struct tsi_value {
    IValue v;
};

struct tsi_module {
    Model *model;
};

static tsi_status fail(Err *e, tsi_error **out) { return api_error_out(e, out); }

static tsi_status usage(tsi_error **out, const char *msg) {
    Err e = {0};
    err_set(&e, TSI_ERR_USAGE, "%s", msg);
    return fail(&e, out);
}

/* Box v (taking its reference). NULL on failure (v released). */
static tsi_value *box(IValue v) {
    if (v.tag == IV_INVALID)
        return NULL;
    tsi_value *b = malloc(sizeof *b);
    if (!b) {
        iv_release(v);
        return NULL;
    }
    b->v = v;
    return b;
}

TSI_API void tsi_set_num_threads(int n) { kern_set_num_threads(n); }

/* ------------------------------------------------------------- values */

TSI_API tsi_value *tsi_value_none(void) { return box(iv_none()); }
TSI_API tsi_value *tsi_value_bool(int b) { return box(iv_bool(b != 0)); }
TSI_API tsi_value *tsi_value_int(int64_t i) { return box(iv_int(i)); }
TSI_API tsi_value *tsi_value_float(double d) { return box(iv_double(d)); }
TSI_API tsi_value *tsi_value_str(const char *s) { return s ? box(iv_cstr(s)) : NULL; }

TSI_API tsi_value *tsi_value_tuple(tsi_value *const *items, size_t n) {
    IValue t = iv_tuple_new(n, NULL);
    if (t.tag == IV_INVALID)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t.u.tup->items[i] = iv_dup(items[i]->v);
    return box(t);
}

TSI_API tsi_status tsi_value_list(tsi_value *const *items, size_t n, tsi_value **out,
                                  tsi_error **err) {
    Err e = {0};
    *out = NULL;
    Type *elem = NULL;
    for (size_t i = 0; i < n; i++) {
        Type *t = iv_type_of(items[i]->v, false);
        elem = elem ? type_unify(elem, t, false) : t;
        if (!elem) {
            err_set(&e, TSI_ERR_TYPE, "list items have different types (item %zu)", i);
            return fail(&e, err);
        }
    }
    IValue l = iv_list_new(elem ? elem : type_any(), n);
    if (l.tag == IV_INVALID)
        goto oom;
    for (size_t i = 0; i < n; i++)
        if (!iv_list_push(l.u.l, iv_dup(items[i]->v))) {
            iv_release(l);
            goto oom;
        }
    if ((*out = box(l)))
        return TSI_STATUS_OK;
oom:
    err_nomem(&e);
    return fail(&e, err);
}

typedef struct WrapCtx {
    void (*release)(void *);
    void *ctx;
} WrapCtx;

static void wrap_release(void *vctx, void *data) {
    TSI_UNUSED(data);
    WrapCtx *w = vctx;
    if (w->release)
        w->release(w->ctx);
    free(w);
}

TSI_API tsi_status tsi_value_tensor_wrap(tsi_dtype dtype, int ndim, const int64_t *sizes,
                                         const int64_t *strides, void *data, size_t nbytes,
                                         void (*release)(void *ctx), void *ctx,
                                         tsi_value **out, tsi_error **err) {
    Err e = {0};
    *out = NULL;
    if (ndim < 0 || ndim > TSI_MAX_DIM || (ndim > 0 && !sizes))
        return usage(err, "tsi_value_tensor_wrap: bad rank or sizes");
    int64_t st[TSI_MAX_DIM];
    if (strides)
        memcpy(st, strides, sizeof(int64_t) * (size_t)ndim);
    else
        contiguous_strides(ndim, sizes, st);
    WrapCtx *w = malloc(sizeof *w);
    if (!w) {
        err_nomem(&e);
        return fail(&e, err);
    }
    w->release = release;
    w->ctx = ctx;
    Storage *s = storage_wrap(data, nbytes, wrap_release, w, &e);
    if (!s) {
        free(w);
        return fail(&e, err);
    }
    Tensor *t = tensor_from_storage(s, (DType)dtype, 0, ndim, sizes, st, &e);
    storage_release(s); /* the tensor holds it now (or, on failure, it is released) */
    if (!t)
        return fail(&e, err);
    if (!(*out = box(iv_tensor(t)))) {
        err_nomem(&e);
        return fail(&e, err);
    }
    return TSI_STATUS_OK;
}

TSI_API tsi_status tsi_value_tensor_copy(tsi_dtype dtype, int ndim, const int64_t *sizes,
                                         const void *data, tsi_value **out, tsi_error **err) {
    Err e = {0};
    *out = NULL;
    Tensor *t = tensor_empty((DType)dtype, ndim, sizes, &e);
    if (!t)
        return fail(&e, err);
    if (tensor_nbytes(t))
        memcpy(tensor_data(t), data, tensor_nbytes(t));
    if (!(*out = box(iv_tensor(t)))) {
        err_nomem(&e);
        return fail(&e, err);
    }
    return TSI_STATUS_OK;
}

TSI_API tsi_status tsi_value_parse(const char *literal, tsi_value **out, tsi_error **err) {
    Err e = {0};
    IValue v;
    *out = NULL;
    if (interp_parse_literal(literal, NULL, &v, &e))
        return fail(&e, err);
    if (!(*out = box(v))) {
        err_nomem(&e);
        return fail(&e, err);
    }
    return TSI_STATUS_OK;
}

TSI_API void tsi_value_free(tsi_value *v) {
    if (!v)
        return;
    iv_release(v->v);
    free(v);
}

TSI_API tsi_kind tsi_value_kind(const tsi_value *v) {
    switch (v->v.tag) {
    case IV_NONE: return TSI_KIND_NONE;
    case IV_BOOL: return TSI_KIND_BOOL;
    case IV_INT: return TSI_KIND_INT;
    case IV_DOUBLE: return TSI_KIND_FLOAT;
    case IV_STR: return TSI_KIND_STR;
    case IV_TENSOR: return TSI_KIND_TENSOR;
    case IV_LIST: return TSI_KIND_LIST;
    case IV_TUPLE: return TSI_KIND_TUPLE;
    case IV_DICT: return TSI_KIND_DICT;
    case IV_OBJECT: return TSI_KIND_OBJECT;
    default: return TSI_KIND_OTHER;
    }
}

TSI_API int tsi_value_as_bool(const tsi_value *v) {
    return v->v.tag == IV_BOOL ? v->v.u.b : v->v.tag == IV_INT ? v->v.u.i != 0 : 0;
}

TSI_API int64_t tsi_value_as_int(const tsi_value *v) {
    return v->v.tag == IV_INT ? v->v.u.i : v->v.tag == IV_BOOL ? v->v.u.b : 0;
}

TSI_API double tsi_value_as_float(const tsi_value *v) {
    return v->v.tag == IV_DOUBLE ? v->v.u.d : (double)tsi_value_as_int(v);
}

TSI_API const char *tsi_value_as_str(const tsi_value *v) {
    return v->v.tag == IV_STR ? v->v.u.s->data : NULL;
}

TSI_API size_t tsi_value_len(const tsi_value *v) {
    switch (v->v.tag) {
    case IV_LIST: return v->v.u.l->len;
    case IV_TUPLE: return v->v.u.tup->n;
    case IV_DICT: return v->v.u.dict->live;
    default: return 0;
    }
}

TSI_API tsi_value *tsi_value_item(const tsi_value *v, size_t i) {
    switch (v->v.tag) {
    case IV_LIST: return i < v->v.u.l->len ? box(iv_dup(v->v.u.l->items[i])) : NULL;
    case IV_TUPLE: return i < v->v.u.tup->n ? box(iv_dup(v->v.u.tup->items[i])) : NULL;
    case IV_DICT: {
        IValue k, x;
        size_t it = 0, n = 0;
        while (iv_dict_next(v->v.u.dict, &it, &k, &x)) {
            if (n++ == i) {
                IValue t = iv_tuple_new(2, NULL);
                if (t.tag == IV_INVALID)
                    return NULL;
                t.u.tup->items[0] = iv_dup(k);
                t.u.tup->items[1] = iv_dup(x);
                return box(t);
            }
        }
        return NULL;
    }
    default: return NULL;
    }
}

static const Tensor *tensor_of(const tsi_value *v) {
    return v->v.tag == IV_TENSOR ? v->v.u.t : NULL;
}

TSI_API tsi_dtype tsi_value_tensor_dtype(const tsi_value *v) {
    const Tensor *t = tensor_of(v);
    return t ? (tsi_dtype)t->dtype : TSI_FLOAT32;
}

TSI_API int tsi_value_tensor_ndim(const tsi_value *v) {
    const Tensor *t = tensor_of(v);
    return t ? t->ndim : -1;
}

TSI_API const int64_t *tsi_value_tensor_sizes(const tsi_value *v) {
    const Tensor *t = tensor_of(v);
    return t ? t->sizes : NULL;
}

TSI_API const int64_t *tsi_value_tensor_strides(const tsi_value *v) {
    const Tensor *t = tensor_of(v);
    return t ? t->strides : NULL;
}

TSI_API void *tsi_value_tensor_data(const tsi_value *v) {
    const Tensor *t = tensor_of(v);
    return t ? tensor_data(t) : NULL;
}

TSI_API char *tsi_value_to_string(const tsi_value *v) {
    StrBuf sb;
    sb_init(&sb);
    interp_format_value(&sb, v->v);
    return sb_finish(&sb);
}

/* ------------------------------------------------------------ modules */

TSI_API tsi_status tsi_module_load(const char *path, tsi_module **out, tsi_error **err) {
    Err e = {0};
    *out = NULL;
    if (!path)
        return usage(err, "tsi_module_load: no path");
    tsi_module *m = calloc(1, sizeof *m);
    if (!m) {
        err_nomem(&e);
        return fail(&e, err);
    }
    if (model_load(path, &m->model, &e)) {
        free(m);
        return fail(&e, err);
    }
    *out = m;
    return TSI_STATUS_OK;
}

TSI_API tsi_status tsi_module_load_ir(const char *text, size_t len, tsi_module **out,
                                      tsi_error **err) {
    Err e = {0};
    *out = NULL;
    tsi_module *m = calloc(1, sizeof *m);
    if (!m) {
        err_nomem(&e);
        return fail(&e, err);
    }
    if (model_load_ir(text, len, "<ir>", &m->model, &e)) {
        free(m);
        return fail(&e, err);
    }
    *out = m;
    return TSI_STATUS_OK;
}

enum { API_MAX_PARAMS = 256 };

TSI_API tsi_status tsi_module_call(tsi_module *m, const char *method, tsi_value *const *args,
                                   size_t nargs, tsi_value **result, tsi_error **err) {
    Err e = {0};
    *result = NULL;
    if (!m || !method)
        return usage(err, "tsi_module_call: no module or method");
    Function *f = model_method(m->model, method, &e);
    if (!f)
        return fail(&e, err);
    Type *types[API_MAX_PARAMS];
    int np = 0;
    if (model_param_types(m->model, f, types, API_MAX_PARAMS, &np, &e))
        return fail(&e, err);
    if ((size_t)np != nargs) {
        err_set(&e, TSI_ERR_USAGE, "%s() takes %d arguments but %zu were given", method, np, nargs);
        return fail(&e, err);
    }
    IValue *vals = calloc(nargs + 1, sizeof(IValue));
    if (!vals) {
        err_nomem(&e);
        return fail(&e, err);
    }
    int rc = TSI_OK;
    for (size_t i = 0; i < nargs && !rc; i++) {
        StrBuf why;
        sb_init(&why);
        vals[i] = iv_dup(args[i]->v);
        rc = interp_coerce_arg(&vals[i], types[i], &e);
        if (!rc && !interp_value_matches(vals[i], types[i], &why))
            rc = err_set(&e, TSI_ERR_TYPE, "%s() argument %zu: %s", method, i + 1, sb_cstr(&why));
        sb_free(&why);
    }
    IValue out = iv_none();
    if (!rc)
        rc = model_call(m->model, f, vals, (int)nargs, &out, NULL, &e);
    for (size_t i = 0; i < nargs; i++)
        iv_release(vals[i]);
    free(vals);
    if (rc)
        return fail(&e, err);
    if (!(*result = box(out))) {
        err_nomem(&e);
        return fail(&e, err);
    }
    return TSI_STATUS_OK;
}

TSI_API void tsi_module_free(tsi_module *m) {
    if (!m)
        return;
    model_free(m->model);
    free(m);
}
