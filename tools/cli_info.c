/*
 * cli_info.c: `tsi info MODEL` — what a .pt archive holds: format version,
 * records, classes, the root object's attribute tree with every tensor's
 * dtype and shape, the parameter count and the bytes of tensor data.
 *
 *   tsi info [--json] [--dump-tensors DIR] MODEL
 *
 * --json prints the same facts as JSON (the tests read it); --dump-tensors
 * writes every tensor as DIR/<path>.npy (bfloat16 as its int16 bit
 * pattern, since .npy has no bfloat16). Values reachable twice (shared
 * containers) are printed once and referenced by path afterwards.
 */
#include "cli.h"

#include "../serialize/serialize.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct Info {
    Archive *a;
    bool json;
    const char *dump_dir;
    StrBuf out;
    HMap seen_heap;    /* container pointer -> owned path string */
    HMap seen_tensor;  /* Tensor* -> (void*)1 */
    HMap seen_storage; /* Storage* -> id + 1 (ids in first-seen order) */
    HMap files;        /* dump file names used */
    int64_t params, param_tensors, tensors, storages;
    uint64_t tensor_bytes;
    Err *err;
    int rc;
} Info;

/* ------------------------------------------------------------- helpers */

static void json_str(StrBuf *sb, const char *s, size_t n) {
    sb_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (c == '\n') {
            sb_puts(sb, "\\n");
        } else if (c == '\t') {
            sb_puts(sb, "\\t");
        } else if (c == '\r') {
            sb_puts(sb, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(sb, "\\u%04x", c);
        } else {
            sb_putc(sb, (char)c);
        }
    }
    sb_putc(sb, '"');
}

static void json_cstr(StrBuf *sb, const char *s) { json_str(sb, s, strlen(s)); }

static void put_double(StrBuf *sb, double d) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    sb_puts(sb, buf);
}

static void annot_str(StrBuf *sb, Type *t) {
    if (t)
        type_annotation(sb, t);
    else
        sb_puts(sb, "?");
}

/* Append a path component. */
static char *path_join(const char *base, const char *comp) {
    StrBuf sb;
    sb_init(&sb);
    if (base && *base) {
        sb_puts(&sb, base);
        sb_putc(&sb, '.');
    }
    sb_puts(&sb, comp);
    return sb_finish(&sb);
}

static char *key_component(IValue k, size_t index) {
    StrBuf sb;
    sb_init(&sb);
    if (k.tag == IV_STR)
        sb_putn(&sb, k.u.s->data, k.u.s->len);
    else if (k.tag == IV_INT)
        sb_printf(&sb, "%lld", (long long)k.u.i);
    else if (k.tag == IV_BOOL)
        sb_puts(&sb, k.u.b ? "True" : "False");
    else
        sb_printf(&sb, "key%zu", index);
    return sb_finish(&sb);
}

static bool is_scalar(IValue v) {
    return v.tag == IV_NONE || v.tag == IV_BOOL || v.tag == IV_INT || v.tag == IV_DOUBLE ||
           v.tag == IV_STR || v.tag == IV_COMPLEX || v.tag == IV_DEVICE || v.tag == IV_ENUM;
}

static void scalar_repr(StrBuf *sb, IValue v) {
    if (v.tag == IV_ENUM) {
        sb_printf(sb, "%s", v.u.e->type->name);
        if (v.u.e->name->len)
            sb_printf(sb, ".%s", v.u.e->name->data);
        sb_putc(sb, '(');
        iv_repr(sb, v.u.e->value, NULL, NULL);
        sb_putc(sb, ')');
        return;
    }
    if (v.tag == IV_STR) {
        /* UTF-8 shown as is (iv_repr escapes it the way torch's IR printer
         * does, which is unreadable); long strings cut. */
        size_t n = v.u.s->len > 200 ? 200 : v.u.s->len;
        json_str(sb, v.u.s->data, n);
        if (n < v.u.s->len)
            sb_printf(sb, "... (%zu bytes)", v.u.s->len);
        return;
    }
    iv_repr(sb, v, NULL, NULL);
}

/* ------------------------------------------------------------- tensors */

