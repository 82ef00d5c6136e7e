/*
 * schema.c: operator schemas. Owns three things:
 *   - the parser of torch 1.13's schema language (function_schema_parser +
 *     schema_type_parser): names, argument and return types with alias
 *     annotations, fixed-size lists, defaults, `*` and `...`;
 *   - the printer, byte-exact with torch's operator<< for FunctionSchema
 *     and Argument (which is how str(schema) reads);
 *   - the built-in registry: every schema torch registers, dumped by
 *     tools/gen_schemas.py into ir/schemas.txt, compiled in as a string
 *     array (tools/embed_lines.py) and parsed once on first use into a
 *     process-wide arena, with lookups by kind and by name + overload.
 *
 * The parser is recursive descent over a small lexer that follows torch's
 * (same tokens, keywords and number/string rules, so errors land on the
 * same token). Errors longjmp to the single setjmp in ir_schema_parse_pos;
 * everything allocated before that point lives in the caller's arena.
 */
#include "ir.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================= lexer */

enum {
    TK_EOF = 256,
    TK_IDENT,
    TK_NUMBER,
    TK_STRING,
    TK_NEWLINE,
    TK_ARROW,    /* -> */
    TK_DOTS,     /* ... */
    TK_TRUE,
    TK_FALSE,
    TK_NONE,
    TK_NONE_TYPE,
    TK_KEYWORD,  /* a reserved word of TorchScript: never an identifier */
    TK_OPERATOR, /* another multi-character operator (**, ==, ...) */
};

typedef struct Tok {
    int kind;
    size_t start, len;
} Tok;

/* A string literal with its length, for tables compared by length first. */
typedef struct Lit {
    const char *s;
    size_t len;
} Lit;
#define LIT(x) {x, sizeof(x) - 1}

#define IS_WORD(s, n, w) ((n) == sizeof(w) - 1 && !memcmp((s), (w), sizeof(w) - 1))

/* The token kind of an identifier-shaped word: torch's reserved words
 * (switching on the first letter keeps the common case to one compare). */
static int word_kind(const char *s, size_t n) {
    switch (s[0]) {
    case 'T': return IS_WORD(s, n, "True") ? TK_TRUE : TK_IDENT;
    case 'F': return IS_WORD(s, n, "False") ? TK_FALSE : TK_IDENT;
    case 'N':
        return IS_WORD(s, n, "None") ? TK_NONE : IS_WORD(s, n, "NoneType") ? TK_NONE_TYPE : TK_IDENT;
    case 'E': return IS_WORD(s, n, "Ellipsis") ? TK_KEYWORD : TK_IDENT;
    case 'a':
        return IS_WORD(s, n, "and") || IS_WORD(s, n, "as") || IS_WORD(s, n, "assert") ? TK_KEYWORD
                                                                                       : TK_IDENT;
    case 'b': return IS_WORD(s, n, "break") ? TK_KEYWORD : TK_IDENT;
    case 'c': return IS_WORD(s, n, "class") || IS_WORD(s, n, "continue") ? TK_KEYWORD : TK_IDENT;
    case 'd': return IS_WORD(s, n, "def") || IS_WORD(s, n, "del") ? TK_KEYWORD : TK_IDENT;
    case 'e': return IS_WORD(s, n, "else") || IS_WORD(s, n, "elif") ? TK_KEYWORD : TK_IDENT;
    case 'f': return IS_WORD(s, n, "for") ? TK_KEYWORD : TK_IDENT;
    case 'g': return IS_WORD(s, n, "global") ? TK_KEYWORD : TK_IDENT;
    case 'i':
        return IS_WORD(s, n, "if") || IS_WORD(s, n, "in") || IS_WORD(s, n, "is") ||
                       IS_WORD(s, n, "import")
                   ? TK_KEYWORD
                   : TK_IDENT;
    case 'n': return IS_WORD(s, n, "not") ? TK_KEYWORD : TK_IDENT;
    case 'o': return IS_WORD(s, n, "or") ? TK_KEYWORD : TK_IDENT;
    case 'p': return IS_WORD(s, n, "pass") ? TK_KEYWORD : TK_IDENT;
    case 'r': return IS_WORD(s, n, "raise") || IS_WORD(s, n, "return") ? TK_KEYWORD : TK_IDENT;
    case 'w': return IS_WORD(s, n, "while") || IS_WORD(s, n, "with") ? TK_KEYWORD : TK_IDENT;
    default: return TK_IDENT;
    }
}

/* Length of a multi-character operator at s (0 if none): ... -> ** **= //
 * //= << <<= >> >>= == != <= >= and the augmented assignments. s is
 * NUL-terminated, so looking two characters ahead is safe. */
static size_t operator_len(const char *s) {
    char c = s[0], d = s[1];
    switch (c) {
    case '.': return d == '.' && s[2] == '.' ? 3 : 0;
    case '-': return d == '>' || d == '=' ? 2 : 0;
    case '*':
    case '/':
    case '<':
    case '>':
        if (d == c)
            return s[2] == '=' ? 3 : 2;
        return d == '=' ? 2 : 0;
    case '=':
    case '!':
    case '+':
    case '%':
    case '&':
    case '|':
    case '^':
    case '@': return d == '=' ? 2 : 0;
    default: return 0;
    }
}

static const char single_chars[] = "+-*/%@()[]:,={}><.?!&^|~";

/* ================================================================ parser */

/* Arguments or returns being collected: malloc'd scratch owned by the
 * parser (freed at its single exit, error or not), copied into the arena
 * with their exact size at the end. */
typedef struct ArgList {
    Argument *data;
    size_t *pos; /* start offset of each argument, for later checks */
    int n, cap;
} ArgList;

typedef struct Parser {
    Arena *arena;
    ArgList args, rets;
    const char *src;
    size_t len;
    size_t pos;      /* lexer position */
    int depth;       /* bracket nesting: newlines inside brackets are blanks */
    Tok cur, ahead;
    bool have_ahead;
    int next_alias_id; /* for the `Tensor!` shorthand: alias::$0, $1, ... */
    jmp_buf jb;
    /* the error, formatted before longjmp into fixed storage */
    int err_code;
    size_t err_pos, err_len;
    char err_msg[320];
} Parser;

static _Noreturn void fail_at(Parser *p, int code, size_t pos, size_t len, const char *fmt, ...)
    TSI_PRINTF(5, 6);

static _Noreturn void fail_at(Parser *p, int code, size_t pos, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err_msg, sizeof p->err_msg, fmt, ap);
    va_end(ap);
    p->err_code = code;
    p->err_pos = pos;
    p->err_len = len;
    longjmp(p->jb, 1);
}

#define fail_tok(p, t, ...) fail_at((p), TSI_ERR_FORMAT, (t).start, (t).len, __VA_ARGS__)

static void *palloc(Parser *p, size_t count, size_t size) {
    void *r = arena_alloc_array(p->arena, count ? count : 1, size);
    if (!r)
        fail_at(p, TSI_ERR_NOMEM, p->cur.start, 0, "out of memory");
    return r;
}

