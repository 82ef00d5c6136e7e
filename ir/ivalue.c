/*
 * ivalue.c: runtime values — refcounting, containers (list, tuple,
 * insertion-ordered dict, object), equality and hashing with TorchScript's
 * rules, dynamic types, deep copy, and torch's repr() formatting.
 */
#include "ir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- refcounts */

static void hdr_init(HeapHdr *h) { atomic_init(&h->refs, 1); }

void iv_retain(IValue v) {
    if (v.tag == IV_TENSOR) {
        if (v.u.t)
            tensor_retain(v.u.t);
    } else if (iv_is_heap(v)) {
        atomic_fetch_add_explicit(&v.u.h->refs, 1, memory_order_relaxed);
    }
}

static void free_heap(IValue v);

void iv_release(IValue v) {
    if (v.tag == IV_TENSOR) {
        tensor_release(v.u.t);
        return;
    }
    if (!iv_is_heap(v))
        return;
    if (atomic_fetch_sub_explicit(&v.u.h->refs, 1, memory_order_acq_rel) == 1)
        free_heap(v);
}

static void free_heap(IValue v) {
    switch (v.tag) {
    case IV_STR:
    case IV_COMPLEX: break;
    case IV_LIST:
        for (size_t i = 0; i < v.u.l->len; i++)
            iv_release(v.u.l->items[i]);
        free(v.u.l->items);
        break;
    case IV_TUPLE:
        for (size_t i = 0; i < v.u.tup->n; i++)
            iv_release(v.u.tup->items[i]);
        break;
    case IV_DICT:
        iv_dict_clear(v.u.dict);
        free(v.u.dict->entries);
        free(v.u.dict->index);
        break;
    case IV_OBJECT: {
        IvObject *o = v.u.obj;
        for (size_t i = 0; i < o->nslots; i++)
            iv_release(o->slots[i]);
        free(o->slots);
        if (o->cls && o->cls->cls && o->cls->cls->cu)
            ir_cu_release(o->cls->cls->cu);
        break;
    }
    case IV_ENUM:
        iv_release((IValue){.tag = IV_STR, .u.s = v.u.e->name});
        iv_release(v.u.e->value);
        break;
    case IV_FUTURE:
        iv_release(v.u.fut->value);
        free(v.u.fut->error);
        break;
    default: break;
    }
    free(v.u.h);
}

/* ----------------------------------------------------------- constructors */

IValue iv_str(const char *s, size_t len) {
    if (len > SIZE_MAX - sizeof(IvStr) - 1)
        return iv_invalid();
    IvStr *p = xmalloc(sizeof(IvStr) + len + 1);
    if (!p)
        return iv_invalid();
    hdr_init(&p->h);
    p->len = len;
    if (len)
        memcpy(p->data, s, len);
    p->data[len] = 0;
    return (IValue){.tag = IV_STR, .u.s = p};
}

IValue iv_cstr(const char *s) { return iv_str(s, strlen(s)); }

IValue iv_complex(double re, double im) {
    IvComplex *c = xmalloc(sizeof *c);
    if (!c)
        return iv_invalid();
    hdr_init(&c->h);
    c->re = re;
    c->im = im;
    return (IValue){.tag = IV_COMPLEX, .u.c = c};
}

IValue iv_list_new(Type *elem, size_t reserve) {
    IvList *l = xcalloc(1, sizeof *l);
    if (!l)
        return iv_invalid();
    hdr_init(&l->h);
    l->elem = elem;
    if (reserve && !(l->items = xcalloc(reserve, sizeof(IValue)))) {
        free(l);
        return iv_invalid();
    }
    l->cap = reserve;
    return (IValue){.tag = IV_LIST, .u.l = l};
}

IValue iv_tuple_new(size_t n, Type *type) {
    if (n > (SIZE_MAX - sizeof(IvTuple)) / sizeof(IValue))
        return iv_invalid();
    IvTuple *t = xmalloc(sizeof(IvTuple) + n * sizeof(IValue));
    if (!t)
        return iv_invalid();
    hdr_init(&t->h);
    t->type = type;
    t->n = n;
    for (size_t i = 0; i < n; i++)
        t->items[i] = iv_none();
    return (IValue){.tag = IV_TUPLE, .u.tup = t};
}

