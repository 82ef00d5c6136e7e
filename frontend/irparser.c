/*
 * irparser.c: reads the textual IR torch prints (str(graph)) back into a
 * Graph, so that printing the result gives the same text.
 *
 * The grammar is self-delimiting, so unlike torch's parse_ir this parser
 * ignores indentation and newlines:
 *
 *   graph  := IDENT "(" [param ("," param)*] ")" ":" node* "return" "(" refs ")" with*
 *   with   := "with" KIND "=" graph          -- the subgraph of a KIND node
 *   param  := VALUE [":" type]
 *   node   := [outs] ["="] KIND ["[" attr ("," attr)* "]"] "(" refs ")" block*
 *   outs   := VALUE [":" type] ("," VALUE [":" type])*
 *   block  := IDENT "(" [param ("," param)*] ")" ":" node* "->" "(" refs ")"
 *   attr   := IDENT "=" value
 *
 * Attribute values are parsed into a small syntax tree first and converted
 * once the node's output types are known: `value=10000000000000000` on a
 * float constant is a float (torch prints integral doubles below 1e17 that
 * way), `__torch__.Color.RED` on an enum constant is an enum member, and
 * tensors take their shape and strides from the declared type.
 *
 * Value names are kept. Purely numeric names are torch's unnamed values:
 * they become the value's unique number instead of a name, so they print
 * back the same. Every other name is set through ir_value_set_name in
 * definition order; the names in printed text are already unique, so no
 * renaming happens and the text round-trips.
 */
#include "frontend.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_DEPTH = 200,             /* nesting of blocks, subgraphs, types and values */
    MAX_NAME = 4096,             /* longest value name */
    MAX_INLINE_TOKENS = 4096,    /* tokens in an inline tensor text */
    MAX_INLINE_NUMEL = 1024,     /* elements of an inline tensor (torch prints <= 10) */
    INLINE_SCAN_LIMIT = 8192,    /* bytes searched for an inline tensor's trailer */
};
/* `<Tensor>` placeholders are allocated (zero-filled, see make_tensor);
 * this bounds one allocation. */
static const int64_t MAX_PLACEHOLDER_BYTES = (int64_t)1 << 30;

/* ------------------------------------------------------------------ lexer */

typedef enum TokKind {
    TK_EOF,
    TK_IDENT,  /* letters, digits, '_' and inner dots: aten, __torch__.M, torch.device */
    TK_NUMBER, /* -?digits[.digits][e[+-]digits][j] */
    TK_STRING, /* "..." or '...' */
    TK_VALUE,  /* %name */
    TK_ARROW,  /* -> */
    TK_DCOLON, /* :: */
    TK_PUNCT,  /* one character */
    TK_BAD,    /* a character or construct that starts no token */
} TokKind;

typedef struct Tok {
    TokKind kind;
    size_t start, end;
} Tok;

/* ------------------------------------------------------ attribute syntax */

typedef enum AvKind {
    AV_INT,
    AV_FLOAT,
    AV_COMPLEX,
    AV_STR,
    AV_NONE,
    AV_BOOL,
    AV_NAME,        /* a dotted name: a class type or an enum member */
    AV_TYPE,
    AV_LIST,
    AV_TUPLE,
    AV_DICT,        /* items alternate key, value */
    AV_TSCALAR,     /* {v} */
    AV_TINLINE,     /* " 1  2 [ CPUFloatType{2} ]" */
    AV_TPLACE,      /* <Tensor> */
    AV_TLISTPLACE,  /* [<Tensors>] */
    AV_ANNOTATE,    /* annotate(T, value) */
    AV_DEVICE,      /* torch.device("cpu") */
    AV_OBJECT,      /* object(0x...) */
    AV_GRAPH,       /* <Graph> */
} AvKind;

typedef struct AVal AVal;
struct AVal {
    AvKind kind;
    size_t start, end; /* source span */
    int64_t i;         /* AV_INT, AV_BOOL */
    double d, im;      /* AV_FLOAT, AV_COMPLEX, AV_TSCALAR (d, im) */
    bool tscalar_float, tscalar_complex;
    char *s;           /* AV_STR, AV_NAME, AV_DEVICE (arena) */
    size_t slen;
    Type *ty;          /* AV_TYPE, AV_ANNOTATE */
    AVal **items;      /* containers, AV_ANNOTATE (1 item) */
    size_t n;
    /* AV_TINLINE */
    double *vals;
    int64_t nvals;
    DType dtype;
    int ndim;
    int64_t sizes[TSI_MAX_DIM];
};

/* --------------------------------------------------------------- parser */

/* A node whose printed kind ends in _N: it may own the N-th subgraph of its
 * graph, printed later as `with KIND_N = graph(...)`. */
typedef struct GroupCand {
    Node *node;
    char *literal; /* "prim::fork_0" (arena) */
    size_t base_len; /* length of "prim::fork" */
    unsigned long index;
    bool assigned;
} GroupCand;

typedef struct GraphCtx {
    Graph *g;
    HMap names;        /* printed name -> Value* */
    VEC(GroupCand) cands;
    HMap cand_index;   /* literal kind -> index + 1 in cands (first node so printed) */
    size_t nassigned;
    int64_t max_numeric; /* largest numeric name, -1 if none */
} GraphCtx;

typedef struct Parser {
    const char *text;
    size_t len;
    size_t pos;        /* after the last consumed token */
    Source *src;
    CompilationUnit *cu;
    Err *err;
    bool failed;
    int depth;
    Arena arena;       /* syntax trees and scratch strings */
    GraphCtx *gc;
    Block *block;      /* block receiving nodes */
    HMap named_tuples; /* printed NamedTuple(...) -> Type* */
    int named_tuple_counter;
} Parser;

static void fail_at(Parser *p, size_t start, size_t end, const char *fmt, ...) TSI_PRINTF(4, 5);