/* Grow an arena-backed array to hold one more element; returns the array. */
static void *grow(Parser *p, void *data, int len, int *cap, size_t elem) {
    if (len < *cap)
        return data;
    int ncap = *cap ? *cap * 2 : 4;
    void *n = palloc(p, (size_t)ncap, elem);
    if (len)
        memcpy(n, data, (size_t)len * elem);
    *cap = ncap;
    return n;
}

static bool is_ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static bool is_ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Length of a number token at s (0 if none): what strtod accepts, plus a
 * trailing 'j' for imaginary literals. Signs and names (inf, nan) are not
 * numbers here, as in torch's lexer. */
static size_t number_len(const char *s) {
    if (!(isdigit((unsigned char)s[0]) || s[0] == '.'))
        return 0;
    char *end;
    (void)strtod(s, &end);
    size_t n = (size_t)(end - s);
    if (n && s[n] == 'j')
        n++;
    return n;
}

static bool char_run(const char *s, size_t len, size_t at, char c, size_t n) {
    if (at + n > len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[at + i] != c)
            return false;
    return true;
}

/* Length of a string literal at s[at] (0 if none): '...', "..." or triple
 * quoted, backslash escaping the next character, no raw newline in a
 * single-quoted one. */
static size_t string_len(const char *s, size_t len, size_t at) {
    char q = s[at];
    if (q != '"' && q != '\'')
        return 0;
    size_t ql = char_run(s, len, at, q, 3) ? 3 : 1;
    size_t end = at + ql;
    while (end < len && !char_run(s, len, end, q, ql)) {
        if (s[end] == '\n' && ql != 3)
            return 0;
        if (s[end] == '\\')
            end++;
        end++;
    }
    if (end >= len)
        return 0;
    return end - at + ql;
}

static Tok lex(Parser *p) {
    const char *s = p->src;
    size_t n = p->len;
    for (;;) {
        while (p->pos < n && (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\r' ||
                              s[p->pos] == '\f' || s[p->pos] == '\v'))
            p->pos++;
        if (p->pos < n && s[p->pos] == '#') {
            while (p->pos < n && s[p->pos] != '\n')
                p->pos++;
            continue;
        }
        if (p->pos + 1 < n && s[p->pos] == '\\' && s[p->pos + 1] == '\n') {
            p->pos += 2;
            continue;
        }
        if (p->pos < n && s[p->pos] == '\n') {
            size_t at = p->pos++;
            if (p->depth > 0)
                continue;
            /* a run of line breaks and blank lines is one newline token */
            while (p->pos < n && isspace((unsigned char)s[p->pos]))
                p->pos++;
            return (Tok){TK_NEWLINE, at, 1};
        }
        break;
    }
    size_t at = p->pos;
    if (at >= n)
        return (Tok){TK_EOF, at, 0};
    size_t k;
    if ((k = number_len(s + at)) > 0) {
        p->pos += k;
        return (Tok){TK_NUMBER, at, k};
    }
    if ((k = string_len(s, n, at)) > 0) {
        p->pos += k;
        return (Tok){TK_STRING, at, k};
    }
    if (is_ident_start(s[at])) {
        k = 1;
        while (at + k < n && is_ident_char(s[at + k]))
            k++;
        p->pos += k;
        return (Tok){word_kind(s + at, k), at, k};
    }
    if ((k = operator_len(s + at)) > 0) {
        p->pos += k;
        int kind = k == 3 && s[at] == '.' ? TK_DOTS
                 : k == 2 && s[at] == '-' && s[at + 1] == '>' ? TK_ARROW
                                                               : TK_OPERATOR;
        return (Tok){kind, at, k};
    }
    if (s[at] && strchr(single_chars, s[at])) {
        char c = s[at];
        if (c == '(' || c == '[' || c == '{')
            p->depth++;
        else if ((c == ')' || c == ']' || c == '}') && p->depth > 0)
            p->depth--;
        p->pos++;
        return (Tok){(unsigned char)c, at, 1};
    }
    fail_at(p, TSI_ERR_FORMAT, at, 1, "expected a valid token but found '%c' here",
            isprint((unsigned char)s[at]) ? s[at] : '?');
}

static void advance(Parser *p) {
    if (p->have_ahead) {
        p->cur = p->ahead;
        p->have_ahead = false;
    } else {
        p->cur = lex(p);
    }
}

static const Tok *peek(Parser *p) {
    if (!p->have_ahead) {
        p->ahead = lex(p);
        p->have_ahead = true;
    }
    return &p->ahead;
}

static Tok next(Parser *p) {
    Tok t = p->cur;
    advance(p);
    return t;
}

static bool next_if(Parser *p, int kind) {
    if (p->cur.kind != kind)
        return false;
    advance(p);
    return true;
}

/* torch's kindToString: how a token kind is named in messages. */
static void kind_name(const Parser *p, const Tok *t, int kind, char *buf, size_t n) {
    switch (kind) {
    case TK_EOF: snprintf(buf, n, "eof"); return;
    case TK_IDENT: snprintf(buf, n, "ident"); return;
    case TK_NUMBER: snprintf(buf, n, "number"); return;
    case TK_STRING: snprintf(buf, n, "string_literal"); return;
    case TK_NEWLINE: snprintf(buf, n, "newline"); return;
    case TK_ARROW: snprintf(buf, n, "arrow"); return;
    case TK_DOTS: snprintf(buf, n, "dots"); return;
    case TK_TRUE: snprintf(buf, n, "True"); return;
    case TK_FALSE: snprintf(buf, n, "False"); return;
    case TK_NONE: snprintf(buf, n, "None"); return;
    case TK_NONE_TYPE: snprintf(buf, n, "NoneType"); return;
    case TK_KEYWORD:
    case TK_OPERATOR:
        snprintf(buf, n, "%.*s", t ? (int)t->len : 0, t ? p->src + t->start : "");
        return;
    default: snprintf(buf, n, "%c", (char)kind); return;
    }
}

static Tok expect(Parser *p, int kind) {
    if (p->cur.kind != kind) {
        char want[32], got[64];
        kind_name(p, NULL, kind, want, sizeof want);
        kind_name(p, &p->cur, p->cur.kind, got, sizeof got);
        fail_tok(p, p->cur, "expected %s but found '%s' here", want, got);
    }
    return next(p);
}

static bool tok_is_n(const Parser *p, const Tok *t, const char *text, size_t n) {
    return t->len == n && !memcmp(p->src + t->start, text, n);
}
/* text must be a string literal */
#define tok_is(p, t, text) tok_is_n((p), (t), "" text, sizeof(text) - 1)
#define cur_ident_is(p, text) ((p)->cur.kind == TK_IDENT && tok_is((p), &(p)->cur, text))

static char *tok_text(Parser *p, const Tok *t) {
    char *s = arena_strndup(p->arena, p->src + t->start, t->len);
    if (!s)
        fail_at(p, TSI_ERR_NOMEM, t->start, 0, "out of memory");
    return s;
}

static Type *check_type(Parser *p, Type *t) {
    if (!t)
        fail_at(p, TSI_ERR_NOMEM, p->cur.start, 0, "out of memory");
    return t;
}

/* List and Optional types are made for nearly every argument; interning
 * takes a lock and builds a key, so keep the last few per thread (types
 * are immortal, so caching their pointers is safe). */
enum { TYPE_CACHE = 64 };
static _Thread_local struct {
    Type *elem, *type;
} list_cache[TYPE_CACHE], opt_cache[TYPE_CACHE];

