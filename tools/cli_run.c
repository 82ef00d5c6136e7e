/*
 * cli_run.c: `tsi run MODEL [-m METHOD] [--runs N] [-o DIR] ARG...`
 *
 * Arguments: a path ending in .npy is a tensor (a 0-d array becomes a
 * number when the parameter is one); anything else is a Python literal in
 * which @path.npy stands for a tensor. They are checked against the
 * method's parameter types. The method runs --runs times (attributes it
 * mutates persist between calls); the last result is printed and, with -o,
 * written as DIR/out0.npy ... (tensors depth-first) and DIR/result.json.
 */
#include "cli.h"

#include "../api/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_ARGS = 256 };

typedef struct RunOptions {
    const char *path;
    const char *method;
    const char *outdir;
    long runs;
    const char **args;
    int nargs;
} RunOptions;

static void run_usage(FILE *f) {
    fprintf(f,
            "usage: tsi run MODEL [-m METHOD] [--runs N] [-o DIR] ARG...\n\n"
            "Call METHOD (default forward) of MODEL (a .pt archive or a text-IR file).\n"
            "ARG: FILE.npy for a tensor, or a Python literal (42, 2.5, True, None, 's',\n"
            "[...], (...), {k: v}) in which @FILE.npy stands for a tensor.\n"
            "  -m METHOD   the method to call\n"
            "  --runs N    call it N times (mutated attributes persist); print the last result\n"
            "  -o DIR      write tensors of the result as DIR/outK.npy and DIR/result.json\n");
}

static int parse_args(int argc, char **argv, RunOptions *o) {
    o->method = "forward";
    o->runs = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return -1;
        if (!o->path) {
            if (a[0] == '-' && a[1]) {
                fprintf(stderr, "tsi run: expected MODEL before options, got '%s'\n", a);
                return CLI_USAGE;
            }
            o->path = a;
            continue;
        }
        if ((!strcmp(a, "-m") || !strcmp(a, "--runs") || !strcmp(a, "-o"))) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tsi run: %s needs a value\n", a);
                return CLI_USAGE;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "-m")) {
                o->method = v;
            } else if (!strcmp(a, "-o")) {
                o->outdir = v;
            } else {
                char *end;
                errno = 0;
                o->runs = strtol(v, &end, 10);
                if (*end || errno || o->runs < 1) {
                    fprintf(stderr, "tsi run: --runs needs a positive integer, got '%s'\n", v);
                    return CLI_USAGE;
                }
            }
            continue;
        }
        if (o->nargs == MAX_ARGS) {
            fprintf(stderr, "tsi run: too many arguments\n");
            return CLI_USAGE;
        }
        o->args[o->nargs++] = a;
    }
    if (!o->path) {
        fprintf(stderr, "tsi run: no model given\n");
        return CLI_USAGE;
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* One argument, converted for (and checked against) parameter type t. */
static int make_arg(const char *text, int index, Type *t, IValue *out, Err *err) {
    int rc;
    if (ends_with(text, ".npy") && text[0] != '@' && text[0] != '[' && text[0] != '(') {
        Tensor *tensor;
        rc = npy_read_file(text, &tensor, err);
        if (rc)
            return rc;
        *out = iv_tensor(tensor);
        rc = interp_coerce_arg(out, t, err);
    } else {
        rc = interp_parse_literal(text, t, out, err);
    }
    if (rc) {
        if (rc != TSI_ERR_USAGE) /* the npy reader already names its file */
            return rc;
        return err_prefix(err, "argument %d", index + 1);
    }
    StrBuf why;
    sb_init(&why);
    if (!interp_value_matches(*out, t, &why)) {
        rc = err_set(err, TSI_ERR_USAGE, "argument %d ('%s'): %s", index + 1, text, sb_cstr(&why));
        iv_release(*out);
        *out = iv_none();
    }
    sb_free(&why);
    return rc;
}

/* ---------------------------------------------------------------- output */

typedef struct Writer {
    const char *dir;
    int next;
    StrBuf json;
    Err *err;
    int rc;
} Writer;

static void json_string(StrBuf *sb, const char *s, size_t n) {
    sb_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sb_printf(sb, "\\%c", c);
        else if (c < 0x20)
            sb_printf(sb, "\\u%04x", c);
        else
            sb_putc(sb, (char)c);
    }
    sb_putc(sb, '"');
}