IValue iv_dict_new(Type *key, Type *value) {
    IvDict *d = xcalloc(1, sizeof *d);
    if (!d)
        return iv_invalid();
    hdr_init(&d->h);
    d->key_type = key;
    d->value_type = value;
    return (IValue){.tag = IV_DICT, .u.dict = d};
}

IValue iv_object_new(Type *cls) {
    IvObject *o = xcalloc(1, sizeof *o);
    if (!o)
        return iv_invalid();
    size_t n = cls->cls ? cls->cls->attrs.len : 0;
    if (n && !(o->slots = xcalloc(n, sizeof(IValue)))) {
        free(o);
        return iv_invalid();
    }
    hdr_init(&o->h);
    o->cls = cls;
    o->nslots = n;
    if (cls->cls && cls->cls->cu)
        ir_cu_retain(cls->cls->cu);
    return (IValue){.tag = IV_OBJECT, .u.obj = o};
}

IValue iv_enum_new(Type *enum_type, const char *name, IValue value) {
    IvEnum *e = xcalloc(1, sizeof *e);
    IValue nm = iv_cstr(name);
    if (!e || nm.tag == IV_INVALID) {
        free(e);
        iv_release(nm);
        iv_release(value);
        return iv_invalid();
    }
    hdr_init(&e->h);
    e->type = enum_type;
    e->name = nm.u.s;
    e->value = value;
    return (IValue){.tag = IV_ENUM, .u.e = e};
}

IValue iv_future_new(Type *elem) {
    IvFuture *f = xcalloc(1, sizeof *f);
    if (!f)
        return iv_invalid();
    hdr_init(&f->h);
    f->elem = elem;
    f->value = iv_none();
    return (IValue){.tag = IV_FUTURE, .u.fut = f};
}

/* ------------------------------------------------------------------ lists */

static bool list_reserve(IvList *l, size_t n) {
    if (n <= l->cap)
        return true;
    return vec_grow_((void **)&l->items, &l->cap, n, sizeof(IValue));
}

bool iv_list_push(IvList *l, IValue v) {
    if (!list_reserve(l, l->len + 1)) {
        iv_release(v);
        return false;
    }
    l->items[l->len++] = v;
    return true;
}

bool iv_list_insert(IvList *l, size_t at, IValue v) {
    if (at > l->len)
        at = l->len;
    if (!list_reserve(l, l->len + 1)) {
        iv_release(v);
        return false;
    }
    memmove(l->items + at + 1, l->items + at, (l->len - at) * sizeof(IValue));
    l->items[at] = v;
    l->len++;
    return true;
}

IValue iv_list_remove(IvList *l, size_t at) {
    IValue v = l->items[at];
    memmove(l->items + at, l->items + at + 1, (l->len - at - 1) * sizeof(IValue));
    l->len--;
    return v;
}

void iv_list_set(IvList *l, size_t i, IValue v) {
    IValue old = l->items[i];
    l->items[i] = v;
    iv_release(old);
}

/* ------------------------------------------------------------------ dicts */

static bool dict_rebuild_index(IvDict *d, size_t cap) {
    int64_t *idx = xmalloc(cap * sizeof(int64_t));
    if (!idx)
        return false;
    for (size_t i = 0; i < cap; i++)
        idx[i] = -1;
    /* compact entries while rebuilding */
    size_t w = 0;
    for (size_t r = 0; r < d->len; r++) {
        if (!d->entries[r].live)
            continue;
        d->entries[w] = d->entries[r];
        size_t s = d->entries[w].hash & (cap - 1);
        while (idx[s] >= 0)
            s = (s + 1) & (cap - 1);
        idx[s] = (int64_t)w;
        w++;
    }
    d->len = w;
    free(d->index);
    d->index = idx;
    d->index_cap = cap;
    return true;
}