static size_t cache_slot(Type *t) { return (size_t)(((uintptr_t)t >> 4) % TYPE_CACHE); }

static Type *list_of(Parser *p, Type *elem) {
    size_t i = cache_slot(elem);
    if (list_cache[i].elem != elem) {
        list_cache[i].type = check_type(p, type_list(elem));
        list_cache[i].elem = elem;
    }
    return list_cache[i].type;
}

static Type *optional_of(Parser *p, Type *elem) {
    size_t i = cache_slot(elem);
    if (opt_cache[i].elem != elem) {
        opt_cache[i].type = check_type(p, type_optional(elem));
        opt_cache[i].elem = elem;
    }
    return opt_cache[i].type;
}

/* ------------------------------------------------------- alias annotations */

static AliasInfo *new_alias(Parser *p) { return palloc(p, 1, sizeof(AliasInfo)); }

static bool set_has(const Symbol *s, int n, Symbol x) {
    for (int i = 0; i < n; i++)
        if (s[i] == x)
            return true;
    return false;
}

/* Add x to a set kept in insertion order, without duplicates. */
static void set_add(Parser *p, Symbol **s, int *n, int *cap, Symbol x) {
    if (set_has(*s, *n, x))
        return;
    *s = grow(p, *s, *n, cap, sizeof(Symbol));
    (*s)[(*n)++] = x;
}

/* Schemas name their alias sets with one letter or '*'; remember those
 * symbols per thread instead of taking the symbol table's lock each time. */
static _Thread_local Symbol short_alias[128];

static Symbol alias_symbol(Parser *p, const char *name) {
    bool short_name = name[0] > 0 && name[1] == 0;
    if (short_name && short_alias[(unsigned char)name[0]])
        return short_alias[(unsigned char)name[0]];
    Symbol s = ir_sym_intern2("alias", name);
    if (!s)
        fail_at(p, TSI_ERR_NOMEM, p->cur.start, 0, "out of memory");
    if (short_name)
        short_alias[(unsigned char)name[0]] = s;
    return s;
}

static void add_contained(Parser *p, AliasInfo *a, const AliasInfo *elem) {
    AliasInfo *c = palloc(p, (size_t)a->ncontained + 1, sizeof(AliasInfo));
    if (a->ncontained)
        memcpy(c, a->contained, sizeof(AliasInfo) * (size_t)a->ncontained);
    c[a->ncontained++] = *elem;
    a->contained = c;
}

/* `|`-separated alias sets: a|b, *, ... After a wildcard further names are
 * not consumed (torch: "ignore all subsequent annotations"), so `(*|a)`
 * is an error while `(a|*)` is fine. */
static void parse_alias_sets(Parser *p, Symbol **set, int *n) {
    int cap = 0;
    Symbol wildcard = alias_symbol(p, "*");
    do {
        if (next_if(p, '*')) {
            set_add(p, set, n, &cap, wildcard);
        } else if (!set_has(*set, *n, wildcard)) {
            Tok t = expect(p, TK_IDENT);
            set_add(p, set, n, &cap, alias_symbol(p, tok_text(p, &t)));
        }
    } while (next_if(p, '|'));
}

/* alias_annotation := '(' sets ['!'] ['->' sets] ')' | '!' | nothing */
static AliasInfo *parse_alias_annotation(Parser *p) {
    if (next_if(p, '(')) {
        AliasInfo *a = new_alias(p);
        parse_alias_sets(p, &a->before, &a->nbefore);
        if (next_if(p, '!'))
            a->is_write = true;
        if (next_if(p, TK_ARROW)) {
            parse_alias_sets(p, &a->after, &a->nafter);
        } else {
            a->after = a->before;
            a->nafter = a->nbefore;
        }
        expect(p, ')');
        return a;
    }
    if (next_if(p, '!')) {
        /* Tensor! is a fresh written set; torch leaves its after-set empty */
        AliasInfo *a = new_alias(p);
        char name[24];
        snprintf(name, sizeof name, "$%d", p->next_alias_id++);
        a->before = palloc(p, 1, sizeof(Symbol));
        a->before[0] = alias_symbol(p, name);
        a->nbefore = 1;
        a->is_write = true;
        return a;
    }
    return NULL;
}

/* A list of element annotation `elem` gets a container annotation: the one
 * written after [] if any, else an empty one that copies is_write. */
static AliasInfo *wrap_list_alias(Parser *p, AliasInfo *elem, AliasInfo *container) {
    if (elem) {
        if (!container) {
            container = new_alias(p);
            container->is_write = elem->is_write;
        }
        add_contained(p, container, elem);
    }
    return container;
}

/* ------------------------------------------------------------------ types */

typedef struct BaseType {
    Lit name;
    TypeKind kind;
} BaseType;

/* torch 1.13's SchemaTypeParser::parseBaseType table (real types). */
static const BaseType base_types[] = {
    {LIT("Generator"), TY_GENERATOR},
    {LIT("Dimname"), TY_STR},
    {LIT("ScalarType"), TY_SCALARTYPE},
    {LIT("Layout"), TY_LAYOUT},
    {LIT("MemoryFormat"), TY_MEMORYFORMAT},
    {LIT("Storage"), TY_STORAGE},
    {LIT("QScheme"), TY_QSCHEME},
    {LIT("Quantizer"), TY_QUANTIZER},
    {LIT("ConstQuantizerPtr"), TY_INT},
    {LIT("Device"), TY_DEVICE},
    {LIT("Stream"), TY_STREAM},
    {LIT("Scalar"), TY_NUMBER},
    {LIT("str"), TY_STR},
    {LIT("float"), TY_FLOAT},
    {LIT("complex"), TY_COMPLEX},
    {LIT("int"), TY_INT},
    {LIT("SymInt"), TY_SYMINT},
    {LIT("bool"), TY_BOOL},
    {LIT("None"), TY_NONE},
    {LIT("NoneType"), TY_NONE},
    {LIT("Capsule"), TY_CAPSULE},
    {LIT("Any"), TY_ANY},
    {LIT("AnyClassType"), TY_ANY_CLASS},
    {LIT("AnyEnumType"), TY_ANY_ENUM},
};

static Type *parse_base_type(Parser *p) {
    Tok t = p->cur;
    if (!next_if(p, TK_NONE) && !next_if(p, TK_NONE_TYPE))
        expect(p, TK_IDENT);
    for (size_t i = 0; i < TSI_ARRAY_LEN(base_types); i++)
        if (tok_is_n(p, &t, base_types[i].name.s, base_types[i].name.len))
            return type_of_kind(base_types[i].kind);
    /* lower-case names that are no type are type variables: t, t1, ... */
    if (islower((unsigned char)p->src[t.start]))
        return check_type(p, type_var(tok_text(p, &t)));
    fail_tok(p, t, "unknown type specifier");
}

/* Placeholder class types for torch's custom classes, shared process-wide
 * (torch looks them up in its class registry; tsi has none, so any
 * __torch__.torch.classes.ns.Name is accepted and named faithfully). */
static pthread_mutex_t class_lock = PTHREAD_MUTEX_INITIALIZER;
static CompilationUnit *class_cu;

