/*
 * lexer.c: TorchScript source text -> tokens.
 *
 * Follows Python's tokenizer (which torch.jit.script's Python frontend
 * relies on) and accepts everything torch's own lexer reads from archives
 * (torch/csrc/jit/frontend/lexer.h): NEWLINE/INDENT/DEDENT from indentation
 * (tabs to multiples of 8, mixing that depends on the tab size rejected),
 * blank and comment-only lines skipped, newlines ignored inside brackets,
 * `\` line continuation, all numeric literal forms (including the printer's
 * `2.`, `1e+20`, `10000000000000000` which is an int, `1.+2.j`), strings
 * with every quote style and the r/u/f prefixes, decoded to UTF-8.
 *
 * Escapes decode as Python does (torch's printer only writes \\ \' \" \a
 * \b \f \n \r \t \v and 3-digit octal for other ASCII control bytes, all
 * of which agree); `\r`, which torch 1.13's own lexer cannot read back
 * (spec §2.5), is accepted. Octal and \x escapes name code points, encoded
 * as UTF-8 (torch's C++ lexer would store the raw byte; the two differ only
 * above \177, which the printer never writes inline).
 *
 * Deliberate differences from Python: identifiers must be ASCII (torch's
 * lexer accepts only [A-Za-z0-9_] and the C++ frontend needs ASCII names);
 * bytes literals, \N{...} escapes and surrogate code points are rejected;
 * the first line may be indented (torch's lexer takes its indentation as
 * the base level, so indented snippets parse).
 */
#include "parse.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const token_names[] = {
#define FE_TOK_NAME(k, s) s,
    FE_TOKENS(FE_TOK_NAME)
#undef FE_TOK_NAME
};
_Static_assert(TSI_ARRAY_LEN(token_names) == T_KIND_COUNT, "token table");

const char *lex_token_name(TokKind k) {
    return (unsigned)k < T_KIND_COUNT ? token_names[k] : "?";
}

/* ------------------------------------------------------------- errors */

