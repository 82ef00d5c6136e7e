/*
 * print.c: the textual IR printer — str(graph) exactly as torch 1.13 prints
 * it (ir.cpp Graph::print, Node::print, printAttrValue), including torch's
 * text for tensor attributes (`{v}` scalars, the `operator<<(ostream,
 * Tensor)` text of aten's Formatting.cpp for small tensors, `<Tensor>`).
 */
#include "ir.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* torch prints tensors with at most this many elements inline. */
enum { MAX_TENSOR_DISPLAY = 10, TENSOR_LINESIZE = 80 };

/* ------------------------------------------------------- tensor formatting */

/*
 * The part of a C++ ostream's formatting state that aten's tensor printer
 * touches: the float field and the precision. The printer sets them per
 * matrix and never resets them between matrices of one tensor, so a later
 * slice can inherit the precision an earlier one chose; we keep that.
 */
typedef enum { FF_DEFAULT, FF_FIXED, FF_SCIENTIFIC } FloatField;

typedef struct Stream {
    StrBuf *sb;
    FloatField ff;
    int prec;
} Stream;

/* `stream << std::setw(width) << d` */
static void put_double(Stream *s, double d, int width) {
    char conv = s->ff == FF_FIXED ? 'f' : s->ff == FF_SCIENTIFIC ? 'e' : 'g';
    char fmt[32];
    snprintf(fmt, sizeof fmt, "%%*.%d%c", s->prec, conv);
    sb_printf(s->sb, fmt, width, d);
}

static void put_indent(Stream *s, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        sb_putc(s->sb, ' ');
}

/* aten's __printFormat: choose int / fixed / scientific mode, a common
 * scale and the column width for the values v[0..n). */
static void print_format(Stream *s, const double *v, int64_t n, double *scale, int64_t *sz) {
    *scale = 1;
    *sz = 0;
    if (n == 0) {
        return;
    }
    bool int_mode = true;
    for (int64_t i = 0; i < n; i++) {
        if (isfinite(v[i]) && v[i] != ceil(v[i])) {
            int_mode = false;
            break;
        }
    }
    int64_t offset = 0;
    while (!isfinite(v[offset])) {
        offset++;
        if (offset == n)
            break;
    }
    double exp_min, exp_max;
    if (offset == n) {
        exp_min = 1;
        exp_max = 1;
    } else {
        exp_min = fabs(v[offset]);
        exp_max = fabs(v[offset]);
        for (int64_t i = offset; i < n; i++) {
            double z = fabs(v[i]);
            if (isfinite(z)) {
                if (z < exp_min)
                    exp_min = z;
                /* aten compares the signed value here; kept for identical output */
                if (v[i] > exp_max)
                    exp_max = z;
            }
        }
        exp_min = exp_min != 0 ? floor(log10(exp_min)) + 1 : 1;
        exp_max = exp_max != 0 ? floor(log10(exp_max)) + 1 : 1;
    }
    if (int_mode) {
        if (exp_max > 9) {
            *sz = 11;
            s->ff = FF_SCIENTIFIC;
            s->prec = 4;
        } else {
            *sz = (int64_t)exp_max + 1;
            s->ff = FF_DEFAULT;
        }
    } else {
        if (exp_max - exp_min > 4) {
            *sz = 11;
            if (fabs(exp_max) > 99 || fabs(exp_min) > 99)
                *sz = *sz + 1;
            s->ff = FF_SCIENTIFIC;
            s->prec = 4;
        } else if (exp_max > 5 || exp_max < 0) {
            *sz = 7;
            *scale = pow(10, exp_max - 1);
            s->ff = FF_FIXED;
            s->prec = 4;
        } else {
            *sz = exp_max == 0 ? 7 : (int64_t)exp_max + 6;
            s->ff = FF_FIXED;
            s->prec = 4;
        }
    }
}

/* aten's printScale: the scale in default float notation with the current
 * precision, then " *" and a newline; the float field is restored after. */
static void print_scale(Stream *s, double scale) {
    FloatField saved = s->ff;
    s->ff = FF_DEFAULT;
    put_double(s, scale, 0);
    sb_puts(s->sb, " *\n");
    s->ff = saved;
}