static Type *custom_class(const char *qualname) {
    pthread_mutex_lock(&class_lock);
    if (!class_cu)
        class_cu = ir_cu_new();
    Type *t = NULL;
    if (class_cu && !(t = ir_cu_find_type(class_cu, qualname)))
        t = ir_cu_new_class(class_cu, qualname, false);
    pthread_mutex_unlock(&class_lock);
    return t;
}

static Type *parse_custom_class(Parser *p) {
    next(p); /* __torch__ */
    expect(p, '.');
    Tok t = expect(p, TK_IDENT);
    if (!tok_is(p, &t, "torch"))
        fail_tok(p, t, "Expected classes namespace but got %.*s", (int)t.len, p->src + t.start);
    expect(p, '.');
    t = expect(p, TK_IDENT);
    if (!tok_is(p, &t, "classes"))
        fail_tok(p, t, "Expected classes namespace but got %.*s", (int)t.len, p->src + t.start);
    expect(p, '.');
    Tok ns = expect(p, TK_IDENT);
    expect(p, '.');
    Tok cls = expect(p, TK_IDENT);
    char *name = arena_sprintf(p->arena, "__torch__.torch.classes.%.*s.%.*s", (int)ns.len,
                               p->src + ns.start, (int)cls.len, p->src + cls.start);
    if (!name)
        fail_at(p, TSI_ERR_NOMEM, cls.start, 0, "out of memory");
    return check_type(p, custom_class(name));
}

/* The value-level type of a schema-only real type (torch's fake type). */
static Type *fake_of(Type *real) {
    switch (real->kind) {
    case TY_SCALARTYPE:
    case TY_MEMORYFORMAT:
    case TY_LAYOUT:
    case TY_SYMINT: return type_int();
    default: return real;
    }
}

static void parse_type(Parser *p, Type **fake, Type **real, AliasInfo **alias);

/* A nested type: only its fake type is kept, its annotation dropped. */
static Type *parse_inner_type(Parser *p) {
    Type *fake, *real;
    AliasInfo *alias;
    parse_type(p, &fake, &real, &alias);
    return fake;
}

/*
 * type := '(' [type {',' type}] ')'            tuple
 *       | Future '(' type ')' | RRef '(' type ')'
 *       | Tensor alias? | Dict '(' type ',' type ')' alias?
 *       | Union '(' type {',' type} ')' alias?
 *       | __torch__.torch.classes.NS.NAME
 *       | base_type alias?
 *   followed by any of '[' ']' alias? (list) and '?' (optional).
 * Containers keep the fake types of their members, as torch does, so only
 * top-level ScalarType/Layout/MemoryFormat/SymInt and lists/optionals of
 * them differ between *fake and *real.
 */
static void parse_type(Parser *p, Type **fake, Type **real, AliasInfo **alias) {
    Type *f, *r;
    AliasInfo *a = NULL;
    if (p->cur.kind == '(') {
        Type **elems = NULL;
        int n = 0, cap = 0;
        next(p);
        if (p->cur.kind != ')') {
            do {
                Type *e = parse_inner_type(p);
                elems = grow(p, elems, n, &cap, sizeof(Type *));
                elems[n++] = e;
            } while (next_if(p, ','));
        }
        expect(p, ')');
        f = r = check_type(p, type_tuple(n, elems));
    } else if (cur_ident_is(p, "Future") || cur_ident_is(p, "RRef")) {
        bool fut = cur_ident_is(p, "Future");
        next(p);
        expect(p, '(');
        Type *e = parse_inner_type(p);
        expect(p, ')');
        f = r = check_type(p, fut ? type_future(e) : type_rref(e));
    } else if (cur_ident_is(p, "Tensor")) {
        next(p);
        f = r = type_tensor();
        a = parse_alias_annotation(p);
    } else if (cur_ident_is(p, "Dict")) {
        next(p);
        expect(p, '(');
        Type *k = parse_inner_type(p);
        expect(p, ',');
        Type *v = parse_inner_type(p);
        expect(p, ')');
        a = parse_alias_annotation(p);
        f = r = check_type(p, type_dict(k, v));
    } else if (cur_ident_is(p, "Union")) {
        Type **elems = NULL;
        int n = 0, cap = 0;
        next(p);
        expect(p, '(');
        elems = grow(p, elems, n, &cap, sizeof(Type *));
        elems[n++] = parse_inner_type(p);
        while (p->cur.kind != ')') {
            expect(p, ',');
            elems = grow(p, elems, n, &cap, sizeof(Type *));
            elems[n++] = parse_inner_type(p);
        }
        expect(p, ')');
        a = parse_alias_annotation(p);
        f = r = check_type(p, type_union(n, elems));
    } else if (cur_ident_is(p, "__torch__")) {
        f = r = parse_custom_class(p);
    } else {
        r = parse_base_type(p);
        f = fake_of(r);
        a = parse_alias_annotation(p);
    }
    for (;;) {
        if (p->cur.kind == '[' && peek(p)->kind == ']') {
            next(p);
            next(p);
            f = list_of(p, f);
            r = list_of(p, r);
            AliasInfo *container = parse_alias_annotation(p);
            a = wrap_list_alias(p, a, container);
        } else if (next_if(p, '?')) {
            f = optional_of(p, f);
            r = optional_of(p, r);
        } else {
            break;
        }
    }
    *fake = f;
    *real = r;
    *alias = a;
}

/* --------------------------------------------------------------- defaults */

/* Heap values of defaults live in the arena; a pinned refcount keeps
 * iv_release from ever freeing them. */
#define PINNED_REFS (LONG_MAX / 2)

static IValue pinned_str(Parser *p, const char *s, size_t n) {
    IvStr *v = palloc(p, 1, sizeof(IvStr) + n + 1);
    atomic_init(&v->h.refs, PINNED_REFS);
    v->len = n;
    memcpy(v->data, s, n);
    v->data[n] = 0;
    return (IValue){.tag = IV_STR, .u.s = v};
}

static IValue pinned_complex(Parser *p, double re, double im) {
    IvComplex *c = palloc(p, 1, sizeof *c);
    atomic_init(&c->h.refs, PINNED_REFS);
    c->re = re;
    c->im = im;
    return (IValue){.tag = IV_COMPLEX, .u.c = c};
}

static IValue pinned_list(Parser *p, Type *elem, IValue *items, size_t n) {
    IvList *l = palloc(p, 1, sizeof *l);
    atomic_init(&l->h.refs, PINNED_REFS);
    l->elem = elem;
    l->items = items;
    l->len = l->cap = n;
    return (IValue){.tag = IV_LIST, .u.l = l};
}

/* The contents of a string literal token with torch's escapes
 * (parseStringLiteral): \\ \' \" \<newline> \a \b \f \n \v \t and \ooo;
 * \x, \u, \U and anything else are errors. */