/* Slot in the index holding key, or -1. */
static int64_t dict_find(const IvDict *d, IValue key, uint64_t h) {
    if (!d->index_cap)
        return -1;
    size_t mask = d->index_cap - 1;
    for (size_t s = h & mask;; s = (s + 1) & mask) {
        int64_t e = d->index[s];
        if (e == -1)
            return -1;
        if (e >= 0 && d->entries[e].hash == h && iv_equal(d->entries[e].key, key))
            return (int64_t)s;
    }
}

bool iv_dict_set(IvDict *d, IValue key, IValue value) {
    uint64_t h = iv_hash(key);
    int64_t s = dict_find(d, key, h);
    if (s >= 0) {
        IvDictEntry *e = &d->entries[d->index[s]];
        iv_release(key);
        iv_release(e->value);
        e->value = value;
        return true;
    }
    if ((d->len + 1) * 2 > d->index_cap) {
        size_t cap = 8;
        while (cap < (d->live + 1) * 4)
            cap *= 2;
        if (!dict_rebuild_index(d, cap))
            goto fail;
    }
    if (d->len + 1 > d->cap && !vec_grow_((void **)&d->entries, &d->cap, d->len + 1, sizeof(IvDictEntry)))
        goto fail;
    d->entries[d->len] = (IvDictEntry){key, value, h, true};
    size_t mask = d->index_cap - 1, slot = h & mask;
    while (d->index[slot] >= 0)
        slot = (slot + 1) & mask;
    d->index[slot] = (int64_t)d->len;
    d->len++;
    d->live++;
    return true;
fail:
    iv_release(key);
    iv_release(value);
    return false;
}

bool iv_dict_get(const IvDict *d, IValue key, IValue *value) {
    int64_t s = dict_find(d, key, iv_hash(key));
    if (s < 0)
        return false;
    if (value)
        *value = d->entries[d->index[s]].value;
    return true;
}

bool iv_dict_remove(IvDict *d, IValue key, IValue *value_out) {
    int64_t s = dict_find(d, key, iv_hash(key));
    if (s < 0)
        return false;
    IvDictEntry *e = &d->entries[d->index[s]];
    d->index[s] = -2;
    e->live = false;
    iv_release(e->key);
    if (value_out)
        *value_out = e->value;
    else
        iv_release(e->value);
    d->live--;
    return true;
}

bool iv_dict_next(const IvDict *d, size_t *iter, IValue *key, IValue *value) {
    while (*iter < d->len) {
        const IvDictEntry *e = &d->entries[(*iter)++];
        if (e->live) {
            if (key)
                *key = e->key;
            if (value)
                *value = e->value;
            return true;
        }
    }
    return false;
}

void iv_dict_clear(IvDict *d) {
    for (size_t i = 0; i < d->len; i++)
        if (d->entries[i].live) {
            iv_release(d->entries[i].key);
            iv_release(d->entries[i].value);
        }
    d->len = d->live = 0;
    for (size_t i = 0; i < d->index_cap; i++)
        d->index[i] = -1;
}

/* ---------------------------------------------------------------- objects */

void iv_object_set(IvObject *o, size_t slot, IValue v) {
    IValue old = o->slots[slot];
    o->slots[slot] = v;
    iv_release(old);
}

bool iv_object_resize(IvObject *o, size_t nslots) {
    if (nslots <= o->nslots) {
        for (size_t i = nslots; i < o->nslots; i++)
            iv_release(o->slots[i]);
        o->nslots = nslots;
        return true;
    }
    IValue *s = xrealloc_array(o->slots, nslots, sizeof(IValue));
    if (!s)
        return false;
    for (size_t i = o->nslots; i < nslots; i++)
        s[i] = iv_invalid();
    o->slots = s;
    o->nslots = nslots;
    return true;
}

/* ------------------------------------------------------ equality, hashing */