static void fail_at(Parser *p, size_t start, size_t end, const char *fmt, ...) {
    if (p->failed)
        return;
    p->failed = true;
    StrBuf sb;
    sb_init(&sb);
    if (start > p->len)
        start = p->len;
    if (end < start + 1)
        end = start + 1;
    SourceRange r = {p->src, (uint32_t)start, (uint32_t)end};
    source_range_location(&sb, r);
    sb_puts(&sb, ": error: ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    sb_putc(&sb, '\n');
    source_range_highlight(&sb, r);
    while (sb.len && sb.data[sb.len - 1] == '\n')
        sb_truncate(&sb, sb.len - 1);
    if (sb.oom)
        err_nomem(p->err);
    else
        err_set(p->err, TSI_ERR_FORMAT, "%s", sb_cstr(&sb));
    sb_free(&sb);
}

static void fail_nomem(Parser *p) {
    if (p->failed)
        return;
    p->failed = true;
    err_nomem(p->err);
}

static bool is_ident_start(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_ident_char(int c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
/* Characters of a value name after '%': torch names come from Python
 * identifiers, dotted attribute paths and suffixes (x.1, 78_fused_div). */
static bool is_name_char(int c) { return is_ident_char(c) || c == '.' || c >= 0x80; }

static size_t skip_space(const Parser *p, size_t pos) {
    while (pos < p->len) {
        unsigned char c = (unsigned char)p->text[pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            pos++;
        } else if (c == '#') {
            while (pos < p->len && p->text[pos] != '\n')
                pos++;
        } else {
            break;
        }
    }
    return pos;
}

static size_t lex_number_end(const Parser *p, size_t pos) {
    const char *t = p->text;
    size_t n = p->len;
    if (pos < n && t[pos] == '-')
        pos++;
    while (pos < n && is_digit(t[pos]))
        pos++;
    if (pos < n && t[pos] == '.') {
        pos++;
        while (pos < n && is_digit(t[pos]))
            pos++;
    }
    if (pos < n && (t[pos] == 'e' || t[pos] == 'E')) {
        size_t q = pos + 1;
        if (q < n && (t[q] == '+' || t[q] == '-'))
            q++;
        if (q < n && is_digit(t[q])) {
            while (q < n && is_digit(t[q]))
                q++;
            pos = q;
        }
    }
    if (pos < n && t[pos] == 'j')
        pos++;
    return pos;
}

static Tok lex_at(const Parser *p, size_t pos) {
    pos = skip_space(p, pos);
    Tok t = {TK_EOF, pos, pos};
    if (pos >= p->len)
        return t;
    const char *s = p->text;
    unsigned char c = (unsigned char)s[pos];
    size_t q = pos;
    if (is_ident_start(c)) {
        while (q < p->len && is_ident_char(s[q]))
            q++;
        /* dotted continuation: __torch__.M, torch.device, Color.RED */
        while (q + 1 < p->len && s[q] == '.' && is_ident_char(s[q + 1])) {
            q++;
            while (q < p->len && is_ident_char(s[q]))
                q++;
        }
        t.kind = TK_IDENT;
    } else if (is_digit(c) || (c == '-' && pos + 1 < p->len && is_digit(s[pos + 1]))) {
        q = lex_number_end(p, pos);
        t.kind = TK_NUMBER;
    } else if (c == '"' || c == '\'') {
        q = pos + 1;
        while (q < p->len && s[q] != (char)c && s[q] != '\n') {
            if (s[q] == '\\' && q + 1 < p->len && s[q + 1] != '\n')
                q++;
            q++;
        }
        if (q >= p->len || s[q] != (char)c) {
            t.kind = TK_BAD; /* unterminated */
            t.end = q;
            return t;
        }
        q++;
        t.kind = TK_STRING;
    } else if (c == '%') {
        q = pos + 1;
        while (q < p->len && is_name_char((unsigned char)s[q]))
            q++;
        t.kind = q > pos + 1 ? TK_VALUE : TK_BAD;
        if (t.kind == TK_BAD)
            q = pos + 1;
    } else if (c == '-' && pos + 1 < p->len && s[pos + 1] == '>') {
        q = pos + 2;
        t.kind = TK_ARROW;
    } else if (c == ':' && pos + 1 < p->len && s[pos + 1] == ':') {
        q = pos + 2;
        t.kind = TK_DCOLON;
    } else if (strchr("()[]{},:=?<>*+-^", c) && c) {
        q = pos + 1;
        t.kind = TK_PUNCT;
    } else {
        q = pos + 1;
        t.kind = TK_BAD;
    }
    t.end = q;
    return t;
}

static Tok peek(const Parser *p) { return lex_at(p, p->pos); }

static Tok peek2(const Parser *p) {
    Tok a = lex_at(p, p->pos);
    return lex_at(p, a.end);
}

static Tok next_tok(Parser *p) {
    Tok t = lex_at(p, p->pos);
    p->pos = t.end;
    return t;
}

static bool tok_is(const Parser *p, Tok t, TokKind k, const char *text) {
    if (t.kind != k)
        return false;
    if (!text)
        return true;
    size_t n = strlen(text);
    return t.end - t.start == n && !memcmp(p->text + t.start, text, n);
}

static bool tok_punct(const Parser *p, Tok t, char c) {
    return t.kind == TK_PUNCT && p->text[t.start] == c;
}

/* A short printable description of a token for messages. */
static void tok_describe(const Parser *p, Tok t, char *buf, size_t n) {
    if (t.kind == TK_EOF) {
        snprintf(buf, n, "end of input");
        return;
    }
    size_t len = t.end - t.start;
    if (len > 24)
        len = 24;
    char tmp[32];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p->text[t.start + i];
        tmp[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    tmp[k] = 0;
    snprintf(buf, n, "'%s%s'", tmp, t.end - t.start > 24 ? "..." : "");
}

static void fail_expected(Parser *p, Tok t, const char *what) {
    char d[48];
    tok_describe(p, t, d, sizeof d);
    bool quote = t.start < p->len && (p->text[t.start] == '"' || p->text[t.start] == '\'');
    if (t.kind == TK_BAD && quote)
        fail_at(p, t.start, t.start + 1, "unterminated string");
    else
        fail_at(p, t.start, t.end, "expected %s but found %s", what, d);
}

static bool expect_punct(Parser *p, char c) {
    if (p->failed)
        return false;
    Tok t = peek(p);
    if (!tok_punct(p, t, c)) {
        char what[8] = {'\'', c, '\'', 0};
        fail_expected(p, t, what);
        return false;
    }
    p->pos = t.end;
    return true;
}

static bool accept_punct(Parser *p, char c) {
    Tok t = peek(p);
    if (tok_punct(p, t, c)) {
        p->pos = t.end;
        return true;
    }
    return false;
}

static bool enter(Parser *p, size_t at) {
    if (++p->depth > MAX_DEPTH) {
        fail_at(p, at, at + 1, "nesting too deep (limit %d)", MAX_DEPTH);
        return false;
    }
    return true;
}

static void leave(Parser *p) { p->depth--; }

static char *tok_text(Parser *p, Tok t) {
    char *s = arena_strndup(&p->arena, p->text + t.start, t.end - t.start);
    if (!s)
        fail_nomem(p);
    return s;
}

/* ------------------------------------------------------------- strings */

/* Decode a string literal token into bytes (arena). torch escapes \\ \' \"
 * \a \b \f \n \r \t \v and writes other bytes as three octal digits, but
 * computes them on a signed char, so bytes >= 0x80 come out as odd
 * characters (é is "\0)+\/.)"); those are decoded back to the same bytes. */
static bool decode_string(Parser *p, Tok t, char **out, size_t *out_len) {
    const char *s = p->text + t.start + 1;
    size_t n = t.end - t.start - 2;
    char *buf = arena_alloc(&p->arena, n + 1);
    if (!buf) {
        fail_nomem(p);
        return false;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '\\') {
            buf[k++] = c;
            continue;
        }
        size_t at = t.start + 1 + i;
        if (i + 1 >= n) {
            fail_at(p, at, at + 1, "bad escape at end of string");
            return false;
        }
        char e = s[++i];
        switch (e) {
        case '\\': buf[k++] = '\\'; break;
        case '\'': buf[k++] = '\''; break;
        case '"': buf[k++] = '"'; break;
        case 'a': buf[k++] = '\a'; break;
        case 'b': buf[k++] = '\b'; break;
        case 'f': buf[k++] = '\f'; break;
        case 'n': buf[k++] = '\n'; break;
        case 'r': buf[k++] = '\r'; break;
        case 't': buf[k++] = '\t'; break;
        case 'v': buf[k++] = '\v'; break;
        default: {
            /* three "digits" each in '0'-7 .. '0'+7 (torch's signed-char
             * octal); the value is d0*64 + d1*8 + d2 as torch built it */
            int d[3];
            bool ok = i + 2 < n;
            d[0] = d[1] = d[2] = 0;
            for (int j = 0; ok && j < 3; j++) {
                int ch = (unsigned char)s[i + (size_t)j];
                if (ch < '0' - 7 || ch > '0' + 7)
                    ok = false;
                else
                    d[j] = ch - '0';
            }
            int v = ok ? d[0] * 64 + d[1] * 8 + d[2] : 0;
            if (!ok || v < -128 || v > 255) {
                fail_at(p, at, at + 2, "unknown escape sequence");
                return false;
            }
            buf[k++] = (char)(unsigned char)(v & 0xff);
            i += 2;
            break;
        }
        }
    }
    buf[k] = 0;
    *out = buf;
    *out_len = k;
    return true;
}

/* ------------------------------------------------------------------ types */

static Type *parse_type(Parser *p);

/* Find or create the class-like type `name` in the compilation unit. */
static Type *nominal_type(Parser *p, Tok at, const char *name, TypeKind kind) {
    if (!p->cu) {
        fail_at(p, at.start, at.end, "type '%s' needs a compilation unit", name);
        return NULL;
    }
    Type *t = ir_cu_find_type(p->cu, name);
    if (t) {
        if (t->kind != kind) {
            fail_at(p, at.start, at.end, "'%s' was used before as a different kind of type", name);
            return NULL;
        }
        return t;
    }
    /* A placeholder: the IR text names the type but says nothing of its
     * members. */
    if (kind == TY_ENUM)
        t = ir_cu_new_enum(p->cu, name, type_int());
    else if (kind == TY_INTERFACE)
        t = ir_cu_new_interface(p->cu, name, false);
    else
        t = ir_cu_new_class(p->cu, name, false);
    if (!t)
        fail_nomem(p);
    return t;
}

/* torch prints interfaces by their unqualified name. */
static Type *interface_type(Parser *p, Tok at, const char *name) {
    if (p->cu) {
        const void *k;
        void *v;
        for (size_t it = 0; hmap_next(&p->cu->classes, &it, &k, &v);) {
            Type *t = v;
            if (t->kind != TY_INTERFACE)
                continue;
            const char *dot = strrchr(t->name, '.');
            if (!strcmp(dot ? dot + 1 : t->name, name))
                return t;
        }
    }
    return nominal_type(p, at, name, TY_INTERFACE);
}

static bool parse_int_tok(Parser *p, Tok t, int64_t *out) {
    if (t.kind != TK_NUMBER) {
        fail_expected(p, t, "an integer");
        return false;
    }
    char buf[32];
    size_t n = t.end - t.start;
    if (n >= sizeof buf) {
        fail_at(p, t.start, t.end, "integer out of range");
        return false;
    }
    memcpy(buf, p->text + t.start, n);
    buf[n] = 0;
    for (size_t i = buf[0] == '-'; i < n; i++) {
        if (!is_digit(buf[i])) {
            fail_at(p, t.start, t.end, "expected an integer");
            return false;
        }
    }
    errno = 0;
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end) {
        fail_at(p, t.start, t.end, "integer out of range");
        return false;
    }
    *out = v;
    return true;
}

/* The part of a tensor type inside parentheses: sizes (numbers or '*'),
 * then strides=[...], requires_grad=0|1, device=cpu. */
static bool parse_tensor_details(Parser *p, TensorDetail *d, bool sizes_allowed) {
    if (!expect_punct(p, '('))
        return false;
    int nsizes = 0;
    bool any_keyword = false;
    if (accept_punct(p, ')')) {
        if (sizes_allowed)
            d->ndim = 0;
        return true;
    }
    for (;;) {
        Tok t = next_tok(p);
        if (tok_punct(p, t, '*') || t.kind == TK_NUMBER) {
            if (!sizes_allowed || any_keyword) {
                fail_at(p, t.start, t.end, "unexpected size in tensor type");
                return false;
            }
            if (nsizes >= TSI_MAX_DIM) {
                fail_at(p, t.start, t.end, "tensor type has more than %d dimensions", TSI_MAX_DIM);
                return false;
            }
            int64_t v = -1;
            if (t.kind == TK_NUMBER) {
                if (!parse_int_tok(p, t, &v))
                    return false;
                if (v < 0) {
                    fail_at(p, t.start, t.end, "negative size in tensor type");
                    return false;
                }
            }
            d->sizes[nsizes++] = v;
        } else if (tok_is(p, t, TK_IDENT, "strides")) {
            any_keyword = true;
            if (!expect_punct(p, '=') || !expect_punct(p, '['))
                return false;
            int ns = 0;
            while (!accept_punct(p, ']')) {
                if (ns > 0 && !expect_punct(p, ','))
                    return false;
                Tok s = next_tok(p);
                int64_t v;
                if (!parse_int_tok(p, s, &v))
                    return false;
                if (v < 0 || ns >= nsizes) {
                    fail_at(p, s.start, s.end, "%s",
                            v < 0 ? "negative stride" : "more strides than sizes");
                    return false;
                }
                d->strides[ns++] = v;
            }
            if (ns != nsizes || ns == 0) {
                fail_at(p, t.start, t.end, "strides must give one stride per size");
                return false;
            }
            d->has_strides = true;
        } else if (tok_is(p, t, TK_IDENT, "requires_grad")) {
            any_keyword = true;
            if (!expect_punct(p, '='))
                return false;
            Tok v = next_tok(p);
            int64_t x;
            if (!parse_int_tok(p, v, &x))
                return false;
            if (x != 0 && x != 1) {
                fail_at(p, v.start, v.end, "requires_grad must be 0 or 1");
                return false;
            }
            d->requires_grad = (int)x;
        } else if (tok_is(p, t, TK_IDENT, "device")) {
            any_keyword = true;
            if (!expect_punct(p, '='))
                return false;
            Tok v = next_tok(p);
            if (v.kind != TK_IDENT) {
                fail_expected(p, v, "a device");
                return false;
            }
            size_t end = v.end;
            if (tok_punct(p, peek(p), ':')) {
                p->pos = peek(p).end;
                Tok ix = next_tok(p);
                if (ix.kind != TK_NUMBER) {
                    fail_expected(p, ix, "a device index");
                    return false;
                }
                end = ix.end;
            }
            char buf[64];
            size_t n = end - v.start;
            Device dev;
            if (n >= sizeof buf) {
                fail_at(p, v.start, end, "unknown device");
                return false;
            }
            memcpy(buf, p->text + v.start, n);
            buf[n] = 0;
            if (device_parse(buf, &dev) != TSI_OK) {
                fail_at(p, v.start, end, "unknown device '%s'", buf);
                return false;
            }
            d->device_type = dev.type;
            d->device_index = dev.index;
        } else {
            fail_expected(p, t, "a size or 'strides=', 'requires_grad=', 'device='");
            return false;
        }
        Tok sep = next_tok(p);
        if (tok_punct(p, sep, ')'))
            break;
        if (!tok_punct(p, sep, ',')) {
            fail_expected(p, sep, "',' or ')'");
            return false;
        }
    }
    if (sizes_allowed)
        d->ndim = nsizes;
    return true;
}

/* Tensor, Float(2, 3, ...), FloatTensor(requires_grad=0), Long(), ...[Undefined] */
static Type *parse_tensor_type(Parser *p, Tok t) {
    const char *s = p->text + t.start;
    size_t n = t.end - t.start;
    TensorDetail d;
    tensor_detail_init(&d);
    bool is_plain = n == 6 && !memcmp(s, "Tensor", 6);
    bool sizes_allowed = true;
    if (!is_plain) {
        size_t base = n;
        if (n > 6 && !memcmp(s + n - 6, "Tensor", 6)) {
            base = n - 6; /* FloatTensor: dtype, unknown rank */
            sizes_allowed = false;
        }
        d.dtype = type_scalar_code(s, base);
        if (d.dtype < 0)
            return NULL;
    }
    Tok nx = peek(p);
    bool adjacent = nx.start == t.end;
    if (tok_punct(p, nx, '(') && adjacent) {
        if (is_plain) {
            /* Tensor(...) with sizes has a known rank; Tensor(requires_grad=0)
             * prints the same whether the rank is unknown or 0 */
            if (!parse_tensor_details(p, &d, true))
                return NULL;
            if (d.ndim == 0 && (d.requires_grad >= 0 || d.device_type >= 0))
                d.ndim = -1;
        } else if (!parse_tensor_details(p, &d, sizes_allowed)) {
            return NULL;
        }
    } else if (!is_plain && sizes_allowed) {
        /* "Float" alone is not something torch prints (it is FloatTensor) */
        fail_at(p, t.start, t.end, "expected '(' after tensor dtype");
        return NULL;
    }
    Tok a = peek(p);
    if (tok_punct(p, a, '[') && a.start == p->pos) {
        Tok b = lex_at(p, a.end);
        if (tok_is(p, b, TK_IDENT, "Undefined")) {
            Tok c = lex_at(p, b.end);
            if (tok_punct(p, c, ']')) {
                p->pos = c.end;
                d.undefined = 1;
            }
        }
    }
    Type *ty = type_tensor_detail(&d);
    if (!ty)
        fail_nomem(p);
    return ty;
}

static bool is_tensor_type_name(const Parser *p, Tok t) {
    const char *s = p->text + t.start;
    size_t n = t.end - t.start;
    if (n == 6 && !memcmp(s, "Tensor", 6))
        return true;
    if (type_scalar_code(s, n) >= 0)
        return true;
    return n > 6 && !memcmp(s + n - 6, "Tensor", 6) && type_scalar_code(s, n - 6) >= 0;
}

typedef struct LeafName {
    const char *name;
    TypeKind kind;
} LeafName;

static const LeafName leaf_names[] = {
    {"Any", TY_ANY}, {"int", TY_INT}, {"float", TY_FLOAT}, {"complex", TY_COMPLEX},
    {"bool", TY_BOOL}, {"str", TY_STR}, {"NoneType", TY_NONE}, {"None", TY_NONE},
    {"Device", TY_DEVICE}, {"Stream", TY_STREAM}, {"Scalar", TY_NUMBER}, {"number", TY_NUMBER},
    {"Generator", TY_GENERATOR}, {"Storage", TY_STORAGE}, {"Capsule", TY_CAPSULE},
    {"QScheme", TY_QSCHEME}, {"Quantizer", TY_QUANTIZER}, {"Layout", TY_LAYOUT},
    {"ScalarType", TY_SCALARTYPE}, {"MemoryFormat", TY_MEMORYFORMAT}, {"SymInt", TY_SYMINT},
    {"PyObject", TY_PYOBJECT}, {"Function", TY_FUNCTION}, {"list", TY_ANY_LIST},
    {"tuple", TY_ANY_TUPLE}, {"AnyClassType", TY_ANY_CLASS}, {"AnyEnumType", TY_ANY_ENUM},
};

static bool is_type_var_name(const char *s, size_t n) {
    if (n == 0 || s[0] != 't')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

/* A comma-separated list of types up to the closing character. */
typedef VEC(Type *) TypeVec;

static bool parse_type_list(Parser *p, char close, TypeVec *out) {
    if (accept_punct(p, close))
        return true;
    for (;;) {
        Type *t = parse_type(p);
        if (!t)
            return false;
        if (!vec_push(out, t)) {
            fail_nomem(p);
            return false;
        }
        Tok s = next_tok(p);
        if (tok_punct(p, s, close))
            return true;
        if (!tok_punct(p, s, ',')) {
            char what[16];
            snprintf(what, sizeof what, "',' or '%c'", close);
            fail_expected(p, s, what);
            return false;
        }
    }
}

static IValue aval_to_ivalue(Parser *p, AVal *a, Type *expected);
static AVal *parse_value(Parser *p);

/* NamedTuple(x : int, y : Tensor = default): the IR does not print the
 * tuple's qualified name, so an existing named tuple of the same shape is
 * reused and otherwise one is created under a made-up name. */
static Type *parse_named_tuple(Parser *p, Tok at) {
    if (!expect_punct(p, '('))
        return NULL;
    VEC(const char *) names = {0};
    VEC(Type *) types = {0};
    VEC(IValue) defaults = {0};
    bool any_default = false;
    Type *result = NULL;
    size_t text_start = at.start;
    if (!accept_punct(p, ')')) {
        for (;;) {
            Tok n = next_tok(p);
            if (n.kind != TK_IDENT) {
                fail_expected(p, n, "a field name");
                goto done;
            }
            char *name = tok_text(p, n);
            if (!name || !expect_punct(p, ':'))
                goto done;
            Type *t = parse_type(p);
            if (!t)
                goto done;
            IValue dv = iv_invalid();
            if (accept_punct(p, '=')) {
                AVal *a = parse_value(p);
                if (!a)
                    goto done;
                dv = aval_to_ivalue(p, a, t);
                if (p->failed)
                    goto done;
                any_default = true;
            }
            if (!vec_push(&names, name) || !vec_push(&types, t) || !vec_push(&defaults, dv)) {
                iv_release(dv);
                fail_nomem(p);
                goto done;
            }
            Tok s = next_tok(p);
            if (tok_punct(p, s, ')'))
                break;
            if (!tok_punct(p, s, ',')) {
                fail_expected(p, s, "',' or ')'");
                goto done;
            }
        }
    }
    if (!p->cu) {
        fail_at(p, at.start, at.end, "named tuple types need a compilation unit");
        goto done;
    }
    {
        char *key = arena_strndup(&p->arena, p->text + text_start, p->pos - text_start);
        if (!key) {
            fail_nomem(p);
            goto done;
        }
        result = hmap_get(&p->named_tuples, key);
        if (result)
            goto done;
        /* same field names and types in the compilation unit? */
        for (size_t i = 0; i < p->cu->types_owned.len && !result; i++) {
            Type *t = p->cu->types_owned.data[i];
            if (t->kind != TY_TUPLE || !t->name || t->n != (int)types.len)
                continue;
            bool same = !any_default && !t->field_defaults;
            for (int k = 0; same && k < t->n; k++)
                same = t->elems[k] == types.data[k] && !strcmp(t->field_names[k], names.data[k]);
            if (same)
                result = t;
        }
        if (!result) {
            char qual[64];
            do {
                snprintf(qual, sizeof qual, "__torch__.__ir_named_tuple_%d",
                         p->named_tuple_counter++);
            } while (ir_cu_find_type(p->cu, qual));
            result = ir_cu_new_named_tuple(p->cu, qual, (int)types.len, names.data, types.data,
                                           any_default ? defaults.data : NULL);
            if (!result) {
                fail_nomem(p);
                goto done;
            }
        }
        if (!hmap_put(&p->named_tuples, key, result)) {
            fail_nomem(p);
            result = NULL;
        }
    }
done:
    for (size_t i = 0; i < defaults.len; i++)
        iv_release(defaults.data[i]);
    vec_free(&names);
    vec_free(&types);
    vec_free(&defaults);
    return p->failed ? NULL : result;
}

/* A one-argument type constructor written T(x) or T[x]. */
static Type *parse_type_arg(Parser *p) {
    Tok o = next_tok(p);
    char close;
    if (tok_punct(p, o, '('))
        close = ')';
    else if (tok_punct(p, o, '['))
        close = ']';
    else {
        fail_expected(p, o, "'(' or '['");
        return NULL;
    }
    Type *t = parse_type(p);
    if (!t || !expect_punct(p, close))
        return NULL;
    return t;
}

static Type *parse_base_type(Parser *p) {
    Tok t = next_tok(p);
    if (tok_punct(p, t, '(')) {
        TypeVec elems = {0};
        Type *r = NULL;
        if (parse_type_list(p, ')', &elems)) {
            r = type_tuple((int)elems.len, elems.data);
            if (!r)
                fail_nomem(p);
        }
        vec_free(&elems);
        return r;
    }
    if (t.kind != TK_IDENT) {
        fail_expected(p, t, "a type");
        return NULL;
    }
    const char *s = p->text + t.start;
    size_t n = t.end - t.start;
#define IS(word) (n == strlen(word) && !memcmp(s, word, n))
    if (is_tensor_type_name(p, t)) {
        Type *r = parse_tensor_type(p, t);
        if (!r && !p->failed)
            fail_at(p, t.start, t.end, "unknown tensor type");
        return r;
    }
    for (size_t i = 0; i < TSI_ARRAY_LEN(leaf_names); i++)
        if (IS(leaf_names[i].name))
            return type_of_kind(leaf_names[i].kind);
    if (IS("Dict")) {
        Tok o = next_tok(p);
        char close = tok_punct(p, o, '(') ? ')' : tok_punct(p, o, '[') ? ']' : 0;
        if (!close) {
            fail_expected(p, o, "'(' or '['");
            return NULL;
        }
        Type *k = parse_type(p);
        if (!k || !expect_punct(p, ','))
            return NULL;
        Type *v = parse_type(p);
        if (!v || !expect_punct(p, close))
            return NULL;
        Type *r = type_dict(k, v);
        if (!r)
            fail_nomem(p);
        return r;
    }
    if (IS("Union") || IS("Tuple")) {
        bool is_union = IS("Union");
        Tok o = next_tok(p);
        char close = tok_punct(p, o, '(') ? ')' : tok_punct(p, o, '[') ? ']' : 0;
        if (!close || (!is_union && close != ']')) {
            fail_expected(p, o, is_union ? "'(' or '['" : "'['");
            return NULL;
        }
        TypeVec elems = {0};
        Type *r = NULL;
        if (!is_union && tok_punct(p, peek(p), '(') && tok_punct(p, peek2(p), ')')) {
            /* Tuple[()] */
            p->pos = peek2(p).end;
            if (expect_punct(p, ']'))
                r = type_tuple(0, NULL);
        } else if (is_union && tok_punct(p, peek(p), ',')) {
            /* torch prints a union whose first members are numbers with a
             * stray leading comma: Union(, str, Scalar) */
            p->pos = peek(p).end;
            if (parse_type_list(p, close, &elems))
                r = type_union((int)elems.len, elems.data);
        } else if (parse_type_list(p, close, &elems)) {
            if (elems.len == 0 && is_union)
                fail_at(p, t.start, t.end, "empty Union");
            else
                r = is_union ? type_union((int)elems.len, elems.data)
                             : type_tuple((int)elems.len, elems.data);
        }
        vec_free(&elems);
        if (!r && !p->failed)
            fail_nomem(p);
        return r;
    }
    if (IS("List") || IS("Optional") || IS("Future") || IS("RRef") || IS("Await")) {
        bool list = IS("List"), opt = IS("Optional"), fut = IS("Future"), rref = IS("RRef");
        if ((list || opt) && !tok_punct(p, peek(p), '[')) {
            fail_expected(p, peek(p), "'['");
            return NULL;
        }
        Type *e = parse_type_arg(p);
        if (!e)
            return NULL;
        Type *r = list ? type_list(e)
                  : opt ? type_optional(e)
                  : fut ? type_future(e)
                  : rref ? type_rref(e)
                         : type_await(e);
        if (!r)
            fail_nomem(p);
        return r;
    }
    if (IS("NamedTuple"))
        return parse_named_tuple(p, t);
    if (IS("InterfaceType") || IS("Enum")) {
        bool iface = IS("InterfaceType");
        if (!expect_punct(p, '<'))
            return NULL;
        Tok nm = next_tok(p);
        if (nm.kind != TK_IDENT) {
            fail_expected(p, nm, "a type name");
            return NULL;
        }
        char *name = tok_text(p, nm);
        if (!name || !expect_punct(p, '>'))
            return NULL;
        return iface ? interface_type(p, nm, name) : nominal_type(p, nm, name, TY_ENUM);
    }
    if (is_type_var_name(s, n)) {
        char *name = tok_text(p, t);
        Type *r = name ? type_var(name) : NULL;
        if (!r)
            fail_nomem(p);
        return r;
    }
    if (memchr(s, '.', n)) {
        char *name = tok_text(p, t);
        return name ? nominal_type(p, t, name, TY_CLASS) : NULL;
    }
#undef IS
    char d[48];
    tok_describe(p, t, d, sizeof d);
    fail_at(p, t.start, t.end, "unknown type %s", d);
    return NULL;
}

/* Suffixes: T[] (list), T? (optional). */
static Type *parse_type_suffixes(Parser *p, Type *t) {
    while (t && !p->failed) {
        Tok a = peek(p);
        if (tok_punct(p, a, '?')) {
            p->pos = a.end;
            t = type_optional(t);
        } else if (tok_punct(p, a, '[') && tok_punct(p, lex_at(p, a.end), ']')) {
            p->pos = lex_at(p, a.end).end;
            t = type_list(t);
        } else {
            break;
        }
        if (!t)
            fail_nomem(p);
    }
    return p->failed ? NULL : t;
}

static Type *parse_type(Parser *p) {
    if (p->failed || !enter(p, peek(p).start))
        return NULL;
    Type *t = parse_base_type(p);
    t = parse_type_suffixes(p, t);
    leave(p);
    return t;
}

/* --------------------------------------------------- attribute values */

static AVal *new_aval(Parser *p, AvKind k, size_t start) {
    AVal *a = arena_alloc(&p->arena, sizeof *a);
    if (!a) {
        fail_nomem(p);
        return NULL;
    }
    a->kind = k;
    a->start = start;
    a->end = start;
    return a;
}

static bool parse_double_text(const char *s, size_t n, double *out) {
    char buf[400];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    bool neg = buf[0] == '-';
    const char *b = buf + neg;
    if (!strcmp(b, "inf")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (!strcmp(b, "nan")) {
        *out = neg ? -NAN : NAN;
        return true;
    }
    if (!is_digit(b[0]))
        return false;
    char *end;
    *out = strtod(buf, &end);
    return *end == 0;
}

/* A real number token (NUMBER without 'j', inf, nan, -inf, -nan) at the
 * current position; false (nothing consumed) if there is none. */
static bool lex_real(Parser *p, double *out, bool *is_float, size_t *start, size_t *end) {
    Tok t = peek(p);
    size_t s = t.start;
    size_t e;
    bool neg = false;
    if (tok_punct(p, t, '-')) {
        Tok u = lex_at(p, t.end);
        if (u.start != t.end || !(tok_is(p, u, TK_IDENT, "inf") || tok_is(p, u, TK_IDENT, "nan")))
            return false;
        neg = true;
        t = u;
    }
    if (t.kind == TK_IDENT && (tok_is(p, t, TK_IDENT, "inf") || tok_is(p, t, TK_IDENT, "nan"))) {
        e = t.end;
        double v = p->text[t.start] == 'i' ? INFINITY : NAN;
        *out = neg ? -v : v;
        *is_float = true;
    } else if (t.kind == TK_NUMBER && p->text[t.end - 1] != 'j') {
        e = t.end;
        const char *txt = p->text + t.start;
        size_t n = t.end - t.start;
        *is_float = memchr(txt, '.', n) || memchr(txt, 'e', n) || memchr(txt, 'E', n);
        if (!parse_double_text(txt, n, out))
            return false;
    } else {
        return false;
    }
    p->pos = e;
    *start = s;
    *end = e;
    return true;
}

/* After a real part: "+2.j", "-2.j", "+infj", "-nanj" directly attached. */
static bool lex_imag_tail(Parser *p, size_t after, double *im) {
    Tok t = lex_at(p, after);
    if (t.start != after)
        return false;
    double sign = 1;
    if (t.kind == TK_NUMBER && p->text[t.start] == '-' && p->text[t.end - 1] == 'j') {
        if (!parse_double_text(p->text + t.start, t.end - t.start - 1, im))
            return false;
        p->pos = t.end;
        return true;
    }
    if (!tok_punct(p, t, '+') && !tok_punct(p, t, '-'))
        return false;
    if (p->text[t.start] == '-')
        sign = -1;
    Tok u = lex_at(p, t.end);
    if (u.start != t.end)
        return false;
    const char *s = p->text + u.start;
    size_t n = u.end - u.start;
    if (u.kind == TK_NUMBER && s[n - 1] == 'j' && s[0] != '-') {
        if (!parse_double_text(s, n - 1, im))
            return false;
    } else if (u.kind == TK_IDENT && n == 4 && (!memcmp(s, "infj", 4) || !memcmp(s, "nanj", 4))) {
        *im = s[0] == 'i' ? INFINITY : NAN;
    } else {
        return false;
    }
    *im *= sign;
    p->pos = u.end;
    return true;
}

/* ------------------------------------------------ inline tensor values */

typedef enum { IT_NUM, IT_STAR, IT_COLUMNS, IT_TO, IT_SLICE, IT_EQ } ItKind;

typedef struct ItTok {
    ItKind kind;
    double v;
    int nidx;
    int64_t idx[TSI_MAX_DIM];
} ItTok;

/* Does the text at pos hold an inline tensor (aten's operator<< text with
 * newlines turned into spaces, ending in "[ CPUFloatType{2,3} ]")? If so,
 * parse it into a. Returns false, consuming nothing, if it is not one. */
static bool try_inline_tensor(Parser *p, size_t pos, AVal **out) {
    *out = NULL;
    const char *s = p->text;
    size_t n = p->len;
    size_t q = pos;
    while (q < n && s[q] == ' ')
        q++;
    if (q >= n)
        return false;
    char c0 = s[q];
    if (!(is_digit(c0) || c0 == '-' || c0 == '(' || c0 == 'i' || c0 == 'n' || c0 == 'C' ||
          c0 == '['))
        return false;
    if (c0 == '(') {
        /* only a slice marker "(1,2,.,.)" starts a tensor; else a tuple */
        size_t x = q + 1;
        bool digits = false;
        while (x < n && (is_digit(s[x]) || s[x] == ',')) {
            digits |= is_digit(s[x]);
            x++;
        }
        if (!digits || x + 4 > n || memcmp(s + x, ".,.)", 4) != 0)
            return false;
    }
    /* find the trailer: only body characters may come before it */
    size_t body_start = q, r = q;
    while (r < n && s[r] != '[') {
        if (r - body_start > INLINE_SCAN_LIMIT)
            return false;
        char c = s[r];
        if (!(is_ident_char(c) || c == ' ' || c == '.' || c == '-' || c == '+' || c == '*' ||
              c == '(' || c == ')' || c == ',' || c == '='))
            return false;
        r++;
    }
    if (r + 5 > n || s[r + 1] != ' ' || memcmp(s + r + 2, "CPU", 3) != 0)
        return false;
    size_t tn = r + 5, te = tn;
    while (te < n && is_ident_char(s[te]))
        te++;
    if (te - tn < 5 || memcmp(s + te - 4, "Type", 4) != 0 || te >= n || s[te] != '{')
        return false;
    int code = type_scalar_code(s + tn, te - tn - 4);
    size_t body_end = r;
    /* dims */
    int ndim = 0;
    int64_t sizes[TSI_MAX_DIM];
    size_t k = te + 1;
    if (k < n && s[k] != '}') {
        for (;;) {
            if (ndim >= TSI_MAX_DIM || k >= n || !is_digit(s[k]))
                return false;
            int64_t v = 0;
            while (k < n && is_digit(s[k])) {
                if (v > (int64_t)1 << 40)
                    return false;
                v = v * 10 + (s[k] - '0');
                k++;
            }
            sizes[ndim++] = v;
            if (k < n && s[k] == ',') {
                k++;
                continue;
            }
            break;
        }
    }
    if (k + 3 > n || memcmp(s + k, "} ]", 3) != 0)
        return false;
    size_t end = k + 3;
    /* From here on the text is meant as a tensor: errors are errors. */
    if (code < 0 || !dtype_valid(code)) {
        fail_at(p, tn, te, "unsupported tensor type '%.*s'", (int)(te - tn), s + tn);
        return false;
    }
    int64_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] > MAX_INLINE_NUMEL || (numel *= sizes[i]) > MAX_INLINE_NUMEL) {
            fail_at(p, r, end, "inline tensor too large");
            return false;
        }
    }
    /* tokenize the body */
    VEC(ItTok) toks = {0};
    bool ok = true;
    size_t b = body_start;
    while (ok && b < body_end) {
        while (b < body_end && s[b] == ' ')
            b++;
        if (b >= body_end)
            break;
        size_t e = b;
        while (e < body_end && s[e] != ' ')
            e++;
        ItTok it = {0};
        size_t len = e - b;
        if (len == 1 && s[b] == '*') {
            it.kind = IT_STAR;
        } else if (len == 1 && s[b] == '=') {
            it.kind = IT_EQ;
        } else if (len == 7 && !memcmp(s + b, "Columns", 7)) {
            it.kind = IT_COLUMNS;
        } else if (len == 2 && !memcmp(s + b, "to", 2)) {
            it.kind = IT_TO;
        } else if (s[b] == '(') {
            /* (i,j,.,.) */
            it.kind = IT_SLICE;
            size_t x = b + 1;
            while (ok && x < e && is_digit(s[x])) {
                int64_t v = 0;
                while (x < e && is_digit(s[x]) && v < ((int64_t)1 << 40))
                    v = v * 10 + (s[x++] - '0');
                if (it.nidx >= TSI_MAX_DIM || x >= e || s[x] != ',')
                    ok = false;
                else
                    it.idx[it.nidx++] = v;
                x++;
            }
            if (!ok || e - x != 4 || memcmp(s + x, ".,.)", 4) != 0)
                ok = false;
        } else {
            it.kind = IT_NUM;
            ok = parse_double_text(s + b, len, &it.v);
        }
        if (ok && (toks.len >= MAX_INLINE_TOKENS || !vec_push(&toks, it)))
            ok = false;
        b = e;
    }
    /* place the values */
    double *vals = NULL;
    if (ok) {
        vals = arena_alloc_array(&p->arena, (size_t)(numel ? numel : 1), sizeof(double));
        if (!vals) {
            vec_free(&toks);
            fail_nomem(p);
            return false;
        }
    }
    size_t ti = 0;
#define TK_AT(i) ((i) < toks.len ? &toks.data[i] : NULL)
    if (ok && numel > 0) {
        int64_t rows, cols, nslices;
        if (ndim == 0) {
            rows = cols = nslices = 1;
        } else if (ndim == 1) {
            rows = 1;
            cols = sizes[0];
            nslices = 1;
        } else {
            rows = sizes[ndim - 2];
            cols = sizes[ndim - 1];
            nslices = numel / (rows * cols);
        }
        for (int64_t sl = 0; ok && sl < nslices; sl++) {
            int64_t base = 0;
            if (ndim >= 3) {
                ItTok *m = TK_AT(ti);
                if (!m || m->kind != IT_SLICE || m->nidx != ndim - 2) {
                    ok = false;
                    break;
                }
                for (int i = 0; i < ndim - 2; i++) {
                    if (m->idx[i] < 1 || m->idx[i] > sizes[i])
                        ok = false;
                    base = base * sizes[i] + (m->idx[i] - 1);
                }
                ti++;
                ItTok *eq = TK_AT(ti);
                ti++;
                if (!eq || eq->kind != IT_EQ)
                    ok = false;
                base *= rows * cols;
            }
            double scale = 1;
            int64_t col = 0;
            while (ok && col < cols) {
                int64_t first = col, last = cols - 1;
                ItTok *m = TK_AT(ti);
                if (m && m->kind == IT_COLUMNS && ndim >= 2) {
                    ItTok *a = TK_AT(ti + 1), *t2 = TK_AT(ti + 2), *z = TK_AT(ti + 3);
                    if (!a || !t2 || !z || a->kind != IT_NUM || t2->kind != IT_TO ||
                        z->kind != IT_NUM || a->v != (double)(col + 1) || z->v < a->v ||
                        z->v > (double)cols) {
                        ok = false;
                        break;
                    }
                    last = (int64_t)z->v - 1;
                    ti += 4;
                }
                m = TK_AT(ti);
                ItTok *st = TK_AT(ti + 1);
                if (m && st && m->kind == IT_NUM && st->kind == IT_STAR) {
                    scale = m->v;
                    ti += 2;
                }
                for (int64_t rr = 0; ok && rr < rows; rr++) {
                    for (int64_t cc = first; cc <= last; cc++) {
                        ItTok *v = TK_AT(ti);
                        ti++;
                        if (!v || v->kind != IT_NUM) {
                            ok = false;
                            break;
                        }
                        vals[base + rr * cols + cc] = v->v * scale;
                    }
                }
                col = last + 1;
            }
        }
    }
    if (ok && ti != toks.len)
        ok = false;
#undef TK_AT
    vec_free(&toks);
    if (!ok) {
        fail_at(p, body_start, end, "malformed tensor value");
        return false;
    }
    AVal *a = new_aval(p, AV_TINLINE, pos);
    if (!a)
        return false;
    /* the printed text begins where the value does (aten pads the first
     * column); after ", " in a container the space belongs to the comma */
    a->start = pos;
    if (pos > 0 && s[pos - 1] == ',' && pos < n && s[pos] == ' ')
        a->start = pos + 1;
    a->end = end;
    a->vals = vals;
    a->nvals = numel;
    a->dtype = (DType)code;
    a->ndim = ndim;
    memcpy(a->sizes, sizes, sizeof(int64_t) * (size_t)ndim);
    p->pos = end;
    *out = a;
    return true;
}

/* ------------------------------------------------------------- values */

static bool parse_items(Parser *p, AVal *a, char close) {
    VEC(AVal *) items = {0};
    bool ok = true;
    if (!accept_punct(p, close)) {
        for (;;) {
            AVal *x = parse_value(p);
            if (!x || !vec_push(&items, x)) {
                if (x)
                    fail_nomem(p);
                ok = false;
                break;
            }
            Tok s = next_tok(p);
            if (tok_punct(p, s, close))
                break;
            if (!tok_punct(p, s, ',')) {
                char what[16];
                snprintf(what, sizeof what, "',' or '%c'", close);
                fail_expected(p, s, what);
                ok = false;
                break;
            }
            /* (x,) */
            if (close == ')' && accept_punct(p, ')'))
                break;
        }
    }
    if (ok && items.len) {
        a->items = arena_alloc_array(&p->arena, items.len, sizeof(AVal *));
        if (!a->items) {
            fail_nomem(p);
            ok = false;
        } else {
            memcpy(a->items, items.data, items.len * sizeof(AVal *));
            a->n = items.len;
        }
    }
    vec_free(&items);
    a->end = p->pos;
    return ok;
}

/* Is the syntax tree a type (tuple of types included)? */
static bool aval_is_type(const AVal *a) {
    if (a->kind == AV_TYPE || a->kind == AV_NAME)
        return true;
    if (a->kind != AV_TUPLE)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!aval_is_type(a->items[i]))
            return false;
    return true;
}