static IValue parse_string_token(Parser *p, Tok t) {
    const char *s = p->src + t.start;
    size_t ql = char_run(s, t.len, 0, s[0], 3) && t.len >= 6 ? 3 : 1;
    const char *in = s + ql;
    size_t n = t.len - 2 * ql;
    char *out = palloc(p, n + 1, 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] != '\\') {
            out[o++] = in[i];
            continue;
        }
        char e = i + 1 < n ? in[i + 1] : 0;
        char c = e;
        size_t skip = 1;
        switch (e) {
        case '\\':
        case '\'':
        case '"':
        case '\n': break;
        case 'a': c = '\a'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'v': c = '\v'; break;
        case 't': c = '\t'; break;
        case 'x': fail_tok(p, t, "unsupported hex specifier");
        case 'u':
        case 'U': fail_tok(p, t, "unsupported unicode specifier");
        default: {
            /* \ooo: exactly three octal digits, below 256 */
            int v = 0;
            bool ok = i + 3 < n;
            for (size_t k = 1; ok && k <= 3; k++) {
                char d = in[i + k];
                if (d < '0' || d > '7')
                    ok = false;
                else
                    v = v * 8 + (d - '0');
            }
            if (!ok || v >= 256)
                fail_tok(p, t, " ill formed octal specifier");
            c = (char)v;
            skip = 3;
        }
        }
        out[o++] = c;
        i += skip;
    }
    return pinned_str(p, out, o);
}

/* std::stod / std::stoll on a token's text (with an optional '-'). */
static double to_double(Parser *p, Tok t, const char *text) {
    char *end;
    errno = 0;
    double d = strtod(text, &end);
    if (end == text)
        fail_tok(p, t, "invalid floating-point literal '%s'", text);
    if (errno == ERANGE)
        fail_tok(p, t, "floating-point literal '%s' is out of range", text);
    return d;
}

static int64_t to_int(Parser *p, Tok t, const char *text) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text)
        fail_tok(p, t, "invalid integer literal '%s'", text);
    if (errno == ERANGE)
        fail_tok(p, t, "integer literal '%s' is out of range", text);
    return v;
}

/* Identifiers torch's parser accepts as numeric defaults. */
static const struct {
    Lit name;
    int64_t value;
} enum_defaults[] = {
    {LIT("float"), 6},             /* ScalarType::Float */
    {LIT("complex"), 9},           /* ScalarType::ComplexFloat */
    {LIT("long"), 4},              /* ScalarType::Long */
    {LIT("strided"), 0},           /* Layout::Strided */
    {LIT("Mean"), 1},              /* Reduction::Mean */
    {LIT("contiguous_format"), 0}, /* MemoryFormat::Contiguous */
};

/* One constant (torch's parseSingleConstant); `kind` is the fake type's. */
static IValue parse_single_constant(Parser *p, TypeKind kind) {
    switch (p->cur.kind) {
    case TK_TRUE: next(p); return iv_bool(true);
    case TK_FALSE: next(p); return iv_bool(false);
    case TK_NONE: next(p); return iv_none();
    case TK_STRING: return parse_string_token(p, next(p));
    case TK_IDENT: {
        Tok t = next(p);
        for (size_t i = 0; i < TSI_ARRAY_LEN(enum_defaults); i++)
            if (tok_is_n(p, &t, enum_defaults[i].name.s, enum_defaults[i].name.len))
                return iv_int(enum_defaults[i].value);
        fail_tok(p, t, "invalid numeric default value");
    }
    default: break;
    }
    bool neg = next_if(p, '-');
    Tok t = expect(p, TK_NUMBER);
    char buf[64];
    size_t n = t.len + (neg ? 1 : 0);
    char *text = n < sizeof buf ? buf : palloc(p, n + 1, 1);
    text[0] = '-';
    memcpy(text + (neg ? 1 : 0), p->src + t.start, t.len);
    text[n] = 0;
    if (kind == TY_COMPLEX || memchr(text, 'j', n)) {
        /* the imaginary part: everything but the last character */
        text[n - 1] = 0;
        return pinned_complex(p, 0.0, to_double(p, t, text));
    }
    if (kind == TY_FLOAT || memchr(text, '.', n) || memchr(text, 'e', n))
        return iv_double(to_double(p, t, text));
    return iv_int(to_int(p, t, text));
}

static IValue make_list(Parser *p, Tok at, TypeKind kind, IValue *items, int n) {
    IVTag want;
    Type *elem;
    switch (kind) {
    case TY_INT: want = IV_INT; elem = type_int(); break;
    case TY_FLOAT: want = IV_DOUBLE; elem = type_float(); break;
    case TY_BOOL: want = IV_BOOL; elem = type_bool(); break;
    case TY_COMPLEX: want = IV_COMPLEX; elem = type_complex(); break;
    default: fail_tok(p, at, "lists are only supported for float, int and complex types");
    }
    for (int i = 0; i < n; i++)
        if (items[i].tag != want)
            fail_tok(p, at, "default list element %d does not match the list's element type %s",
                     i, kind == TY_INT ? "int" : kind == TY_FLOAT ? "float"
                                             : kind == TY_BOOL ? "bool" : "complex");
    return pinned_list(p, elem, items, (size_t)n);
}

static IValue parse_constant_list(Parser *p, TypeKind kind) {
    Tok at = expect(p, '[');
    IValue *items = NULL;
    int n = 0, cap = 0;
    if (p->cur.kind != ']') {
        do {
            IValue v = parse_single_constant(p, kind);
            items = grow(p, items, n, &cap, sizeof(IValue));
            items[n++] = v;
        } while (next_if(p, ','));
    }
    expect(p, ']');
    return make_list(p, at, kind, items, n);
}

/* Largest fixed list size a scalar default is expanded to (int[N] x=0). */
enum { MAX_EXPANDED_DEFAULT = 1 << 16 };

/* default := per the argument's fake type (torch's parseDefaultValue) */
static IValue parse_default(Parser *p, Type *fake, int N) {
    Tok at = p->cur;
    switch (fake->kind) {
    case TY_TENSOR:
    case TY_GENERATOR:
    case TY_QUANTIZER: expect(p, TK_NONE); return iv_none();
    case TY_STR:
    case TY_OPTIONAL:
    case TY_NUMBER:
    case TY_INT:
    case TY_BOOL:
    case TY_FLOAT:
    case TY_COMPLEX: return parse_single_constant(p, fake->kind);
    case TY_DEVICE: {
        Tok t = expect(p, TK_STRING);
        IValue s = parse_string_token(p, t);
        Device d;
        if (device_parse(s.u.s->data, &d) != TSI_OK)
            fail_tok(p, t, "invalid device string: %.200s", s.u.s->data);
        return iv_device(d);
    }
    case TY_LIST: {
        TypeKind ek = fake->elems[0]->kind;
        if (p->cur.kind == TK_IDENT) {
            expect(p, TK_NONE); /* fails: torch's tensor-default path */
            return iv_none();
        }
        if (N >= 0 && p->cur.kind != '[') {
            IValue v = parse_single_constant(p, ek);
            if (N > MAX_EXPANDED_DEFAULT)
                fail_at(p, TSI_ERR_LIMIT, at.start, at.len, "fixed list size %d is too large", N);
            IValue *items = palloc(p, (size_t)N, sizeof(IValue));
            for (int i = 0; i < N; i++)
                items[i] = v;
            return make_list(p, at, ek, items, N);
        }
        return parse_constant_list(p, ek);
    }
    default: fail_tok(p, at, "unexpected type, file a bug report");
    }
}

/* ------------------------------------------------------------- arguments */