static int dump_tensor(Info *in, const char *path, Tensor *t, StrBuf *fname) {
    /* A file name from the path: safe characters kept, others %XX. */
    StrBuf base;
    sb_init(&base);
    for (const char *p = *path ? path : "root"; *p && base.len < 180; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-')
            sb_putc(&base, (char)c);
        else
            sb_printf(&base, "%%%02X", c);
    }
    if (base.data && base.data[0] == '.')
        base.data[0] = '_';
    sb_puts(fname, sb_cstr(&base));
    for (int k = 1; hmap_has(&in->files, sb_cstr(fname)); k++) {
        sb_truncate(fname, 0);
        sb_printf(fname, "%s~%d", sb_cstr(&base), k);
    }
    sb_free(&base);
    if (fname->oom || !hmap_put(&in->files, sb_cstr(fname), NULL))
        return err_nomem(in->err);
    char *file = NULL;
    StrBuf fp;
    sb_init(&fp);
    sb_printf(&fp, "%s/%s.npy", in->dump_dir, sb_cstr(fname));
    file = sb_finish(&fp);
    if (!file)
        return err_nomem(in->err);
    int rc;
    if (t->dtype == TSI_DTYPE_BFLOAT16) {
        /* .npy has no bfloat16: write the bit pattern as int16. */
        Tensor *c = tensor_contiguous(t, in->err);
        Tensor *bits = c ? tensor_alias(c, in->err) : NULL;
        if (bits)
            bits->dtype = TSI_DTYPE_INT16;
        rc = bits ? npy_write_file(file, bits, in->err) : TSI_ERR_NOMEM;
        tensor_release(bits);
        tensor_release(c);
    } else {
        rc = npy_write_file(file, t, in->err);
    }
    free(file);
    return rc;
}

static void note_tensor(Info *in, Tensor *t, bool is_param) {
    if (!hmap_has(&in->seen_tensor, t)) {
        if (!hmap_put(&in->seen_tensor, t, (void *)1))
            return;
        in->tensors++;
        if (t->requires_grad || is_param) {
            in->params += tensor_numel(t);
            in->param_tensors++;
        }
    }
    if (!hmap_has(&in->seen_storage, t->storage) &&
        hmap_put(&in->seen_storage, t->storage, (void *)(uintptr_t)(in->storages + 1))) {
        in->storages++;
        in->tensor_bytes += t->storage->nbytes;
    }
}

static void tensor_desc(StrBuf *sb, Tensor *t) {
    sb_printf(sb, "Tensor %s ", dtype_name(t->dtype));
    shape_format(sb, t->ndim, t->sizes);
    if (!tensor_is_contiguous(t) || t->offset) {
        sb_puts(sb, " strides ");
        shape_format(sb, t->ndim, t->strides);
        sb_printf(sb, " offset %lld", (long long)t->offset);
    }
    if (t->requires_grad)
        sb_puts(sb, " requires_grad");
}

static void tensor_json(Info *in, Tensor *t, const char *file) {
    StrBuf *sb = &in->out;
    sb_printf(sb, "{\"kind\": \"tensor\", \"dtype\": \"%s\", \"shape\": ", dtype_name(t->dtype));
    shape_format(sb, t->ndim, t->sizes);
    sb_puts(sb, ", \"strides\": ");
    shape_format(sb, t->ndim, t->strides);
    sb_printf(sb,
              ", \"offset\": %lld, \"requires_grad\": %s, \"storage\": %lld, "
              "\"storage_bytes\": %zu",
              (long long)t->offset, t->requires_grad ? "true" : "false",
              (long long)(uintptr_t)hmap_get(&in->seen_storage, t->storage) - 1,
              t->storage->nbytes);
    if (file) {
        sb_puts(sb, ", \"file\": ");
        json_cstr(sb, file);
        if (t->dtype == TSI_DTYPE_BFLOAT16)
            sb_puts(sb, ", \"npy\": \"int16-bits\"");
    }
    sb_putc(sb, '}');
}

/* ------------------------------------------------------------- the tree */

/* Already printed? Then print a reference and return true. */
static bool seen_before(Info *in, IValue v, const char *path) {
    if (v.tag != IV_LIST && v.tag != IV_TUPLE && v.tag != IV_DICT && v.tag != IV_OBJECT)
        return false;
    const char *first = hmap_get(&in->seen_heap, v.u.h);
    if (first) {
        if (in->json) {
            sb_puts(&in->out, "{\"kind\": \"ref\", \"path\": ");
            json_cstr(&in->out, first);
            sb_putc(&in->out, '}');
        } else {
            sb_printf(&in->out, "(same as %s)\n", *first ? first : "root");
        }
        return true;
    }
    char *p = xstrdup(path);
    if (!p || !hmap_put(&in->seen_heap, v.u.h, p))
        free(p);
    return false;
}