static Type *aval_as_type(Parser *p, const AVal *a) {
    if (a->kind == AV_TYPE)
        return a->ty;
    if (a->kind == AV_NAME) {
        Tok at = {TK_IDENT, a->start, a->end};
        return nominal_type(p, at, a->s, TY_CLASS);
    }
    Type *buf[64];
    Type **elems = a->n <= 64 ? buf : xcalloc(a->n, sizeof(Type *));
    if (!elems) {
        fail_nomem(p);
        return NULL;
    }
    Type *r = NULL;
    size_t i;
    for (i = 0; i < a->n; i++)
        if (!(elems[i] = aval_as_type(p, a->items[i])))
            break;
    if (i == a->n) {
        r = type_tuple((int)a->n, elems);
        if (!r)
            fail_nomem(p);
    }
    if (elems != buf)
        free(elems);
    return r;
}

static AVal *parse_value_inner(Parser *p) {
    AVal *a;
    if (try_inline_tensor(p, p->pos, &a))
        return a;
    if (p->failed)
        return NULL;
    Tok t = peek(p);
    size_t start = t.start;
    double d;
    bool is_float;
    size_t rs, re;
    if (lex_real(p, &d, &is_float, &rs, &re)) {
        double im;
        if (lex_imag_tail(p, re, &im)) {
            a = new_aval(p, AV_COMPLEX, start);
            if (a) {
                a->d = d;
                a->im = im;
            }
        } else if (!is_float && !tok_punct(p, t, '-') && !tok_is(p, t, TK_IDENT, NULL)) {
            a = new_aval(p, AV_INT, start);
            if (a) {
                Tok it = {TK_NUMBER, rs, re};
                if (!parse_int_tok(p, it, &a->i))
                    return NULL;
                a->d = d;
            }
        } else {
            a = new_aval(p, AV_FLOAT, start);
            if (a)
                a->d = d;
        }
        if (a)
            a->end = p->pos;
        return a;
    }
    if (t.kind == TK_NUMBER) {
        /* pure imaginary: 2.j */
        const char *s = p->text + t.start;
        size_t n = t.end - t.start;
        if (!parse_double_text(s, n - 1, &d)) {
            fail_at(p, t.start, t.end, "bad number");
            return NULL;
        }
        p->pos = t.end;
        a = new_aval(p, AV_COMPLEX, start);
        if (a) {
            a->d = 0;
            a->im = d;
            a->end = p->pos;
        }
        return a;
    }
    if (t.kind == TK_STRING) {
        p->pos = t.end;
        a = new_aval(p, AV_STR, start);
        if (a && decode_string(p, t, &a->s, &a->slen)) {
            a->end = t.end;
            return a;
        }
        return NULL;
    }
    if (tok_punct(p, t, '[')) {
        p->pos = t.end;
        Tok u = peek(p), v = peek2(p);
        if (tok_punct(p, u, '<') &&
            (tok_is(p, v, TK_IDENT, "Tensors") || tok_is(p, v, TK_IDENT, "Graphs"))) {
            bool graphs = tok_is(p, v, TK_IDENT, "Graphs");
            p->pos = v.end;
            if (!expect_punct(p, '>') || !expect_punct(p, ']'))
                return NULL;
            if (graphs) {
                fail_at(p, start, p->pos, "graph list attributes are not supported");
                return NULL;
            }
            a = new_aval(p, AV_TLISTPLACE, start);
            if (a)
                a->end = p->pos;
            return a;
        }
        a = new_aval(p, AV_LIST, start);
        if (!a || !parse_items(p, a, ']'))
            return NULL;
        return a;
    }
    if (tok_punct(p, t, '(')) {
        p->pos = t.end;
        a = new_aval(p, AV_TUPLE, start);
        if (!a || !parse_items(p, a, ')'))
            return NULL;
        /* (int, float)[] and (int, str)? are types */
        Tok u = peek(p);
        bool suffix = tok_punct(p, u, '?') ||
                      (tok_punct(p, u, '[') && tok_punct(p, lex_at(p, u.end), ']'));
        if (suffix && aval_is_type(a)) {
            Type *ty = parse_type_suffixes(p, aval_as_type(p, a));
            if (!ty)
                return NULL;
            a->kind = AV_TYPE;
            a->ty = ty;
            a->end = p->pos;
        }
        return a;
    }
    if (tok_punct(p, t, '{')) {
        p->pos = t.end;
        if (accept_punct(p, '}')) {
            a = new_aval(p, AV_DICT, start);
            if (a)
                a->end = p->pos;
            return a;
        }
        AVal *first = parse_value(p);
        if (!first)
            return NULL;
        if (accept_punct(p, '}')) {
            /* {v}: a one-element tensor printed as its scalar */
            a = new_aval(p, AV_TSCALAR, start);
            if (!a)
                return NULL;
            if (first->kind == AV_INT || first->kind == AV_FLOAT) {
                a->d = first->d;
                a->tscalar_float = first->kind == AV_FLOAT;
            } else if (first->kind == AV_TUPLE && first->n == 2 &&
                       (first->items[0]->kind == AV_INT || first->items[0]->kind == AV_FLOAT) &&
                       (first->items[1]->kind == AV_INT || first->items[1]->kind == AV_FLOAT)) {
                a->d = first->items[0]->d;
                a->im = first->items[1]->d;
                a->tscalar_complex = true;
            } else {
                fail_at(p, start, p->pos, "expected a number inside '{...}'");
                return NULL;
            }
            a->end = p->pos;
            return a;
        }
        a = new_aval(p, AV_DICT, start);
        if (!a)
            return NULL;
        VEC(AVal *) items = {0};
        AVal *key = first;
        bool ok = true;
        for (;;) {
            if (!expect_punct(p, ':')) {
                ok = false;
                break;
            }
            AVal *val = parse_value(p);
            if (!val || !vec_push(&items, key) || !vec_push(&items, val)) {
                if (val)
                    fail_nomem(p);
                ok = false;
                break;
            }
            Tok s = next_tok(p);
            if (tok_punct(p, s, '}'))
                break;
            if (!tok_punct(p, s, ',')) {
                fail_expected(p, s, "',' or '}'");
                ok = false;
                break;
            }
            if (!(key = parse_value(p))) {
                ok = false;
                break;
            }
        }
        if (ok) {
            a->items = arena_alloc_array(&p->arena, items.len, sizeof(AVal *));
            if (!a->items) {
                fail_nomem(p);
                ok = false;
            } else {
                memcpy(a->items, items.data, items.len * sizeof(AVal *));
                a->n = items.len / 2;
            }
        }
        vec_free(&items);
        a->end = p->pos;
        return ok ? a : NULL;
    }
    if (tok_punct(p, t, '<')) {
        Tok u = peek2(p);
        bool graph = tok_is(p, u, TK_IDENT, "Graph");
        if (!tok_is(p, u, TK_IDENT, "Tensor") && !graph) {
            fail_expected(p, u, "'Tensor' or 'Graph'");
            return NULL;
        }
        p->pos = u.end;
        if (!expect_punct(p, '>'))
            return NULL;
        a = new_aval(p, graph ? AV_GRAPH : AV_TPLACE, start);
        if (a)
            a->end = p->pos;
        return a;
    }
    if (t.kind == TK_IDENT) {
        Tok u = peek2(p);
        bool call = tok_punct(p, u, '(') && u.start == t.end;
        if (tok_is(p, t, TK_IDENT, "None") || tok_is(p, t, TK_IDENT, "True") ||
            tok_is(p, t, TK_IDENT, "False")) {
            p->pos = t.end;
            a = new_aval(p, p->text[t.start] == 'N' ? AV_NONE : AV_BOOL, start);
            if (a) {
                a->i = p->text[t.start] == 'T';
                a->end = t.end;
            }
            return a;
        }
        if (call && tok_is(p, t, TK_IDENT, "torch.device")) {
            p->pos = u.end;
            Tok s = next_tok(p);
            if (s.kind != TK_STRING) {
                fail_expected(p, s, "a device string");
                return NULL;
            }
            a = new_aval(p, AV_DEVICE, start);
            if (!a || !decode_string(p, s, &a->s, &a->slen) || !expect_punct(p, ')'))
                return NULL;
            a->end = p->pos;
            return a;
        }
        if (call && tok_is(p, t, TK_IDENT, "annotate")) {
            p->pos = u.end;
            a = new_aval(p, AV_ANNOTATE, start);
            if (!a || !(a->ty = parse_type(p)) || !expect_punct(p, ','))
                return NULL;
            AVal *inner = parse_value(p);
            if (!inner || !expect_punct(p, ')'))
                return NULL;
            a->items = arena_alloc(&p->arena, sizeof(AVal *));
            if (!a->items) {
                fail_nomem(p);
                return NULL;
            }
            a->items[0] = inner;
            a->n = 1;
            a->end = p->pos;
            return a;
        }
        if (call && tok_is(p, t, TK_IDENT, "object")) {
            /* object(0x55d0c8a0): an object constant, printed by address */
            size_t q = u.end;
            while (q < p->len && (is_ident_char(p->text[q])))
                q++;
            if (q >= p->len || p->text[q] != ')') {
                fail_at(p, u.end, q + 1, "expected an address and ')'");
                return NULL;
            }
            p->pos = q + 1;
            a = new_aval(p, AV_OBJECT, start);
            if (a)
                a->end = p->pos;
            return a;
        }
        /* a dotted name alone may be an enum member; decide later */
        const char *s = p->text + t.start;
        size_t n = t.end - t.start;
        Tok after = peek2(p);
        bool suffix = tok_punct(p, after, '?') || tok_punct(p, after, '<') ||
                      (tok_punct(p, after, '[') && tok_punct(p, lex_at(p, after.end), ']'));
        if (memchr(s, '.', n) && !suffix && !call) {
            p->pos = t.end;
            a = new_aval(p, AV_NAME, start);
            if (!a || !(a->s = tok_text(p, t)))
                return NULL;
            a->end = t.end;
            return a;
        }
        a = new_aval(p, AV_TYPE, start);
        if (!a || !(a->ty = parse_type(p)))
            return NULL;
        a->end = p->pos;
        return a;
    }
    fail_expected(p, t, "an attribute value");
    return NULL;
}