/*
 * argument := type ['[' NUMBER ']' alias? ['?']] name ['=' default]
 * return   := type ['[' NUMBER ']' alias? ['?']] [name]
 */
static void parse_argument(Parser *p, Argument *out, bool is_return, bool kwarg_only) {
    Type *fake, *real;
    AliasInfo *alias;
    parse_type(p, &fake, &real, &alias);
    int N = -1;
    if (next_if(p, '[')) {
        fake = list_of(p, fake);
        real = list_of(p, real);
        Tok t = expect(p, TK_NUMBER);
        char *text = tok_text(p, &t);
        int64_t v = to_int(p, t, text);
        if (v < 0 || v > INT32_MAX)
            fail_tok(p, t, "fixed list size %s is out of range", text);
        N = (int)v;
        expect(p, ']');
        AliasInfo *container = parse_alias_annotation(p);
        alias = wrap_list_alias(p, alias, container);
        if (next_if(p, '?')) {
            fake = optional_of(p, fake);
            real = optional_of(p, real);
        }
    }
    memset(out, 0, sizeof *out);
    out->default_value = iv_invalid();
    if (is_return) {
        if (p->cur.kind == TK_IDENT) {
            Tok t = next(p);
            out->name = tok_text(p, &t);
        } else {
            out->name = "";
        }
    } else {
        Tok t = expect(p, TK_IDENT);
        out->name = tok_text(p, &t);
        if (next_if(p, '='))
            out->default_value = parse_default(p, fake, N);
    }
    out->type = fake;
    out->real_type = real;
    out->N = N;
    out->kwarg_only = !is_return && kwarg_only;
    out->alias = alias;
    out->is_out = out->kwarg_only && alias && alias->is_write;
}

static Argument *arg_push(Parser *p, ArgList *l) {
    if (l->n == l->cap) {
        int ncap = l->cap ? l->cap * 2 : 16;
        Argument *d = xrealloc_array(l->data, (size_t)ncap, sizeof(Argument));
        if (d)
            l->data = d;
        size_t *q = d ? xrealloc_array(l->pos, (size_t)ncap, sizeof(size_t)) : NULL;
        if (q)
            l->pos = q;
        if (!d || !q)
            fail_at(p, TSI_ERR_NOMEM, p->cur.start, 0, "out of memory");
        l->cap = ncap;
    }
    l->pos[l->n] = p->cur.start;
    return &l->data[l->n++];
}

static Argument *arg_finish(Parser *p, const ArgList *l) {
    Argument *a = palloc(p, (size_t)l->n, sizeof(Argument));
    if (l->n)
        memcpy(a, l->data, sizeof(Argument) * (size_t)l->n);
    return a;
}

/* name := IDENT ['::' IDENT] ['.' IDENT] */
static void parse_name(Parser *p, FunctionSchema *s) {
    Tok a = expect(p, TK_IDENT);
    if (next_if(p, ':')) {
        expect(p, ':');
        Tok b = expect(p, TK_IDENT);
        char *name = palloc(p, a.len + b.len + 3, 1);
        memcpy(name, p->src + a.start, a.len);
        memcpy(name + a.len, "::", 2);
        memcpy(name + a.len + 2, p->src + b.start, b.len);
        name[a.len + 2 + b.len] = 0;
        s->name = name;
    } else {
        s->name = tok_text(p, &a);
    }
    s->overload = "";
    if (next_if(p, '.')) {
        Tok o = expect(p, TK_IDENT);
        s->overload = tok_text(p, &o);
        /* "default" names the overload packet in Python; dunders are reserved */
        if (!strcmp(s->overload, "default") || !strncmp(s->overload, "__", 2))
            fail_tok(p, o, "%.200s is not a legal overload name for aten operators", s->overload);
    }
}

/*
 * schema := name '(' [param {',' param}] ')' '->' returns [NEWLINE] EOF
 * param  := '*' | '...' | argument
 * returns := '...' | '(' [ret {',' ret}] ')' | return
 */
static void parse_schema(Parser *p, FunctionSchema *s) {
    ArgList *args = &p->args, *rets = &p->rets;
    advance(p);
    parse_name(p, s);
    if (p->cur.kind != '(') {
        next_if(p, TK_NEWLINE);
        expect(p, TK_EOF);
        fail_at(p, TSI_ERR_FORMAT, 0, 0,
                "Tried to parse a function schema but only the operator name was given");
    }
    next(p);
    bool kwarg_only = false;
    if (p->cur.kind != ')') {
        do {
            if (s->is_vararg)
                fail_tok(p, p->cur, "... must be the last element of the argument list");
            if (next_if(p, '*'))
                kwarg_only = true;
            else if (next_if(p, TK_DOTS))
                s->is_vararg = true;
            else
                parse_argument(p, arg_push(p, args), false, kwarg_only);
        } while (next_if(p, ','));
    }
    expect(p, ')');
    if (s->is_vararg)
        for (int i = 0; i < args->n; i++)
            if (args->data[i].default_value.tag != IV_INVALID)
                fail_tok(p, p->cur, "schemas with vararg (...) can't have default value args");
    expect(p, TK_ARROW);
    if (next_if(p, TK_DOTS)) {
        s->is_varret = true;
    } else if (p->cur.kind == '(') {
        next(p);
        if (p->cur.kind != ')') {
            do {
                if (s->is_varret)
                    fail_tok(p, p->cur, "... must be the last element of the return list");
                if (next_if(p, TK_DOTS))
                    s->is_varret = true;
                else
                    parse_argument(p, arg_push(p, rets), true, false);
            } while (next_if(p, ','));
        }
        expect(p, ')');
    } else {
        parse_argument(p, arg_push(p, rets), true, false);
    }
    next_if(p, TK_NEWLINE);
    expect(p, TK_EOF);
    s->args = arg_finish(p, args);
    s->nargs = args->n;
    s->rets = arg_finish(p, rets);
    s->nrets = rets->n;
}

/* "<msg>:\n<line>\n<caret line>" as torch's ErrorReport shows a range. */
static void set_parse_error(Err *err, const Parser *p) {
    StrBuf sb;
    sb_init(&sb);
    sb_puts(&sb, p->err_msg);
    if (p->err_code == TSI_ERR_FORMAT || p->err_code == TSI_ERR_LIMIT) {
        size_t pos = p->err_pos < p->len ? p->err_pos : p->len;
        size_t ls = pos, le = pos;
        while (ls > 0 && p->src[ls - 1] != '\n')
            ls--;
        while (le < p->len && p->src[le] != '\n')
            le++;
        sb_puts(&sb, ":\n");
        sb_putn(&sb, p->src + ls, le - ls);
        sb_putc(&sb, '\n');
        for (size_t i = ls; i < pos; i++)
            sb_putc(&sb, p->src[i] == '\t' ? '\t' : ' ');
        size_t n = p->err_len;
        if (pos + n > le)
            n = le - pos;
        if (n == 0)
            n = 1;
        for (size_t i = 0; i < n; i++)
            sb_putc(&sb, '~');
        sb_puts(&sb, " <--- HERE");
    }
    if (sb.oom)
        err_set(err, p->err_code, "%s", p->err_msg);
    else
        err_set(err, p->err_code, "%s", sb_cstr(&sb));
    sb_free(&sb);
}

