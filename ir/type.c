/*
 * type.c: TorchScript's types — singletons, interned structural types,
 * torch's union normalisation, subtyping and unification, and the three
 * printed forms (IR `operator<<`, `str()`, Python `annotation_str`).
 *
 * Structural types are interned in a process-wide table keyed by a
 * canonical string of their parts, so pointer equality is type equality.
 * Nominal types (classes, interfaces, enums, named tuples) are created by a
 * CompilationUnit (cu.c) and compared by identity.
 */
#include "ir.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ singletons */

static Type singletons[TY_KIND_COUNT];

static void init_singletons(void) {
    for (int k = 0; k < TY_KIND_COUNT; k++)
        singletons[k].kind = (TypeKind)k;
}

static pthread_once_t singletons_once = PTHREAD_ONCE_INIT;

Type *type_of_kind(TypeKind k) {
    pthread_once(&singletons_once, init_singletons);
    return &singletons[k];
}

Type *type_any(void) { return type_of_kind(TY_ANY); }
Type *type_tensor(void) { return type_of_kind(TY_TENSOR); }
Type *type_int(void) { return type_of_kind(TY_INT); }
Type *type_float(void) { return type_of_kind(TY_FLOAT); }
Type *type_complex(void) { return type_of_kind(TY_COMPLEX); }
Type *type_bool(void) { return type_of_kind(TY_BOOL); }
Type *type_str(void) { return type_of_kind(TY_STR); }
Type *type_none(void) { return type_of_kind(TY_NONE); }
Type *type_number(void) { return type_of_kind(TY_NUMBER); }
Type *type_device(void) { return type_of_kind(TY_DEVICE); }

/* --------------------------------------------------------------- interning */

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static HMap intern_table; /* canonical key -> Type* */
static bool intern_ready;

/* Find or create the type described by proto; elems/tensor are copied. */
static Type *intern(const char *key, const Type *proto) {
    pthread_mutex_lock(&intern_lock);
    if (!intern_ready) {
        hmap_init_str(&intern_table);
        intern_ready = true;
    }
    Type *t = hmap_get(&intern_table, key);
    if (!t) {
        t = xcalloc(1, sizeof *t);
        Type **elems = proto->n ? xcalloc((size_t)proto->n, sizeof(Type *)) : NULL;
        TensorDetail *td = proto->tensor ? xmalloc(sizeof *td) : NULL;
        char *name = proto->name ? xstrdup(proto->name) : NULL;
        if (!t || (proto->n && !elems) || (proto->tensor && !td) || (proto->name && !name) ||
            !hmap_put(&intern_table, key, t)) {
            free(t);
            free(elems);
            free(td);
            free(name);
            t = NULL;
        } else {
            *t = *proto;
            if (elems)
                memcpy(elems, proto->elems, sizeof(Type *) * (size_t)proto->n);
            t->elems = elems;
            if (td)
                *td = *proto->tensor;
            t->tensor = td;
            t->name = name;
        }
    }
    pthread_mutex_unlock(&intern_lock);
    return t;
}

static Type *intern_container(TypeKind k, char tag, int n, Type *const *elems) {
    StrBuf key;
    sb_init(&key);
    sb_putc(&key, tag);
    for (int i = 0; i < n; i++)
        sb_printf(&key, ":%p", (void *)elems[i]);
    Type proto = {.kind = k, .n = n, .elems = (Type **)elems};
    Type *t = key.oom ? NULL : intern(sb_cstr(&key), &proto);
    sb_free(&key);
    return t;
}

Type *type_list(Type *elem) { return intern_container(TY_LIST, 'L', 1, &elem); }
Type *type_future(Type *elem) { return intern_container(TY_FUTURE, 'F', 1, &elem); }
Type *type_rref(Type *elem) { return intern_container(TY_RREF, 'R', 1, &elem); }
Type *type_await(Type *elem) { return intern_container(TY_AWAIT, 'W', 1, &elem); }

Type *type_dict(Type *key, Type *value) {
    Type *kv[2] = {key, value};
    return intern_container(TY_DICT, 'D', 2, kv);
}

Type *type_tuple(int n, Type *const *elems) { return intern_container(TY_TUPLE, 'T', n, elems); }

Type *type_optional(Type *elem) {
    /* Optional(Optional(T)) collapses to Optional(T), as torch's flattening does. */
    if (elem->kind == TY_OPTIONAL)
        return elem;
    return intern_container(TY_OPTIONAL, 'O', 1, &elem);
}

