/*
 * opdriver: call one registered operator on Python-literal arguments and
 * print what it returns, for the conformance tests of the non-tensor ops.
 *
 *   opdriver [-a] OPNAME ARG...    one call; results one per line; with -a
 *                                  the arguments again after "--" (to see
 *                                  in-place changes); error: MSG on stderr
 *                                  and exit 1
 *   opdriver -l                    list every registered operator name
 *   opdriver -f CASEFILE           one call per line: OPNAME<TAB>ARG<TAB>...;
 *                                  prints one Python expression per case:
 *                                  ('ok', [results], [args after], 'printed')
 *                                  or ('err', 'message')
 *
 * ARG is a Python literal (interp_parse_literal; @file.npy for tensors),
 * typed by the operator's schema where the schema type is concrete, or by
 * an explicit prefix in schema syntax: <Dict(str, int)>{}. complex(re, im)
 * makes a complex number. Values are printed as Python expressions that
 * eval() (with nan/inf/T/device defined) turns back into Python values:
 * strings as str literals with invalid UTF-8 bytes as \udcXX escapes
 * (Python's surrogateescape), tensors as T('dtype', [sizes], [values]).
 */
#include "interpreter/interp_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ printing */

static void py_str(StrBuf *sb, const char *s, size_t n) {
    sb_putc(sb, '\'');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            switch (c) {
            case '\\': sb_puts(sb, "\\\\"); break;
            case '\'': sb_puts(sb, "\\'"); break;
            case '\n': sb_puts(sb, "\\n"); break;
            case '\r': sb_puts(sb, "\\r"); break;
            case '\t': sb_puts(sb, "\\t"); break;
            default:
                if (c < 0x20 || c == 0x7f)
                    sb_printf(sb, "\\x%02x", c);
                else
                    sb_putc(sb, (char)c);
            }
            i++;
            continue;
        }
        /* a well-formed UTF-8 sequence is copied; a stray byte is escaped */
        size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
        if (ok && len == 3) {
            unsigned char d = (unsigned char)s[i + 1];
            ok = !(c == 0xe0 && d < 0xa0) && !(c == 0xed && d >= 0xa0);
        }
        if (ok && len == 4) {
            unsigned char d = (unsigned char)s[i + 1];
            ok = !(c == 0xf0 && d < 0x90) && !(c == 0xf4 && d >= 0x90);
        }
        if (ok) {
            sb_putn(sb, s + i, len);
            i += len;
        } else {
            sb_printf(sb, "\\udc%02x", c);
            i++;
        }
    }
    sb_putc(sb, '\'');
}

static void py_double(StrBuf *sb, double d) {
    if (isnan(d)) {
        sb_puts(sb, "nan");
        return;
    }
    if (isinf(d)) {
        sb_puts(sb, d < 0 ? "-inf" : "inf");
        return;
    }
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", d);
    sb_puts(sb, buf);
    if (!strpbrk(buf, ".e"))
        sb_puts(sb, ".0");
}

static void py_repr(StrBuf *sb, IValue v) {
    switch (v.tag) {
    case IV_NONE: sb_puts(sb, "None"); return;
    case IV_BOOL: sb_puts(sb, v.u.b ? "True" : "False"); return;
    case IV_INT: sb_printf(sb, "%lld", (long long)v.u.i); return;
    case IV_DOUBLE: py_double(sb, v.u.d); return;
    case IV_COMPLEX:
        sb_puts(sb, "complex(");
        py_double(sb, v.u.c->re);
        sb_puts(sb, ", ");
        py_double(sb, v.u.c->im);
        sb_putc(sb, ')');
        return;
    case IV_STR: py_str(sb, v.u.s->data, v.u.s->len); return;
    case IV_LIST:
        sb_putc(sb, '[');
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i)
                sb_puts(sb, ", ");
            py_repr(sb, v.u.l->items[i]);
        }
        sb_putc(sb, ']');
        return;
    case IV_TUPLE:
        sb_putc(sb, '(');
        for (size_t i = 0; i < v.u.tup->n; i++) {
            if (i)
                sb_puts(sb, ", ");
            py_repr(sb, v.u.tup->items[i]);
        }
        sb_puts(sb, v.u.tup->n == 1 ? ",)" : ")");
        return;
    case IV_DICT: {
        sb_putc(sb, '{');
        IValue k, x;
        bool first = true;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);) {
            if (!first)
                sb_puts(sb, ", ");
            first = false;
            py_repr(sb, k);
            sb_puts(sb, ": ");
            py_repr(sb, x);
        }
        sb_putc(sb, '}');
        return;
    }
    case IV_TENSOR: {
        const Tensor *t = v.u.t;
        if (!t) {
            sb_puts(sb, "None");
            return;
        }
        sb_printf(sb, "T('%s', [", dtype_name(t->dtype));
        for (int i = 0; i < t->ndim; i++)
            sb_printf(sb, "%s%lld", i ? ", " : "", (long long)t->sizes[i]);
        sb_puts(sb, "], [");
        int64_t n = tensor_numel(t), idx[TSI_MAX_DIM] = {0};
        for (int64_t k = 0; k < n; k++) {
            Scalar s = tensor_get(t, idx);
            if (k)
                sb_puts(sb, ", ");
            if (s.kind == SCALAR_FLOAT)
                py_double(sb, s.f);
            else if (s.kind == SCALAR_BOOL)
                sb_puts(sb, s.b ? "True" : "False");
            else
                sb_printf(sb, "%lld", (long long)s.i);
            for (int d = t->ndim - 1; d >= 0; d--) {
                if (++idx[d] < t->sizes[d])
                    break;
                idx[d] = 0;
            }
        }
        sb_puts(sb, "])");
        return;
    }
    case IV_DEVICE: {
        StrBuf d;
        sb_init(&d);
        device_format(&d, v.u.dev);
        sb_printf(sb, "device('%s')", sb_cstr(&d));
        sb_free(&d);
        return;
    }
    default: iv_repr(sb, v, NULL, NULL); return;
    }
}