static void parser_free(Parser *p) {
    free(p->args.data);
    free(p->args.pos);
    free(p->rets.data);
    free(p->rets.pos);
    free(p);
}

FunctionSchema *ir_schema_parse_pos(Arena *arena, const char *text, size_t *err_pos, Err *err) {
    Parser *p = xcalloc(1, sizeof *p);
    FunctionSchema *s = arena_alloc(arena, sizeof *s);
    if (!p || !s) {
        free(p);
        err_nomem(err);
        return NULL;
    }
    p->arena = arena;
    p->src = text;
    p->len = strlen(text);
    if (setjmp(p->jb)) {
        if (err_pos)
            *err_pos = p->err_pos;
        set_parse_error(err, p);
        parser_free(p);
        return NULL;
    }
    parse_schema(p, s);
    /* torch's FunctionSchema::checkSchema: after a default, positional
     * arguments need one too (lists excepted, for old serialized code) */
    bool seen_default = false;
    for (int i = 0; i < s->nargs; i++) {
        const Argument *a = &s->args[i];
        if (a->default_value.tag != IV_INVALID) {
            seen_default = true;
        } else if (a->type->kind != TY_LIST && seen_default && !a->kwarg_only) {
            StrBuf sb;
            sb_init(&sb);
            ir_schema_print(&sb, s);
            err_set(err, TSI_ERR_FORMAT,
                    "Non-default positional argument follows default argument. Parameter %s in %s",
                    a->name, sb_cstr(&sb));
            sb_free(&sb);
            if (err_pos)
                *err_pos = p->args.pos[i];
            parser_free(p);
            return NULL;
        }
    }
    parser_free(p);
    s->kind = ir_sym_intern(s->name);
    if (!s->kind && strcmp(s->name, "prim::Constant")) {
        err_nomem(err);
        return NULL;
    }
    return s;
}

FunctionSchema *ir_schema_parse(Arena *arena, const char *text, Err *err) {
    return ir_schema_parse_pos(arena, text, NULL, err);
}

/* ============================================================== printing */

/* A double as torch 1.13's IValue operator<< prints it: integral values
 * that fit an int64 as "2." (so -0.0 is "0."), others with 17 digits. */
static void print_double(StrBuf *sb, double d) {
    int c = fpclassify(d);
    if ((c == FP_NORMAL || c == FP_ZERO) && d >= -9223372036854775808.0 &&
        d < 9223372036854775808.0) {
        int64_t i = (int64_t)d;
        if ((double)i == d) {
            sb_printf(sb, "%lld.", (long long)i);
            return;
        }
    }
    sb_printf(sb, "%.17g", d);
}

/* IValue operator<< (not repr: strings print raw) for default values. */
static void print_value(StrBuf *sb, IValue v) {
    switch (v.tag) {
    case IV_NONE: sb_puts(sb, "None"); return;
    case IV_BOOL: sb_puts(sb, v.u.b ? "True" : "False"); return;
    case IV_INT: sb_printf(sb, "%lld", (long long)v.u.i); return;
    case IV_DOUBLE: print_double(sb, v.u.d); return;
    case IV_COMPLEX:
        print_double(sb, v.u.c->re);
        sb_putc(sb, v.u.c->im >= 0 ? '+' : '-');
        print_double(sb, fabs(v.u.c->im));
        sb_putc(sb, 'j');
        return;
    case IV_STR: sb_putn(sb, v.u.s->data, v.u.s->len); return;
    case IV_DEVICE: device_format(sb, v.u.dev); return;
    case IV_LIST:
        sb_putc(sb, '[');
        for (size_t i = 0; i < v.u.l->len; i++) {
            if (i)
                sb_puts(sb, ", ");
            print_value(sb, v.u.l->items[i]);
        }
        sb_putc(sb, ']');
        return;
    default: iv_repr(sb, v, NULL, NULL); return;
    }
}

/* torch keeps alias sets in std::unordered_set and prints them in its
 * iteration order, which for the few sets a schema has is the reverse of
 * insertion: Tensor(a|b) prints as Tensor(b|a). */
static void print_sets(StrBuf *sb, const Symbol *s, int n) {
    for (int i = n - 1; i >= 0; i--) {
        if (i != n - 1)
            sb_putc(sb, '|');
        sb_puts(sb, ir_sym_unqual(s[i]));
    }
}

static bool sets_equal(const AliasInfo *a) {
    if (a->nbefore != a->nafter)
        return false;
    for (int i = 0; i < a->nbefore; i++)
        if (!set_has(a->after, a->nafter, a->before[i]))
            return false;
    return true;
}

static void print_alias(StrBuf *sb, const AliasInfo *a) {
    sb_putc(sb, '(');
    print_sets(sb, a->before, a->nbefore);
    if (a->is_write)
        sb_putc(sb, '!');
    if (!sets_equal(a)) {
        sb_puts(sb, " -> ");
        print_sets(sb, a->after, a->nafter);
    }
    sb_putc(sb, ')');
}

void ir_schema_print_arg(StrBuf *sb, const Argument *a) {
    /* schemas built by hand (compiled methods) may leave real_type unset */
    Type *type = a->real_type ? a->real_type : a->type;
    bool is_opt = type->kind == TY_OPTIONAL;
    Type *unopt = is_opt ? type->elems[0] : type;
    /* Type(alias)? name: the alias goes before '?' (the parser cannot read
     * Tensor?(a!)); lists print their element, its annotation and [N] */
    if (unopt->kind == TY_LIST) {
        type_print_str(sb, unopt->elems[0]);
        if (a->alias && a->alias->ncontained > 0)
            print_alias(sb, &a->alias->contained[0]);
        if (a->N >= 0)
            sb_printf(sb, "[%d]", a->N);
        else
            sb_puts(sb, "[]");
    } else {
        type_print_str(sb, unopt);
    }
    if (a->alias && a->alias->nbefore > 0)
        print_alias(sb, a->alias);
    if (is_opt)
        sb_putc(sb, '?');
    if (a->name && a->name[0]) {
        sb_putc(sb, ' ');
        sb_puts(sb, a->name);
    }
    IValue d = a->default_value;
    if (d.tag == IV_INVALID)
        return;
    sb_putc(sb, '=');
    if ((type->kind == TY_STR || unopt->kind == TY_STR) && d.tag == IV_STR) {
        iv_format_string(sb, d.u.s->data, d.u.s->len);
    } else if (type->kind == TY_LIST && type->elems[0]->kind == TY_INT && d.tag == IV_LIST &&
               d.u.l->len > 1) {
        /* int[2] stride=1 rather than [1, 1], as native_functions.yaml writes it */
        const IvList *l = d.u.l;
        bool same = true;
        for (size_t i = 1; i < l->len; i++)
            same &= l->items[i].tag == IV_INT && l->items[i].u.i == l->items[0].u.i;
        if (same && l->items[0].tag == IV_INT)
            sb_printf(sb, "%lld", (long long)l->items[0].u.i);
        else
            print_value(sb, d);
    } else {
        print_value(sb, d);
    }
}