Type *type_var(const char *name) {
    StrBuf key;
    sb_init(&key);
    sb_printf(&key, "V:%s", name);
    Type proto = {.kind = TY_VAR, .name = name};
    Type *t = key.oom ? NULL : intern(sb_cstr(&key), &proto);
    sb_free(&key);
    return t;
}

void tensor_detail_init(TensorDetail *d) {
    memset(d, 0, sizeof *d);
    d->dtype = -1;
    d->ndim = -1;
    d->requires_grad = -1;
    d->device_type = -1;
    d->device_index = -1;
    d->undefined = -1;
}

static bool detail_is_plain(const TensorDetail *d) {
    return d->dtype < 0 && d->ndim < 0 && d->requires_grad < 0 && d->device_type < 0 &&
           d->undefined < 0;
}

Type *type_tensor_detail(const TensorDetail *d) {
    if (detail_is_plain(d))
        return type_tensor();
    StrBuf key;
    sb_init(&key);
    sb_printf(&key, "X:%d:%d:", d->dtype, d->ndim);
    for (int i = 0; i < d->ndim; i++)
        sb_printf(&key, "%lld,", (long long)d->sizes[i]);
    sb_printf(&key, ":%d:", d->has_strides);
    if (d->has_strides)
        for (int i = 0; i < d->ndim; i++)
            sb_printf(&key, "%lld,", (long long)d->strides[i]);
    sb_printf(&key, ":%d:%d:%d:%d", d->requires_grad, d->device_type, d->device_index,
              d->undefined);
    Type proto = {.kind = TY_TENSOR, .tensor = d};
    Type *t = key.oom ? NULL : intern(sb_cstr(&key), &proto);
    sb_free(&key);
    return t;
}

Type *type_tensor_of(const Tensor *t) {
    TensorDetail d;
    tensor_detail_init(&d);
    if (!t) {
        d.undefined = 1;
        return type_tensor_detail(&d);
    }
    d.dtype = t->dtype;
    d.ndim = t->ndim;
    memcpy(d.sizes, t->sizes, sizeof(int64_t) * (size_t)t->ndim);
    d.has_strides = true;
    memcpy(d.strides, t->strides, sizeof(int64_t) * (size_t)t->ndim);
    d.requires_grad = t->requires_grad;
    d.device_type = 0;
    d.device_index = -1;
    d.undefined = 0;
    return type_tensor_detail(&d);
}

/* Rebuild a type with new contained types. */
static Type *with_contained(Type *t, Type **elems) {
    switch (t->kind) {
    case TY_LIST: return type_list(elems[0]);
    case TY_OPTIONAL: return type_optional(elems[0]);
    case TY_FUTURE: return type_future(elems[0]);
    case TY_RREF: return type_rref(elems[0]);
    case TY_AWAIT: return type_await(elems[0]);
    case TY_DICT: return type_dict(elems[0], elems[1]);
    case TY_TUPLE: return t->name ? t : type_tuple(t->n, elems);
    case TY_UNION: return type_union(t->n, elems);
    default: return t;
    }
}

Type *type_unshaped(Type *t) {
    if (t->kind == TY_TENSOR)
        return type_tensor();
    if (!t->n || (t->kind == TY_TUPLE && t->name))
        return t;
    Type *buf[16];
    Type **elems = t->n <= 16 ? buf : xcalloc((size_t)t->n, sizeof(Type *));
    if (!elems)
        return t;
    bool changed = false;
    for (int i = 0; i < t->n; i++) {
        elems[i] = type_unshaped(t->elems[i]);
        changed |= elems[i] != t->elems[i];
    }
    Type *r = changed ? with_contained(t, elems) : t;
    if (elems != buf)
        free(elems);
    return r ? r : t;
}

bool type_equal(Type *a, Type *b) { return a == b; }

bool type_is_module(Type *t) {
    return (t->kind == TY_CLASS && t->cls && t->cls->is_module) ||
           (t->kind == TY_INTERFACE && t->cls && t->cls->is_module_interface);
}

bool type_has_free_vars(Type *t) {
    if (t->kind == TY_VAR)
        return true;
    if (t->kind == TY_TUPLE && t->name)
        return false;
    for (int i = 0; i < t->n; i++)
        if (type_has_free_vars(t->elems[i]))
            return true;
    return false;
}

