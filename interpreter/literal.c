/*
 * literal.c: Python-literal arguments for `tsi run` and the C API's
 * convenience parser, type checking of argument values against a method's
 * schema, and TorchScript's argument conversions.
 *
 *   value := None | True | False | number | string | @path.npy
 *          | [ value, ... ] | ( value, ... ) | { value: value, ... }
 */
#include "interp_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LIT_MAX_DEPTH = 256 };

typedef struct LitP {
    const char *s, *p, *end;
    int depth;
    Err *err;
} LitP;

static int lfail(LitP *lp, const char *what) {
    return err_set(lp->err, TSI_ERR_USAGE, "bad argument literal at column %d: %s (in %s)",
                   (int)(lp->p - lp->s) + 1, what, lp->s);
}

static void lskip(LitP *lp) {
    while (lp->p < lp->end && (*lp->p == ' ' || *lp->p == '\t' || *lp->p == '\n'))
        lp->p++;
}

static bool lword(LitP *lp, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(lp->end - lp->p) < n || memcmp(lp->p, w, n) != 0)
        return false;
    const char *after = lp->p + n;
    if (after < lp->end && (isalnum((unsigned char)*after) || *after == '_'))
        return false;
    lp->p = after;
    return true;
}

static int lvalue(LitP *lp, IValue *out);

static int lnumber(LitP *lp, IValue *out) {
    const char *start = lp->p;
    bool neg = false;
    if (*lp->p == '-' || *lp->p == '+') {
        neg = *lp->p == '-';
        lp->p++;
    }
    if (lword(lp, "inf")) {
        *out = iv_double(neg ? -INFINITY : INFINITY);
        return TSI_OK;
    }
    if (lword(lp, "nan")) {
        *out = iv_double(NAN);
        return TSI_OK;
    }
    const char *q = lp->p;
    bool is_float = false;
    while (q < lp->end && (isdigit((unsigned char)*q) || *q == '_'))
        q++;
    if (q < lp->end && *q == '.') {
        is_float = true;
        q++;
        while (q < lp->end && isdigit((unsigned char)*q))
            q++;
    }
    if (q < lp->end && (*q == 'e' || *q == 'E')) {
        is_float = true;
        q++;
        if (q < lp->end && (*q == '+' || *q == '-'))
            q++;
        while (q < lp->end && isdigit((unsigned char)*q))
            q++;
    }
    if (q == lp->p)
        return lfail(lp, "expected a value");
    char buf[128];
    size_t n = 0;
    for (const char *c = start; c < q && n + 1 < sizeof buf; c++)
        if (*c != '_')
            buf[n++] = *c;
    buf[n] = 0;
    lp->p = q;
    errno = 0;
    if (is_float) {
        *out = iv_double(strtod(buf, NULL));
    } else {
        long long v = strtoll(buf, NULL, 10);
        if (errno == ERANGE)
            return lfail(lp, "integer out of range for int64");
        *out = iv_int(v);
    }
    return TSI_OK;
}

static int lstring(LitP *lp, IValue *out) {
    char q = *lp->p++;
    StrBuf sb;
    sb_init(&sb);
    while (lp->p < lp->end && *lp->p != q) {
        char c = *lp->p++;
        if (c == '\\' && lp->p < lp->end) {
            char e = *lp->p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            default: c = e; break;
            }
        }
        sb_putc(&sb, c);
    }
    if (lp->p >= lp->end) {
        sb_free(&sb);
        return lfail(lp, "unterminated string");
    }
    lp->p++;
    *out = iv_str(sb_cstr(&sb), sb.len);
    sb_free(&sb);
    return out->tag == IV_INVALID ? err_nomem(lp->err) : TSI_OK;
}

static int ltensor(LitP *lp, IValue *out) {
    const char *start = ++lp->p;
    while (lp->p < lp->end && !strchr(",)]}: \t", *lp->p))
        lp->p++;
    char *path = xstrndup(start, (size_t)(lp->p - start));
    if (!path)
        return err_nomem(lp->err);
    Tensor *t = NULL;
    int rc = npy_read_file(path, &t, lp->err);
    free(path);
    if (rc)
        return rc;
    *out = iv_tensor(t);
    return TSI_OK;
}

/* Unify element types for a list literal's element type. */
static Type *unify_all(const IValue *items, size_t n) {
    Type *t = NULL;
    for (size_t i = 0; i < n; i++) {
        Type *e = iv_type_of(items[i], false);
        t = t ? type_unify(t, e, false) : e;
        if (!t)
            return NULL;
    }
    return t;
}

typedef VEC(IValue) IValueVec;