/* --------------------------------------------------------- arguments */

static Type *parse_type(const char *text, Arena *arena, Err *err) {
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "opdriver::t(%s a) -> ()", text);
    FunctionSchema *s = ir_schema_parse(arena, sb_cstr(&sb), err);
    sb_free(&sb);
    return s ? s->args[0].type : NULL;
}

static bool concrete(Type *t) {
    return t && !type_has_free_vars(t) && t->kind != TY_ANY;
}

static int parse_arg(const char *text, Type *schema_type, Arena *arena, IValue *out, Err *err) {
    Type *expected = concrete(schema_type) ? schema_type : NULL;
    if (text[0] == '<') {
        const char *close = strchr(text, '>');
        if (!close)
            return err_set(err, TSI_ERR_USAGE, "unterminated <type> prefix in %s", text);
        char *tt = xstrndup(text + 1, (size_t)(close - text - 1));
        expected = tt ? parse_type(tt, arena, err) : NULL;
        free(tt);
        if (!expected)
            return err && err->code ? err->code : err_nomem(err);
        text = close + 1;
    }
    if (!strncmp(text, "complex(", 8)) {
        double re, im;
        if (sscanf(text + 8, "%lf ,%lf", &re, &im) != 2)
            return err_set(err, TSI_ERR_USAGE, "bad complex literal %s", text);
        *out = iv_complex(re, im);
        return out->tag == IV_INVALID ? err_nomem(err) : TSI_OK;
    }
    return interp_parse_literal(text, expected, out, err);
}

/* ------------------------------------------------------------ calling */

static void capture_print(void *ctx, const char *text) { sb_puts(ctx, text); }

typedef struct Result {
    IValue outs[8];
    int nout;
    StrBuf printed;
} Result;

static void free_args(IValue *args, int n) {
    for (int i = 0; i < n; i++)
        iv_release(args[i]);
}

/* Run op `name` on args (released on failure); outputs into r (owned), printed text captured. */
static int run_op(const char *name, int nargs, char **argv, IValue *args, Result *r, Err *err) {
    OpFn fn = interp_find_op_named(name);
    if (!fn)
        return err_set(err, TSI_ERR_UNSUPPORTED, "no operator registered as %s", name);
    char *base = xstrdup(name);
    if (!base)
        return err_nomem(err);
    char *colon = strstr(base, "::");
    char *dot = strchr(colon ? colon + 2 : base, '.');
    if (dot)
        *dot++ = 0;
    const FunctionSchema *s = ir_schema_find(base, dot ? dot : "");
    free(base);
    Arena arena;
    arena_init(&arena);
    int rc = TSI_OK, parsed = 0;
    for (int i = 0; i < nargs && !rc; i++, parsed++)
        rc = parse_arg(argv[i], s && !s->is_vararg && i < s->nargs ? s->args[i].type : NULL, &arena,
                       &args[i], err);
    arena_free(&arena);
    if (rc) {
        for (int i = 0; i < parsed; i++)
            iv_release(args[i]);
        return rc;
    }
    r->nout = s ? (s->nrets < 8 ? s->nrets : 8) : 1;
    for (int k = 0; k < 8; k++)
        r->outs[k] = iv_invalid();
    Interp it;
    memset(&it, 0, sizeof it);
    it.opt.print = capture_print;
    it.opt.print_ctx = &r->printed;
    OpCall call = {args, nargs, r->outs, r->nout, NULL, &it};
    rc = fn(&call, err);
    vec_free(&it.trace);
    if (rc) {
        for (int k = 0; k < r->nout; k++)
            iv_release(r->outs[k]);
        r->nout = 0;
        free_args(args, nargs);
        if (!err->code)
            err_set(err, rc, "operator failed without a message");
    }
    return rc;
}