/* aten's __printMatrix over a rows x cols row-major block of values. */
static void print_matrix(Stream *s, const double *v, int64_t rows, int64_t cols, int64_t indent) {
    double scale;
    int64_t sz;
    print_format(s, v, rows * cols, &scale, &sz);
    put_indent(s, indent);
    int64_t per_line = (TENSOR_LINESIZE - indent) / (sz + 1);
    if (per_line < 1)
        per_line = 1;
    int64_t first = 0, last = -1;
    while (first < cols) {
        last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
        if (per_line < cols) {
            if (first != 0)
                sb_putc(s->sb, '\n');
            sb_printf(s->sb, "Columns %lld to %lld", (long long)first + 1, (long long)last + 1);
            put_indent(s, indent);
        }
        if (scale != 1) {
            print_scale(s, scale);
            put_indent(s, indent);
        }
        for (int64_t l = 0; l < rows; l++) {
            for (int64_t c = first; c < last + 1; c++) {
                put_double(s, v[l * cols + c] / scale, (int)sz);
                if (c == last) {
                    sb_putc(s->sb, '\n');
                    if (l != rows - 1) {
                        put_indent(s, indent);
                        if (scale != 1)
                            sb_putc(s->sb, ' ');
                    }
                } else {
                    sb_putc(s->sb, ' ');
                }
            }
        }
        first = last + 1;
    }
}

/* aten's __printTensor for rank >= 3: one matrix per (i, j, ...) prefix,
 * with the *first* prefix index varying fastest, as aten's counter does. */
static void print_nd(Stream *s, const double *v, int ndim, const int64_t *sizes) {
    int64_t counter[TSI_MAX_DIM];
    int nc = ndim - 2;
    counter[0] = -1;
    for (int i = 1; i < nc; i++)
        counter[i] = 0;
    int64_t rows = sizes[ndim - 2], cols = sizes[ndim - 1];
    bool start = true;
    for (;;) {
        bool finished = false;
        for (int i = 0;; i++) {
            counter[i]++;
            if (counter[i] >= sizes[i]) {
                if (i == nc - 1) {
                    finished = true;
                    break;
                }
                counter[i] = 0;
            } else {
                break;
            }
        }
        if (finished)
            break;
        if (start)
            start = false;
        else
            sb_putc(s->sb, '\n');
        sb_putc(s->sb, '(');
        int64_t off = 0;
        for (int i = 0; i < nc; i++) {
            sb_printf(s->sb, "%lld,", (long long)counter[i] + 1);
            off = off * sizes[i] + counter[i];
        }
        sb_puts(s->sb, ".,.) = \n");
        print_matrix(s, v + off * rows * cols, rows, cols, 1);
    }
}

/* aten's operator<<(ostream, Tensor) for a dense CPU tensor. */
static void print_tensor_text(StrBuf *sb, const Tensor *t) {
    int64_t n = tensor_numel(t);
    double *v = xcalloc((size_t)(n > 0 ? n : 1), sizeof(double));
    if (!v) {
        sb->oom = true;
        return;
    }
    int64_t idx[TSI_MAX_DIM] = {0};
    for (int64_t k = 0; k < n; k++) {
        v[k] = scalar_to_double(tensor_get(t, idx));
        for (int d = t->ndim - 1; d >= 0; d--) {
            if (++idx[d] < t->sizes[d])
                break;
            idx[d] = 0;
        }
    }
    Stream s = {sb, FF_DEFAULT, 6};
    const char *prefix = dtype_prefix(t->dtype);
    if (t->ndim == 0) {
        put_double(&s, v[0], 0);
        sb_printf(sb, "\n[ CPU%sType{}", prefix);
    } else if (t->ndim == 1) {
        if (n > 0) {
            double scale;
            int64_t sz;
            print_format(&s, v, n, &scale, &sz);
            if (scale != 1)
                print_scale(&s, scale);
            for (int64_t i = 0; i < n; i++) {
                put_double(&s, v[i] / scale, (int)sz);
                sb_putc(sb, '\n');
            }
        }
        sb_printf(sb, "[ CPU%sType{%lld}", prefix, (long long)t->sizes[0]);
    } else if (t->ndim == 2) {
        if (n > 0)
            print_matrix(&s, v, t->sizes[0], t->sizes[1], 0);
        sb_printf(sb, "[ CPU%sType{%lld,%lld}", prefix, (long long)t->sizes[0],
                  (long long)t->sizes[1]);
    } else {
        if (n > 0)
            print_nd(&s, v, t->ndim, t->sizes);
        sb_printf(sb, "[ CPU%sType{%lld", prefix, (long long)t->sizes[0]);
        for (int i = 1; i < t->ndim; i++)
            sb_printf(sb, ",%lld", (long long)t->sizes[i]);
        sb_putc(sb, '}');
    }
    sb_puts(sb, " ]");
    free(v);
}