static void write_value(Writer *w, IValue v) {
    StrBuf *sb = &w->json;
    switch (v.tag) {
    case IV_NONE: sb_puts(sb, "null"); break;
    case IV_BOOL: sb_puts(sb, v.u.b ? "true" : "false"); break;
    case IV_INT: sb_printf(sb, "%lld", (long long)v.u.i); break;
    case IV_DOUBLE:
        if (v.u.d != v.u.d)
            sb_puts(sb, "NaN");
        else if (v.u.d == 1.0 / 0.0 || v.u.d == -1.0 / 0.0)
            sb_puts(sb, v.u.d > 0 ? "Infinity" : "-Infinity");
        else
            sb_printf(sb, "%.17g", v.u.d);
        break;
    case IV_STR: json_string(sb, v.u.s->data, v.u.s->len); break;
    case IV_TENSOR: {
        char name[32];
        snprintf(name, sizeof name, "out%d.npy", w->next++);
        sb_printf(sb, "{\"npy\": \"%s\"}", name);
        if (!w->rc && v.u.t) {
            char *path = malloc(strlen(w->dir) + 40);
            if (!path) {
                w->rc = err_nomem(w->err);
                break;
            }
            sprintf(path, "%s/%s", w->dir, name);
            w->rc = npy_write_file(path, v.u.t, w->err);
            free(path);
        }
        break;
    }
    case IV_LIST:
    case IV_TUPLE: {
        size_t n = v.tag == IV_LIST ? v.u.l->len : v.u.tup->n;
        IValue *items = v.tag == IV_LIST ? v.u.l->items : v.u.tup->items;
        sb_putc(sb, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_puts(sb, ", ");
            write_value(w, items[i]);
        }
        sb_putc(sb, ']');
        break;
    }
    case IV_DICT: {
        IValue k, x;
        bool first = true;
        sb_putc(sb, '{');
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);) {
            if (!first)
                sb_puts(sb, ", ");
            first = false;
            StrBuf key;
            sb_init(&key);
            iv_str_of(&key, k);
            json_string(sb, sb_cstr(&key), key.len);
            sb_free(&key);
            sb_puts(sb, ": ");
            write_value(w, x);
        }
        sb_putc(sb, '}');
        break;
    }
    default: {
        StrBuf t;
        sb_init(&t);
        interp_format_value(&t, v);
        json_string(sb, sb_cstr(&t), t.len);
        sb_free(&t);
    }
    }
}

static int write_outputs(const char *dir, IValue result, Err *err) {
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return err_set(err, TSI_ERR_IO, "%s: cannot create directory: %s", dir, strerror(errno));
    Writer w = {.dir = dir, .err = err};
    sb_init(&w.json);
    write_value(&w, result);
    sb_putc(&w.json, '\n');
    int rc = w.rc;
    if (!rc && w.json.oom)
        rc = err_nomem(err);
    if (!rc) {
        char *path = malloc(strlen(dir) + 16);
        if (!path)
            rc = err_nomem(err);
        else {
            sprintf(path, "%s/result.json", dir);
            rc = write_file(path, w.json.data, w.json.len, err);
            free(path);
        }
    }
    sb_free(&w.json);
    return rc;
}

static void print_sink(void *ctx, const char *text) {
    TSI_UNUSED(ctx);
    fputs(text, stdout);
}

int cli_run(int argc, char **argv) {
    const char *argbuf[MAX_ARGS];
    RunOptions o = {.args = argbuf};
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) {
        run_usage(stdout);
        return CLI_OK;
    }
    if (rc) {
        run_usage(stderr);
        return rc;
    }
    Err err = {0};
    Model *m = NULL;
    IValue args[MAX_ARGS];
    int nbuilt = 0;
    IValue result = iv_none();
    Type *types[MAX_ARGS];
    int ntypes = 0;
    rc = model_load(o.path, &m, &err);
    Function *f = rc ? NULL : model_method(m, o.method, &err);
    if (!rc && !f)
        rc = err.code;
    if (!rc)
        rc = model_param_types(m, f, types, MAX_ARGS, &ntypes, &err);
    if (!rc && ntypes != o.nargs)
        rc = err_set(&err, TSI_ERR_USAGE, "%s() takes %d argument%s but %d %s given", o.method,
                     ntypes, ntypes == 1 ? "" : "s", o.nargs, o.nargs == 1 ? "was" : "were");
    for (int i = 0; !rc && i < o.nargs; i++) {
        rc = make_arg(o.args[i], i, types[i], &args[i], &err);
        if (!rc)
            nbuilt++;
    }
    InterpOptions opt = {.print = print_sink};
    for (long r = 0; !rc && r < o.runs; r++) {
        iv_release(result);
        result = iv_none();
        rc = model_call(m, f, args, o.nargs, &result, &opt, &err);
    }
    if (!rc) {
        StrBuf sb;
        sb_init(&sb);
        interp_format_value(&sb, result);
        sb_putc(&sb, '\n');
        fputs(sb_cstr(&sb), stdout);
        sb_free(&sb);
        if (o.outdir)
            rc = write_outputs(o.outdir, result, &err);
    }
    int status = CLI_OK;
    if (rc) {
        if (err.code == TSI_ERR_FORMAT && err.msg)
            fprintf(stderr, "%s\n", err.msg);
        else
            status = cli_report(&err);
        if (err.code == TSI_ERR_FORMAT)
            status = CLI_MODEL_ERROR;
    }
    err_clear(&err);
    iv_release(result);
    for (int i = 0; i < nbuilt; i++)
        iv_release(args[i]);
    model_free(m);
    fflush(stdout);
    return status;
}