static AVal *parse_value(Parser *p) {
    if (p->failed || !enter(p, peek(p).start))
        return NULL;
    AVal *a = parse_value_inner(p);
    leave(p);
    return p->failed ? NULL : a;
}

/* --------------------------------------------------- values to IValues */

/* The tensor of a tensor literal: dtype, sizes and strides from the
 * declared type where the literal does not give them. */
static Tensor *make_tensor(Parser *p, AVal *a, Type *expected) {
    const TensorDetail *d = expected && expected->kind == TY_TENSOR ? expected->tensor : NULL;
    bool sizes_known = d && d->ndim >= 0;
    for (int i = 0; sizes_known && i < d->ndim; i++)
        sizes_known = d->sizes[i] >= 0;
    int ndim = 0;
    int64_t sizes[TSI_MAX_DIM];
    DType dt;
    Err e = {0};
    Tensor *t = NULL;
    if (a->kind == AV_TINLINE) {
        dt = a->dtype;
        ndim = a->ndim;
        memcpy(sizes, a->sizes, sizeof(int64_t) * (size_t)ndim);
    } else {
        if (d && d->dtype >= 0 && dtype_valid(d->dtype))
            dt = (DType)d->dtype;
        else if (d && d->dtype >= 0) {
            fail_at(p, a->start, a->end, "tensor constants of type %s are not supported",
                    type_scalar_name(d->dtype) ? type_scalar_name(d->dtype) : "?");
            return NULL;
        } else if (a->kind == AV_TSCALAR)
            dt = a->tscalar_float ? TSI_DTYPE_FLOAT32 : TSI_DTYPE_INT64;
        else
            dt = TSI_DTYPE_FLOAT32;
        if (a->kind == AV_TSCALAR && a->tscalar_complex) {
            fail_at(p, a->start, a->end, "complex tensors are not supported");
            return NULL;
        }
        if (sizes_known) {
            ndim = d->ndim;
            memcpy(sizes, d->sizes, sizeof(int64_t) * (size_t)ndim);
        } else if (a->kind == AV_TPLACE) {
            fail_at(p, a->start, a->end,
                    "a <Tensor> placeholder needs a declared tensor type with known sizes");
            return NULL;
        }
    }
    int64_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        if (sizes[i] != 0 && numel > INT64_MAX / sizes[i]) {
            numel = INT64_MAX;
            break;
        }
        numel *= sizes[i];
    }
    if (a->kind == AV_TSCALAR && numel != 1) {
        /* the declared shape does not hold one element: keep the scalar */
        ndim = 0;
        numel = 1;
    }
    if (a->kind == AV_TPLACE &&
        (numel > MAX_PLACEHOLDER_BYTES / (int64_t)dtype_size(dt))) {
        fail_at(p, a->start, a->end, "<Tensor> placeholder too large");
        return NULL;
    }
    bool use_strides = d && d->has_strides && d->ndim == ndim &&
                       !memcmp(d->sizes, sizes, sizeof(int64_t) * (size_t)ndim);
    if (use_strides && numel > 0) {
        /* the storage the declared strides address must stay in bounds too */
        int64_t extent = 1;
        for (int i = 0; i < ndim; i++) {
            int64_t span;
            if (mul_i64_overflows(sizes[i] - 1, d->strides[i], &span) ||
                add_i64_overflows(extent, span, &extent) ||
                extent > MAX_PLACEHOLDER_BYTES / (int64_t)dtype_size(dt)) {
                fail_at(p, a->start, a->end, "tensor constant too large for its declared strides");
                return NULL;
            }
        }
    }
    if (use_strides)
        t = tensor_empty_strided(dt, ndim, sizes, d->strides, &e);
    else
        t = tensor_empty(dt, ndim, sizes, &e);
    if (!t) {
        fail_at(p, a->start, a->end, "cannot create the tensor: %s",
                e.msg ? e.msg : "out of memory");
        err_clear(&e);
        return NULL;
    }
    if (a->kind == AV_TPLACE)
        return t; /* the values are not in the text: zeros stand in */
    int64_t idx[TSI_MAX_DIM] = {0};
    for (int64_t k = 0; k < numel; k++) {
        double v = a->kind == AV_TINLINE ? a->vals[k] : a->d;
        Scalar sc;
        if (dt == TSI_DTYPE_BOOL)
            sc = scalar_bool(v != 0);
        else if (dtype_is_floating(dt))
            sc = scalar_float(v);
        else
            sc = scalar_int(isfinite(v) && fabs(v) < 9.2e18 ? (int64_t)v : 0);
        tensor_set(t, idx, sc);
        for (int dd = ndim - 1; dd >= 0; dd--) {
            if (++idx[dd] < sizes[dd])
                break;
            idx[dd] = 0;
        }
    }
    return t;
}

