/*
 * parse.h: the TorchScript source lexer and parser (internal to frontend/).
 *
 * fe_parse turns source text (an archive's code/ files or TorchScript a person
 * wrote) into the AST of ast.h; fe_parse_expr reads one expression (type
 * annotations such as `Dict[str, Tensor]`, class constant literals).
 * Errors are TSI_ERR_FORMAT (syntax, including constructs TorchScript does
 * not support), TSI_ERR_LIMIT (nesting too deep, source too large) or
 * TSI_ERR_NOMEM, with a message
 *
 *     file:line:col: error: <message>
 *     <the source line>
 *     <a caret line under the offending range>
 *
 * The second half of this header is the interface between lexer.c and
 * parser.c; nothing outside those two files should use it.
 */
#ifndef TSI_FE_PARSE_H
#define TSI_FE_PARSE_H

#include "ast.h"

#include <setjmp.h>

/* Limits that keep hostile input from overflowing the stack: nested
 * brackets and indentation levels (Python's own limits), the parser's
 * recursion (brackets, blocks and chains like `- - - x` together), and the
 * depth of the finished tree, so that recursive consumers (the emitter,
 * dumps) are safe on input such as `1+1+...+1` with 100k terms. */
#define FE_MAX_NESTING 200
#define FE_MAX_INDENT 100
#define FE_MAX_DEPTH (FE_MAX_NESTING + FE_MAX_INDENT)
#define FE_MAX_AST_DEPTH 1000

/* Parse a whole file. On success *out owns the tree (free with
 * fe_ast_free); on failure *out is NULL and err says where and why.
 * starting_line is the line number of text's first line. */
TSI_MUST_CHECK int fe_parse(const char *text, size_t len, const char *filename,
                            int starting_line, AstModule **out, Err *err);

/* Parse one expression (tuples without parentheses allowed; surrounding
 * whitespace and newlines ignored). *expr points into *out, whose body holds
 * it as a single AST_EXPR_STMT. */
TSI_MUST_CHECK int fe_parse_expr(const char *text, size_t len, const char *filename,
                                 int starting_line, AstModule **out, Ast **expr, Err *err);

void fe_ast_free(AstModule *m);

/* "ident", "binop", ... (the head words of the dump). */
const char *fe_ast_kind_name(AstKind k);
/* "add", "notin", ... (dump names) and "+", "not in", ... (Python syntax). */
const char *fe_op_name(AstOp op);
const char *fe_op_symbol(AstOp op);

/*
 * Canonical S-expression dump, one tree per line for modules:
 *   (def@0:40 forward (decorators) (params (param@8:12 self _ _)) _ (body ...))
 * With ranges, each head word carries "@start:end" byte offsets.
 * test/conformance/test_parser.py documents and checks the format.
 */
void fe_ast_dump(StrBuf *sb, const Ast *n, bool ranges);
void fe_module_dump(StrBuf *sb, const AstModule *m, bool ranges);

/* ===================================================== lexer <-> parser */

#define FE_TOKENS(X)                                                           \
    X(T_EOF, "end of file") X(T_NEWLINE, "newline") X(T_INDENT, "indent")       \
    X(T_DEDENT, "dedent") X(T_NAME, "identifier") X(T_NUMBER, "number")         \
    X(T_STRING, "string")                                                      \
    /* keywords (kept in the order of fe_keywords in lexer.c) */               \
    X(K_FALSE, "False") X(K_NONE, "None") X(K_TRUE, "True") X(K_AND, "and")     \
    X(K_AS, "as") X(K_ASSERT, "assert") X(K_ASYNC, "async") X(K_AWAIT, "await") \
    X(K_BREAK, "break") X(K_CLASS, "class") X(K_CONTINUE, "continue")           \
    X(K_DEF, "def") X(K_DEL, "del") X(K_ELIF, "elif") X(K_ELSE, "else")         \
    X(K_EXCEPT, "except") X(K_FINALLY, "finally") X(K_FOR, "for")               \
    X(K_FROM, "from") X(K_GLOBAL, "global") X(K_IF, "if") X(K_IMPORT, "import") \
    X(K_IN, "in") X(K_IS, "is") X(K_LAMBDA, "lambda") X(K_NONLOCAL, "nonlocal") \
    X(K_NOT, "not") X(K_OR, "or") X(K_PASS, "pass") X(K_RAISE, "raise")         \
    X(K_RETURN, "return") X(K_TRY, "try") X(K_WHILE, "while") X(K_WITH, "with") \
    X(K_YIELD, "yield")                                                        \
    /* operators and delimiters */                                             \
    X(P_LPAREN, "(") X(P_RPAREN, ")") X(P_LBRACKET, "[") X(P_RBRACKET, "]")     \
    X(P_LBRACE, "{") X(P_RBRACE, "}") X(P_COMMA, ",") X(P_COLON, ":")           \
    X(P_SEMI, ";") X(P_DOT, ".") X(P_ELLIPSIS, "...") X(P_AT, "@")              \
    X(P_ASSIGN, "=") X(P_ARROW, "->") X(P_WALRUS, ":=") X(P_PLUS, "+")          \
    X(P_MINUS, "-") X(P_STAR, "*") X(P_SLASH, "/") X(P_DSLASH, "//")            \
    X(P_PERCENT, "%") X(P_DSTAR, "**") X(P_LSHIFT, "<<") X(P_RSHIFT, ">>")      \
    X(P_AMP, "&") X(P_PIPE, "|") X(P_CARET, "^") X(P_TILDE, "~") X(P_LT, "<")   \
    X(P_GT, ">") X(P_LE, "<=") X(P_GE, ">=") X(P_EQ, "==") X(P_NE, "!=")        \
    X(P_PLUS_EQ, "+=") X(P_MINUS_EQ, "-=") X(P_STAR_EQ, "*=")                   \
    X(P_SLASH_EQ, "/=") X(P_DSLASH_EQ, "//=") X(P_PERCENT_EQ, "%=")             \
    X(P_DSTAR_EQ, "**=") X(P_LSHIFT_EQ, "<<=") X(P_RSHIFT_EQ, ">>=")            \
    X(P_AMP_EQ, "&=") X(P_PIPE_EQ, "|=") X(P_CARET_EQ, "^=") X(P_AT_EQ, "@=")