static bool all_scalars(const IValue *items, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!is_scalar(items[i]))
            return false;
    return true;
}

static void inline_items(StrBuf *sb, const IValue *items, size_t n, char open, char close) {
    size_t start = sb->len;
    sb_putc(sb, open);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, ", ");
        if (sb->len - start > 1000) {
            sb_printf(sb, "... (%zu items)", n);
            break;
        }
        scalar_repr(sb, items[i]);
    }
    if (open == '(' && n == 1)
        sb_putc(sb, ',');
    sb_putc(sb, close);
}

static void walk_json(Info *in, IValue v, const char *path, bool is_param) {
    StrBuf *sb = &in->out;
    if (seen_before(in, v, path))
        return;
    switch (v.tag) {
    case IV_NONE: sb_puts(sb, "{\"kind\": \"none\"}"); return;
    case IV_BOOL: sb_printf(sb, "{\"kind\": \"bool\", \"value\": %s}", v.u.b ? "true" : "false"); return;
    case IV_INT: sb_printf(sb, "{\"kind\": \"int\", \"value\": %lld}", (long long)v.u.i); return;
    case IV_DOUBLE:
        sb_puts(sb, "{\"kind\": \"float\", \"value\": \"");
        put_double(sb, v.u.d);
        sb_puts(sb, "\"}");
        return;
    case IV_COMPLEX:
        sb_puts(sb, "{\"kind\": \"complex\", \"real\": \"");
        put_double(sb, v.u.c->re);
        sb_puts(sb, "\", \"imag\": \"");
        put_double(sb, v.u.c->im);
        sb_puts(sb, "\"}");
        return;
    case IV_STR:
        sb_puts(sb, "{\"kind\": \"str\", \"value\": ");
        json_str(sb, v.u.s->data, v.u.s->len);
        sb_putc(sb, '}');
        return;
    case IV_DEVICE:
        sb_puts(sb, "{\"kind\": \"device\", \"value\": \"");
        device_format(sb, v.u.dev);
        sb_puts(sb, "\"}");
        return;
    case IV_ENUM:
        sb_puts(sb, "{\"kind\": \"enum\", \"class\": ");
        json_cstr(sb, v.u.e->type->name);
        sb_puts(sb, ", \"name\": ");
        json_cstr(sb, v.u.e->name->data);
        sb_puts(sb, ", \"value\": ");
        walk_json(in, v.u.e->value, path, false);
        sb_putc(sb, '}');
        return;
    case IV_TENSOR: {
        if (!v.u.t) {
            sb_puts(sb, "{\"kind\": \"undefined_tensor\"}");
            return;
        }
        note_tensor(in, v.u.t, is_param);
        StrBuf fname;
        sb_init(&fname);
        if (in->dump_dir && !in->rc)
            in->rc = dump_tensor(in, path, v.u.t, &fname);
        tensor_json(in, v.u.t, in->dump_dir ? sb_cstr(&fname) : NULL);
        sb_free(&fname);
        return;
    }
    case IV_LIST:
    case IV_TUPLE: {
        bool list = v.tag == IV_LIST;
        size_t n = list ? v.u.l->len : v.u.tup->n;
        IValue *items = list ? v.u.l->items : v.u.tup->items;
        sb_printf(sb, "{\"kind\": \"%s\", ", list ? "list" : "tuple");
        if (list) {
            sb_puts(sb, "\"type\": \"");
            annot_str(sb, type_list(v.u.l->elem));
            sb_puts(sb, "\", ");
        }
        sb_puts(sb, "\"items\": [");
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_puts(sb, ", ");
            char comp[32];
            snprintf(comp, sizeof comp, "%zu", i);
            char *p = path_join(path, comp);
            walk_json(in, items[i], p ? p : path, false);
            free(p);
        }
        sb_puts(sb, "]}");
        return;
    }
    case IV_DICT: {
        sb_puts(sb, "{\"kind\": \"dict\", \"type\": \"");
        annot_str(sb, type_dict(v.u.dict->key_type, v.u.dict->value_type));
        sb_puts(sb, "\", \"items\": [");
        IValue k, x;
        size_t idx = 0;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x); idx++) {
            if (idx)
                sb_puts(sb, ", ");
            char *kc = key_component(k, idx);
            char *p = kc ? path_join(path, kc) : NULL;
            sb_putc(sb, '[');
            walk_json(in, k, p ? p : path, false);
            sb_puts(sb, ", ");
            walk_json(in, x, p ? p : path, false);
            sb_putc(sb, ']');
            free(p);
            free(kc);
        }
        sb_puts(sb, "]}");
        return;
    }
    case IV_OBJECT: {
        IvObject *o = v.u.obj;
        ClassInfo *c = o->cls->cls;
        sb_puts(sb, "{\"kind\": \"object\", \"class\": ");
        json_cstr(sb, o->cls->name);
        sb_printf(sb, ", \"module\": %s, \"attrs\": [", c && c->is_module ? "true" : "false");
        for (size_t i = 0; i < o->nslots; i++) {
            const char *nm = c && i < c->attrs.len ? c->attrs.data[i].name : "?";
            bool param = c && i < c->attrs.len && c->attrs.data[i].is_parameter;
            if (i)
                sb_puts(sb, ", ");
            sb_putc(sb, '[');
            json_cstr(sb, nm);
            sb_puts(sb, ", ");
            char *p = path_join(path, nm);
            if (o->slots[i].tag == IV_INVALID)
                sb_puts(sb, "{\"kind\": \"unset\"}");
            else
                walk_json(in, o->slots[i], p ? p : path, param);
            free(p);
            sb_putc(sb, ']');
        }
        sb_puts(sb, "]}");
        return;
    }
    default: sb_printf(sb, "{\"kind\": \"other\", \"tag\": %d}", (int)v.tag); return;
    }
}