Type *type_fake(Type *real) {
    switch (real->kind) {
    case TY_LAYOUT:
    case TY_SCALARTYPE:
    case TY_MEMORYFORMAT:
    case TY_SYMINT: return type_int();
    default: break;
    }
    if (!real->n || (real->kind == TY_TUPLE && real->name))
        return real;
    Type *buf[16];
    if (real->n > 16)
        return real;
    bool changed = false;
    for (int i = 0; i < real->n; i++) {
        buf[i] = type_fake(real->elems[i]);
        changed |= buf[i] != real->elems[i];
    }
    return changed ? with_contained(real, buf) : real;
}

/* ------------------------------------------------------------- subtyping */

static bool is_number_kind(TypeKind k) { return k == TY_INT || k == TY_FLOAT || k == TY_COMPLEX; }

/* Does the union `u` (or Optional) hold values of type t? */
static bool union_can_hold(Type *u, Type *t) {
    if (t->kind == TY_NUMBER)
        return union_can_hold(u, type_int()) && union_can_hold(u, type_float()) &&
               union_can_hold(u, type_complex());
    if (u->kind == TY_OPTIONAL)
        return t->kind == TY_NONE || type_is_subtype(t, u->elems[0]);
    for (int i = 0; i < u->n; i++)
        if (type_is_subtype(t, u->elems[i]))
            return true;
    return false;
}

/* Tensor refinement: sub is a subtype of super if every field super knows
 * agrees in sub (torch: merge(sub, super) == super). */
static bool tensor_subtype(Type *sub, Type *super) {
    if (!super->tensor)
        return true;
    if (!sub->tensor)
        return false;
    const TensorDetail *a = sub->tensor, *b = super->tensor;
    if (b->dtype >= 0 && a->dtype != b->dtype)
        return false;
    if (b->ndim >= 0) {
        if (a->ndim != b->ndim)
            return false;
        for (int i = 0; i < b->ndim; i++)
            if (b->sizes[i] >= 0 && a->sizes[i] != b->sizes[i])
                return false;
        if (b->has_strides) {
            if (!a->has_strides)
                return false;
            for (int i = 0; i < b->ndim; i++)
                if (a->strides[i] != b->strides[i])
                    return false;
        }
    }
    if (b->requires_grad >= 0 && a->requires_grad != b->requires_grad)
        return false;
    if (b->device_type >= 0 &&
        (a->device_type != b->device_type || a->device_index != b->device_index))
        return false;
    if (b->undefined >= 0 && a->undefined != b->undefined)
        return false;
    return true;
}

/* Method-compatibility for class/interface to interface subtyping: every
 * interface method exists on sub with the same arity (self excluded) and
 * argument/return types that line up. */
static bool implements_interface(Type *sub, Type *iface) {
    if (iface->cls->is_module_interface && !type_is_module(sub))
        return false;
    for (size_t i = 0; i < iface->cls->methods.len; i++) {
        Function *want = iface->cls->methods.data[i];
        Function *have = NULL;
        if (sub->kind == TY_CLASS) {
            have = ir_class_find_method(sub, want->name);
        } else {
            for (size_t j = 0; j < sub->cls->methods.len; j++)
                if (!strcmp(sub->cls->methods.data[j]->name, want->name))
                    have = sub->cls->methods.data[j];
        }
        if (!have)
            return false;
        const FunctionSchema *ws = want->schema, *hs = have->schema;
        if (!ws || !hs)
            continue; /* not compiled yet: names match, accept */
        if (ws->nargs != hs->nargs || ws->nrets != hs->nrets)
            return false;
        for (int a = 1; a < ws->nargs; a++) /* contravariant arguments */
            if (!type_is_subtype(ws->args[a].type, hs->args[a].type))
                return false;
        for (int r = 0; r < ws->nrets; r++)
            if (!type_is_subtype(hs->rets[r].type, ws->rets[r].type))
                return false;
    }
    return true;
}

/* The Type::isSubtypeOfExt base case: Any, equality, Optional/Union rhs. */
static bool base_subtype(Type *a, Type *b) {
    if (b->kind == TY_ANY || a == b)
        return true;
    if (b->kind == TY_OPTIONAL)
        return type_is_subtype(a, b->elems[0]);
    if (b->kind == TY_UNION) {
        for (int i = 0; i < b->n; i++)
            if (type_is_subtype(a, b->elems[i]))
                return true;
    }
    return false;
}