bool iv_is(IValue a, IValue b) {
    if (a.tag != b.tag)
        return false;
    switch (a.tag) {
    case IV_NONE:
    case IV_INVALID:
    case IV_UNINIT: return true;
    case IV_BOOL: return a.u.b == b.u.b;
    case IV_INT: return a.u.i == b.u.i;
    case IV_DOUBLE: return a.u.d == b.u.d;
    case IV_DEVICE: return a.u.dev.type == b.u.dev.type && a.u.dev.index == b.u.dev.index;
    case IV_TENSOR: return a.u.t == b.u.t;
    default: return a.u.h == b.u.h;
    }
}

bool iv_equal(IValue a, IValue b) {
    /* numbers compare across int/float/bool as Python does */
    bool na = a.tag == IV_INT || a.tag == IV_DOUBLE || a.tag == IV_BOOL;
    bool nb = b.tag == IV_INT || b.tag == IV_DOUBLE || b.tag == IV_BOOL;
    if (na && nb) {
        if (a.tag == IV_DOUBLE || b.tag == IV_DOUBLE) {
            double x = a.tag == IV_DOUBLE ? a.u.d : a.tag == IV_INT ? (double)a.u.i : a.u.b;
            double y = b.tag == IV_DOUBLE ? b.u.d : b.tag == IV_INT ? (double)b.u.i : b.u.b;
            return x == y;
        }
        int64_t x = a.tag == IV_INT ? a.u.i : a.u.b, y = b.tag == IV_INT ? b.u.i : b.u.b;
        return x == y;
    }
    if (a.tag != b.tag)
        return false;
    switch (a.tag) {
    case IV_STR: return a.u.s->len == b.u.s->len && !memcmp(a.u.s->data, b.u.s->data, a.u.s->len);
    case IV_COMPLEX: return a.u.c->re == b.u.c->re && a.u.c->im == b.u.c->im;
    case IV_LIST:
        if (a.u.l->len != b.u.l->len)
            return false;
        for (size_t i = 0; i < a.u.l->len; i++)
            if (!iv_equal(a.u.l->items[i], b.u.l->items[i]))
                return false;
        return true;
    case IV_TUPLE:
        if (a.u.tup->n != b.u.tup->n)
            return false;
        for (size_t i = 0; i < a.u.tup->n; i++)
            if (!iv_equal(a.u.tup->items[i], b.u.tup->items[i]))
                return false;
        return true;
    case IV_DICT: {
        if (a.u.dict->live != b.u.dict->live)
            return false;
        IValue k, v, w;
        for (size_t it = 0; iv_dict_next(a.u.dict, &it, &k, &v);)
            if (!iv_dict_get(b.u.dict, k, &w) || !iv_equal(v, w))
                return false;
        return true;
    }
    case IV_ENUM:
        return a.u.e->type == b.u.e->type && iv_equal(a.u.e->value, b.u.e->value);
    default: return iv_is(a, b);
    }
}

bool iv_hashable(IValue v) {
    switch (v.tag) {
    case IV_NONE:
    case IV_BOOL:
    case IV_INT:
    case IV_DOUBLE:
    case IV_COMPLEX:
    case IV_STR:
    case IV_TENSOR:
    case IV_DEVICE:
    case IV_ENUM: return true;
    case IV_TUPLE:
        for (size_t i = 0; i < v.u.tup->n; i++)
            if (!iv_hashable(v.u.tup->items[i]))
                return false;
        return true;
    default: return false;
    }
}

uint64_t iv_hash(IValue v) {
    switch (v.tag) {
    case IV_BOOL: return hash_u64((uint64_t)v.u.b);
    case IV_INT: return hash_u64((uint64_t)v.u.i);
    case IV_DOUBLE: {
        /* equal numbers hash equally across int and float */
        double d = v.u.d;
        if (d == floor(d) && fabs(d) < 9.2e18)
            return hash_u64((uint64_t)(int64_t)d);
        if (d == 0)
            return hash_u64(0);
        uint64_t bits;
        memcpy(&bits, &d, 8);
        return hash_u64(bits);
    }
    case IV_STR: return hash_bytes(v.u.s->data, v.u.s->len);
    case IV_COMPLEX: return hash_combine(hash_bytes(&v.u.c->re, 8), hash_bytes(&v.u.c->im, 8));
    case IV_DEVICE: return hash_u64((uint64_t)(uint8_t)v.u.dev.type << 8 | (uint8_t)v.u.dev.index);
    case IV_TUPLE: {
        uint64_t h = 0x345678;
        for (size_t i = 0; i < v.u.tup->n; i++)
            h = hash_combine(h, iv_hash(v.u.tup->items[i]));
        return h;
    }
    case IV_ENUM: return hash_combine(hash_u64((uintptr_t)v.u.e->type), iv_hash(v.u.e->value));
    case IV_NONE: return 0x9e37;
    default: return hash_u64((uintptr_t)v.u.h);
    }
}