static void line_start(Info *in, int indent, const char *label) {
    sb_indent(&in->out, indent);
    if (label)
        sb_printf(&in->out, "%s: ", label);
}

/* Text form: `label: description`, children indented below. */
static void walk_text(Info *in, IValue v, const char *path, const char *label, int indent,
                      bool is_param) {
    StrBuf *sb = &in->out;
    line_start(in, indent, label);
    if (seen_before(in, v, path))
        return;
    switch (v.tag) {
    case IV_TENSOR:
        if (!v.u.t) {
            sb_puts(sb, "Tensor (undefined)\n");
            return;
        }
        note_tensor(in, v.u.t, is_param);
        tensor_desc(sb, v.u.t);
        if (in->dump_dir && !in->rc) {
            StrBuf fname;
            sb_init(&fname);
            in->rc = dump_tensor(in, path, v.u.t, &fname);
            sb_printf(sb, " -> %s.npy", sb_cstr(&fname));
            sb_free(&fname);
        }
        sb_putc(sb, '\n');
        return;
    case IV_LIST:
    case IV_TUPLE: {
        bool list = v.tag == IV_LIST;
        size_t n = list ? v.u.l->len : v.u.tup->n;
        IValue *items = list ? v.u.l->items : v.u.tup->items;
        if (list)
            annot_str(sb, type_list(v.u.l->elem));
        else
            sb_puts(sb, "Tuple");
        if (all_scalars(items, n)) {
            sb_puts(sb, " = ");
            inline_items(sb, items, n, list ? '[' : '(', list ? ']' : ')');
            sb_putc(sb, '\n');
            return;
        }
        sb_printf(sb, " (%zu item%s)\n", n, n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++) {
            char comp[32];
            snprintf(comp, sizeof comp, "%zu", i);
            char *p = path_join(path, comp);
            walk_text(in, items[i], p ? p : path, comp, indent + 2, false);
            free(p);
        }
        return;
    }
    case IV_DICT: {
        IvDict *d = v.u.dict;
        annot_str(sb, type_dict(d->key_type, d->value_type));
        sb_printf(sb, " (%zu item%s)\n", d->live, d->live == 1 ? "" : "s");
        IValue k, x;
        size_t idx = 0;
        for (size_t it = 0; iv_dict_next(d, &it, &k, &x); idx++) {
            char *kc = key_component(k, idx);
            char *p = kc ? path_join(path, kc) : NULL;
            StrBuf kl;
            sb_init(&kl);
            scalar_repr(&kl, k);
            walk_text(in, x, p ? p : path, sb_cstr(&kl), indent + 2, false);
            sb_free(&kl);
            free(p);
            free(kc);
        }
        return;
    }
    case IV_OBJECT: {
        IvObject *o = v.u.obj;
        ClassInfo *c = o->cls->cls;
        sb_printf(sb, "%s\n", o->cls->name);
        for (size_t i = 0; i < o->nslots; i++) {
            const char *nm = c && i < c->attrs.len ? c->attrs.data[i].name : "?";
            bool param = c && i < c->attrs.len && c->attrs.data[i].is_parameter;
            char *p = path_join(path, nm);
            if (o->slots[i].tag == IV_INVALID) {
                line_start(in, indent + 2, nm);
                sb_puts(sb, "(unset)\n");
            } else {
                walk_text(in, o->slots[i], p ? p : path, nm, indent + 2, param);
            }
            free(p);
        }
        return;
    }
    default: {
        Type *t = iv_type_of(v, false);
        annot_str(sb, t);
        sb_puts(sb, " = ");
        scalar_repr(sb, v);
        sb_putc(sb, '\n');
        return;
    }
    }
}