/* How many leading bytes of the printed tensor attribute agree with
 * text[start, end); end - start + 1 when the whole text matches. */
static size_t tensor_print_match(Parser *p, Tensor *t, size_t start, size_t end) {
    Attr at = {.kind = AK_T, .v = iv_tensor(t)};
    StrBuf sb;
    sb_init(&sb);
    ir_attr_print(&sb, &at);
    size_t n = end - start, k = 0;
    if (!sb.oom) {
        while (k < n && k < sb.len && sb.data[k] == p->text[start + k])
            k++;
        if (k == n && sb.len == n)
            k = n + 1;
    }
    sb_free(&sb);
    return k;
}

/* v moved by `step` of a small family of perturbations: a few units in the
 * last place of the dtype, then small relative amounts. */
static double perturb(double v, DType dt, int step) {
    static const double rel[] = {1e-7, 1e-6, 4e-6, 2e-5};
    int dir = step % 2 ? -1 : 1;
    int k = step / 2;
    if (k < 3) {
        double x = v;
        for (int i = 0; i < (1 << k); i++) {
            if (dt == TSI_DTYPE_FLOAT32)
                x = nextafterf((float)x, dir > 0 ? INFINITY : -INFINITY);
            else if (dt == TSI_DTYPE_FLOAT64)
                x = nextafter(x, dir > 0 ? INFINITY : -INFINITY);
            else
                x = x + (x == 0 ? 1e-7 : fabs(x) * 0.0009765625) * dir;
        }
        return x;
    }
    k -= 3;
    return v == 0 ? dir * rel[k] * 1e-30 : v * (1 + dir * rel[k]);
}

