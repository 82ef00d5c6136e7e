/*
 * type_parse.c: parse the Python-style type annotations that torch writes
 * into pickles (restore_type_tag) and code: "List[str]",
 * "Dict[str, Tensor]", "Optional[int]", "Tuple[int, str]", "Tuple[()]",
 * "Union[int, NoneType]", "__torch__.MyClass". Class names go to a
 * resolver; without one they are an error. Nesting is bounded so hostile
 * strings cannot exhaust the C stack.
 */
#include "serialize.h"

#include <stdlib.h>
#include <string.h>

enum { TP_MAX_DEPTH = 256, TP_MAX_ARGS = 4096 };

typedef struct TP {
    const char *s, *p, *end;
    TypeNameResolver resolve;
    void *ctx;
    Err *err;
} TP;

static Type *tp_fail(TP *t, const char *what) {
    err_set(t->err, TSI_ERR_FORMAT, "cannot parse type '%.*s': %s at character %zu",
            (int)(t->end - t->s > 200 ? 200 : t->end - t->s), t->s, what,
            (size_t)(t->p - t->s));
    return NULL;
}

static void tp_ws(TP *t) {
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
        t->p++;
}

static bool tp_accept(TP *t, char c) {
    tp_ws(t);
    if (t->p < t->end && *t->p == c) {
        t->p++;
        return true;
    }
    return false;
}

static bool ident_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* A dotted name; returns its length (0 if none) and start. */
static size_t tp_name(TP *t, const char **start) {
    tp_ws(t);
    *start = t->p;
    for (;;) {
        if (t->p >= t->end || !ident_char(*t->p, true))
            break;
        while (t->p < t->end && ident_char(*t->p, false))
            t->p++;
        if (t->p + 1 < t->end && *t->p == '.' && ident_char(t->p[1], true))
            t->p++;
        else
            break;
    }
    return (size_t)(t->p - *start);
}

static bool name_is(const char *s, size_t n, const char *lit) {
    return strlen(lit) == n && !memcmp(s, lit, n);
}

static Type *leaf_type(const char *s, size_t n) {
    static const struct {
        const char *name;
        TypeKind kind;
    } leaves[] = {
        {"Tensor", TY_TENSOR},     {"int", TY_INT},         {"float", TY_FLOAT},
        {"complex", TY_COMPLEX},   {"bool", TY_BOOL},       {"str", TY_STR},
        {"NoneType", TY_NONE},     {"None", TY_NONE},       {"number", TY_NUMBER},
        {"Scalar", TY_NUMBER},     {"Device", TY_DEVICE},   {"Any", TY_ANY},
        {"Stream", TY_STREAM},     {"Generator", TY_GENERATOR}, {"Storage", TY_STORAGE},
        {"Capsule", TY_CAPSULE},   {"QScheme", TY_QSCHEME}, {"Layout", TY_LAYOUT},
        {"ScalarType", TY_SCALARTYPE}, {"MemoryFormat", TY_MEMORYFORMAT},
        {"SymInt", TY_SYMINT},     {"AnyEnumType", TY_ANY_ENUM},
    };
    for (size_t i = 0; i < TSI_ARRAY_LEN(leaves); i++)
        if (name_is(s, n, leaves[i].name))
            return type_of_kind(leaves[i].kind);
    return NULL;
}

static Type *tp_type(TP *t, int depth);

/* Bracketed arguments after a generic name; n_expected -1 = any count >= 1. */
static int tp_args(TP *t, int depth, Type ***out, int *n) {
    VEC(Type *) v = {0};
    *out = NULL;
    *n = 0;
    if (!tp_accept(t, '[')) {
        tp_fail(t, "expected '['");
        return -1;
    }
    do {
        if (v.len >= TP_MAX_ARGS) {
            tp_fail(t, "too many type arguments");
            goto fail;
        }
        Type *a = tp_type(t, depth + 1);
        if (!a)
            goto fail;
        if (!vec_push(&v, a)) {
            err_nomem(t->err);
            goto fail;
        }
    } while (tp_accept(t, ','));
    if (!tp_accept(t, ']')) {
        tp_fail(t, "expected ']'");
        goto fail;
    }
    *out = v.data;
    *n = (int)v.len;
    return 0;
fail:
    vec_free(&v);
    return -1;
}