static int lseq(LitP *lp, char close, IValueVec *items, bool *trailing_comma) {
    *trailing_comma = false;
    lskip(lp);
    while (lp->p < lp->end && *lp->p != close) {
        IValue v;
        int rc = lvalue(lp, &v);
        if (rc)
            return rc;
        if (!vec_push(items, v)) {
            iv_release(v);
            return err_nomem(lp->err);
        }
        lskip(lp);
        *trailing_comma = false;
        if (lp->p < lp->end && *lp->p == ',') {
            lp->p++;
            *trailing_comma = true;
            lskip(lp);
        } else if (lp->p < lp->end && *lp->p != close) {
            return lfail(lp, "expected ',' or a closing bracket");
        }
    }
    if (lp->p >= lp->end)
        return lfail(lp, "unclosed bracket");
    lp->p++;
    return TSI_OK;
}

static int llist_or_tuple(LitP *lp, IValue *out) {
    char open = *lp->p++;
    char close = open == '[' ? ']' : ')';
    IValueVec items = {0};
    bool trailing;
    int rc = lseq(lp, close, &items, &trailing);
    if (rc)
        goto done;
    if (open == '(' && items.len == 1 && !trailing) { /* parenthesised value */
        *out = items.data[0];
        items.len = 0;
        goto done;
    }
    if (open == '(') {
        *out = iv_tuple_new(items.len, NULL);
        if (out->tag == IV_INVALID) {
            rc = err_nomem(lp->err);
            goto done;
        }
        for (size_t i = 0; i < items.len; i++)
            out->u.tup->items[i] = items.data[i];
        items.len = 0;
        goto done;
    }
    Type *elem = items.len ? unify_all(items.data, items.len) : type_any();
    if (!elem) {
        rc = lfail(lp, "list elements have different types");
        goto done;
    }
    *out = iv_list_new(elem, items.len);
    if (out->tag == IV_INVALID) {
        rc = err_nomem(lp->err);
        goto done;
    }
    for (size_t i = 0; i < items.len; i++)
        if (!iv_list_push(out->u.l, items.data[i]))
            rc = err_nomem(lp->err);
    items.len = 0;
done:
    for (size_t i = 0; i < items.len; i++)
        iv_release(items.data[i]);
    vec_free(&items);
    return rc;
}

static int ldict(LitP *lp, IValue *out) {
    lp->p++;
    VEC(IValue) keys = {0}, vals = {0};
    int rc = TSI_OK;
    lskip(lp);
    while (!rc && lp->p < lp->end && *lp->p != '}') {
        IValue k, v;
        if ((rc = lvalue(lp, &k)))
            break;
        if (!vec_push(&keys, k)) {
            iv_release(k);
            rc = err_nomem(lp->err);
            break;
        }
        lskip(lp);
        if (lp->p >= lp->end || *lp->p != ':') {
            rc = lfail(lp, "expected ':' in a dict");
            break;
        }
        lp->p++;
        if ((rc = lvalue(lp, &v)))
            break;
        if (!vec_push(&vals, v)) {
            iv_release(v);
            rc = err_nomem(lp->err);
            break;
        }
        lskip(lp);
        if (lp->p < lp->end && *lp->p == ',') {
            lp->p++;
            lskip(lp);
        } else if (lp->p < lp->end && *lp->p != '}') {
            rc = lfail(lp, "expected ',' or '}'");
        }
    }
    if (!rc && lp->p >= lp->end)
        rc = lfail(lp, "unclosed '{'");
    if (!rc) {
        lp->p++;
        Type *kt = keys.len ? unify_all(keys.data, keys.len) : type_str();
        Type *vt = vals.len ? unify_all(vals.data, vals.len) : type_any();
        if (!kt || !vt)
            rc = lfail(lp, "dict keys or values have different types");
        else if ((*out = iv_dict_new(kt, vt)).tag == IV_INVALID)
            rc = err_nomem(lp->err);
        for (size_t i = 0; !rc && i < keys.len; i++) {
            if (!iv_hashable(keys.data[i])) {
                rc = lfail(lp, "unhashable dict key");
                break;
            }
            if (!iv_dict_set(out->u.dict, iv_dup(keys.data[i]), iv_dup(vals.data[i])))
                rc = err_nomem(lp->err);
        }
        if (rc && out->tag == IV_DICT)
            iv_release(*out);
    }
    for (size_t i = 0; i < keys.len; i++)
        iv_release(keys.data[i]);
    for (size_t i = 0; i < vals.len; i++)
        iv_release(vals.data[i]);
    vec_free(&keys);
    vec_free(&vals);
    return rc;
}

static int lvalue(LitP *lp, IValue *out) {
    lskip(lp);
    if (lp->p >= lp->end)
        return lfail(lp, "expected a value");
    if (++lp->depth > LIT_MAX_DEPTH)
        return lfail(lp, "nesting too deep");
    int rc;
    char c = *lp->p;
    if (c == '[' || c == '(')
        rc = llist_or_tuple(lp, out);
    else if (c == '{')
        rc = ldict(lp, out);
    else if (c == '\'' || c == '"')
        rc = lstring(lp, out);
    else if (c == '@')
        rc = ltensor(lp, out);
    else if (lword(lp, "None")) {
        *out = iv_none();
        rc = TSI_OK;
    } else if (lword(lp, "True")) {
        *out = iv_bool(true);
        rc = TSI_OK;
    } else if (lword(lp, "False")) {
        *out = iv_bool(false);
        rc = TSI_OK;
    } else
        rc = lnumber(lp, out);
    lp->depth--;
    return rc;
}

