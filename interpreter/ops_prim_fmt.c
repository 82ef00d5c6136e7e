/*
 * ops_prim_fmt.c: the printing and sorting the Python-semantics ops share.
 *
 *   - prim_str_of: torch's `std::ostream << IValue` (str(), format(),
 *     print()), which differs from IValue::repr (iv_repr): strings are raw,
 *     -0.0 prints "0.", large integral doubles keep the "N." form.
 *   - prim_format_tensor: ATen's C++ tensor printer (Formatting.cpp): a
 *     shared number format chosen from the values, a column layout for
 *     matrices, and a "[ CPUFloatType{2,3} ]" trailer. The C++ stream state
 *     (float field and precision) carries over between the matrices of one
 *     tensor exactly as it does in ATen, so it is modelled explicitly.
 *   - prim_sort: libstdc++'s std::sort (introsort, median-of-three pivot,
 *     16-element insertion-sort finish), which torch's list sorts use. It is
 *     not stable, so reproducing it is what makes equal-comparing elements
 *     (-0.0 and 0.0, tuples equal on their key) land where torch puts them.
 */
#include "ops_prim.h"

#include <math.h>
#include <string.h>

int64_t prim_double_to_i64(double d) {
    if (isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

void prim_format_double(StrBuf *sb, double d) {
    int c = fpclassify(d);
    if (c == FP_NORMAL || c == FP_ZERO) {
        int64_t i = prim_double_to_i64(d);
        if ((double)i == d) {
            sb_printf(sb, "%lld.", (long long)i);
            return;
        }
    }
    sb_printf(sb, "%.17g", d);
}

/* ------------------------------------------------------------ tensors */

/* The parts of a C++ ostream's state the tensor printer changes. */
typedef enum { FF_DEFAULT, FF_FIXED, FF_SCIENTIFIC } FloatField;
typedef struct Stream {
    StrBuf *sb;
    FloatField field;
    int prec;
} Stream;

static void put_num(Stream *s, int64_t width, double v) {
    int w = width > 0 && width < 1000 ? (int)width : 0;
    switch (s->field) {
    case FF_FIXED: sb_printf(s->sb, "%*.*f", w, s->prec, v); break;
    case FF_SCIENTIFIC: sb_printf(s->sb, "%*.*e", w, s->prec, v); break;
    default: sb_printf(s->sb, "%*.*g", w, s->prec, v); break;
    }
}

static void put_indent(Stream *s, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        sb_putc(s->sb, ' ');
}

/* ATen's __printFormat: pick the number format for a block of values. */
static void print_format(Stream *s, const double *p, int64_t n, double *scale, int64_t *sz) {
    *scale = 1;
    *sz = 0;
    if (n == 0)
        return;
    bool int_mode = true;
    for (int64_t i = 0; i < n; i++)
        if (isfinite(p[i]) && p[i] != ceil(p[i])) {
            int_mode = false;
            break;
        }
    int64_t off = 0;
    while (!isfinite(p[off])) {
        off++;
        if (off == n)
            break;
    }
    double exp_min = 1, exp_max = 1;
    if (off != n) {
        exp_min = fabs(p[off]);
        exp_max = fabs(p[off]);
        for (int64_t i = off; i < n; i++) {
            double z = fabs(p[i]);
            if (isfinite(z)) {
                if (z < exp_min)
                    exp_min = z;
                if (p[i] > exp_max) /* sic: ATen compares the signed value */
                    exp_max = z;
            }
        }
        exp_min = exp_min != 0 ? floor(log10(exp_min)) + 1 : 1;
        exp_max = exp_max != 0 ? floor(log10(exp_max)) + 1 : 1;
    }
    if (int_mode) {
        if (exp_max > 9) {
            *sz = 11;
            s->field = FF_SCIENTIFIC;
            s->prec = 4;
        } else {
            *sz = (int64_t)(exp_max + 1);
            s->field = FF_DEFAULT;
        }
    } else {
        if (exp_max - exp_min > 4) {
            *sz = 11;
            if (fabs(exp_max) > 99 || fabs(exp_min) > 99)
                *sz += 1;
            s->field = FF_SCIENTIFIC;
            s->prec = 4;
        } else if (exp_max > 5 || exp_max < 0) {
            *sz = 7;
            *scale = pow(10, exp_max - 1);
            s->field = FF_FIXED;
            s->prec = 4;
        } else {
            *sz = exp_max == 0 ? 7 : (int64_t)(exp_max + 6);
            s->field = FF_FIXED;
            s->prec = 4;
        }
    }
}

static void print_scale(Stream *s, double scale) {
    /* a format guard around "defaultfloat << scale": precision is kept */
    Stream g = *s;
    g.field = FF_DEFAULT;
    put_num(&g, 0, scale);
    sb_puts(s->sb, " *\n");
}

/* ATen's __printMatrix on a contiguous rows x cols block. */
static void print_matrix(Stream *s, const double *p, int64_t rows, int64_t cols,
                         int64_t linesize, int64_t indent) {
    double scale;
    int64_t sz;
    print_format(s, p, rows * cols, &scale, &sz);
    put_indent(s, indent);
    int64_t per_line = (linesize - indent) / (sz + 1);
    int64_t first = 0, last = -1;
    while (first < cols) {
        if (first + per_line <= cols)
            last = first + per_line - 1;
        else
            last = cols - 1;
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
            const double *row = p + l * cols;
            for (int64_t c = first; c < last + 1; c++) {
                put_num(s, sz, row[c] / scale);
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
        if (per_line <= 0)
            break; /* ATen would loop forever on absurd widths */
    }
}

/* ATen's __printTensor: every matrix of a >2-d tensor under a "(i,j,.,.)" header. */
static void print_nd(Stream *s, const double *p, const Tensor *t, int64_t linesize) {
    int nd = t->ndim;
    int64_t counter[TSI_MAX_DIM] = {0};
    int64_t rows = t->sizes[nd - 2], cols = t->sizes[nd - 1];
    bool start = true;
    counter[0] = -1;
    for (;;) {
        bool finished = false;
        for (int i = 0;; i++) {
            counter[i]++;
            if (counter[i] >= t->sizes[i]) {
                if (i == nd - 3) {
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
        int64_t off = 0, stride = rows * cols;
        for (int i = nd - 3; i >= 0; i--) {
            off += counter[i] * stride;
            stride *= t->sizes[i];
        }
        for (int i = 0; i < nd - 2; i++)
            sb_printf(s->sb, "%lld,", (long long)counter[i] + 1);
        sb_puts(s->sb, ".,.) = \n");
        print_matrix(s, p + off, rows, cols, linesize, 1);
    }
}

/* the type in the trailer: "CPUFloatType", or the legacy class name
 * ("torch.FloatTensor"; bool and bfloat16 have none and keep the former) */
static void type_trailer(StrBuf *sb, DType dt, bool legacy) {
    if (legacy && dt != TSI_DTYPE_BOOL && dt != TSI_DTYPE_BFLOAT16)
        sb_printf(sb, "[ torch.%sTensor{", dtype_prefix(dt));
    else
        sb_printf(sb, "[ CPU%sType{", dtype_prefix(dt));
}

void prim_format_tensor(StrBuf *sb, const Tensor *t, bool legacy_name) {
    if (!t) {
        sb_puts(sb, "[ Tensor (undefined) ]");
        return;
    }
    Err err = {0};
    Tensor *d = tensor_to(t, TSI_DTYPE_FLOAT64, false, &err);
    Tensor *c = d ? tensor_contiguous(d, &err) : NULL;
    tensor_release(d);
    if (!c) {
        err_clear(&err);
        sb->oom = true;
        return;
    }
    const double *p = tensor_data(c);
    int64_t n = tensor_numel(c);
    Stream s = {sb, FF_DEFAULT, 6};
    if (t->ndim == 0) {
        put_num(&s, 0, p[0]);
        sb_putc(sb, '\n');
        type_trailer(sb, t->dtype, legacy_name);
        sb_putc(sb, '}');
    } else if (t->ndim == 1) {
        if (n > 0) {
            double scale;
            int64_t sz;
            print_format(&s, p, n, &scale, &sz);
            if (scale != 1)
                print_scale(&s, scale);
            for (int64_t i = 0; i < n; i++) {
                put_num(&s, sz, p[i] / scale);
                sb_putc(sb, '\n');
            }
        }
        type_trailer(sb, t->dtype, legacy_name);
        sb_printf(sb, "%lld}", (long long)t->sizes[0]);
    } else {
        if (n > 0) {
            if (t->ndim == 2)
                print_matrix(&s, p, t->sizes[0], t->sizes[1], 80, 0);
            else
                print_nd(&s, p, t, 80);
        }
        type_trailer(sb, t->dtype, legacy_name);
        sb_printf(sb, "%lld", (long long)t->sizes[0]);
        for (int i = 1; i < t->ndim; i++)
            sb_printf(sb, ",%lld", (long long)t->sizes[i]);
        sb_putc(sb, '}');
    }
    sb_puts(sb, " ]");
    tensor_release(c);
}

/* -------------------------------------------------------------- values */

static void str_seq(StrBuf *sb, const IValue *items, size_t n, const char *open,
                    const char *close) {
    sb_puts(sb, open);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, ", ");
        prim_str_of(sb, items[i]);
    }
    sb_puts(sb, close);
}

void prim_str_of(StrBuf *sb, IValue v) {
    switch (v.tag) {
    case IV_NONE: sb_puts(sb, "None"); return;
    case IV_BOOL: sb_puts(sb, v.u.b ? "True" : "False"); return;
    case IV_INT: sb_printf(sb, "%lld", (long long)v.u.i); return;
    case IV_DOUBLE: prim_format_double(sb, v.u.d); return;
    case IV_COMPLEX:
        prim_format_double(sb, v.u.c->re);
        sb_putc(sb, v.u.c->im >= 0 ? '+' : '-');
        prim_format_double(sb, fabs(v.u.c->im));
        sb_putc(sb, 'j');
        return;
    case IV_STR: sb_putn(sb, v.u.s->data, v.u.s->len); return;
    case IV_TENSOR: prim_format_tensor(sb, v.u.t, false); return;
    case IV_TUPLE:
        str_seq(sb, v.u.tup->items, v.u.tup->n, "(", v.u.tup->n == 1 ? ",)" : ")");
        return;
    case IV_LIST: str_seq(sb, v.u.l->items, v.u.l->len, "[", "]"); return;
    case IV_DICT: {
        sb_putc(sb, '{');
        IValue k, x;
        bool first = true;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);) {
            if (!first)
                sb_puts(sb, ", ");
            first = false;
            prim_str_of(sb, k);
            sb_puts(sb, ": ");
            prim_str_of(sb, x);
        }
        sb_putc(sb, '}');
        return;
    }
    case IV_DEVICE: device_format(sb, v.u.dev); return;
    case IV_ENUM: {
        const char *q = v.u.e->type->name ? v.u.e->type->name : "";
        const char *dot = strrchr(q, '.');
        sb_printf(sb, "Enum<%s.%s>", dot ? dot + 1 : q, v.u.e->name->data);
        return;
    }
    case IV_OBJECT:
        sb_printf(sb, "<%s object at %p>", v.u.obj->cls->name ? v.u.obj->cls->name : "?",
                  (void *)v.u.obj);
        return;
    case IV_FUTURE: sb_puts(sb, "Future"); return;
    case IV_UNINIT: sb_puts(sb, "Uninitialized"); return;
    case IV_CAPSULE: sb_puts(sb, "Capsule"); return;
    default: iv_repr(sb, v, NULL, NULL); return;
    }
}

void prim_stream_elem(StrBuf *sb, IValue v) {
    switch (v.tag) {
    case IV_DOUBLE: sb_printf(sb, "%g", v.u.d); return;
    case IV_BOOL: sb_putc(sb, v.u.b ? '1' : '0'); return;
    case IV_TENSOR: prim_format_tensor(sb, v.u.t, true); return;
    default: prim_str_of(sb, v); return;
    }
}

/* --------------------------------------------------------------- sort */

typedef struct Sorter {
    PrimLess less;
    void *ctx;
    Err *err;
    int rc;
} Sorter;

static bool lt(Sorter *s, IValue a, IValue b) {
    if (s->rc)
        return false; /* after a failure: a consistent comparator that ends the sort */
    int r = s->less(a, b, s->ctx, s->err);
    if (r < 0) {
        s->rc = s->err && s->err->code ? s->err->code : TSI_ERR_RUNTIME;
        return false;
    }
    return r != 0;
}

static void swap_iv(IValue *a, IValue *b) {
    IValue t = *a;
    *a = *b;
    *b = t;
}

static void push_heap(Sorter *s, IValue *first, ptrdiff_t hole, ptrdiff_t top, IValue value) {
    ptrdiff_t parent = (hole - 1) / 2;
    while (hole > top && lt(s, first[parent], value)) {
        first[hole] = first[parent];
        hole = parent;
        parent = (hole - 1) / 2;
    }
    first[hole] = value;
}

static void adjust_heap(Sorter *s, IValue *first, ptrdiff_t hole, ptrdiff_t len, IValue value) {
    ptrdiff_t top = hole, child = hole;
    while (child < (len - 1) / 2) {
        child = 2 * (child + 1);
        if (lt(s, first[child], first[child - 1]))
            child--;
        first[hole] = first[child];
        hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
        child = 2 * (child + 1);
        first[hole] = first[child - 1];
        hole = child - 1;
    }
    push_heap(s, first, hole, top, value);
}

static void heap_sort(Sorter *s, IValue *first, IValue *last) {
    ptrdiff_t len = last - first;
    if (len >= 2) {
        for (ptrdiff_t parent = (len - 2) / 2;; parent--) {
            adjust_heap(s, first, parent, len, first[parent]);
            if (parent == 0)
                break;
        }
    }
    while (last - first > 1) {
        --last;
        IValue v = *last;
        *last = *first;
        adjust_heap(s, first, 0, last - first, v);
    }
}

static void move_median_to_first(Sorter *s, IValue *result, IValue *a, IValue *b, IValue *c) {
    if (lt(s, *a, *b)) {
        if (lt(s, *b, *c))
            swap_iv(result, b);
        else if (lt(s, *a, *c))
            swap_iv(result, c);
        else
            swap_iv(result, a);
    } else if (lt(s, *a, *c)) {
        swap_iv(result, a);
    } else if (lt(s, *b, *c)) {
        swap_iv(result, c);
    } else {
        swap_iv(result, b);
    }
}

/* The bounds checks never trigger for a consistent comparator; they keep an
 * inconsistent one (NaN with reverse=True) inside the array, where
 * libstdc++ would run off its end. */
static IValue *partition(Sorter *s, IValue *lo, IValue *first, IValue *last, IValue *pivot) {
    IValue *end = last;
    for (;;) {
        while (first < end && lt(s, *first, *pivot))
            ++first;
        --last;
        while (last > lo && lt(s, *pivot, *last))
            --last;
        if (!(first < last))
            return first;
        swap_iv(first, last);
        ++first;
    }
}

static void introsort_loop(Sorter *s, IValue *first, IValue *last, int depth) {
    while (last - first > 16) {
        if (depth == 0) {
            heap_sort(s, first, last);
            return;
        }
        --depth;
        IValue *mid = first + (last - first) / 2;
        move_median_to_first(s, first, first + 1, mid, last - 1);
        IValue *cut = partition(s, first, first + 1, last, first);
        introsort_loop(s, cut, last, depth);
        last = cut;
    }
}

static void linear_insert(Sorter *s, IValue *lo, IValue *last) {
    IValue val = *last;
    IValue *next = last - 1;
    while (next >= lo && lt(s, val, *next)) {
        *last = *next;
        last = next;
        --next;
    }
    *last = val;
}

static void insertion_sort(Sorter *s, IValue *first, IValue *last) {
    if (first == last)
        return;
    for (IValue *i = first + 1; i != last; ++i) {
        if (lt(s, *i, *first)) {
            IValue val = *i;
            memmove(first + 1, first, (size_t)(i - first) * sizeof *first);
            *first = val;
        } else {
            linear_insert(s, first, i);
        }
    }
}

int prim_sort(IValue *items, size_t n, PrimLess less, void *ctx, Err *err) {
    Sorter s = {less, ctx, err, TSI_OK};
    if (n < 2)
        return TSI_OK;
    int lg = 0;
    for (size_t m = n; m > 1; m >>= 1)
        lg++;
    IValue *first = items, *last = items + n;
    introsort_loop(&s, first, last, 2 * lg);
    if (last - first > 16) {
        insertion_sort(&s, first, first + 16);
        for (IValue *i = first + 16; i != last; ++i)
            linear_insert(&s, first, i);
    } else {
        insertion_sort(&s, first, last);
    }
    return s.rc;
}

/* ------------------------------------------------------------- helpers */

int prim_opt_int(const OpCall *c, int i, bool *has, int64_t *v, Err *err) {
    *has = false;
    *v = 0;
    if (c->nin <= i || c->in[i].tag == IV_NONE)
        return TSI_OK;
    *has = true;
    return op_int(c, i, v, err);
}

int prim_ret_str(OpCall *c, int k, const char *s, size_t len, Err *err) {
    IValue r = iv_str(s, len);
    if (r.tag == IV_INVALID)
        return err_nomem(err);
    op_ret(c, k, r);
    return TSI_OK;
}

int prim_ret_sb(OpCall *c, int k, StrBuf *sb, Err *err) {
    if (sb->oom) {
        sb_free(sb);
        return err_nomem(err);
    }
    int rc = prim_ret_str(c, k, sb->data ? sb->data : "", sb->len, err);
    sb_free(sb);
    return rc;
}

void interp_format_value(StrBuf *sb, IValue v) { prim_str_of(sb, v); }