static Type *tp_generic(TP *t, int depth, const char *name, size_t n) {
    /* Tuple[()] is the empty tuple. */
    if (name_is(name, n, "Tuple")) {
        const char *save = t->p;
        if (tp_accept(t, '[') && tp_accept(t, '(') && tp_accept(t, ')') && tp_accept(t, ']'))
            return type_tuple(0, NULL);
        t->p = save;
    }
    Type **args;
    int nargs;
    if (tp_args(t, depth, &args, &nargs))
        return NULL;
    Type *r = NULL;
    const char *arity_err = NULL;
    if (name_is(name, n, "List")) {
        if (nargs == 1)
            r = type_list(args[0]);
        else
            arity_err = "List takes one type argument";
    } else if (name_is(name, n, "Optional")) {
        if (nargs == 1)
            r = type_optional(args[0]);
        else
            arity_err = "Optional takes one type argument";
    } else if (name_is(name, n, "Dict")) {
        if (nargs == 2)
            r = type_dict(args[0], args[1]);
        else
            arity_err = "Dict takes two type arguments";
    } else if (name_is(name, n, "Tuple")) {
        r = type_tuple(nargs, args);
    } else if (name_is(name, n, "Union")) {
        r = type_union(nargs, args);
    } else if (name_is(name, n, "Future") || name_is(name, n, "RRef") ||
               name_is(name, n, "Await")) {
        if (nargs == 1)
            r = name[0] == 'F' ? type_future(args[0])
                : name[0] == 'R' ? type_rref(args[0])
                                 : type_await(args[0]);
        else
            arity_err = "this type takes one type argument";
    }
    free(args);
    if (arity_err)
        return tp_fail(t, arity_err);
    if (!r)
        err_nomem(t->err);
    return r;
}

static Type *tp_type(TP *t, int depth) {
    if (depth > TP_MAX_DEPTH)
        return tp_fail(t, "types nested too deeply");
    const char *name;
    size_t n = tp_name(t, &name);
    if (!n)
        return tp_fail(t, "expected a type name");
    tp_ws(t);
    bool bracket = t->p < t->end && *t->p == '[';
    if (name_is(name, n, "List") || name_is(name, n, "Optional") || name_is(name, n, "Dict") ||
        name_is(name, n, "Tuple") || name_is(name, n, "Union") || name_is(name, n, "Future") ||
        name_is(name, n, "RRef") || name_is(name, n, "Await")) {
        if (bracket)
            return tp_generic(t, depth, name, n);
        if (name_is(name, n, "List"))
            return type_of_kind(TY_ANY_LIST);
        if (name_is(name, n, "Tuple"))
            return type_of_kind(TY_ANY_TUPLE);
        return tp_fail(t, "expected '[' after a generic type name");
    }
    if (bracket)
        return tp_fail(t, "unexpected '['");
    if (name_is(name, n, "list"))
        return type_of_kind(TY_ANY_LIST);
    if (name_is(name, n, "tuple"))
        return type_of_kind(TY_ANY_TUPLE);
    Type *leaf = leaf_type(name, n);
    if (leaf)
        return leaf;
    char *q = xstrndup(name, n);
    if (!q) {
        err_nomem(t->err);
        return NULL;
    }
    Type *r = NULL;
    if (!t->resolve)
        err_set(t->err, TSI_ERR_FORMAT, "unknown type name '%s'", q);
    else
        r = t->resolve(t->ctx, q, t->err);
    free(q);
    return r;
}

Type *pkl_parse_type_annotation(const char *s, size_t len, TypeNameResolver resolve, void *ctx,
                                Err *err) {
    TP t = {s, s, s + len, resolve, ctx, err};
    Type *r = tp_type(&t, 0);
    if (!r)
        return NULL;
    tp_ws(&t);
    if (t.p != t.end)
        return tp_fail(&t, "unexpected text after the type");
    return r;
}