bool type_is_subtype(Type *a, Type *b) {
    if (a == b || b->kind == TY_ANY)
        return true;
    switch (a->kind) {
    case TY_NONE:
        if (b->kind == TY_OPTIONAL)
            return true;
        break;
    case TY_TENSOR:
        if (b->kind == TY_TENSOR)
            return tensor_subtype(a, b);
        break;
    case TY_INT:
    case TY_FLOAT:
    case TY_COMPLEX:
        if (b->kind == TY_NUMBER)
            return true;
        break;
    case TY_NUMBER:
        if (b->kind == TY_UNION)
            return union_can_hold(b, a);
        break;
    case TY_TUPLE:
        if (b->kind == TY_ANY_TUPLE)
            return true;
        if (b->kind == TY_TUPLE) {
            if (!a->name && b->name)
                return false;
            if (a->n != b->n)
                return false;
            if (b->name)
                for (int i = 0; i < a->n; i++)
                    if (strcmp(a->field_names[i], b->field_names[i]))
                        return false;
            if (a->name && b->name)
                return false; /* distinct named tuples (a != b) */
            for (int i = 0; i < a->n; i++)
                if (!type_is_subtype(a->elems[i], b->elems[i]))
                    return false;
            return true;
        }
        break;
    case TY_LIST:
        if (b->kind == TY_ANY_LIST)
            return true;
        break;
    case TY_CLASS:
        if (b->kind == TY_ANY_CLASS)
            return true;
        if (b->kind == TY_INTERFACE)
            return implements_interface(a, b);
        break;
    case TY_INTERFACE:
        if (b->kind == TY_INTERFACE)
            return implements_interface(a, b);
        break;
    case TY_ENUM:
        if (b->kind == TY_ANY_ENUM)
            return true;
        break;
    case TY_FUTURE:
    case TY_RREF:
    case TY_AWAIT:
        if (b->kind == a->kind)
            return type_is_subtype(a->elems[0], b->elems[0]);
        break;
    case TY_OPTIONAL:
        if (b->kind == TY_OPTIONAL)
            return type_is_subtype(a->elems[0], b->elems[0]);
        if (b->kind == TY_UNION)
            return union_can_hold(b, type_none()) && type_is_subtype(a->elems[0], b);
        return false;
    case TY_UNION: {
        /* every member must fit somewhere in b */
        for (int i = 0; i < a->n; i++) {
            Type *m = a->elems[i];
            bool ok;
            if (b->kind == TY_OPTIONAL)
                ok = m->kind == TY_NONE || type_is_subtype(m, b->elems[0]);
            else if (b->kind == TY_UNION)
                ok = union_can_hold(b, m);
            else if (b->kind == TY_NUMBER)
                ok = is_number_kind(m->kind);
            else
                ok = type_is_subtype(m, b);
            if (!ok)
                return false;
        }
        return true;
    }
    default: break;
    }
    return base_subtype(a, b);
}

/* ------------------------------------------------------------ unification */

static Type *tensor_merge(Type *a, Type *b) {
    TensorDetail d;
    tensor_detail_init(&d);
    const TensorDetail *x = a->tensor, *y = b->tensor;
    if (!x || !y)
        return type_tensor();
    if (x->dtype == y->dtype)
        d.dtype = x->dtype;
    if (x->ndim == y->ndim && x->ndim >= 0) {
        d.ndim = x->ndim;
        bool same_strides = x->has_strides && y->has_strides;
        for (int i = 0; i < d.ndim; i++) {
            d.sizes[i] = x->sizes[i] == y->sizes[i] ? x->sizes[i] : -1;
            if (same_strides && x->strides[i] != y->strides[i])
                same_strides = false;
        }
        if (same_strides) {
            d.has_strides = true;
            memcpy(d.strides, x->strides, sizeof(int64_t) * (size_t)d.ndim);
        }
    }
    if (x->requires_grad == y->requires_grad)
        d.requires_grad = x->requires_grad;
    if (x->device_type == y->device_type && x->device_index == y->device_index) {
        d.device_type = x->device_type;
        d.device_index = x->device_index;
    }
    if (x->undefined == y->undefined)
        d.undefined = x->undefined;
    return type_tensor_detail(&d);
}