/* printAttribute(ostream, Tensor) of ir.cpp. */
static void print_tensor_attr(StrBuf *sb, const Tensor *t) {
    if (!t) {
        sb_puts(sb, "<Tensor>");
        return;
    }
    int64_t n = tensor_numel(t);
    if (n == 1) {
        /* a one-element tensor is usually a boxed scalar: print it like one,
         * with the default ostream precision */
        int64_t zero[TSI_MAX_DIM] = {0};
        Scalar v = tensor_get(t, zero);
        char buf[40];
        if (dtype_is_floating(t->dtype)) {
            fmt_double_g6(buf, sizeof buf, v.f);
        } else {
            snprintf(buf, sizeof buf, "%lld", (long long)scalar_to_int64(v));
        }
        sb_printf(sb, "{%s}", buf);
    } else if (n <= MAX_TENSOR_DISPLAY) {
        size_t start = sb->len;
        print_tensor_text(sb, t);
        for (size_t i = start; i < sb->len; i++)
            if (sb->data[i] == '\n')
                sb->data[i] = ' ';
    } else {
        sb_puts(sb, "<Tensor>");
    }
}

/* The custom formatter ir.cpp passes to IValue::repr for attributes. */
static bool attr_repr_hook(StrBuf *sb, IValue v, void *ctx) {
    TSI_UNUSED(ctx);
    if (v.tag == IV_TENSOR) {
        print_tensor_attr(sb, v.u.t);
        return true;
    }
    if (v.tag == IV_LIST && v.u.l->elem->kind == TY_TENSOR) {
        sb_puts(sb, "[<Tensors>]");
        return true;
    }
    if (v.tag == IV_OBJECT && !type_is_module(v.u.obj->cls)) {
        sb_printf(sb, "object(%p)", (void *)v.u.obj);
        return true;
    }
    return false;
}

void ir_attr_print(StrBuf *sb, const Attr *a) {
    switch (a->kind) {
    case AK_T:
        print_tensor_attr(sb, a->v.tag == IV_TENSOR ? a->v.u.t : NULL);
        return;
    case AK_TS: sb_puts(sb, "[<Tensors>]"); return;
    case AK_G: sb_puts(sb, "<Graph>"); return;
    case AK_GS: sb_puts(sb, "[<Graphs>]"); return;
    case AK_TY: type_print(sb, a->ty); return;
    case AK_TYS:
        sb_putc(sb, '[');
        for (int i = 0; i < a->ntys; i++) {
            if (i)
                sb_puts(sb, ", ");
            type_print(sb, a->tys[i]);
        }
        sb_putc(sb, ']');
        return;
    default:
        /* i, f, c, s and the list kinds print as the IValue they hold */
        iv_repr(sb, a->v, attr_repr_hook, NULL);
        return;
    }
}

/* ------------------------------------------------------------ graphs */

typedef VEC(const Node *) NodeList;

static void print_value_ref(StrBuf *sb, const Value *v) {
    char buf[24];
    sb_putc(sb, '%');
    sb_puts(sb, ir_value_debug_name(v, buf));
}

static void print_value_refs(StrBuf *sb, Value *const *vs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, ", ");
        print_value_ref(sb, vs[i]);
    }
}

static void print_typed_values(StrBuf *sb, Value *const *vs, size_t n, const char *delim) {
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, delim);
        print_value_ref(sb, vs[i]);
        sb_puts(sb, " : ");
        type_print(sb, vs[i]->type);
    }
}