int interp_parse_literal(const char *text, Type *expected, IValue *out, Err *err) {
    LitP lp = {text, text, text + strlen(text), 0, err};
    *out = iv_none();
    int rc = lvalue(&lp, out);
    if (!rc) {
        lskip(&lp);
        if (lp.p != lp.end) {
            iv_release(*out);
            *out = iv_none();
            rc = lfail(&lp, "unexpected text after the value");
        }
    }
    if (!rc && expected)
        rc = interp_coerce_arg(out, expected, err);
    return rc;
}

/* ------------------------------------------------------- type checking */

bool interp_value_matches(IValue v, Type *t, StrBuf *why) {
    bool ok;
    switch (t->kind) {
    case TY_ANY: return true;
    case TY_OPTIONAL: return v.tag == IV_NONE || interp_value_matches(v, t->elems[0], why);
    case TY_UNION:
        for (int i = 0; i < t->n; i++)
            if (interp_value_matches(v, t->elems[i], NULL))
                return true;
        ok = false;
        break;
    case TY_NUMBER: ok = v.tag == IV_INT || v.tag == IV_DOUBLE || v.tag == IV_BOOL; break;
    case TY_LIST:
        if (v.tag != IV_LIST) {
            ok = false;
            break;
        }
        for (size_t i = 0; i < v.u.l->len; i++)
            if (!interp_value_matches(v.u.l->items[i], t->elems[0], why))
                return false;
        return true;
    case TY_TUPLE:
        if (v.tag != IV_TUPLE || v.u.tup->n != (size_t)t->n) {
            ok = false;
            break;
        }
        for (int i = 0; i < t->n; i++)
            if (!interp_value_matches(v.u.tup->items[i], t->elems[i], why))
                return false;
        return true;
    case TY_DICT: {
        if (v.tag != IV_DICT) {
            ok = false;
            break;
        }
        IValue k, x;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);)
            if (!interp_value_matches(k, t->elems[0], why) ||
                !interp_value_matches(x, t->elems[1], why))
                return false;
        return true;
    }
    case TY_TENSOR: ok = v.tag == IV_TENSOR && v.u.t; break;
    default: ok = type_is_subtype(iv_type_of(v, false), t); break;
    }
    if (!ok && why && !why->len) {
        sb_puts(why, "expected a value of type '");
        type_annotation(why, t);
        sb_puts(why, "' but got '");
        type_annotation(why, iv_type_of(v, false));
        sb_puts(why, "'");
    }
    return ok;
}

int interp_coerce_arg(IValue *v, Type *t, Err *err) {
    if (t->kind == TY_OPTIONAL) {
        if (v->tag == IV_NONE)
            return TSI_OK;
        t = t->elems[0];
    }
    /* a 0-d tensor where a number is expected becomes that number */
    if (v->tag == IV_TENSOR && v->u.t && v->u.t->ndim == 0 &&
        (t->kind == TY_INT || t->kind == TY_FLOAT || t->kind == TY_BOOL || t->kind == TY_NUMBER)) {
        Scalar s;
        int rc = tensor_item(v->u.t, &s, err);
        if (rc)
            return rc;
        iv_release(*v);
        *v = s.kind == SCALAR_INT ? iv_int(s.i) : s.kind == SCALAR_BOOL ? iv_bool(s.b) : iv_double(s.f);
    }
    if (t->kind == TY_FLOAT && v->tag == IV_INT)
        *v = iv_double((double)v->u.i);
    if (t->kind == TY_LIST && v->tag == IV_LIST) {
        /* retag the list (a fresh one we own) with the expected element type */
        IvList *l = v->u.l;
        for (size_t i = 0; i < l->len; i++) {
            int rc = interp_coerce_arg(&l->items[i], t->elems[0], err);
            if (rc)
                return rc;
        }
        if (l->elem->kind == TY_ANY || type_is_subtype(l->elem, t->elems[0]))
            l->elem = t->elems[0];
    }
    if (t->kind == TY_TUPLE && v->tag == IV_TUPLE && v->u.tup->n == (size_t)t->n) {
        for (int i = 0; i < t->n; i++) {
            int rc = interp_coerce_arg(&v->u.tup->items[i], t->elems[i], err);
            if (rc)
                return rc;
        }
        if (t->name)
            v->u.tup->type = t;
    }
    if (t->kind == TY_DICT && v->tag == IV_DICT) {
        IvDict *d = v->u.dict;
        for (size_t i = 0; i < d->len; i++)
            if (d->entries[i].live) {
                int rc = interp_coerce_arg(&d->entries[i].value, t->elems[1], err);
                if (rc)
                    return rc;
            }
        d->key_type = t->elems[0];
        d->value_type = t->elems[1];
    }
    return TSI_OK;
}