_Noreturn void fe_error(FeCtx *cx, int code, uint32_t start, uint32_t end,
                        const char *fmt, ...) {
    StrBuf sb;
    sb_init(&sb);
    SourceRange r = {cx->src, start, end > start ? end : start};
    source_range_location(&sb, r);
    sb_puts(&sb, ": error: ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    sb_putc(&sb, '\n');
    size_t quoted = sb.len;
    source_range_highlight(&sb, r);
    /* messages are C strings: show NUL bytes of the quoted line as '?' */
    for (size_t i = quoted; !sb.oom && i < sb.len; i++)
        if (sb.data[i] == 0)
            sb.data[i] = '?';
    if (sb.oom)
        err_nomem(cx->err);
    else
        err_set(cx->err, code, "%s", sb_cstr(&sb));
    sb_free(&sb);
    cx->code = sb.oom ? TSI_ERR_NOMEM : code;
    longjmp(cx->jb, 1);
}

void *fe_alloc(FeCtx *cx, size_t n) {
    void *p = arena_alloc(cx->arena, n);
    if (!p) {
        err_nomem(cx->err);
        cx->code = TSI_ERR_NOMEM;
        longjmp(cx->jb, 1);
    }
    return p;
}

static _Noreturn void lex_fail(Lexer *lx, size_t start, size_t end, const char *fmt, ...)
    TSI_PRINTF(4, 5);
static _Noreturn void lex_fail(Lexer *lx, size_t start, size_t end, const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fe_error(lx->cx, TSI_ERR_FORMAT, (uint32_t)start, (uint32_t)end, "%s", buf);
}

/* ------------------------------------------------------- char classes */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha_(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_alnum_(int c) { return is_alpha_(c) || is_digit(c); }
static int hex_val(int c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Length of a line break at i (\n, \r\n or \r), 0 if none. */
static size_t newline_len(const char *s, size_t i, size_t end) {
    if (i >= end)
        return 0;
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r')
        return (i + 1 < end && s[i + 1] == '\n') ? 2 : 1;
    return 0;
}

/* Decode one UTF-8 sequence at s[i]; returns its length (0 if invalid:
 * truncated, overlong, a surrogate or above U+10FFFF). */
size_t lex_utf8_decode(const unsigned char *s, size_t i, size_t end, uint32_t *cp) {
    unsigned c = s[i];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (end - i < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

static size_t utf8_encode(uint32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A non-ASCII or otherwise impossible character outside strings/comments. */
static _Noreturn void bad_char(Lexer *lx, size_t i) {
    const unsigned char *u = (const unsigned char *)lx->s;
    uint32_t cp;
    if (u[i] == 0)
        lex_fail(lx, i, i + 1, "source code cannot contain null bytes");
    if (u[i] < 0x80) {
        if (u[i] < 0x20 || u[i] == 0x7F)
            lex_fail(lx, i, i + 1, "invalid non-printable character U+%04X", u[i]);
        lex_fail(lx, i, i + 1, "invalid character '%c' (U+%04X)", u[i], u[i]);
    }
    size_t n = lex_utf8_decode(u, i, lx->end, &cp);
    if (!n)
        lex_fail(lx, i, i + 1, "invalid UTF-8 byte 0x%02X", u[i]);
    lex_fail(lx, i, i + n,
             "non-ASCII character '%.*s' (U+%04X) outside a string or comment "
             "(TorchScript identifiers must be ASCII)",
             (int)n, lx->s + i, (unsigned)cp);
}

/* ----------------------------------------------------------- keywords */

static const struct {
    const char *word;
    TokKind kind;
} keywords[] = {
    {"False", K_FALSE}, {"None", K_NONE},     {"True", K_TRUE},
    {"and", K_AND},     {"as", K_AS},         {"assert", K_ASSERT},
    {"async", K_ASYNC}, {"await", K_AWAIT},   {"break", K_BREAK},
    {"class", K_CLASS}, {"continue", K_CONTINUE}, {"def", K_DEF},
    {"del", K_DEL},     {"elif", K_ELIF},     {"else", K_ELSE},
    {"except", K_EXCEPT}, {"finally", K_FINALLY}, {"for", K_FOR},
    {"from", K_FROM},   {"global", K_GLOBAL}, {"if", K_IF},
    {"import", K_IMPORT}, {"in", K_IN},       {"is", K_IS},
    {"lambda", K_LAMBDA}, {"nonlocal", K_NONLOCAL}, {"not", K_NOT},
    {"or", K_OR},       {"pass", K_PASS},     {"raise", K_RAISE},
    {"return", K_RETURN}, {"try", K_TRY},     {"while", K_WHILE},
    {"with", K_WITH},   {"yield", K_YIELD},
};

static TokKind keyword_kind(const char *s, size_t n) {
    /* keywords start with a lowercase letter or F/N/T */
    if (n < 2 || n > 8 || !((s[0] >= 'a' && s[0] <= 'y') || s[0] == 'F' || s[0] == 'N' || s[0] == 'T'))
        return T_NAME;
    for (size_t i = 0; i < TSI_ARRAY_LEN(keywords); i++)
        if (keywords[i].word[0] == s[0] && strnlen(keywords[i].word, n + 1) == n &&
            memcmp(keywords[i].word, s, n) == 0)
            return keywords[i].kind;
    return T_NAME;
}

/* ---------------------------------------------------------------- init */

void lex_check_text(FeCtx *cx, size_t begin, size_t end) {
    const char *nul = memchr(cx->src->text + begin, 0, end - begin);
    if (nul) {
        uint32_t at = (uint32_t)(nul - cx->src->text);
        fe_error(cx, TSI_ERR_FORMAT, at, at + 1, "source code cannot contain null bytes");
    }
}

size_t lex_copy_utf8(FeCtx *cx, const char *s, size_t i, size_t end, char *out) {
    uint32_t cp;
    size_t n = lex_utf8_decode((const unsigned char *)s, i, end, &cp);
    if (!n)
        fe_error(cx, TSI_ERR_FORMAT, (uint32_t)i, (uint32_t)i + 1,
                 "invalid UTF-8 byte 0x%02X in string literal", (unsigned char)s[i]);
    memcpy(out, s + i, n);
    return n;
}

void lex_init(Lexer *lx, FeCtx *cx, size_t begin, size_t end, bool expr_mode) {
    memset(lx, 0, sizeof *lx);
    lx->cx = cx;
    lx->s = cx->src->text;
    lx->pos = begin;
    lx->end = end;
    lx->expr_mode = expr_mode;
    lx->at_line_start = !expr_mode;
    lx->nindents = -1; /* the first logical line sets the base level */
    if (begin == 0 && end >= 3 && memcmp(lx->s, "\xEF\xBB\xBF", 3) == 0)
        lx->pos = 3; /* a UTF-8 byte order mark, as Python allows */
}

/* ------------------------------------------------------------- numbers */

/* Digits of base `base` with single underscores between them, starting at
 * *i. Returns false (with *i at the bad char) if an underscore is not
 * followed by a digit. Sets *count to the number of digits. */
static bool scan_digits(const char *s, size_t *i, size_t end, int base, size_t *count) {
    size_t n = 0;
    while (*i < end) {
        int c = s[*i];
        int v = hex_val(c);
        if (v >= 0 && v < base && (base == 16 || is_digit(c))) {
            n++;
            (*i)++;
        } else if (c == '_' && n > 0 && *i + 1 < end && hex_val(s[*i + 1]) >= 0 &&
                   hex_val(s[*i + 1]) < base && (base == 16 || is_digit(s[*i + 1]))) {
            (*i)++;
        } else if (c == '_') {
            *count = n;
            return false;
        } else {
            break;
        }
    }
    *count = n;
    return true;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* strtod in the C locale whatever the host program set. */
static double parse_double(Lexer *lx, size_t start, size_t end) {
    char small[64];
    size_t n = end - start;
    char *buf = n < sizeof small ? small : fe_alloc(lx->cx, n + 1);
    size_t k = 0;
    for (size_t i = start; i < end; i++)
        if (lx->s[i] != '_')
            buf[k++] = lx->s[i];
    buf[k] = 0;
    pthread_once(&c_locale_once, make_c_locale);
    if (c_locale)
        return strtod_l(buf, NULL, c_locale);
    return strtod(buf, NULL);
}

static void lex_number(Lexer *lx, Token *t) {
    const char *s = lx->s;
    size_t i = lx->pos, end = lx->end, start = lx->pos, nd;
    t->kind = T_NUMBER;
    t->numkind = NUM_INT;
    if (s[i] == '0' && i + 1 < end && strchr("xXoObB", s[i + 1]) && s[i + 1]) {
        char p = (char)(s[i + 1] | 0x20);
        int base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        const char *what = p == 'x' ? "hexadecimal" : p == 'o' ? "octal" : "binary";
        i += 2;
        if (i < end && s[i] == '_')
            i++;
        bool ok = scan_digits(s, &i, end, base, &nd);
        if (!ok || nd == 0) {
            if (i < end && is_digit(s[i]))
                lex_fail(lx, i, i + 1, "invalid digit '%c' in %s literal", s[i], what);
            lex_fail(lx, start, i + 1, "invalid %s literal", what);
        }
        if (i < end && (is_alnum_(s[i]))) {
            if (is_digit(s[i]))
                lex_fail(lx, i, i + 1, "invalid digit '%c' in %s literal", s[i], what);
            lex_fail(lx, start, i + 1, "invalid %s literal", what);
        }
        uint64_t v = 0;
        bool big = false;
        for (size_t k = start + 2; k < i; k++) {
            if (s[k] == '_')
                continue;
            uint64_t d = (uint64_t)hex_val(s[k]);
            if (v > (UINT64_MAX - d) / (uint64_t)base)
                big = true;
            v = v * (uint64_t)base + d;
        }
        t->uval = v;
        t->too_big = big;
        lx->pos = i;
        return;
    }
    /* decimal: [digits] ['.' [digits]] [exponent] ['j'] */
    bool is_float = false, leading_zero = s[i] == '0';
    if (is_digit(s[i]) && !scan_digits(s, &i, end, 10, &nd))
        lex_fail(lx, start, i + 1, "invalid decimal literal");
    size_t int_end = i;
    if (i < end && s[i] == '.') {
        is_float = true;
        i++;
        if (i < end && is_digit(s[i]) && !scan_digits(s, &i, end, 10, &nd))
            lex_fail(lx, start, i + 1, "invalid decimal literal");
    }
    if (i < end && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = i + 1;
        if (e < end && (s[e] == '+' || s[e] == '-'))
            e++;
        if (e < end && is_digit(s[e])) {
            is_float = true;
            i = e;
            if (!scan_digits(s, &i, end, 10, &nd))
                lex_fail(lx, start, i + 1, "invalid decimal literal");
        } else {
            lex_fail(lx, start, e, "invalid decimal literal");
        }
    }
    bool imag = false;
    if (i < end && (s[i] == 'j' || s[i] == 'J')) {
        imag = true;
        i++;
    }
    if (i < end && is_alnum_(s[i]))
        lex_fail(lx, start, i + 1, "invalid %s literal", imag ? "imaginary" : "decimal");
    if (!is_float && !imag && leading_zero) {
        for (size_t k = start; k < int_end; k++)
            if (s[k] != '0' && s[k] != '_')
                lex_fail(lx, start, int_end,
                         "leading zeros in decimal integer literals are not permitted; "
                         "use an 0o prefix for octal integers");
    }
    lx->pos = i;
    if (imag) {
        t->numkind = NUM_IMAG;
        t->fval = parse_double(lx, start, i - 1);
    } else if (is_float) {
        t->numkind = NUM_FLOAT;
        t->fval = parse_double(lx, start, i);
    } else {
        uint64_t v = 0;
        bool big = false;
        for (size_t k = start; k < i; k++) {
            if (s[k] == '_')
                continue;
            uint64_t d = (uint64_t)(s[k] - '0');
            if (v > (UINT64_MAX - d) / 10)
                big = true;
            v = v * 10 + d;
        }
        t->uval = v;
        t->too_big = big;
    }
}

/* ------------------------------------------------------------- strings */

size_t lex_decode_escape(FeCtx *cx, const char *s, size_t *i, size_t end, char *out) {
    size_t b = *i; /* the backslash */
    size_t j = b + 1;
    if (j >= end) { /* cannot happen: the lexer never ends a literal on '\' */
        *i = j;
        out[0] = '\\';
        return 1;
    }
    char c = s[j];
    size_t nl = newline_len(s, j, end);
    if (nl) { /* backslash-newline: both vanish */
        *i = j + nl;
        return 0;
    }
    char simple = 0;
    switch (c) {
    case '\\': simple = '\\'; break;
    case '\'': simple = '\''; break;
    case '"': simple = '"'; break;
    case 'a': simple = '\a'; break;
    case 'b': simple = '\b'; break;
    case 'f': simple = '\f'; break;
    case 'n': simple = '\n'; break;
    case 'r': simple = '\r'; break;
    case 't': simple = '\t'; break;
    case 'v': simple = '\v'; break;
    default: break;
    }
    if (simple) {
        *i = j + 1;
        out[0] = simple;
        return 1;
    }
    if (c >= '0' && c <= '7') {
        uint32_t v = 0;
        size_t k = j;
        while (k < end && k < j + 3 && s[k] >= '0' && s[k] <= '7')
            v = v * 8 + (uint32_t)(s[k++] - '0');
        *i = k;
        return utf8_encode(v, out);
    }
    if (c == 'x' || c == 'u' || c == 'U') {
        size_t want = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        uint32_t v = 0;
        size_t k = j + 1;
        for (; k < end && k < j + 1 + want; k++) {
            int h = hex_val(s[k]);
            if (h < 0)
                break;
            v = v * 16 + (uint32_t)h;
        }
        if (k != j + 1 + want)
            fe_error(cx, TSI_ERR_FORMAT, (uint32_t)b, (uint32_t)k,
                     "truncated \\%c%s escape", c,
                     c == 'x' ? "XX" : c == 'u' ? "XXXX" : "XXXXXXXX");
        if (v > 0x10FFFF)
            fe_error(cx, TSI_ERR_FORMAT, (uint32_t)b, (uint32_t)k,
                     "illegal Unicode character in \\U escape");
        if (v >= 0xD800 && v <= 0xDFFF)
            fe_error(cx, TSI_ERR_FORMAT, (uint32_t)b, (uint32_t)k,
                     "surrogate code point U+%04X cannot be encoded in UTF-8", (unsigned)v);
        *i = k;
        return utf8_encode(v, out);
    }
    if (c == 'N')
        fe_error(cx, TSI_ERR_FORMAT, (uint32_t)b, (uint32_t)(j + 1),
                 "\\N{...} escapes are not supported");
    /* Unknown escapes keep the backslash (Python; torch's printer never
     * writes them). */
    *i = j;
    out[0] = '\\';
    return 1;
}

/* Decode the contents [b, e) of a non-f string literal into the arena. */
static void decode_string(Lexer *lx, Token *t, size_t b, size_t e, bool raw) {
    char *out = fe_alloc(lx->cx, (e - b) + 1);
    size_t n = 0;
    const char *s = lx->s;
    for (size_t i = b; i < e;) {
        if (s[i] == '\\' && !raw) {
            n += lex_decode_escape(lx->cx, s, &i, e, out + n);
        } else if (s[i] == '\r') { /* newlines in literals read as \n */
            out[n++] = '\n';
            i += newline_len(s, i, e);
        } else if ((unsigned char)s[i] >= 0x80) {
            size_t k = lex_copy_utf8(lx->cx, s, i, e, out + n);
            n += k;
            i += k;
        } else {
            out[n++] = s[i++];
        }
    }
    out[n] = 0;
    t->str = out;
    t->len = n;
}

/* A string literal whose prefix occupies [lx->pos, q); s[q] is the quote. */
static void lex_string(Lexer *lx, Token *t, size_t q, int flags) {
    const char *s = lx->s;
    size_t start = lx->pos, end = lx->end;
    char quote = s[q];
    bool triple = q + 2 < end && s[q + 1] == quote && s[q + 2] == quote;
    size_t qlen = triple ? 3 : 1;
    size_t i = q + qlen;
    for (;;) {
        if (i >= end) {
            int line, col;
            source_line_col(lx->cx->src, end, &line, &col);
            lex_fail(lx, start, start + 1,
                     "unterminated %sstring literal (detected at line %d)",
                     triple ? "triple-quoted " : "", line);
        }
        char c = s[i];
        if (c == quote && (!triple || (i + 2 < end && s[i + 1] == quote && s[i + 2] == quote)))
            break;
        if (c == '\\') {
            i += 1 + (newline_len(s, i + 1, end) == 2 ? 2 : 1);
            continue;
        }
        if (!triple && newline_len(s, i, end)) {
            int line, col;
            source_line_col(lx->cx->src, i, &line, &col);
            lex_fail(lx, start, start + 1,
                     "unterminated string literal (detected at line %d)", line);
        }
        if (c == 0)
            lex_fail(lx, i, i + 1, "source code cannot contain null bytes");
        i++;
    }
    t->kind = T_STRING;
    t->sflags = flags;
    t->cstart = (uint32_t)(q + qlen);
    t->cend = (uint32_t)i;
    lx->pos = i + qlen;
    if (!(flags & STR_FSTRING))
        decode_string(lx, t, q + qlen, i, flags & STR_RAW);
}

/* If [pos, pos+n) is a string prefix and a quote follows, its flags; else -1. */
static int string_prefix(Lexer *lx, size_t pos, size_t n) {
    const char *s = lx->s;
    if (n > 2 || pos + n >= lx->end || (s[pos + n] != '"' && s[pos + n] != '\''))
        return -1;
    int flags = 0;
    bool seen_b = false, seen_u = false;
    for (size_t k = 0; k < n; k++) {
        char c = (char)(s[pos + k] | 0x20);
        int bit = c == 'r' ? STR_RAW : c == 'f' ? STR_FSTRING : 0;
        if (c == 'b')
            seen_b = true;
        else if (c == 'u')
            seen_u = true;
        else if (!bit || (flags & bit))
            return -1;
        flags |= bit;
    }
    if (seen_u && n != 1)
        return -1;
    if (seen_b && (flags & STR_FSTRING))
        return -1;
    if (seen_b) {
        /* lex the whole literal first so an unterminated one reports that */
        return 0x100 | flags;
    }
    return flags;
}

/* ----------------------------------------------------------- operators */

static const struct {
    char text[4];
    TokKind kind;
} operators[] = {
    /* longest first within each leading character */
    {"...", P_ELLIPSIS}, {"**=", P_DSTAR_EQ}, {"//=", P_DSLASH_EQ},
    {"<<=", P_LSHIFT_EQ}, {">>=", P_RSHIFT_EQ}, {"->", P_ARROW},
    {":=", P_WALRUS},    {"**", P_DSTAR},     {"//", P_DSLASH},
    {"<<", P_LSHIFT},    {">>", P_RSHIFT},    {"<=", P_LE},
    {">=", P_GE},        {"==", P_EQ},        {"!=", P_NE},
    {"+=", P_PLUS_EQ},   {"-=", P_MINUS_EQ},  {"*=", P_STAR_EQ},
    {"/=", P_SLASH_EQ},  {"%=", P_PERCENT_EQ}, {"&=", P_AMP_EQ},
    {"|=", P_PIPE_EQ},   {"^=", P_CARET_EQ},  {"@=", P_AT_EQ},
    {"(", P_LPAREN},     {")", P_RPAREN},     {"[", P_LBRACKET},
    {"]", P_RBRACKET},   {"{", P_LBRACE},     {"}", P_RBRACE},
    {",", P_COMMA},      {":", P_COLON},      {";", P_SEMI},
    {".", P_DOT},        {"@", P_AT},         {"=", P_ASSIGN},
    {"+", P_PLUS},       {"-", P_MINUS},      {"*", P_STAR},
    {"/", P_SLASH},      {"%", P_PERCENT},    {"&", P_AMP},
    {"|", P_PIPE},       {"^", P_CARET},      {"~", P_TILDE},
    {"<", P_LT},         {">", P_GT},
};

static void lex_operator(Lexer *lx, Token *t) {
    const char *s = lx->s;
    size_t i = lx->pos, avail = lx->end - i;
    for (size_t k = 0; k < TSI_ARRAY_LEN(operators); k++) {
        if (operators[k].text[0] != s[i])
            continue;
        size_t n = strlen(operators[k].text);
        if (n <= avail && memcmp(s + i, operators[k].text, n) == 0) {
            t->kind = operators[k].kind;
            lx->pos = i + n;
            return;
        }
    }
    bad_char(lx, i);
}

static void open_bracket(Lexer *lx, char c, size_t at) {
    if (lx->nbrackets >= FE_MAX_NESTING)
        fe_error(lx->cx, TSI_ERR_LIMIT, (uint32_t)at, (uint32_t)at + 1,
                 "too many nested parentheses (limit %d)", FE_MAX_NESTING);
    lx->brackets[lx->nbrackets] = c;
    lx->bracket_pos[lx->nbrackets++] = (uint32_t)at;
}

static void close_bracket(Lexer *lx, char c, size_t at) {
    char want = c == ')' ? '(' : c == ']' ? '[' : '{';
    if (lx->nbrackets == 0)
        lex_fail(lx, at, at + 1, "unmatched '%c'", c);
    char open = lx->brackets[lx->nbrackets - 1];
    if (open != want) {
        int l1, l2, col;
        source_line_col(lx->cx->src, lx->bracket_pos[lx->nbrackets - 1], &l1, &col);
        source_line_col(lx->cx->src, at, &l2, &col);
        if (l1 != l2)
            lex_fail(lx, at, at + 1,
                     "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d",
                     c, open, l1);
        lex_fail(lx, at, at + 1, "closing parenthesis '%c' does not match opening parenthesis '%c'",
                 c, open);
    }
    lx->nbrackets--;
}

/* -------------------------------------------------------- indentation */

/* At the start of a line outside brackets: measure the indentation, skip
 * blank lines. Returns true if a token (INDENT/DEDENT) was produced. */
static bool lex_line_start(Lexer *lx, Token *t) {
    const char *s = lx->s;
    for (;;) {
        int col = 0, alt = 0;
        size_t i = lx->pos;
        for (; i < lx->end; i++) {
            if (s[i] == ' ') {
                col++, alt++;
            } else if (s[i] == '\t') {
                col = (col / 8 + 1) * 8;
                alt++;
            } else if (s[i] == '\f') {
                col = alt = 0;
            } else {
                break;
            }
        }
        if (i >= lx->end) {
            lx->pos = i;
            lx->at_line_start = false;
            return false; /* EOF handling in lex_next */
        }
        if (s[i] == '#') {
            while (i < lx->end && !newline_len(s, i, lx->end))
                i++;
        }
        size_t nl = newline_len(s, i, lx->end);
        if (nl) { /* blank or comment-only line */
            lx->pos = i + nl;
            continue;
        }
        if (i >= lx->end) {
            lx->pos = i;
            lx->at_line_start = false;
            return false;
        }
        lx->pos = i;
        lx->at_line_start = false;
        if (lx->nindents < 0) { /* first logical line: the base level */
            lx->indents[0] = col;
            lx->altindents[0] = alt;
            lx->nindents = 0;
            return false;
        }
        int top = lx->indents[lx->nindents];
        int alttop = lx->altindents[lx->nindents];
        if (col == top) {
            if (alt != alttop)
                lex_fail(lx, i, i, "inconsistent use of tabs and spaces in indentation");
            return false;
        }
        if (col > top) {
            if (alt <= alttop)
                lex_fail(lx, i, i, "inconsistent use of tabs and spaces in indentation");
            if (lx->nindents + 1 >= FE_MAX_INDENT) /* Python's limit */
                fe_error(lx->cx, TSI_ERR_LIMIT, (uint32_t)i, (uint32_t)i,
                         "too many levels of indentation (limit %d)", FE_MAX_INDENT);
            lx->nindents++;
            lx->indents[lx->nindents] = col;
            lx->altindents[lx->nindents] = alt;
            t->kind = T_INDENT;
            t->start = t->end = (uint32_t)i;
            return true;
        }
        int n = 0;
        while (lx->nindents > 0 && col < lx->indents[lx->nindents]) {
            lx->nindents--;
            n++;
        }
        if (col != lx->indents[lx->nindents])
            lex_fail(lx, i, i, "unindent does not match any outer indentation level");
        if (alt != lx->altindents[lx->nindents])
            lex_fail(lx, i, i, "inconsistent use of tabs and spaces in indentation");
        lx->pending_dedents = n - 1;
        t->kind = T_DEDENT;
        t->start = t->end = (uint32_t)i;
        return true;
    }
}

/* --------------------------------------------------------------- next */

void lex_next(Lexer *lx, Token *t) {
    const char *s = lx->s;
    memset(t, 0, sizeof *t);
    if (lx->pending_dedents > 0) {
        lx->pending_dedents--;
        t->kind = T_DEDENT;
        t->start = t->end = (uint32_t)lx->pos;
        return;
    }
    if (lx->at_line_start && lx->nbrackets == 0 && lex_line_start(lx, t))
        return;
    for (;;) {
        size_t i = lx->pos;
        while (i < lx->end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'))
            i++;
        lx->pos = i;
        if (i >= lx->end) {
            if (lx->nbrackets > 0) {
                uint32_t at = lx->bracket_pos[lx->nbrackets - 1];
                lex_fail(lx, at, at + 1, "'%c' was never closed", lx->brackets[lx->nbrackets - 1]);
            }
            t->start = t->end = (uint32_t)i;
            if (!lx->expr_mode && lx->line_has_tokens) {
                lx->line_has_tokens = false;
                t->kind = T_NEWLINE;
                return;
            }
            if (lx->nindents > 0) {
                lx->pending_dedents = lx->nindents - 1;
                lx->nindents = 0;
                t->kind = T_DEDENT;
                return;
            }
            t->kind = T_EOF;
            return;
        }
        char c = s[i];
        if (c == '#') {
            while (i < lx->end && !newline_len(s, i, lx->end))
                i++;
            lx->pos = i;
            continue;
        }
        if (c == '\\') {
            size_t nl = newline_len(s, i + 1, lx->end);
            if (!nl) {
                if (i + 1 >= lx->end)
                    lex_fail(lx, i, i + 1, "unexpected end of file after line continuation character");
                lex_fail(lx, i, i + 1, "unexpected character after line continuation character");
            }
            lx->pos = i + 1 + nl;
            if (lx->pos >= lx->end && !lx->expr_mode)
                lex_fail(lx, i, i + 1, "unexpected end of file after line continuation character");
            continue;
        }
        size_t nl = newline_len(s, i, lx->end);
        if (nl) {
            lx->pos = i + nl;
            if (lx->nbrackets > 0 || lx->expr_mode)
                continue;
            lx->at_line_start = true;
            if (lx->line_has_tokens) {
                lx->line_has_tokens = false;
                t->kind = T_NEWLINE;
                t->start = (uint32_t)i;
                t->end = (uint32_t)(i + nl);
                return;
            }
            if (lex_line_start(lx, t))
                return;
            continue;
        }
        break;
    }
    size_t i = lx->pos;
    char c = s[i];
    lx->line_has_tokens = true;
    t->start = (uint32_t)i;
    if (is_alpha_(c)) {
        size_t j = i;
        while (j < lx->end && is_alnum_(s[j]))
            j++;
        if (j < lx->end && (unsigned char)s[j] >= 0x80)
            bad_char(lx, j);
        int flags = string_prefix(lx, i, j - i);
        if (flags >= 0) {
            lex_string(lx, t, j, flags & 0xFF);
            if (flags & 0x100)
                lex_fail(lx, i, lx->pos, "bytes literals are not supported in TorchScript");
        } else {
            t->kind = keyword_kind(s + i, j - i);
            lx->pos = j;
        }
    } else if (is_digit(c) || (c == '.' && i + 1 < lx->end && is_digit(s[i + 1]))) {
        lex_number(lx, t);
    } else if (c == '"' || c == '\'') {
        lex_string(lx, t, i, 0);
    } else {
        if (c == '(' || c == '[' || c == '{')
            open_bracket(lx, c, i);
        else if (c == ')' || c == ']' || c == '}')
            close_bracket(lx, c, i);
        lex_operator(lx, t);
    }
    t->end = (uint32_t)lx->pos;
}