static void print_attrs(StrBuf *sb, const Node *n, bool skip_subgraph) {
    sb_putc(sb, '[');
    int k = 0;
    for (size_t i = 0; i < n->attrs.len; i++) {
        const Attr *a = &n->attrs.data[i];
        if (skip_subgraph && a->name == SYM_attr_Subgraph)
            continue;
        if (k++ > 0)
            sb_puts(sb, ", ");
        sb_puts(sb, ir_sym_unqual(a->name));
        sb_putc(sb, '=');
        ir_attr_print(sb, a);
    }
    sb_putc(sb, ']');
}

static void print_source_comment(StrBuf *sb, const Node *n) {
    SourceRange r = n->range;
    if (!r.src || !r.src->filename)
        return;
    int line, col;
    source_line_col(r.src, r.start, &line, &col);
    /* torch's SourceRange::file_line_col reports a 0-based column */
    sb_printf(sb, " # %s:%d:%d", r.src->filename, line, col - 1);
}

static void print_node(StrBuf *sb, const Node *n, int level, NodeList *groups,
                       const PrintOptions *opt);

static void print_block_body(StrBuf *sb, const Block *b, int level, NodeList *groups,
                             const PrintOptions *opt) {
    for (const Node *m = b->ret->next; m != b->ret; m = m->next)
        print_node(sb, m, level, groups, opt);
}

static void print_node(StrBuf *sb, const Node *n, int level, NodeList *groups,
                       const PrintOptions *opt) {
    sb_indent(sb, 2 * level);
    print_typed_values(sb, n->outputs.data, n->outputs.len, ", ");
    sb_puts(sb, " = ");
    if (groups && ir_node_has_attr(n, SYM_attr_Subgraph)) {
        sb_printf(sb, "%s_%zu", ir_sym_name(n->kind), groups->len);
        if (n->attrs.len > 1 && strcmp(ir_sym_name(n->kind), "prim::DifferentiableGraph") != 0)
            print_attrs(sb, n, true);
        (void)vec_push(groups, n);
    } else {
        sb_puts(sb, ir_sym_name(n->kind));
        if (n->attrs.len)
            print_attrs(sb, n, false);
    }
    sb_putc(sb, '(');
    print_value_refs(sb, n->inputs.data, n->inputs.len);
    sb_putc(sb, ')');
    if (opt && opt->source_comments)
        print_source_comment(sb, n);
    sb_putc(sb, '\n');
    for (size_t i = 0; i < n->blocks.len; i++) {
        const Block *b = n->blocks.data[i];
        sb_indent(sb, 2 * (level + 1));
        sb_printf(sb, "block%zu(", i);
        print_typed_values(sb, b->param->outputs.data, b->param->outputs.len, ", ");
        sb_puts(sb, "):\n");
        print_block_body(sb, b, level + 2, groups, opt);
        sb_indent(sb, 2 * (level + 2));
        sb_puts(sb, "-> (");
        print_value_refs(sb, b->ret->inputs.data, b->ret->inputs.len);
        sb_puts(sb, ")\n");
    }
}

void ir_node_print(StrBuf *sb, const Node *n, int level, const PrintOptions *opt) {
    /* like torch's operator<<(Node): no subgraph grouping */
    print_node(sb, n, level, NULL, opt);
}

void ir_graph_print(StrBuf *sb, const Graph *g, const PrintOptions *opt) {
    const Block *top = g->block;
    sb_puts(sb, "graph(");
    print_typed_values(sb, top->param->outputs.data, top->param->outputs.len, ",\n      ");
    sb_puts(sb, "):\n");
    NodeList groups = {0};
    print_block_body(sb, top, 1, &groups, opt);
    sb_puts(sb, "  return (");
    print_value_refs(sb, top->ret->inputs.data, top->ret->inputs.len);
    sb_puts(sb, ")\n");
    for (size_t i = 0; i < groups.len; i++) {
        const Node *n = groups.data[i];
        const Attr *a = ir_node_attr(n, SYM_attr_Subgraph);
        sb_printf(sb, "with %s_%zu = ", ir_sym_name(n->kind), i);
        if (a && a->kind == AK_G && a->g)
            ir_graph_print(sb, a->g, opt);
        else
            sb_puts(sb, "<Graph>\n");
    }
    vec_free(&groups);
}

char *ir_graph_to_string(const Graph *g) {
    StrBuf sb;
    sb_init(&sb);
    PrintOptions opt = {.source_comments = false};
    ir_graph_print(&sb, g, &opt);
    return sb_finish(&sb);
}