static Type *unify_impl(Type *t1, Type *t2, bool default_to_union) {
    if (type_is_subtype(t1, t2))
        return t2;
    if (type_is_subtype(t2, t1))
        return t1;
    if (t1->kind == TY_TENSOR && t2->kind == TY_TENSOR)
        return tensor_merge(t1, t2);
    bool n1 = type_is_subtype(t1, type_none()), n2 = type_is_subtype(t2, type_none());
    if (n1 && !n2)
        return type_optional(t2);
    if (n2 && !n1)
        return type_optional(t1);
    if (t1->kind == TY_OPTIONAL) {
        Type *e = type_unify(t1->elems[0], t2, false);
        if (e)
            return type_optional(e);
    } else if (t2->kind == TY_OPTIONAL) {
        Type *e = type_unify(t2->elems[0], t1, false);
        if (e)
            return type_optional(e);
    }
    if (t1->kind == TY_TUPLE && t2->kind == TY_TUPLE && !t1->name && !t2->name) {
        if (t1->n != t2->n)
            return NULL;
        Type *buf[32];
        if (t1->n > 32)
            return NULL;
        for (int i = 0; i < t1->n; i++)
            if (!(buf[i] = type_unify(t1->elems[i], t2->elems[i], default_to_union)))
                return NULL;
        return type_tuple(t1->n, buf);
    }
    if (t1->kind == TY_FUTURE && t2->kind == TY_FUTURE) {
        Type *e = type_unify(t1->elems[0], t2->elems[0], false);
        if (e)
            return type_future(e);
    }
    Type *u1 = type_unshaped(t1), *u2 = type_unshaped(t2);
    if (type_is_subtype(u1, u2))
        return u2;
    if (type_is_subtype(u2, u1))
        return u1;
    return NULL;
}

Type *type_unify(Type *a, Type *b, bool default_to_union) {
    Type *r = unify_impl(a, b, default_to_union);
    if (!r && default_to_union) {
        Type *m[2] = {a, b};
        r = type_union(2, m);
    }
    return r;
}

/* ----------------------------------------------------------------- unions */

/* torch's TypeKind declaration order, used to sort union members. */
static int torch_kind_rank(TypeKind k) {
    static const TypeKind order[] = {
        TY_ANY, TY_ENUM, TY_ANY_ENUM, TY_TENSOR, TY_STORAGE, TY_TUPLE, TY_LIST, TY_DICT,
        TY_NUMBER, TY_FLOAT, TY_COMPLEX, TY_FUTURE, TY_RREF, TY_INT, TY_NONE, TY_STR,
        TY_GENERATOR, TY_QUANTIZER, TY_BOOL, TY_OPTIONAL, TY_VAR, TY_DEVICE, TY_STREAM,
        TY_FUNCTION, TY_CLASS, TY_PYOBJECT, TY_CAPSULE, TY_INTERFACE, TY_QSCHEME, TY_SCALARTYPE,
        TY_LAYOUT, TY_MEMORYFORMAT, TY_ANY_LIST, TY_ANY_TUPLE, TY_ANY_CLASS, TY_SYMINT, TY_UNION,
        TY_AWAIT,
    };
    for (size_t i = 0; i < TSI_ARRAY_LEN(order); i++)
        if (order[i] == k)
            return (int)i;
    return 100;
}

typedef VEC(Type *) TypeVec;

static bool flatten_union(Type *t, TypeVec *out) {
    if (t->kind == TY_UNION) {
        for (int i = 0; i < t->n; i++)
            if (!flatten_union(t->elems[i], out))
                return false;
        return true;
    }
    if (t->kind == TY_OPTIONAL)
        return flatten_union(t->elems[0], out) && vec_push(out, type_none());
    if (t->kind == TY_NUMBER)
        return vec_push(out, type_int()) && vec_push(out, type_float()) &&
               vec_push(out, type_complex());
    return vec_push(out, t);
}

static Type *union_supertype(Type *a, Type *b) {
    bool na = type_is_subtype(a, type_none()), nb = type_is_subtype(b, type_none());
    if (na != nb)
        return NULL;
    return type_unify(a, b, false);
}

static int cmp_union_members(const void *pa, const void *pb) {
    Type *a = *(Type *const *)pa, *b = *(Type *const *)pb;
    int ra = torch_kind_rank(a->kind), rb = torch_kind_rank(b->kind);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    StrBuf x, y;
    sb_init(&x);
    sb_init(&y);
    type_print_str(&x, a);
    type_print_str(&y, b);
    int c = strcmp(sb_cstr(&x), sb_cstr(&y));
    sb_free(&x);
    sb_free(&y);
    return c;
}