/*
 * Inline tensor text keeps 4-5 significant digits, so the values read back
 * are close to torch's but not equal, and aten's per-matrix choice of
 * integer, fixed or scientific mode and scale can come out differently:
 * values that printed as "1e+14 * -5.6266 ..." (fixed mode: some value had
 * a fraction) read back as integers, which print in scientific notation.
 * When the printed text differs, move single elements by amounts far below
 * the printed precision, keeping each move that makes more of the text
 * match, until it matches or nothing helps.
 */
static void fit_inline_tensor(Parser *p, Tensor *t, const AVal *a) {
    size_t start = a->start, end = a->end, full = end - start + 1;
    if (!dtype_is_floating(t->dtype) || a->nvals > 16)
        return;
    size_t best = tensor_print_match(p, t, start, end);
    int64_t idx[TSI_MAX_DIM], best_idx[TSI_MAX_DIM];
    /* best first: each round applies the one move that helps most */
    for (int64_t round = 0; round < a->nvals + 2 && best < full; round++) {
        size_t round_best = best;
        double best_v = 0;
        for (int64_t k = 0; k < a->nvals && round_best < full; k++) {
            int64_t rem = k;
            for (int dd = t->ndim - 1; dd >= 0; dd--) {
                idx[dd] = rem % t->sizes[dd];
                rem /= t->sizes[dd];
            }
            double orig = scalar_to_double(tensor_get(t, idx));
            if (!isfinite(orig))
                continue;
            for (int step = 0; step < 14 && round_best < full; step++) {
                double v = perturb(orig, t->dtype, step);
                tensor_set(t, idx, scalar_float(v));
                size_t m = tensor_print_match(p, t, start, end);
                if (m > round_best) {
                    round_best = m;
                    best_v = v;
                    memcpy(best_idx, idx, sizeof idx);
                }
            }
            tensor_set(t, idx, scalar_float(orig));
        }
        if (round_best == best)
            break;
        best = round_best;
        tensor_set(t, best_idx, scalar_float(best_v));
    }
}

static Type *infer_type(Parser *p, AVal *a);

static Type *infer_elem_type(Parser *p, AVal **items, size_t n, Type *fallback) {
    Type *t = NULL;
    for (size_t i = 0; i < n; i++) {
        Type *e = infer_type(p, items[i]);
        if (!e)
            return NULL;
        t = t ? type_unify(t, e, true) : e;
        if (!t)
            return NULL;
    }
    return t ? t : fallback;
}

/* The type of a value written without an expected type. */
static Type *infer_type(Parser *p, AVal *a) {
    switch (a->kind) {
    case AV_INT: return type_int();
    case AV_FLOAT: return type_float();
    case AV_COMPLEX: return type_complex();
    case AV_STR: return type_str();
    case AV_NONE: return type_none();
    case AV_BOOL: return type_bool();
    case AV_DEVICE: return type_device();
    case AV_TSCALAR:
    case AV_TINLINE:
    case AV_TPLACE: return type_tensor();
    case AV_TLISTPLACE: return type_list(type_tensor());
    case AV_ANNOTATE: return a->ty;
    case AV_LIST: {
        Type *e = infer_elem_type(p, a->items, a->n, type_tensor());
        return e ? type_list(e) : NULL;
    }
    case AV_DICT: {
        if (a->n == 0)
            return type_dict(type_str(), type_tensor());
        VEC(AVal *) ks = {0}, vs = {0};
        Type *r = NULL;
        for (size_t i = 0; i < a->n; i++)
            if (!vec_push(&ks, a->items[2 * i]) || !vec_push(&vs, a->items[2 * i + 1]))
                goto out;
        Type *k = infer_elem_type(p, ks.data, ks.len, type_str());
        Type *v = infer_elem_type(p, vs.data, vs.len, type_tensor());
        r = k && v ? type_dict(k, v) : NULL;
    out:
        vec_free(&ks);
        vec_free(&vs);
        return r;
    }
    case AV_TUPLE: {
        Type *buf[64];
        Type **el = a->n <= 64 ? buf : xcalloc(a->n, sizeof(Type *));
        if (!el)
            return NULL;
        Type *r = NULL;
        size_t i;
        for (i = 0; i < a->n; i++)
            if (!(el[i] = infer_type(p, a->items[i])))
                break;
        if (i == a->n)
            r = type_tuple((int)a->n, el);
        if (el != buf)
            free(el);
        return r;
    }
    default: return NULL;
    }
}

/* An enum member written Qual.Name for an enum type. */
static IValue enum_member(Parser *p, AVal *a, Type *ety) {
    size_t qn = strlen(ety->name);
    if (a->slen == 0)
        a->slen = strlen(a->s);
    if (a->slen <= qn + 1 || strncmp(a->s, ety->name, qn) != 0 || a->s[qn] != '.') {
        fail_at(p, a->start, a->end, "'%s' is not a member of %s", a->s, ety->name);
        return iv_invalid();
    }
    const char *member = a->s + qn + 1;
    IValue value = iv_none(); /* the IR does not print enum values */
    ClassInfo *c = ety->cls;
    for (size_t i = 0; c && i < c->enum_members.len; i++)
        if (!strcmp(c->enum_members.data[i].name, member))
            value = iv_dup(c->enum_members.data[i].value);
    IValue r = iv_enum_new(ety, member, value);
    if (r.tag == IV_INVALID)
        fail_nomem(p);
    return r;
}

/* Convert a value syntax tree to an IValue of (or fitting) `expected`
 * (NULL: inferred). */
static IValue aval_to_ivalue(Parser *p, AVal *a, Type *expected) {
    if (p->failed)
        return iv_invalid();
    if (expected && expected->kind == TY_OPTIONAL && a->kind != AV_NONE)
        expected = expected->elems[0];
    switch (a->kind) {
    case AV_INT:
        if (expected && expected->kind == TY_FLOAT)
            return iv_double((double)a->i);
        if (expected && expected->kind == TY_BOOL)
            return iv_bool(a->i != 0);
        return iv_int(a->i);
    case AV_FLOAT: return iv_double(a->d);
    case AV_COMPLEX: {
        IValue v = iv_complex(a->d, a->im);
        if (v.tag == IV_INVALID)
            fail_nomem(p);
        return v;
    }
    case AV_STR: {
        IValue v = iv_str(a->s, a->slen);
        if (v.tag == IV_INVALID)
            fail_nomem(p);
        return v;
    }
    case AV_NONE: return iv_none();
    case AV_BOOL: return iv_bool(a->i != 0);
    case AV_DEVICE: {
        Device dev;
        if (device_parse(a->s, &dev) != TSI_OK) {
            fail_at(p, a->start, a->end, "unknown device '%s'", a->s);
            return iv_invalid();
        }
        return iv_device(dev);
    }
    case AV_NAME:
        if (expected && expected->kind == TY_ENUM)
            return enum_member(p, a, expected);
        fail_at(p, a->start, a->end, "'%s' is not a value here", a->s);
        return iv_invalid();
    case AV_TSCALAR:
    case AV_TINLINE:
    case AV_TPLACE: {
        Tensor *t = make_tensor(p, a, expected);
        if (!t)
            return iv_invalid();
        if (a->kind == AV_TINLINE)
            fit_inline_tensor(p, t, a);
        return iv_tensor(t);
    }
    case AV_TLISTPLACE: {
        /* printed without contents: an empty list of tensors stands in */
        IValue v = iv_list_new(type_tensor(), 0);
        if (v.tag == IV_INVALID)
            fail_nomem(p);
        return v;
    }
    case AV_ANNOTATE:
        if (a->n != 1)
            return iv_invalid();
        return aval_to_ivalue(p, a->items[0], a->ty);
    case AV_LIST: {
        Type *elem = expected && expected->kind == TY_LIST ? expected->elems[0] : NULL;
        if (!elem) {
            elem = infer_elem_type(p, a->items, a->n, type_tensor());
            if (!elem) {
                if (!p->failed)
                    fail_at(p, a->start, a->end, "cannot tell the type of this list");
                return iv_invalid();
            }
        }
        IValue l = iv_list_new(elem, a->n);
        if (l.tag == IV_INVALID) {
            fail_nomem(p);
            return l;
        }
        for (size_t i = 0; i < a->n; i++) {
            IValue x = aval_to_ivalue(p, a->items[i], elem);
            if (p->failed || !iv_list_push(l.u.l, x)) {
                if (!p->failed) {
                    iv_release(x);
                    fail_nomem(p);
                }
                iv_release(l);
                return iv_invalid();
            }
        }
        return l;
    }
    case AV_TUPLE: {
        Type *tt = expected && expected->kind == TY_TUPLE && expected->n == (int)a->n
                       ? expected
                       : NULL;
        IValue v = iv_tuple_new(a->n, tt && tt->name ? tt : NULL);
        if (v.tag == IV_INVALID) {
            fail_nomem(p);
            return v;
        }
        for (size_t i = 0; i < a->n; i++) {
            IValue x = aval_to_ivalue(p, a->items[i], tt ? tt->elems[i] : NULL);
            if (p->failed) {
                iv_release(v);
                return iv_invalid();
            }
            v.u.tup->items[i] = x;
        }
        return v;
    }
    case AV_DICT: {
        Type *kt = NULL, *vt = NULL;
        if (expected && expected->kind == TY_DICT) {
            kt = expected->elems[0];
            vt = expected->elems[1];
        } else {
            Type *dt = infer_type(p, a);
            if (!dt || dt->kind != TY_DICT) {
                if (!p->failed)
                    fail_at(p, a->start, a->end, "cannot tell the type of this dict");
                return iv_invalid();
            }
            kt = dt->elems[0];
            vt = dt->elems[1];
        }
        IValue v = iv_dict_new(kt, vt);
        if (v.tag == IV_INVALID) {
            fail_nomem(p);
            return v;
        }
        for (size_t i = 0; i < a->n; i++) {
            IValue k = aval_to_ivalue(p, a->items[2 * i], kt);
            IValue x = p->failed ? iv_invalid() : aval_to_ivalue(p, a->items[2 * i + 1], vt);
            if (p->failed) {
                iv_release(k);
                iv_release(v);
                return iv_invalid();
            }
            if (!iv_hashable(k)) {
                iv_release(k);
                iv_release(x);
                iv_release(v);
                fail_at(p, a->items[2 * i]->start, a->items[2 * i]->end, "unhashable dict key");
                return iv_invalid();
            }
            if (!iv_dict_set(v.u.dict, k, x)) {
                iv_release(v);
                fail_nomem(p);
                return iv_invalid();
            }
        }
        return v;
    }
    case AV_OBJECT: {
        if (!expected || expected->kind != TY_CLASS) {
            fail_at(p, a->start, a->end, "an object constant needs a class type");
            return iv_invalid();
        }
        /* the object's contents are not printed: an empty object stands in */
        IValue v = iv_object_new(expected);
        if (v.tag == IV_INVALID)
            fail_nomem(p);
        return v;
    }
    case AV_TYPE:
    case AV_GRAPH:
    default:
        fail_at(p, a->start, a->end, "expected a constant value");
        return iv_invalid();
    }
}