void ir_schema_print(StrBuf *sb, const FunctionSchema *s) {
    sb_puts(sb, s->name);
    if (s->overload && s->overload[0]) {
        sb_putc(sb, '.');
        sb_puts(sb, s->overload);
    }
    sb_putc(sb, '(');
    bool seen_kwarg_only = false;
    for (int i = 0; i < s->nargs; i++) {
        if (i > 0)
            sb_puts(sb, ", ");
        if (s->args[i].kwarg_only && !seen_kwarg_only) {
            sb_puts(sb, "*, ");
            seen_kwarg_only = true;
        }
        ir_schema_print_arg(sb, &s->args[i]);
    }
    if (s->is_vararg) {
        if (s->nargs > 0)
            sb_puts(sb, ", ");
        sb_puts(sb, "...");
    }
    sb_puts(sb, ") -> ");
    /* parentheses unless there is exactly one return (and no ...) or only
     * `...`; a single return that itself starts with '(' (a tuple type)
     * gets them too, or it would read back as several returns */
    bool need_paren = !((s->nrets == 1 && !s->is_varret) || (s->nrets == 0 && s->is_varret));
    size_t mark = sb->len;
    if (s->nrets == 1 && !s->is_varret) {
        ir_schema_print_arg(sb, &s->rets[0]);
        if (sb->len > mark && !sb->oom && sb->data[mark] == '(') {
            sb_truncate(sb, mark);
            need_paren = true;
        } else {
            return;
        }
    }
    if (need_paren)
        sb_putc(sb, '(');
    for (int i = 0; i < s->nrets; i++) {
        if (i > 0)
            sb_puts(sb, ", ");
        ir_schema_print_arg(sb, &s->rets[i]);
    }
    if (s->is_varret) {
        if (s->nrets != 0)
            sb_puts(sb, ", ");
        sb_puts(sb, "...");
    }
    if (need_paren)
        sb_putc(sb, ')');
}

/* ============================================================== registry */

/* Generated from ir/schemas.txt by tools/embed_lines.py. */
extern const char *const ir_schema_lines[];
extern const int ir_schema_lines_count;

static struct {
    pthread_once_t once;
    int status;
    char *msg;               /* error message when status != TSI_OK */
    Arena arena;
    FunctionSchema **all;    /* registration order */
    int n;
    const FunctionSchema **by_kind; /* grouped by kind, registration order within */
    int *kind_start;         /* by_kind[kind_start[k] .. kind_start[k+1]) */
    Symbol max_kind;
    HMap by_name;            /* "name.overload" -> FunctionSchema* */
} reg = {.once = PTHREAD_ONCE_INIT};

static void reverse_symbols(Symbol *s, int n) {
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        Symbol t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
}

/* ir/schemas.txt holds torch's printed schemas, whose alias sets come out
 * of its hash sets reversed (its source says Tensor(a|b), it prints
 * Tensor(b|a)). Reverse them back so the sets are in torch's source order
 * and print_sets reproduces torch's text. */
static void restore_set_order(AliasInfo *a) {
    if (!a)
        return;
    bool shared = a->after == a->before;
    reverse_symbols(a->before, a->nbefore);
    if (!shared)
        reverse_symbols(a->after, a->nafter);
    for (int i = 0; i < a->ncontained; i++)
        restore_set_order(&a->contained[i]);
}

static int build_registry(Err *err) {
    int n = ir_schema_lines_count;
    arena_init(&reg.arena);
    hmap_init_str(&reg.by_name);
    reg.all = arena_alloc_array(&reg.arena, (size_t)n + 1, sizeof(FunctionSchema *));
    reg.by_kind = arena_alloc_array(&reg.arena, (size_t)n + 1, sizeof(FunctionSchema *));
    if (!reg.all || !reg.by_kind)
        return err_nomem(err);
    for (int i = 0; i < n; i++) {
        FunctionSchema *s = ir_schema_parse(&reg.arena, ir_schema_lines[i], err);
        if (!s)
            return err_prefix(err, "built-in schema %d", i + 1);
        for (int k = 0; k < s->nargs; k++)
            restore_set_order(s->args[k].alias);
        for (int k = 0; k < s->nrets; k++)
            restore_set_order(s->rets[k].alias);
        reg.all[i] = s;
        if (s->kind > reg.max_kind)
            reg.max_kind = s->kind;
    }
    reg.n = n;
    /* counting sort by kind; stable, so overloads keep registration order */
    size_t nk = (size_t)reg.max_kind + 2;
    reg.kind_start = arena_alloc_array(&reg.arena, nk, sizeof(int));
    int *fill = xcalloc(nk, sizeof(int));
    if (!reg.kind_start || !fill) {
        free(fill);
        return err_nomem(err);
    }
    for (int i = 0; i < n; i++)
        reg.kind_start[reg.all[i]->kind + 1]++;
    for (size_t k = 1; k < nk; k++)
        reg.kind_start[k] += reg.kind_start[k - 1];
    for (int i = 0; i < n; i++) {
        Symbol k = reg.all[i]->kind;
        reg.by_kind[reg.kind_start[k] + fill[k]++] = reg.all[i];
    }
    free(fill);
    StrBuf key;
    sb_init(&key);
    for (int i = 0; i < n; i++) {
        sb_truncate(&key, 0);
        sb_printf(&key, "%s.%s", reg.all[i]->name, reg.all[i]->overload);
        if (key.oom || !hmap_put(&reg.by_name, sb_cstr(&key), reg.all[i])) {
            sb_free(&key);
            return err_nomem(err);
        }
    }
    sb_free(&key);
    return TSI_OK;
}

static void init_registry(void) {
    Err err = {0};
    reg.status = build_registry(&err);
    if (reg.status != TSI_OK) {
        reg.msg = err.msg; /* kept for later callers; reachable, never freed */
        err.msg = NULL;
        reg.n = 0;
        reg.max_kind = 0;
        reg.kind_start = NULL;
    }
    err_clear(&err);
}

int ir_schemas_init(Err *err) {
    pthread_once(&reg.once, init_registry);
    if (reg.status != TSI_OK)
        return err_set(err, reg.status, "%s", reg.msg ? reg.msg : "schema registry failed");
    return TSI_OK;
}

int ir_schemas_count(void) {
    pthread_once(&reg.once, init_registry);
    return reg.n;
}

const FunctionSchema *ir_schema_at(int i) {
    pthread_once(&reg.once, init_registry);
    return i >= 0 && i < reg.n ? reg.all[i] : NULL;
}

const FunctionSchema *const *ir_schemas_for(Symbol kind, int *n) {
    pthread_once(&reg.once, init_registry);
    if (!reg.kind_start || kind > reg.max_kind) {
        *n = 0;
        return NULL;
    }
    int a = reg.kind_start[kind], b = reg.kind_start[kind + 1];
    *n = b - a;
    return b > a ? &reg.by_kind[a] : NULL;
}

const FunctionSchema *ir_schema_find(const char *name, const char *overload) {
    pthread_once(&reg.once, init_registry);
    if (reg.status != TSI_OK)
        return NULL;
    char buf[256];
    size_t a = strlen(name), b = overload ? strlen(overload) : 0;
    if (a + b + 2 > sizeof buf)
        return NULL; /* no registered name is that long */
    memcpy(buf, name, a);
    buf[a] = '.';
    memcpy(buf + a + 1, overload ? overload : "", b);
    buf[a + 1 + b] = 0;
    return hmap_get(&reg.by_name, buf);
}