/* ------------------------------------------------------------------ types */

Type *iv_type_of(IValue v, bool complete_tensors) {
    switch (v.tag) {
    case IV_NONE: return type_none();
    case IV_BOOL: return type_bool();
    case IV_INT: return type_int();
    case IV_DOUBLE: return type_float();
    case IV_COMPLEX: return type_complex();
    case IV_STR: return type_str();
    case IV_DEVICE: return type_device();
    case IV_TENSOR: return complete_tensors ? type_tensor_of(v.u.t) : type_tensor();
    case IV_LIST: return type_list(v.u.l->elem);
    case IV_DICT: return type_dict(v.u.dict->key_type, v.u.dict->value_type);
    case IV_OBJECT: return v.u.obj->cls;
    case IV_ENUM: return v.u.e->type;
    case IV_FUTURE: return type_future(v.u.fut->elem);
    case IV_FUNCTION: return type_of_kind(TY_FUNCTION);
    case IV_CAPSULE: return type_of_kind(TY_CAPSULE);
    case IV_TUPLE: {
        if (v.u.tup->type)
            return v.u.tup->type;
        size_t n = v.u.tup->n;
        Type *buf[32] = {0};
        Type **elems = n <= 32 ? buf : xcalloc(n, sizeof(Type *));
        if (!elems)
            return type_any();
        for (size_t i = 0; i < n; i++)
            elems[i] = iv_type_of(v.u.tup->items[i], complete_tensors);
        Type *t = type_tuple((int)n, elems);
        if (elems != buf)
            free(elems);
        return t ? t : type_any();
    }
    default: return type_any();
    }
}

/* -------------------------------------------------------------- deep copy */

IValue iv_deepcopy(IValue v, bool copy_tensors, Err *err) {
    switch (v.tag) {
    case IV_TENSOR: {
        if (!copy_tensors || !v.u.t)
            return iv_dup(v);
        Tensor *c = tensor_clone(v.u.t, err);
        if (!c)
            return iv_invalid();
        c->requires_grad = v.u.t->requires_grad;
        return iv_tensor(c);
    }
    case IV_LIST: {
        IValue r = iv_list_new(v.u.l->elem, v.u.l->len);
        if (r.tag == IV_INVALID)
            goto oom;
        for (size_t i = 0; i < v.u.l->len; i++) {
            IValue e = iv_deepcopy(v.u.l->items[i], copy_tensors, err);
            if (e.tag == IV_INVALID || !iv_list_push(r.u.l, e)) {
                iv_release(r);
                return iv_invalid();
            }
        }
        return r;
    }
    case IV_TUPLE: {
        IValue r = iv_tuple_new(v.u.tup->n, v.u.tup->type);
        if (r.tag == IV_INVALID)
            goto oom;
        for (size_t i = 0; i < v.u.tup->n; i++) {
            IValue e = iv_deepcopy(v.u.tup->items[i], copy_tensors, err);
            if (e.tag == IV_INVALID) {
                iv_release(r);
                return iv_invalid();
            }
            r.u.tup->items[i] = e;
        }
        return r;
    }
    case IV_DICT: {
        IValue r = iv_dict_new(v.u.dict->key_type, v.u.dict->value_type);
        if (r.tag == IV_INVALID)
            goto oom;
        IValue k, x;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);) {
            IValue kc = iv_deepcopy(k, copy_tensors, err);
            IValue xc = kc.tag == IV_INVALID ? iv_invalid() : iv_deepcopy(x, copy_tensors, err);
            if (xc.tag == IV_INVALID || !iv_dict_set(r.u.dict, kc, xc)) {
                if (xc.tag == IV_INVALID)
                    iv_release(kc);
                iv_release(r);
                return iv_invalid();
            }
        }
        return r;
    }
    case IV_OBJECT: {
        IValue r = iv_object_new(v.u.obj->cls);
        if (r.tag == IV_INVALID || !iv_object_resize(r.u.obj, v.u.obj->nslots)) {
            iv_release(r);
            goto oom;
        }
        for (size_t i = 0; i < v.u.obj->nslots; i++) {
            IValue s = iv_deepcopy(v.u.obj->slots[i], copy_tensors, err);
            if (s.tag == IV_INVALID && v.u.obj->slots[i].tag != IV_INVALID) {
                iv_release(r);
                return iv_invalid();
            }
            r.u.obj->slots[i] = s;
        }
        return r;
    }
    default: return iv_dup(v);
    }