/* Set attribute `name` of n from its syntax tree. */
static void set_attr(Parser *p, Node *n, Symbol name, AVal *a) {
    Type *out = NULL;
    bool constant = n->kind == SYM_prim_Constant && name == SYM_attr_value && n->outputs.len == 1;
    if (constant)
        out = n->outputs.data[0]->type;
    switch (a->kind) {
    case AV_INT:
        if (out && out->kind == TY_FLOAT)
            ir_node_set_attr_f(n, name, (double)a->i);
        else
            ir_node_set_attr_i(n, name, a->i);
        return;
    case AV_FLOAT: ir_node_set_attr_f(n, name, a->d); return;
    case AV_COMPLEX:
    case AV_STR: {
        IValue v = aval_to_ivalue(p, a, NULL);
        if (!p->failed)
            ir_node_set_attr_iv(n, name, a->kind == AV_STR ? AK_S : AK_C, v);
        iv_release(v);
        return;
    }
    case AV_TSCALAR:
    case AV_TINLINE:
    case AV_TPLACE: {
        IValue v = aval_to_ivalue(p, a, out);
        if (!p->failed)
            ir_node_set_attr_iv(n, name, AK_T, v);
        iv_release(v);
        return;
    }
    case AV_TLISTPLACE: {
        IValue v = aval_to_ivalue(p, a, out);
        if (!p->failed)
            ir_node_set_attr_iv(n, name, AK_TS, v);
        iv_release(v);
        return;
    }
    case AV_GRAPH: {
        Graph *g = ir_graph_new();
        if (!g)
            fail_nomem(p);
        else
            ir_node_set_attr_g(n, name, g); /* <Graph>: contents not printed */
        return;
    }
    case AV_TYPE: {
        Type *t = aval_as_type(p, a);
        if (t)
            ir_node_set_attr_ty(n, name, t);
        return;
    }
    case AV_NAME:
        if (out && out->kind == TY_ENUM)
            break;
        {
            Type *t = aval_as_type(p, a);
            if (t)
                ir_node_set_attr_ty(n, name, t);
        }
        return;
    case AV_LIST:
        if (a->n > 0 && !constant) {
            bool all_types = true, all_int = true, all_float = true, all_str = true;
            for (size_t i = 0; i < a->n; i++) {
                AvKind k = a->items[i]->kind;
                all_types &= aval_is_type(a->items[i]);
                all_int &= k == AV_INT;
                all_float &= k == AV_FLOAT;
                all_str &= k == AV_STR;
            }
            if (all_types) {
                VEC(Type *) tys = {0};
                for (size_t i = 0; i < a->n && !p->failed; i++) {
                    Type *t = aval_as_type(p, a->items[i]);
                    if (t && !vec_push(&tys, t))
                        fail_nomem(p);
                }
                if (!p->failed)
                    ir_node_set_attr_tys(n, name, tys.data, (int)tys.len);
                vec_free(&tys);
                return;
            }
            AttrKind k = all_int ? AK_IS : all_float ? AK_FS : all_str ? AK_SS : AK_IVAL;
            IValue v = aval_to_ivalue(p, a, NULL);
            if (!p->failed)
                ir_node_set_attr_iv(n, name, k, v);
            iv_release(v);
            return;
        }
        break;
    default: break;
    }
    if (a->kind == AV_TUPLE && !constant && aval_is_type(a)) {
        Type *t = aval_as_type(p, a);
        if (t)
            ir_node_set_attr_ty(n, name, t);
        return;
    }
    IValue v = aval_to_ivalue(p, a, out);
    if (!p->failed)
        ir_node_set_attr_iv(n, name, AK_IVAL, v);
    iv_release(v);
}

/* ----------------------------------------------------------- values/names */

static bool all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return n > 0;
}

/* Give v the printed name of token t (without '%') and enter it in scope. */
static bool define_value(Parser *p, Value *v, Tok t) {
    const char *s = p->text + t.start + 1;
    size_t n = t.end - t.start - 1;
    if (n > MAX_NAME) {
        fail_at(p, t.start, t.end, "value name too long");
        return false;
    }
    char *name = arena_strndup(&p->arena, s, n);
    if (!name) {
        fail_nomem(p);
        return false;
    }
    Value *prev = hmap_get(&p->gc->names, name);
    if (prev) {
        fail_at(p, t.start, t.end, "duplicate definition of %%%s", name);
        return false;
    }
    if (all_digits(s, n)) {
        /* an unnamed value: torch prints its unique number */
        if (n > 9 || (s[0] == '0' && n > 1)) {
            fail_at(p, t.start, t.end, "value number out of range");
            return false;
        }
        long long u = strtoll(name, NULL, 10);
        v->unique = (uint32_t)u;
        if (u > p->gc->max_numeric)
            p->gc->max_numeric = u;
    } else {
        ir_value_set_name(v, name);
        if (!v->name || strcmp(v->name, name) != 0) {
            fail_nomem(p);
            return false;
        }
        /* A name base.N was made by torch's uniquing, which then recorded
         * N + 1 as the next suffix for base; record it too, so names given
         * to new values later continue as torch's would. */
        const char *dot = strrchr(name, '.');
        if (dot && all_digits(dot + 1, strlen(dot + 1)) && strlen(dot + 1) < 10) {
            Graph *g = p->gc->g;
            char *base = arena_strndup(&p->arena, name, (size_t)(dot - name));
            intptr_t next = (intptr_t)strtol(dot + 1, NULL, 10) + 1;
            if (!base || (next > (intptr_t)hmap_get(&g->name_suffix, base) &&
                          !hmap_put(&g->name_suffix, base, (void *)next))) {
                fail_nomem(p);
                return false;
            }
        }
    }
    if (!hmap_put(&p->gc->names, name, v)) {
        fail_nomem(p);
        return false;
    }
    return true;
}

/* Is block `inner` the block `outer` or nested in it? */
static bool block_within(const Block *inner, const Block *outer) {
    for (const Block *b = inner; b; b = b->owning_node ? b->owning_node->owner : NULL)
        if (b == outer)
            return true;
    return false;
}

static Value *use_value(Parser *p, Tok t) {
    char *name = arena_strndup(&p->arena, p->text + t.start + 1, t.end - t.start - 1);
    if (!name) {
        fail_nomem(p);
        return NULL;
    }
    Value *v = hmap_get(&p->gc->names, name);
    if (!v) {
        fail_at(p, t.start, t.end, "undefined value %%%s", name);
        return NULL;
    }
    if (!block_within(p->block, v->node->owner)) {
        fail_at(p, t.start, t.end, "%%%s is used outside the block that defines it", name);
        return NULL;
    }
    return v;
}

/* "(" [VALUE ("," VALUE)*] ")" as uses, appended to node n's inputs. */
static bool parse_uses(Parser *p, Node *n) {
    if (!expect_punct(p, '('))
        return false;
    if (accept_punct(p, ')'))
        return true;
    for (;;) {
        Tok t = next_tok(p);
        if (t.kind != TK_VALUE) {
            fail_expected(p, t, "a value (%name)");
            return false;
        }
        Value *v = use_value(p, t);
        if (!v)
            return false;
        ir_node_add_input(n, v);
        Tok s = next_tok(p);
        if (tok_punct(p, s, ')'))
            return true;
        if (!tok_punct(p, s, ',')) {
            fail_expected(p, s, "',' or ')'");
            return false;
        }
    }
}

/* Parameters of a graph or block: "(" [VALUE [":" type] ...] ")" */
static bool parse_params(Parser *p, Block *b) {
    if (!expect_punct(p, '('))
        return false;
    if (accept_punct(p, ')'))
        return true;
    for (;;) {
        Tok t = next_tok(p);
        if (t.kind != TK_VALUE) {
            fail_expected(p, t, "a value (%name)");
            return false;
        }
        Value *v = ir_block_add_input(b, NULL);
        if (!v) {
            fail_nomem(p);
            return false;
        }
        if (!define_value(p, v, t))
            return false;
        if (accept_punct(p, ':')) {
            Type *ty = parse_type(p);
            if (!ty)
                return false;
            v->type = ty;
        }
        Tok s = next_tok(p);
        if (tok_punct(p, s, ')'))
            return true;
        if (!tok_punct(p, s, ',')) {
            fail_expected(p, s, "',' or ')'");
            return false;
        }
    }
}

/*
 * Schema lookup, as torch's parser does: the node takes the first operator
 * overload its inputs match (ir_node_match_schema), and outputs without a
 * type in the text take the schema's return types (type variables are left
 * as Tensor, torch's default). Nodes without a matching schema keep
 * node->schema NULL.
 */
static void resolve_schema(Parser *p, Node *n, const bool *typed) {
    TSI_UNUSED(p);
    const FunctionSchema *s = ir_node_match_schema(n);
    /* passes such as LowerAllTuples leave nodes whose outputs no longer
     * follow the schema; those keep no schema, as their text says */
    if (!s || (!s->is_varret && (size_t)s->nrets != n->outputs.len))
        return;
    n->schema = s;
    if (s->is_varret)
        return;
    for (size_t i = 0; i < n->outputs.len; i++)
        if (!typed[i] && !type_has_free_vars(s->rets[i].type))
            n->outputs.data[i]->type = s->rets[i].type;
}

static bool parse_nodes(Parser *p, Block *b, bool in_block);

typedef struct OutDecl {
    Tok tok;
    Type *type;
} OutDecl;

typedef struct AttrDecl {
    Tok name;
    AVal *value;
} AttrDecl;

/* The KIND of a node: IDENT "::" IDENT. */
static bool parse_kind(Parser *p, Tok *ns, Tok *nm) {
    *ns = next_tok(p);
    if (ns->kind != TK_IDENT) {
        fail_expected(p, *ns, "an operator name (ns::name)");
        return false;
    }
    Tok dc = next_tok(p);
    if (dc.kind != TK_DCOLON) {
        fail_expected(p, dc, "'::'");
        return false;
    }
    *nm = next_tok(p);
    if (nm->kind != TK_IDENT) {
        fail_expected(p, *nm, "an operator name after '::'");
        return false;
    }
    return true;
}

static bool parse_block(Parser *p, Node *owner) {
    Tok hdr = next_tok(p); /* block0 */
    if (!enter(p, hdr.start))
        return false;
    Block *b = ir_node_add_block(owner);
    if (!b) {
        fail_nomem(p);
        return false;
    }
    Block *saved = p->block;
    p->block = b;
    bool ok = parse_params(p, b) && expect_punct(p, ':') && parse_nodes(p, b, true);
    if (ok) {
        Tok arrow = next_tok(p);
        if (arrow.kind != TK_ARROW) {
            fail_at(p, arrow.start, arrow.end, "unbalanced block: expected '-> (...)' to end %.*s",
                    (int)(hdr.end - hdr.start), p->text + hdr.start);
            ok = false;
        } else {
            ok = parse_uses(p, b->ret);
        }
    }
    p->block = saved;
    leave(p);
    return ok;
}