Type *type_union(int n, Type *const *members) {
    TypeVec v = {0};
    for (int i = 0; i < n; i++)
        if (!flatten_union(members[i], &v)) {
            vec_free(&v);
            return NULL;
        }
    if (v.len == 0) {
        vec_free(&v);
        return NULL;
    }
    /* Coalesce duplicates and subtypes, right to left (torch's
     * filterDuplicateSubtypes). */
    size_t end = v.len - 1;
    for (size_t i = v.len - 1; i > 0; i--) {
        for (size_t j = (i - 1 < end ? i - 1 : end);; j--) {
            Type *u = union_supertype(v.data[i], v.data[j]);
            if (u) {
                v.data[j] = u;
                v.data[i] = v.data[end];
                end--;
                break;
            }
            if (j == 0)
                break;
        }
    }
    v.len = end + 1;
    qsort(v.data, v.len, sizeof(Type *), cmp_union_members);
    Type *r;
    bool has_none = false, has_i = false, has_f = false, has_c = false;
    for (size_t i = 0; i < v.len; i++) {
        has_none |= v.data[i]->kind == TY_NONE;
        has_i |= v.data[i]->kind == TY_INT;
        has_f |= v.data[i]->kind == TY_FLOAT;
        has_c |= v.data[i]->kind == TY_COMPLEX;
    }
    if (v.len == 1) {
        r = v.data[0];
    } else if (has_none && v.len == 2) {
        r = type_optional(v.data[0]->kind == TY_NONE ? v.data[1] : v.data[0]);
    } else if (has_none && v.len == 4 && has_i && has_f && has_c) {
        r = type_optional(type_number());
    } else {
        r = intern_container(TY_UNION, 'U', (int)v.len, v.data);
    }
    vec_free(&v);
    return r;
}

/* -------------------------------------------------------------- printing */

static void print_device(StrBuf *sb, int type, int index) {
    Device d = {(int8_t)type, (int8_t)index};
    device_format(sb, d);
}

/* torch's ScalarType names by code, including the dtypes tsi's kernels do
 * not implement (complex, quantized), so every type torch prints can be
 * held and printed back. */
static const char *const scalar_type_names[] = {
    "Byte", "Char", "Short", "Int", "Long", "Half", "Float", "Double", "ComplexHalf",
    "ComplexFloat", "ComplexDouble", "Bool", "QInt8", "QUInt8", "QInt32", "BFloat16",
    "QUInt4x2", "QUInt2x4",
};

const char *type_scalar_name(int code) {
    if (code < 0 || (size_t)code >= TSI_ARRAY_LEN(scalar_type_names))
        return NULL;
    return scalar_type_names[code];
}

int type_scalar_code(const char *name, size_t len) {
    for (size_t i = 0; i < TSI_ARRAY_LEN(scalar_type_names); i++)
        if (strlen(scalar_type_names[i]) == len && !strncmp(scalar_type_names[i], name, len))
            return (int)i;
    return -1;
}

static void print_tensor_ir(StrBuf *sb, Type *t) {
    const TensorDetail *d = t->tensor;
    if (!d) {
        sb_puts(sb, "Tensor");
        return;
    }
    if (d->dtype >= 0) {
        const char *dt = type_scalar_name(d->dtype);
        sb_puts(sb, dt ? dt : "Undefined");
        if (d->ndim < 0)
            sb_puts(sb, "Tensor");
    } else {
        sb_puts(sb, "Tensor");
    }
    if (d->ndim >= 0) {
        sb_putc(sb, '(');
        int i;
        for (i = 0; i < d->ndim; i++) {
            if (i > 0)
                sb_puts(sb, ", ");
            if (d->sizes[i] >= 0)
                sb_printf(sb, "%lld", (long long)d->sizes[i]);
            else
                sb_putc(sb, '*');
        }
        if (d->ndim > 0 && d->has_strides) {
            sb_puts(sb, ", strides=[");
            for (int k = 0; k < d->ndim; k++)
                sb_printf(sb, "%s%lld", k ? ", " : "", (long long)d->strides[k]);
            sb_putc(sb, ']');
        }
        if (d->requires_grad >= 0) {
            if (i++ > 0)
                sb_puts(sb, ", ");
            sb_printf(sb, "requires_grad=%d", d->requires_grad);
        }
        if (d->device_type >= 0) {
            if (i++ > 0)
                sb_puts(sb, ", ");
            sb_puts(sb, "device=");
            print_device(sb, d->device_type, d->device_index);
        }
        sb_putc(sb, ')');
    } else {
        int i = 0;
        if (d->requires_grad >= 0) {
            sb_printf(sb, "(requires_grad=%d", d->requires_grad);
            i++;
        }
        if (d->device_type >= 0) {
            sb_puts(sb, i++ > 0 ? ", " : "(");
            sb_puts(sb, "device=");
            print_device(sb, d->device_type, d->device_index);
        }
        if (i > 0)
            sb_putc(sb, ')');
    }
    if (d->undefined == 1)
        sb_puts(sb, "[Undefined]");
}