oom:
    err_nomem(err);
    return iv_invalid();
}

/* --------------------------------------------------------------- printing */

void iv_format_double(StrBuf *sb, double d) {
    char buf[40];
    fmt_double_torch(buf, sizeof buf, d);
    sb_puts(sb, buf);
}

void iv_format_string(StrBuf *sb, const char *s, size_t len) {
    sb_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        signed char c = (signed char)s[i];
        switch (c) {
        case '\\': sb_puts(sb, "\\\\"); break;
        case '\'': sb_puts(sb, "\\'"); break;
        case '"': sb_puts(sb, "\\\""); break;
        case '\a': sb_puts(sb, "\\a"); break;
        case '\b': sb_puts(sb, "\\b"); break;
        case '\f': sb_puts(sb, "\\f"); break;
        case '\n': sb_puts(sb, "\\n"); break;
        case '\r': sb_puts(sb, "\\r"); break;
        case '\t': sb_puts(sb, "\\t"); break;
        case '\v': sb_puts(sb, "\\v"); break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                sb_putc(sb, (char)c);
            } else {
                /* torch's octal escape computed on a signed char: non-ASCII
                 * bytes give the same odd characters torch prints. */
                int x = c;
                char buf[4] = "000";
                buf[2] = (char)(buf[2] + x % 8);
                x /= 8;
                buf[1] = (char)(buf[1] + x % 8);
                x /= 8;
                buf[0] = (char)(buf[0] + x);
                sb_putc(sb, '\\');
                sb_puts(sb, buf);
            }
        }
    }
    sb_putc(sb, '"');
}

static const char *const device_names[] = {
    "cpu", "cuda", "mkldnn", "opengl", "opencl", "ideep", "hip", "fpga", "ort", "xla",
    "vulkan", "metal", "xpu", "mps", "meta", "hpu", "ve", "lazy", "ipu", "privateuseone",
};

void device_format(StrBuf *sb, Device d) {
    const char *n = d.type >= 0 && (size_t)d.type < TSI_ARRAY_LEN(device_names)
                        ? device_names[(int)d.type]
                        : "unknown";
    sb_puts(sb, n);
    if (d.index >= 0)
        sb_printf(sb, ":%d", d.index);
}

int device_parse(const char *s, Device *out) {
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    for (size_t i = 0; i < TSI_ARRAY_LEN(device_names); i++) {
        if (strlen(device_names[i]) == n && !strncmp(s, device_names[i], n)) {
            out->type = (int8_t)i;
            out->index = -1;
            if (colon) {
                char *end;
                long idx = strtol(colon + 1, &end, 10);
                if (*end || end == colon + 1 || idx < 0 || idx > 127)
                    return TSI_ERR_VALUE;
                out->index = (int8_t)idx;
            }
            return TSI_OK;
        }
    }
    return TSI_ERR_VALUE;
}

/* Can the element type of a list/dict be inferred from its members?
 * (torch's elementTypeCanBeInferredFromMembers) */