static int single(int argc, char **argv, bool show_args) {
    Err err = {0};
    int nargs = argc - 1;
    IValue *args = xcalloc((size_t)(nargs > 0 ? nargs : 1), sizeof(IValue));
    Result r;
    sb_init(&r.printed);
    int rc = run_op(argv[0], nargs, argv + 1, args, &r, &err);
    if (rc) {
        fprintf(stderr, "error: %s\n", err.msg ? err.msg : "?");
        err_clear(&err);
        sb_free(&r.printed);
        free(args);
        return 1;
    }
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, sb_cstr(&r.printed));
    for (int k = 0; k < r.nout; k++) {
        py_repr(&sb, r.outs[k]);
        sb_putc(&sb, '\n');
        iv_release(r.outs[k]);
    }
    if (show_args) {
        sb_puts(&sb, "--\n");
        for (int i = 0; i < nargs; i++) {
            py_repr(&sb, args[i]);
            sb_putc(&sb, '\n');
        }
    }
    fputs(sb_cstr(&sb), stdout);
    sb_free(&sb);
    sb_free(&r.printed);
    free_args(args, nargs);
    free(args);
    return 0;
}

/* split a case line on tabs (in place) */
static int split_tabs(char *line, char **fields, int max) {
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = 0;
            fields[n++] = p + 1;
        }
    return n;
}

static int batch(const char *path) {
    Err err = {0};
    char *data;
    size_t len;
    if (read_file(path, &data, &len, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        err_clear(&err);
        return 2;
    }
    StrBuf out;
    sb_init(&out);
    char *line = data;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        char *fields[64];
        int nf = split_tabs(line, fields, 64);
        IValue args[64];
        Result r;
        sb_init(&r.printed);
        int rc = run_op(fields[0], nf - 1, fields + 1, args, &r, &err);
        if (rc) {
            sb_puts(&out, "('err', ");
            py_str(&out, err.msg ? err.msg : "?", err.msg ? strlen(err.msg) : 1);
            sb_puts(&out, ")\n");
            err_clear(&err);
        } else {
            sb_puts(&out, "('ok', [");
            for (int k = 0; k < r.nout; k++) {
                if (k)
                    sb_puts(&out, ", ");
                py_repr(&out, r.outs[k]);
                iv_release(r.outs[k]);
            }
            sb_puts(&out, "], [");
            for (int i = 0; i < nf - 1; i++) {
                if (i)
                    sb_puts(&out, ", ");
                py_repr(&out, args[i]);
            }
            sb_puts(&out, "], ");
            py_str(&out, sb_cstr(&r.printed), r.printed.len);
            sb_puts(&out, ")\n");
            free_args(args, nf - 1);
        }
        sb_free(&r.printed);
        line = nl ? nl + 1 : NULL;
    }
    fputs(sb_cstr(&out), stdout);
    sb_free(&out);
    free(data);
    return 0;
}

int main(int argc, char **argv) {
    Err err = {0};
    if (ir_schemas_init(&err) || interp_registry_init(&err)) {
        fprintf(stderr, "error: %s\n", err.msg ? err.msg : "init failed");
        err_clear(&err);
        return 2;
    }
    if (argc >= 3 && !strcmp(argv[1], "-f"))
        return batch(argv[2]);
    if (argc == 2 && !strcmp(argv[1], "-l")) { /* every registered op name */
        int n;
        const OpDef *const *ops = interp_registered_ops(&n);
        for (int i = 0; i < n; i++)
            printf("%s\n", ops[i]->name);
        return 0;
    }
    bool show = argc >= 2 && !strcmp(argv[1], "-a");
    if (argc < 2 + show) {
        fprintf(stderr, "usage: opdriver [-a] OPNAME ARG... | opdriver -f CASEFILE\n");
        return 2;
    }
    return single(argc - 1 - show, argv + 1 + show, show);
}