static const char *leaf_str(TypeKind k) {
    switch (k) {
    case TY_ANY: return "Any";
    case TY_TENSOR: return "Tensor";
    case TY_INT: return "int";
    case TY_FLOAT: return "float";
    case TY_COMPLEX: return "complex";
    case TY_BOOL: return "bool";
    case TY_STR: return "str";
    case TY_NONE: return "NoneType";
    case TY_NUMBER: return "Scalar";
    case TY_DEVICE: return "Device";
    case TY_STREAM: return "Stream";
    case TY_GENERATOR: return "Generator";
    case TY_STORAGE: return "Storage";
    case TY_CAPSULE: return "Capsule";
    case TY_QSCHEME: return "QScheme";
    case TY_QUANTIZER: return "Quantizer";
    case TY_LAYOUT: return "Layout";
    case TY_SCALARTYPE: return "ScalarType";
    case TY_MEMORYFORMAT: return "MemoryFormat";
    case TY_SYMINT: return "SymInt";
    case TY_PYOBJECT: return "PyObject";
    case TY_FUNCTION: return "Function";
    case TY_ANY_LIST: return "list";
    case TY_ANY_TUPLE: return "tuple";
    case TY_ANY_CLASS: return "AnyClassType";
    case TY_ANY_ENUM: return "AnyEnumType";
    default: return NULL;
    }
}

/* Unqualified last component of a dotted name. */
static const char *last_component(const char *q) {
    const char *p = strrchr(q, '.');
    return p ? p + 1 : q;
}

/* Union(...) / Union[...] with int|float|complex collapsed to Scalar/number. */
static void print_union(StrBuf *sb, Type *t, bool annotation) {
    bool has_number = union_can_hold(t, type_number());
    sb_puts(sb, annotation ? "Union[" : "Union(");
    bool printed = false;
    for (int i = 0; i < t->n; i++) {
        Type *m = t->elems[i];
        if (has_number && is_number_kind(m->kind))
            continue;
        if (i > 0) {
            sb_puts(sb, ", ");
            printed = true;
        }
        if (annotation)
            type_annotation(sb, m);
        else
            type_print_str(sb, m);
    }
    if (has_number) {
        if (printed)
            sb_puts(sb, ", ");
        sb_puts(sb, annotation ? "number" : "Scalar");
    }
    sb_putc(sb, annotation ? ']' : ')');
}

/* torch's Type::str() */
void type_print_str(StrBuf *sb, Type *t) {
    const char *leaf = leaf_str(t->kind);
    if (leaf) {
        sb_puts(sb, leaf);
        return;
    }
    switch (t->kind) {
    case TY_LIST:
        type_print_str(sb, t->elems[0]);
        sb_puts(sb, "[]");
        return;
    case TY_OPTIONAL:
        type_print_str(sb, t->elems[0]);
        sb_putc(sb, '?');
        return;
    case TY_DICT:
        sb_puts(sb, "Dict(");
        type_print_str(sb, t->elems[0]);
        sb_puts(sb, ", ");
        type_print_str(sb, t->elems[1]);
        sb_putc(sb, ')');
        return;
    case TY_TUPLE:
        if (t->name) {
            sb_puts(sb, t->name);
            return;
        }
        sb_putc(sb, '(');
        for (int i = 0; i < t->n; i++) {
            if (i)
                sb_puts(sb, ", ");
            type_print_str(sb, t->elems[i]);
        }
        sb_putc(sb, ')');
        return;
    case TY_UNION: print_union(sb, t, false); return;
    case TY_FUTURE:
    case TY_RREF:
    case TY_AWAIT:
        sb_puts(sb, t->kind == TY_FUTURE ? "Future(" : t->kind == TY_RREF ? "RRef(" : "Await(");
        type_print_str(sb, t->elems[0]);
        sb_putc(sb, ')');
        return;
    case TY_VAR: sb_puts(sb, t->name); return;
    case TY_CLASS: sb_puts(sb, t->name); return;
    case TY_INTERFACE:
        sb_printf(sb, "InterfaceType<%s>", last_component(t->name));
        return;
    case TY_ENUM: sb_printf(sb, "Enum<%s>", t->name); return;
    default: sb_puts(sb, "<type>"); return;
    }
}