static bool elem_inferable(Type *t) {
    return !(t->kind == TY_UNION || t->kind == TY_OPTIONAL || t->kind == TY_NUMBER ||
             t->kind == TY_INTERFACE || t->kind == TY_ANY);
}

static void print_complex(StrBuf *sb, double re, double im) {
    iv_format_double(sb, re);
    sb_putc(sb, im >= 0 ? '+' : '-');
    iv_format_double(sb, fabs(im));
    sb_putc(sb, 'j');
}

void iv_repr(StrBuf *sb, IValue v, IvReprHook custom, void *ctx) {
    if (custom && custom(sb, v, ctx))
        return;
    switch (v.tag) {
    case IV_NONE: sb_puts(sb, "None"); return;
    case IV_DOUBLE: iv_format_double(sb, v.u.d); return;
    case IV_COMPLEX: print_complex(sb, v.u.c->re, v.u.c->im); return;
    case IV_INT: sb_printf(sb, "%lld", (long long)v.u.i); return;
    case IV_BOOL: sb_puts(sb, v.u.b ? "True" : "False"); return;
    case IV_STR: iv_format_string(sb, v.u.s->data, v.u.s->len); return;
    case IV_TUPLE:
        sb_putc(sb, '(');
        for (size_t i = 0; i < v.u.tup->n; i++) {
            if (i)
                sb_puts(sb, ", ");
            iv_repr(sb, v.u.tup->items[i], custom, ctx);
        }
        sb_puts(sb, v.u.tup->n == 1 ? ",)" : ")");
        return;
    case IV_LIST: {
        bool annotate = v.u.l->len == 0 || !elem_inferable(v.u.l->elem);
        if (annotate) {
            sb_puts(sb, "annotate(");
            type_annotation(sb, type_list(v.u.l->elem));
            sb_puts(sb, ", ");
        }
        sb_putc(sb, '[');
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i)
                sb_puts(sb, ", ");
            iv_repr(sb, v.u.l->items[i], custom, ctx);
        }
        sb_putc(sb, ']');
        if (annotate)
            sb_putc(sb, ')');
        return;
    }
    case IV_DICT: {
        bool annotate = v.u.dict->live == 0 || !elem_inferable(v.u.dict->value_type);
        if (annotate) {
            sb_puts(sb, "annotate(");
            type_annotation(sb, type_dict(v.u.dict->key_type, v.u.dict->value_type));
            sb_putc(sb, ',');
        }
        sb_putc(sb, '{');
        IValue k, x;
        bool first = true;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);) {
            if (!first)
                sb_puts(sb, ", ");
            first = false;
            iv_repr(sb, k, custom, ctx);
            sb_puts(sb, ": ");
            iv_repr(sb, x, custom, ctx);
        }
        sb_putc(sb, '}');
        if (annotate)
            sb_putc(sb, ')');
        return;
    }
    case IV_DEVICE: {
        StrBuf d;
        sb_init(&d);
        device_format(&d, v.u.dev);
        sb_puts(sb, "torch.device(");
        iv_format_string(sb, sb_cstr(&d), d.len);
        sb_putc(sb, ')');
        sb_free(&d);
        return;
    }
    case IV_ENUM:
        sb_printf(sb, "%s.%s", v.u.e->type->name, v.u.e->name->data);
        return;
    case IV_TENSOR: sb_puts(sb, "<Tensor>"); return;
    case IV_OBJECT: sb_printf(sb, "object(%p)", (void *)v.u.obj); return;
    case IV_FUNCTION: sb_puts(sb, v.u.fn->qualname); return;
    case IV_TYPE: type_print(sb, v.u.ty); return;
    default: sb_puts(sb, "<value>"); return;
    }
}

/* Python's str(): like repr but strings unquoted at the top level. */
void iv_str_of(StrBuf *sb, IValue v) {
    if (v.tag == IV_STR) {
        sb_putn(sb, v.u.s->data, v.u.s->len);
        return;
    }
    iv_repr(sb, v, NULL, NULL);
}