static void walk(Info *in, IValue v, const char *path, int indent, bool is_param) {
    if (in->json)
        walk_json(in, v, path, is_param);
    else
        walk_text(in, v, path, NULL, indent, is_param);
}

/* ------------------------------------------------------------- report */

static void report(Info *in) {
    Archive *a = in->a;
    StrBuf *sb = &in->out;
    size_t nrec = zipr_count(a->zip);
    const char *kind = a->has_code ? "TorchScript module" : "torch.save pickle";
    CompilationUnit *cu = a->cu;
    if (in->json) {
        sb_puts(sb, "{\"file\": ");
        json_cstr(sb, a->name);
        sb_printf(sb, ", \"version\": %d, \"kind\": \"%s\", \"byteorder\": \"%s\", \"records\": [",
                  a->version, a->has_code ? "module" : "torch.save",
                  a->big_endian ? "big" : "little");
        for (size_t i = 0; i < nrec; i++) {
            const ZipRecord *r = zipr_record(a->zip, i);
            sb_puts(sb, i ? ", {\"name\": " : "{\"name\": ");
            json_cstr(sb, r->rel ? r->rel : r->name);
            sb_printf(sb, ", \"size\": %llu, \"compressed_size\": %llu, \"method\": \"%s\"}",
                      (unsigned long long)r->size, (unsigned long long)r->comp_size,
                      r->deflated ? "deflated" : "stored");
        }
        sb_puts(sb, "], \"classes\": [");
        for (size_t i = 0; i < cu->types_owned.len; i++) {
            Type *t = cu->types_owned.data[i];
            sb_puts(sb, i ? ", {\"name\": " : "{\"name\": ");
            json_cstr(sb, t->name);
            sb_printf(sb, ", \"kind\": \"%s\"}", t->kind == TY_ENUM ? "enum" : "class");
        }
        sb_puts(sb, "], \"root\": ");
        walk(in, a->root, "", 0, false);
        sb_puts(sb, ", \"constants\": ");
        if (a->constants.tag == IV_TUPLE) {
            sb_putc(sb, '[');
            for (size_t i = 0; i < a->constants.u.tup->n; i++) {
                char comp[48];
                snprintf(comp, sizeof comp, "CONSTANTS.c%zu", i);
                if (i)
                    sb_puts(sb, ", ");
                walk(in, a->constants.u.tup->items[i], comp, 0, false);
            }
            sb_putc(sb, ']');
        } else {
            sb_puts(sb, "null");
        }
        sb_printf(sb,
                  ", \"parameters\": %lld, \"parameter_tensors\": %lld, \"tensors\": %lld, "
                  "\"storages\": %lld, \"tensor_bytes\": %llu}\n",
                  (long long)in->params, (long long)in->param_tensors, (long long)in->tensors,
                  (long long)in->storages, (unsigned long long)in->tensor_bytes);
        return;
    }
    sb_printf(sb, "file: %s\nformat version: %d (%s)\n", a->name, a->version, kind);
    if (a->big_endian)
        sb_puts(sb, "byte order: big-endian\n");
    sb_printf(sb, "records (%zu):\n", nrec);
    for (size_t i = 0; i < nrec; i++) {
        const ZipRecord *r = zipr_record(a->zip, i);
        sb_printf(sb, "  %-8s %12llu  %s", r->deflated ? "deflated" : "stored",
                  (unsigned long long)r->size, r->rel ? r->rel : r->name);
        if (r->deflated)
            sb_printf(sb, " (%llu compressed)", (unsigned long long)r->comp_size);
        sb_putc(sb, '\n');
    }
    sb_printf(sb, "classes (%zu):\n", cu->types_owned.len);
    for (size_t i = 0; i < cu->types_owned.len; i++) {
        Type *t = cu->types_owned.data[i];
        sb_printf(sb, "  %s%s\n", t->name, t->kind == TY_ENUM ? " (enum)" : "");
    }
    walk_text(in, a->root, "", "root", 0, false);
    if (a->constants.tag == IV_TUPLE) {
        sb_printf(sb, "constants (%zu):\n", a->constants.u.tup->n);
        for (size_t i = 0; i < a->constants.u.tup->n; i++) {
            char comp[48];
            snprintf(comp, sizeof comp, "CONSTANTS.c%zu", i);
            walk_text(in, a->constants.u.tup->items[i], comp, comp + 10, 2, false);
        }
    }
    sb_printf(sb, "parameters: %lld (in %lld tensors with requires_grad)\n", (long long)in->params,
              (long long)in->param_tensors);
    sb_printf(sb, "tensor data: %llu bytes in %lld storages (%lld tensors)\n",
              (unsigned long long)in->tensor_bytes, (long long)in->storages,
              (long long)in->tensors);
}