/* torch's operator<<(ostream, Type): the IR form */
void type_print(StrBuf *sb, Type *t) {
    switch (t->kind) {
    case TY_TENSOR: print_tensor_ir(sb, t); return;
    case TY_LIST:
        type_print(sb, t->elems[0]);
        sb_puts(sb, "[]");
        return;
    case TY_OPTIONAL:
        type_print(sb, t->elems[0]);
        sb_putc(sb, '?');
        return;
    case TY_FUTURE:
    case TY_RREF:
        sb_puts(sb, t->kind == TY_FUTURE ? "Future[" : "RRef[");
        type_print(sb, t->elems[0]);
        sb_putc(sb, ']');
        return;
    case TY_TUPLE:
        if (t->name)
            sb_puts(sb, "NamedTuple");
        sb_putc(sb, '(');
        for (int i = 0; i < t->n; i++) {
            if (i)
                sb_puts(sb, ", ");
            if (t->name) {
                sb_printf(sb, "%s : ", t->field_names[i]);
                type_print(sb, t->elems[i]);
                if (t->field_defaults && t->field_defaults[i].tag != IV_INVALID) {
                    sb_puts(sb, " = ");
                    iv_repr(sb, t->field_defaults[i], NULL, NULL);
                }
            } else {
                type_print(sb, t->elems[i]);
            }
        }
        sb_putc(sb, ')');
        return;
    case TY_FUNCTION: sb_puts(sb, "Function"); return;
    default: type_print_str(sb, t); return;
    }
}

/* torch's annotation_str(): the Python form */
void type_annotation(StrBuf *sb, Type *t) {
    switch (t->kind) {
    case TY_NUMBER: sb_puts(sb, "number"); return;
    case TY_LAYOUT:
    case TY_SCALARTYPE:
    case TY_MEMORYFORMAT:
    case TY_SYMINT: sb_puts(sb, "int"); return;
    case TY_TENSOR: sb_puts(sb, "Tensor"); return;
    case TY_LIST:
        sb_puts(sb, "List[");
        type_annotation(sb, t->elems[0]);
        sb_putc(sb, ']');
        return;
    case TY_OPTIONAL:
        sb_puts(sb, "Optional[");
        type_annotation(sb, t->elems[0]);
        sb_putc(sb, ']');
        return;
    case TY_DICT:
        sb_puts(sb, "Dict[");
        type_annotation(sb, t->elems[0]);
        sb_puts(sb, ", ");
        type_annotation(sb, t->elems[1]);
        sb_putc(sb, ']');
        return;
    case TY_TUPLE:
        if (t->name) {
            sb_puts(sb, t->name);
            return;
        }
        if (t->n == 0) {
            sb_puts(sb, "Tuple[()]");
            return;
        }
        sb_puts(sb, "Tuple[");
        for (int i = 0; i < t->n; i++) {
            if (i)
                sb_puts(sb, ", ");
            type_annotation(sb, t->elems[i]);
        }
        sb_putc(sb, ']');
        return;
    case TY_UNION: print_union(sb, t, true); return;
    case TY_FUTURE:
    case TY_RREF:
    case TY_AWAIT:
        sb_puts(sb, t->kind == TY_FUTURE ? "Future[" : t->kind == TY_RREF ? "RRef[" : "Await[");
        type_annotation(sb, t->elems[0]);
        sb_putc(sb, ']');
        return;
    case TY_CLASS:
    case TY_INTERFACE:
    case TY_ENUM: sb_puts(sb, t->name); return;
    default: type_print_str(sb, t); return;
    }
}

char *type_to_string(Type *t) {
    StrBuf sb;
    sb_init(&sb);
    type_print(&sb, t);
    return sb_finish(&sb);
}