typedef enum TokKind {
#define FE_TOK_ENUM(k, s) k,
    FE_TOKENS(FE_TOK_ENUM)
#undef FE_TOK_ENUM
    T_KIND_COUNT
} TokKind;

enum { NUM_INT, NUM_FLOAT, NUM_IMAG };

/* String token flags. */
enum { STR_RAW = 1, STR_FSTRING = 2 };

typedef struct Token {
    TokKind kind;
    uint32_t start, end; /* byte range in the source */
    /* T_NUMBER */
    int numkind;         /* NUM_INT / NUM_FLOAT / NUM_IMAG */
    uint64_t uval;       /* NUM_INT magnitude */
    bool too_big;        /* NUM_INT above UINT64_MAX */
    double fval;         /* NUM_FLOAT / NUM_IMAG */
    /* T_STRING: decoded contents (plain strings) or, for f-strings, the raw
     * contents between the quotes at [cstart, cend) */
    int sflags;
    const char *str;
    size_t len;
    uint32_t cstart, cend;
} Token;

/* State shared by the lexer and the parser of one fe_parse call. Errors
 * longjmp to `jb` (only arena memory and the parser's own scratch, which the
 * entry point frees, are live across the jump). */
typedef struct FeCtx {
    Source *src;
    Arena *arena;
    Err *err;
    int code;
    jmp_buf jb;
} FeCtx;

typedef struct Lexer {
    FeCtx *cx;
    const char *s;
    size_t pos, end;
    bool expr_mode;      /* fe_parse_expr / f-string fields: no lines, no indents */
    bool at_line_start;
    bool line_has_tokens;
    int pending_dedents;
    int indents[FE_MAX_INDENT + 1];    /* columns, tabs to multiples of 8 */
    int altindents[FE_MAX_INDENT + 1]; /* columns, tabs as 1: detects mixing */
    int nindents;
    char brackets[FE_MAX_NESTING];
    uint32_t bracket_pos[FE_MAX_NESTING];
    int nbrackets;
} Lexer;

/* Report an error at [start, end) and longjmp to cx->jb. */
_Noreturn void fe_error(FeCtx *cx, int code, uint32_t start, uint32_t end,
                        const char *fmt, ...) TSI_PRINTF(5, 6);
/* Allocation from the context arena; out of memory longjmps. */
void *fe_alloc(FeCtx *cx, size_t n);

/* Reject NUL bytes anywhere in [begin, end), as Python does. */
void lex_check_text(FeCtx *cx, size_t begin, size_t end);
/* Copy the UTF-8 sequence at s[i] (non-ASCII) to out; malformed UTF-8 in a
 * literal is an error (it would reach the program's strings). Returns its
 * length. */
size_t lex_copy_utf8(FeCtx *cx, const char *s, size_t i, size_t end, char *out);

/* Lex the source bytes [begin, end). */
void lex_init(Lexer *lx, FeCtx *cx, size_t begin, size_t end, bool expr_mode);
void lex_next(Lexer *lx, Token *t);
const char *lex_token_name(TokKind k);

/* Length of the well-formed UTF-8 sequence at s[i] (0 if invalid); *cp
 * gets its code point. */
size_t lex_utf8_decode(const unsigned char *s, size_t i, size_t end, uint32_t *cp);

/* Decode one backslash escape of a non-raw literal: s[*i] is the backslash;
 * appends the bytes to out (at least 4 bytes of room) and advances *i. */
size_t lex_decode_escape(FeCtx *cx, const char *s, size_t *i, size_t end, char *out);

#endif