static void info_usage(FILE *f) {
    fprintf(f, "usage: tsi info [--json] [--dump-tensors DIR] MODEL\n"
               "  Describe a .pt archive: version, records, classes, the attribute tree\n"
               "  with tensor dtypes and shapes, parameter count and tensor bytes.\n"
               "  --json               print JSON instead of text\n"
               "  --dump-tensors DIR   write every tensor as DIR/<path>.npy\n");
}

int cli_info(int argc, char **argv) {
    Info in = {0};
    const char *model = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            info_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--json")) {
            in.json = true;
        } else if (!strcmp(argv[i], "--dump-tensors")) {
            if (++i >= argc) {
                fprintf(stderr, "tsi info: --dump-tensors needs a directory\n");
                return CLI_USAGE;
            }
            in.dump_dir = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tsi info: unknown option '%s'\n", argv[i]);
            info_usage(stderr);
            return CLI_USAGE;
        } else if (model) {
            fprintf(stderr, "tsi info: only one MODEL may be given\n");
            return CLI_USAGE;
        } else {
            model = argv[i];
        }
    }
    if (!model) {
        info_usage(stderr);
        return CLI_USAGE;
    }
    Err err = {0};
    in.err = &err;
    int status = CLI_OK;
    if (in.dump_dir && mkdir(in.dump_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tsi info: cannot create %s: %s\n", in.dump_dir, strerror(errno));
        return CLI_MODEL_ERROR;
    }
    if (archive_open_file(model, NULL, &in.a, &err) || archive_load(in.a, NULL, &err)) {
        status = cli_report(&err);
        goto out;
    }
    sb_init(&in.out);
    hmap_init_ptr(&in.seen_heap);
    hmap_init_ptr(&in.seen_tensor);
    hmap_init_ptr(&in.seen_storage);
    hmap_init_str(&in.files);
    report(&in);
    if (in.rc) {
        status = cli_report(&err);
    } else if (in.out.oom) {
        fprintf(stderr, "tsi: out of memory\n");
        status = CLI_MODEL_ERROR;
    } else {
        fwrite(in.out.data ? in.out.data : "", 1, in.out.len, stdout);
    }
    const void *k;
    void *v;
    for (size_t i = 0; hmap_next(&in.seen_heap, &i, &k, &v);)
        free(v);
    hmap_free(&in.seen_heap);
    hmap_free(&in.seen_tensor);
    hmap_free(&in.seen_storage);
    hmap_free(&in.files);
    sb_free(&in.out);
out:
    archive_free(in.a);
    err_clear(&err);
    return status;
}