static bool parse_node(Parser *p, Block *b) {
    VEC(OutDecl) outs = {0};
    VEC(AttrDecl) attrs = {0};
    bool *typed = NULL;
    bool ok = false;
    Tok first = peek(p);
    if (first.kind == TK_VALUE) {
        for (;;) {
            Tok t = next_tok(p);
            if (t.kind != TK_VALUE) {
                fail_expected(p, t, "a value (%name)");
                goto done;
            }
            OutDecl od = {t, NULL};
            if (accept_punct(p, ':') && !(od.type = parse_type(p)))
                goto done;
            if (!vec_push(&outs, od)) {
                fail_nomem(p);
                goto done;
            }
            Tok s = next_tok(p);
            if (tok_punct(p, s, '='))
                break;
            if (!tok_punct(p, s, ',')) {
                fail_expected(p, s, "',' or '='");
                goto done;
            }
        }
    } else {
        accept_punct(p, '='); /* the printer's form for nodes without outputs */
    }
    Tok ns, nm;
    if (!parse_kind(p, &ns, &nm))
        goto done;
    if (accept_punct(p, '[')) {
        if (!accept_punct(p, ']')) {
            for (;;) {
                Tok an = next_tok(p);
                if (an.kind != TK_IDENT || memchr(p->text + an.start, '.', an.end - an.start)) {
                    fail_expected(p, an, "an attribute name");
                    goto done;
                }
                if (!expect_punct(p, '='))
                    goto done;
                AttrDecl ad = {an, parse_value(p)};
                if (!ad.value)
                    goto done;
                for (size_t i = 0; i < attrs.len; i++) {
                    Tok o = attrs.data[i].name;
                    if (o.end - o.start == an.end - an.start &&
                        !memcmp(p->text + o.start, p->text + an.start, an.end - an.start)) {
                        fail_at(p, an.start, an.end, "duplicate attribute");
                        goto done;
                    }
                }
                if (!vec_push(&attrs, ad)) {
                    fail_nomem(p);
                    goto done;
                }
                Tok s = next_tok(p);
                if (tok_punct(p, s, ']'))
                    break;
                if (!tok_punct(p, s, ',')) {
                    fail_expected(p, s, "',' or ']'");
                    goto done;
                }
            }
        }
    }
    /* create the node */
    {
        char *kind = arena_sprintf(&p->arena, "%.*s::%.*s", (int)(ns.end - ns.start),
                                   p->text + ns.start, (int)(nm.end - nm.start),
                                   p->text + nm.start);
        Symbol sym = kind ? ir_sym_intern(kind) : 0;
        Node *n = kind ? ir_node_create(p->gc->g, sym, 0) : NULL;
        typed = xcalloc(outs.len + 1, sizeof(bool));
        if (!kind || !n || !typed || (sym == 0 && strcmp(kind, "prim::Constant") != 0)) {
            fail_nomem(p);
            goto done;
        }
        ir_node_append(b, n);
        if (!parse_uses(p, n))
            goto done;
        /* ", scope: __module.conv" (traced graphs): read and dropped, tsi
         * keeps no scopes */
        if (tok_punct(p, peek(p), ',') && tok_is(p, peek2(p), TK_IDENT, "scope")) {
            p->pos = peek2(p).end;
            if (!expect_punct(p, ':'))
                goto done;
            size_t q = p->pos;
            while (q < p->len && p->text[q] != '\n' && p->text[q] != '#')
                q++;
            p->pos = q;
        }
        for (size_t i = 0; i < outs.len; i++) {
            Value *v = ir_node_add_output(n);
            if (!v) {
                fail_nomem(p);
                goto done;
            }
            typed[i] = outs.data[i].type != NULL;
            if (outs.data[i].type)
                v->type = outs.data[i].type;
        }
        resolve_schema(p, n, typed);
        for (size_t i = 0; i < attrs.len && !p->failed; i++) {
            Tok an = attrs.data[i].name;
            char *aname = arena_sprintf(&p->arena, "attr::%.*s", (int)(an.end - an.start),
                                        p->text + an.start);
            Symbol as = aname ? ir_sym_intern(aname) : 0;
            if (!as) {
                fail_nomem(p);
                goto done;
            }
            set_attr(p, n, as, attrs.data[i].value);
        }
        if (p->failed)
            goto done;
        /* a kind printed as KIND_N may own subgraph N */
        size_t nl = nm.end - nm.start;
        const char *nt = p->text + nm.start;
        size_t u = nl;
        while (u > 0 && is_digit(nt[u - 1]))
            u--;
        if (u < nl && u > 0 && nt[u - 1] == '_' && nl - u <= 9) {
            unsigned long index = 0;
            for (size_t k = u; k < nl; k++)
                index = index * 10 + (unsigned long)(nt[k] - '0');
            GroupCand c = {n, kind, strlen(kind) - (nl - u) - 1, index, false};
            GraphCtx *gc = p->gc;
            if (!hmap_has(&gc->cand_index, kind) &&
                (!vec_push(&gc->cands, c) ||
                 !hmap_put(&gc->cand_index, kind, (void *)(uintptr_t)gc->cands.len))) {
                fail_nomem(p);
                goto done;
            }
        }
        /* blocks */
        for (;;) {
            Tok t = peek(p);
            if (t.kind != TK_IDENT || tok_is(p, t, TK_IDENT, "return") ||
                tok_is(p, t, TK_IDENT, "with") || !tok_punct(p, peek2(p), '('))
                break;
            if (!parse_block(p, n))
                goto done;
        }
        /* the outputs come into scope after the node's blocks */
        for (size_t i = 0; i < outs.len; i++)
            if (!define_value(p, n->outputs.data[i], outs.data[i].tok))
                goto done;
        /* If/Loop block shape, Constant without inputs, ...: reported here
         * with a location rather than later by the verifier */
        Err e = {0};
        if (ir_node_verify(n, &e)) {
            const char *msg = e.msg ? e.msg : "invalid node";
            const char *eol = strchr(msg, '\n');
            size_t mlen = eol ? (size_t)(eol - msg) : strlen(msg);
            fail_at(p, ns.start, nm.end, "%.*s", (int)mlen, msg);
            err_clear(&e);
            goto done;
        }
    }
    ok = true;
done:
    free(typed);
    vec_free(&outs);
    vec_free(&attrs);
    return ok && !p->failed;
}

/* Nodes until "return" (top level) or "->" (in a block). */
static bool parse_nodes(Parser *p, Block *b, bool in_block) {
    for (;;) {
        if (p->failed)
            return false;
        Tok t = peek(p);
        if (t.kind == TK_ARROW) {
            if (in_block)
                return true;
            fail_at(p, t.start, t.end, "unbalanced block: '->' outside a block");
            return false;
        }
        if (tok_is(p, t, TK_IDENT, "return")) {
            if (!in_block)
                return true;
            fail_at(p, t.start, t.end, "unbalanced block: expected '-> (...)' before 'return'");
            return false;
        }
        if (t.kind == TK_EOF) {
            fail_at(p, t.start, t.end, "unexpected end of input%s",
                    in_block ? " inside a block" : " (no 'return')");
            return false;
        }
        if (t.kind == TK_IDENT && tok_punct(p, peek2(p), '(')) {
            fail_at(p, t.start, t.end, "block %.*s does not follow a node",
                    (int)(t.end - t.start), p->text + t.start);
            return false;
        }
        if (t.kind != TK_VALUE && t.kind != TK_IDENT && !tok_punct(p, t, '=')) {
            char d[48];
            tok_describe(p, t, d, sizeof d);
            if (t.kind == TK_BAD && t.start < p->len &&
                (p->text[t.start] == '"' || p->text[t.start] == '\''))
                fail_at(p, t.start, t.start + 1, "unterminated string");
            else
                fail_at(p, t.start, t.end, "expected a node but found %s", d);
            return false;
        }
        if (!parse_node(p, b))
            return false;
    }
}

static void ctx_init(GraphCtx *c, Graph *g) {
    memset(c, 0, sizeof *c);
    c->g = g;
    hmap_init_str(&c->names);
    hmap_init_str(&c->cand_index);
    c->max_numeric = -1;
}

static void ctx_free(GraphCtx *c) {
    hmap_free(&c->names);
    hmap_free(&c->cand_index);
    vec_free(&c->cands);
}

/* Give named values unique numbers above every numeric name, so uniques
 * stay unique and later values print as fresh numbers. */
static void renumber(GraphCtx *c) {
    Graph *g = c->g;
    uint32_t next = (uint32_t)(c->max_numeric + 1);
    for (size_t i = 0; i < g->all_nodes.len; i++) {
        Node *n = g->all_nodes.data[i];
        if (n->destroyed)
            continue;
        for (size_t k = 0; k < n->outputs.len; k++)
            if (n->outputs.data[k]->name)
                n->outputs.data[k]->unique = next++;
    }
    g->next_unique = next;
}

static bool parse_graph(Parser *p, Graph *g);

/* `with KIND_N = graph(...)` clauses that belong to the graph of ctx. */
static bool parse_withs(Parser *p) {
    GraphCtx *c = p->gc;
    for (;;) {
        Tok w = peek(p);
        if (!tok_is(p, w, TK_IDENT, "with"))
            return true;
        Tok ns = lex_at(p, w.end), dc = lex_at(p, ns.end), nm = lex_at(p, dc.end);
        if (ns.kind != TK_IDENT || dc.kind != TK_DCOLON || nm.kind != TK_IDENT) {
            fail_at(p, w.start, nm.end, "expected 'with KIND_N = graph(...)'");
            return false;
        }
        char *lit = arena_sprintf(&p->arena, "%.*s::%.*s", (int)(ns.end - ns.start),
                                  p->text + ns.start, (int)(nm.end - nm.start),
                                  p->text + nm.start);
        if (!lit) {
            fail_nomem(p);
            return false;
        }
        uintptr_t ix = (uintptr_t)hmap_get(&c->cand_index, lit);
        GroupCand *match = ix ? &c->cands.data[ix - 1] : NULL;
        /* subgraphs come in order: the next one is number nassigned */
        if (match && (match->assigned || match->index != c->nassigned))
            match = NULL;
        if (!match)
            return true; /* an enclosing graph's subgraph */
        p->pos = nm.end;
        if (!expect_punct(p, '='))
            return false;
        Graph *sub = ir_graph_new();
        if (!sub) {
            fail_nomem(p);
            return false;
        }
        GraphCtx *saved = p->gc;
        Block *saved_block = p->block;
        bool ok = enter(p, w.start) && parse_graph(p, sub);
        leave(p);
        p->gc = saved;
        p->block = saved_block;
        if (!ok) {
            ir_graph_free(sub);
            return false;
        }
        match->literal[match->base_len] = 0;
        Symbol base = ir_sym_intern(match->literal);
        match->node->kind = base;
        ir_node_set_attr_g(match->node, SYM_attr_Subgraph, sub);
        match->assigned = true;
        c->nassigned++;
    }
}

static bool parse_graph(Parser *p, Graph *g) {
    GraphCtx ctx;
    ctx_init(&ctx, g);
    p->gc = &ctx;
    p->block = g->block;
    bool ok = false;
    Tok t = next_tok(p);
    if (t.kind != TK_IDENT || !tok_punct(p, peek(p), '(')) {
        fail_expected(p, t, "'graph('");
        goto done;
    }
    if (!parse_params(p, g->block) || !expect_punct(p, ':'))
        goto done;
    if (!parse_nodes(p, g->block, false))
        goto done;
    next_tok(p); /* return */
    if (!parse_uses(p, g->block->ret))
        goto done;
    if (!parse_withs(p))
        goto done;
    renumber(&ctx);
    ok = true;
done:
    ctx_free(&ctx);
    return ok && !p->failed;
}

Graph *irp_parse(const char *text, size_t len, const char *filename, CompilationUnit *cu,
                 Err *err) {
    Parser p = {0};
    p.text = text;
    p.len = len;
    p.cu = cu;
    p.err = err;
    arena_init(&p.arena);
    hmap_init_str(&p.named_tuples);
    Graph *g = NULL;
    if (len > UINT32_MAX - 16) {
        err_set(err, TSI_ERR_LIMIT, "%s: IR text too large", filename ? filename : "<string>");
        goto out;
    }
    p.src = source_new(text, len, filename ? filename : "<string>", 1);
    if (!p.src) {
        err_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < len; i++) {
        if (text[i] == 0) {
            fail_at(&p, i, i + 1, "NUL byte in input");
            goto out;
        }
    }
    g = ir_graph_new();
    if (!g) {
        err_nomem(err);
        goto out;
    }
    if (parse_graph(&p, g)) {
        Tok t = peek(&p);
        if (t.kind != TK_EOF) {
            if (tok_is(&p, t, TK_IDENT, "with"))
                fail_at(&p, t.start, t.end, "no node waits for this subgraph");
            else
                fail_expected(&p, t, "end of input");
        }
    }
    if (p.failed) {
        ir_graph_free(g);
        g = NULL;
    }
out:
    source_release(p.src);
    hmap_free(&p.named_tuples);
    arena_free(&p.arena);
    return g;
}
