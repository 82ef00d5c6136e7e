/*
 * parser.c: tokens -> the AST of ast.h (recursive descent), plus the
 * canonical S-expression dump of that tree.
 *
 * The grammar is Python's, restricted to what TorchScript accepts; operator
 * precedence is Python's. Constructs Python has but TorchScript does not
 * (lambda, yield, async, try, global, sets, **kwargs, ...) are syntax
 * errors here, at their position, so the emitter never sees them.
 *
 * Node ranges follow Python's ast: a node spans its first to its last token,
 * where a parenthesised operand's parentheses count for the parent but not
 * for the operand itself (in `(a) + b` the BinOp starts at `(`, the Name at
 * `a`); compound statements end with their last body statement.
 *
 * Where the tree deliberately differs from Python's ast (the converter in
 * test/conformance/test_parser.py mirrors each):
 *  - `for a, b in ...` keeps its targets as a list (torch's parser does the
 *    same); a subscript `x[a, b]` keeps one entry per index. A single
 *    element with a trailing comma stays a one-element tuple.
 *  - generator expressions are list comprehensions (torch treats them so).
 *  - `-9223372036854775808` is one int literal (the magnitude alone does not
 *    fit in int64; torch's parser folds `-` into numeric literals).
 *  - a `# type: (...) -> T` comment on a def fills missing annotations
 *    (torch's type-comment support), and class decorators are kept.
 *
 * Errors longjmp to the entry point (STYLE.md: only inside a parser, only
 * over arena memory and the parser's own scratch, freed at the entry).
 */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

typedef struct Parser {
    FeCtx cx;
    Lexer lexer;
    Lexer *lx;
    Token la[3];
    int nla;
    uint32_t last_end; /* end of the last consumed real (non-layout) token */
    int depth;
    uint32_t neg_lit_pos; /* start of a number directly after unary '-' */
    Ast *pending_min;     /* a 2**63 literal that the '-' before it must fold */
    VEC(void *) stack;    /* scratch for lists being built */
    VEC(char) bytes;      /* scratch for string literals being built */
} Parser;

/* ------------------------------------------------------------ helpers */

static _Noreturn void nomem(Parser *p) {
    err_nomem(p->cx.err);
    p->cx.code = TSI_ERR_NOMEM;
    longjmp(p->cx.jb, 1);
}

#define syntax_error(p, s, e, ...) fe_error(&(p)->cx, TSI_ERR_FORMAT, (s), (e), __VA_ARGS__)

static Token *peekn(Parser *p, int k) {
    while (p->nla <= k)
        lex_next(p->lx, &p->la[p->nla++]);
    return &p->la[k];
}
static Token *peek(Parser *p) { return peekn(p, 0); }
static TokKind peek_kind(Parser *p) { return peekn(p, 0)->kind; }

static Token next(Parser *p) {
    peek(p);
    Token t = p->la[0];
    memmove(&p->la[0], &p->la[1], (size_t)(p->nla - 1) * sizeof(Token));
    p->nla--;
    if (t.kind != T_NEWLINE && t.kind != T_INDENT && t.kind != T_DEDENT && t.kind != T_EOF)
        p->last_end = t.end;
    return t;
}

static bool accept(Parser *p, TokKind k) {
    if (peek_kind(p) != k)
        return false;
    next(p);
    return true;
}

/* Where to point for an error at token t: the token, except that tokens
 * the end of the text produces point just after the last real token (as
 * Python does), not at an empty line after it. */
static uint32_t err_start(Parser *p, const Token *t) {
    if (t->kind == T_EOF || ((t->kind == T_DEDENT || t->kind == T_NEWLINE) &&
                             t->start >= p->lx->end))
        return p->last_end;
    return t->start;
}
static uint32_t err_end(Parser *p, const Token *t) {
    uint32_t s = err_start(p, t);
    return s == t->start ? t->end : s;
}

/* The generic error at the current token. */
static _Noreturn void unexpected(Parser *p) {
    Token *t = peek(p);
    if (t->kind == T_INDENT)
        syntax_error(p, t->start, t->end, "unexpected indent");
    if (t->kind == T_EOF)
        syntax_error(p, err_start(p, t), err_end(p, t), "unexpected end of file");
    syntax_error(p, t->start, t->end, "invalid syntax");
}

static Token expect(Parser *p, TokKind k, const char *msg) {
    Token *t = peek(p);
    if (t->kind != k) {
        if (t->kind == T_INDENT || !msg)
            unexpected(p);
        syntax_error(p, err_start(p, t), err_end(p, t), "%s", msg);
    }
    return next(p);
}

static void enter(Parser *p, uint32_t at) {
    if (++p->depth > FE_MAX_DEPTH)
        fe_error(&p->cx, TSI_ERR_LIMIT, at, at + 1,
                 "too many nested parentheses, operators or blocks (limit %d)", FE_MAX_DEPTH);
}
static void leave(Parser *p) { p->depth--; }

static Ast *mk(Parser *p, AstKind k, uint32_t start, uint32_t end) {
    Ast *n = fe_alloc(&p->cx, sizeof(Ast));
    n->kind = k;
    n->start = start;
    n->end = end;
    return n;
}

static const char *tok_text(Parser *p, const Token *t) {
    char *s = arena_strndup(p->cx.arena, p->cx.src->text + t->start, t->end - t->start);
    if (!s)
        nomem(p);
    return s;
}

static size_t mark(Parser *p) { return p->stack.len; }
static void push(Parser *p, void *x) {
    if (!vec_push(&p->stack, x))
        nomem(p);
}
static AstList take(Parser *p, size_t m) {
    AstList l = {NULL, (int)(p->stack.len - m)};
    if (l.n > 0) {
        l.items = fe_alloc(&p->cx, (size_t)l.n * sizeof(Ast *));
        memcpy(l.items, p->stack.data + m, (size_t)l.n * sizeof(Ast *));
    }
    p->stack.len = m;
    return l;
}
static AstList list1(Parser *p, Ast *a) {
    AstList l = {fe_alloc(&p->cx, sizeof(Ast *)), 1};
    l.items[0] = a;
    return l;
}

static void push_bytes(Parser *p, const char *s, size_t n) {
    if (!vec_reserve(&p->bytes, p->bytes.len + n))
        nomem(p);
    memcpy(p->bytes.data + p->bytes.len, s, n);
    p->bytes.len += n;
}

static int line_of(Parser *p, uint32_t off) {
    int line, col;
    source_line_col(p->cx.src, off, &line, &col);
    return line;
}

/* Can this token begin an expression? */
static bool starts_expr(TokKind k) {
    switch (k) {
    case T_NAME: case T_NUMBER: case T_STRING: case P_LPAREN: case P_LBRACKET:
    case P_LBRACE: case P_MINUS: case P_PLUS: case P_TILDE: case P_STAR:
    case P_ELLIPSIS: case K_NOT: case K_NONE: case K_TRUE: case K_FALSE:
    case K_LAMBDA: case K_AWAIT: case K_YIELD:
        return true;
    default:
        return false;
    }
}

/* Expect the closing bracket of a display or call. */
static void expect_close(Parser *p, TokKind k) {
    if (accept(p, k))
        return;
    Token *t = peek(p);
    if (starts_expr(t->kind) && t->kind != P_STAR)
        syntax_error(p, t->start, t->end, "invalid syntax. Perhaps you forgot a comma?");
    unexpected(p);
}

static _Noreturn void unsupported(Parser *p, uint32_t s, uint32_t e, const char *what) {
    syntax_error(p, s, e, "%s not supported in TorchScript", what);
}

/* ======================================================== expressions */

static Ast *parse_test(Parser *p);
static Ast *parse_or(Parser *p);
static Ast *parse_binary(Parser *p, int minprec);
static Ast *parse_factor(Parser *p);
static Ast *parse_exprlist(Parser *p);
static Ast *parse_strings(Parser *p);
static Ast *parse_values(Parser *p);

/* star_or_test: '*' bitor | test */
static Ast *parse_star_or_test(Parser *p) {
    if (peek_kind(p) == P_STAR) {
        Token t = next(p);
        Ast *v = parse_binary(p, 1);
        Ast *n = mk(p, AST_STARRED, t.start, p->last_end);
        n->a = v;
        return n;
    }
    return parse_test(p);
}

/* target: '*' bitor | bitor (what may stand left of `in` / `=`) */
static Ast *parse_star_or_bitor(Parser *p) {
    if (peek_kind(p) == P_STAR) {
        Token t = next(p);
        Ast *v = parse_binary(p, 1);
        Ast *n = mk(p, AST_STARRED, t.start, p->last_end);
        n->a = v;
        return n;
    }
    return parse_binary(p, 1);
}

/* elem (',' elem)* [','] -> the single element or an AST_TUPLE (which is
 * then one without parentheses; *bare_tuple says so). */
static Ast *parse_comma_list(Parser *p, Ast *(*elem)(Parser *), bool *bare_tuple) {
    uint32_t start = peek(p)->start;
    Ast *first = elem(p);
    if (bare_tuple)
        *bare_tuple = false;
    if (peek_kind(p) != P_COMMA)
        return first;
    size_t m = mark(p);
    push(p, first);
    while (accept(p, P_COMMA)) {
        if (!starts_expr(peek_kind(p)))
            break;
        push(p, elem(p));
    }
    Ast *t = mk(p, AST_TUPLE, start, p->last_end);
    t->list = take(p, m);
    if (bare_tuple)
        *bare_tuple = true;
    return t;
}

/* testlist_star_expr: the right side of `=`, return values, ... */
static Ast *parse_exprlist(Parser *p) { return parse_comma_list(p, parse_star_or_test, NULL); }

static const char *expr_desc(const Ast *n) {
    switch (n->kind) {
    case AST_CALL: return "function call";
    case AST_INT: case AST_FLOAT: case AST_IMAG: case AST_STRING: return "literal";
    case AST_FSTRING: return "f-string expression";
    case AST_TRUE: return "True";
    case AST_FALSE: return "False";
    case AST_NONE: return "None";
    case AST_ELLIPSIS: return "ellipsis";
    case AST_COMPARE: return "comparison";
    case AST_TERNARY: return "conditional expression";
    case AST_LISTCOMP: return "list comprehension";
    case AST_DICTCOMP: return "dict comprehension";
    case AST_DICT: return "dict literal";
    default: return "expression";
    }
}

enum { TGT_ASSIGN, TGT_DEL, TGT_FOR };

/* Python's rules for what may be assigned to / deleted. */
static void check_target(Parser *p, Ast *n, int mode, bool in_seq) {
    const char *verb = mode == TGT_DEL ? "delete" : "assign to";
    switch (n->kind) {
    case AST_IDENT: case AST_ATTR: case AST_SUBSCRIPT:
        return;
    case AST_STARRED:
        if (mode == TGT_DEL)
            syntax_error(p, n->start, n->end, "cannot delete starred");
        if (!in_seq)
            syntax_error(p, n->start, n->end, "starred assignment target must be in a list or tuple");
        check_target(p, n->a, mode, false);
        return;
    case AST_TUPLE: case AST_LIST: {
        int stars = 0;
        for (int i = 0; i < n->list.n; i++) {
            Ast *e = n->list.items[i];
            if (e->kind == AST_STARRED && ++stars > 1)
                syntax_error(p, e->start, e->end, "multiple starred expressions in assignment");
            check_target(p, e, mode, true);
        }
        return;
    }
    default:
        syntax_error(p, n->start, n->end, "cannot %s %s", verb, expr_desc(n));
    }
}

/* comp_for: 'for' targets 'in' or_test ('if' or_test)* — one clause only. */
static void parse_comp_for(Parser *p, Ast *comp) {
    if (peek_kind(p) == K_ASYNC) {
        Token *t = peek(p);
        unsupported(p, t->start, t->end, "async comprehensions are");
    }
    expect(p, K_FOR, NULL);
    Ast *target = parse_comma_list(p, parse_star_or_bitor, NULL);
    check_target(p, target, TGT_FOR, false);
    expect(p, K_IN, "invalid syntax (expected 'in')");
    comp->b = target;
    comp->c = parse_or(p);
    size_t m = mark(p);
    while (accept(p, K_IF))
        push(p, parse_or(p));
    comp->list = take(p, m);
    if (peek_kind(p) == K_FOR || peek_kind(p) == K_ASYNC) {
        Token *t = peek(p);
        unsupported(p, t->start, t->end, "comprehensions with more than one 'for' clause are");
    }
}

/* '(' ... ')': parenthesised expression, tuple or generator expression. */
static Ast *parse_paren(Parser *p) {
    Token open = next(p);
    if (peek_kind(p) == P_RPAREN) {
        Token close = next(p);
        return mk(p, AST_TUPLE, open.start, close.end);
    }
    if (peek_kind(p) == K_YIELD) {
        Token *t = peek(p);
        unsupported(p, t->start, t->end, "yield is");
    }
    Ast *first = parse_star_or_test(p);
    if (peek_kind(p) == K_FOR || peek_kind(p) == K_ASYNC) {
        Ast *c = mk(p, AST_LISTCOMP, open.start, 0);
        c->a = first;
        parse_comp_for(p, c);
        expect_close(p, P_RPAREN);
        c->end = p->last_end;
        return c;
    }
    if (peek_kind(p) == P_COMMA) {
        size_t m = mark(p);
        push(p, first);
        while (accept(p, P_COMMA)) {
            if (peek_kind(p) == P_RPAREN)
                break;
            push(p, parse_star_or_test(p));
        }
        expect_close(p, P_RPAREN);
        Ast *t = mk(p, AST_TUPLE, open.start, p->last_end);
        t->list = take(p, m);
        return t;
    }
    if (first->kind == AST_STARRED)
        syntax_error(p, first->start, first->end, "cannot use starred expression here");
    expect_close(p, P_RPAREN);
    return first;
}

static Ast *parse_list_display(Parser *p) {
    Token open = next(p);
    if (peek_kind(p) == P_RBRACKET) {
        Token close = next(p);
        return mk(p, AST_LIST, open.start, close.end);
    }
    Ast *first = parse_star_or_test(p);
    if (peek_kind(p) == K_FOR || peek_kind(p) == K_ASYNC) {
        Ast *c = mk(p, AST_LISTCOMP, open.start, 0);
        c->a = first;
        parse_comp_for(p, c);
        expect_close(p, P_RBRACKET);
        c->end = p->last_end;
        return c;
    }
    size_t m = mark(p);
    push(p, first);
    while (accept(p, P_COMMA)) {
        if (peek_kind(p) == P_RBRACKET)
            break;
        push(p, parse_star_or_test(p));
    }
    expect_close(p, P_RBRACKET);
    Ast *l = mk(p, AST_LIST, open.start, p->last_end);
    l->list = take(p, m);
    return l;
}

static void no_dict_unpack(Parser *p) {
    Token *t = peek(p);
    if (t->kind == P_DSTAR)
        unsupported(p, t->start, t->end, "dict unpacking (**) is");
}

static Ast *parse_brace(Parser *p) {
    Token open = next(p);
    if (peek_kind(p) == P_RBRACE) {
        Token close = next(p);
        return mk(p, AST_DICT, open.start, close.end);
    }
    no_dict_unpack(p);
    Ast *key = parse_star_or_test(p);
    if (peek_kind(p) != P_COLON) {
        if (peek_kind(p) == K_FOR)
            unsupported(p, open.start, open.end, "set comprehensions are");
        unsupported(p, open.start, open.end, "set literals are");
    }
    if (key->kind == AST_STARRED)
        syntax_error(p, key->start, key->end, "cannot use a starred expression in a dictionary key");
    next(p);
    Ast *value = parse_test(p);
    if (peek_kind(p) == K_FOR || peek_kind(p) == K_ASYNC) {
        Ast *c = mk(p, AST_DICTCOMP, open.start, 0);
        c->a = key;
        c->d = value;
        parse_comp_for(p, c);
        expect_close(p, P_RBRACE);
        c->end = p->last_end;
        return c;
    }
    size_t mk_ = mark(p);
    push(p, key);
    push(p, value);
    while (accept(p, P_COMMA)) {
        if (peek_kind(p) == P_RBRACE)
            break;
        no_dict_unpack(p);
        push(p, parse_test(p));
        expect(p, P_COLON, "expected ':'");
        push(p, parse_test(p));
    }
    expect_close(p, P_RBRACE);
    Ast *d = mk(p, AST_DICT, open.start, p->last_end);
    /* keys and values were pushed interleaved */
    int n = (int)(p->stack.len - mk_) / 2;
    d->list.n = d->list2.n = n;
    d->list.items = fe_alloc(&p->cx, (size_t)n * sizeof(Ast *));
    d->list2.items = fe_alloc(&p->cx, (size_t)n * sizeof(Ast *));
    for (int i = 0; i < n; i++) {
        d->list.items[i] = p->stack.data[mk_ + 2 * (size_t)i];
        d->list2.items[i] = p->stack.data[mk_ + 2 * (size_t)i + 1];
    }
    p->stack.len = mk_;
    return d;
}

static Ast *parse_number(Parser *p) {
    Token t = next(p);
    Ast *n;
    if (t.numkind == NUM_INT) {
        n = mk(p, AST_INT, t.start, t.end);
        if (t.too_big || t.uval > (uint64_t)INT64_MAX) {
            /* 2**63 is only valid as the operand of a unary minus */
            if (t.too_big || t.uval != (uint64_t)INT64_MAX + 1 || t.start != p->neg_lit_pos)
                syntax_error(p, t.start, t.end,
                             "integer literal too large: %.*s does not fit in a 64-bit signed integer",
                             (int)(t.end - t.start), p->cx.src->text + t.start);
            n->ival = INT64_MIN;
            p->pending_min = n;
        } else {
            n->ival = (int64_t)t.uval;
        }
    } else {
        n = mk(p, t.numkind == NUM_FLOAT ? AST_FLOAT : AST_IMAG, t.start, t.end);
        n->fval = t.fval;
    }
    n->text = tok_text(p, &t);
    return n;
}

static Ast *parse_atom(Parser *p) {
    Token *t = peek(p);
    switch (t->kind) {
    case T_NAME: {
        Token tk = next(p);
        Ast *n = mk(p, AST_IDENT, tk.start, tk.end);
        n->name = tok_text(p, &tk);
        return n;
    }
    case T_NUMBER:
        return parse_number(p);
    case T_STRING:
        return parse_strings(p);
    case P_LPAREN:
        return parse_paren(p);
    case P_LBRACKET:
        return parse_list_display(p);
    case P_LBRACE:
        return parse_brace(p);
    case P_ELLIPSIS: case K_NONE: case K_TRUE: case K_FALSE: {
        Token tk = next(p);
        AstKind k = tk.kind == P_ELLIPSIS ? AST_ELLIPSIS
                    : tk.kind == K_NONE   ? AST_NONE
                    : tk.kind == K_TRUE   ? AST_TRUE
                                          : AST_FALSE;
        return mk(p, k, tk.start, tk.end);
    }
    case K_LAMBDA:
        unsupported(p, t->start, t->end, "lambda expressions are");
    case K_YIELD:
        unsupported(p, t->start, t->end, "yield is");
    case K_AWAIT:
        unsupported(p, t->start, t->end, "await is");
    default:
        unexpected(p);
    }
}

/* '(' args ')' after the callee. */
static Ast *parse_call(Parser *p, Ast *fn, uint32_t start) {
    Token open = next(p);
    size_t m = mark(p);
    bool seen_kw = false;
    int npos = 0;
    while (peek_kind(p) != P_RPAREN) {
        Token *t = peek(p);
        if (t->kind == P_DSTAR)
            unsupported(p, t->start, t->end, "keyword argument unpacking (**) is");
        if (t->kind == T_NAME && peekn(p, 1)->kind == P_ASSIGN) {
            Token name = next(p);
            next(p);
            Ast *kw = mk(p, AST_KEYWORD, name.start, 0);
            kw->name = tok_text(p, &name);
            for (size_t i = m; i < p->stack.len; i++) {
                Ast *o = p->stack.data[i];
                if (o->kind == AST_KEYWORD && strcmp(o->name, kw->name) == 0)
                    syntax_error(p, name.start, name.end, "keyword argument repeated: %s", kw->name);
            }
            kw->a = parse_test(p);
            kw->end = p->last_end;
            push(p, kw);
            seen_kw = true;
        } else {
            uint32_t at = t->start;
            bool star = t->kind == P_STAR;
            Ast *a = parse_star_or_test(p);
            if (peek_kind(p) == K_FOR || peek_kind(p) == K_ASYNC) {
                Ast *c = mk(p, AST_LISTCOMP, open.start, 0);
                c->a = a;
                parse_comp_for(p, c);
                if (p->stack.len != m || peek_kind(p) != P_RPAREN)
                    syntax_error(p, a->start, p->last_end, "Generator expression must be parenthesized");
                a = c; /* its range is completed below with the ')' */
            }
            if (seen_kw && !star)
                syntax_error(p, at, p->last_end, "positional argument follows keyword argument");
            push(p, a);
            npos++;
        }
        if (!accept(p, P_COMMA))
            break;
    }
    expect_close(p, P_RPAREN);
    Ast *call = mk(p, AST_CALL, start, p->last_end);
    call->a = fn;
    AstList all = take(p, m);
    call->list.items = fe_alloc(&p->cx, (size_t)(npos ? npos : 1) * sizeof(Ast *));
    call->list2.items = fe_alloc(&p->cx, (size_t)(all.n - npos ? all.n - npos : 1) * sizeof(Ast *));
    for (int i = 0; i < all.n; i++) {
        Ast *a = all.items[i];
        if (a->kind == AST_KEYWORD) {
            call->list2.items[call->list2.n++] = a;
        } else {
            if (a->kind == AST_LISTCOMP && a->start == open.start)
                a->end = p->last_end;
            call->list.items[call->list.n++] = a;
        }
    }
    if (!call->list.n)
        call->list.items = NULL;
    if (!call->list2.n)
        call->list2.items = NULL;
    return call;
}

/* slice item: test | [test] ':' [test] [':' [test]] */
static Ast *parse_slice_item(Parser *p) {
    uint32_t start = peek(p)->start;
    Ast *lower = NULL;
    if (peek_kind(p) != P_COLON) {
        if (peek_kind(p) == P_STAR) {
            Token *t = peek(p);
            unsupported(p, t->start, t->end, "starred expressions in subscripts are");
        }
        lower = parse_test(p);
        if (peek_kind(p) != P_COLON)
            return lower;
    }
    next(p);
    Ast *s = mk(p, AST_SLICE, start, 0);
    s->a = lower;
    TokKind k = peek_kind(p);
    if (k != P_COLON && k != P_COMMA && k != P_RBRACKET)
        s->b = parse_test(p);
    if (accept(p, P_COLON)) {
        k = peek_kind(p);
        if (k != P_COMMA && k != P_RBRACKET)
            s->c = parse_test(p);
    }
    s->end = p->last_end;
    return s;
}

static Ast *parse_subscript(Parser *p, Ast *value, uint32_t start) {
    next(p); /* '[' */
    uint32_t inner = peek(p)->start;
    if (peek_kind(p) == P_RBRACKET)
        unexpected(p);
    size_t m = mark(p);
    push(p, parse_slice_item(p));
    bool comma = false;
    while (accept(p, P_COMMA)) {
        comma = true;
        if (peek_kind(p) == P_RBRACKET)
            break;
        push(p, parse_slice_item(p));
    }
    uint32_t inner_end = p->last_end;
    expect_close(p, P_RBRACKET);
    Ast *n = mk(p, AST_SUBSCRIPT, start, p->last_end);
    n->a = value;
    if (comma && p->stack.len - m == 1) {
        Ast *t = mk(p, AST_TUPLE, inner, inner_end);
        t->list = take(p, m);
        n->list = list1(p, t);
    } else {
        n->list = take(p, m);
    }
    return n;
}

/* primary: atom ('.' NAME | '(' args ')' | '[' subscripts ']')* */
static Ast *parse_primary(Parser *p) {
    uint32_t start = peek(p)->start;
    Ast *n = parse_atom(p);
    for (;;) {
        TokKind k = peek_kind(p);
        if (k == P_DOT) {
            next(p);
            Token name = expect(p, T_NAME, "invalid syntax (expected an attribute name)");
            Ast *a = mk(p, AST_ATTR, start, name.end);
            a->a = n;
            a->name = tok_text(p, &name);
            n = a;
        } else if (k == P_LPAREN) {
            n = parse_call(p, n, start);
        } else if (k == P_LBRACKET) {
            n = parse_subscript(p, n, start);
        } else {
            return n;
        }
    }
}

/* power: primary ['**' factor] */
static Ast *parse_power(Parser *p) {
    uint32_t start = peek(p)->start;
    if (peek_kind(p) == K_AWAIT) {
        Token *t = peek(p);
        unsupported(p, t->start, t->end, "await is");
    }
    Ast *base = parse_primary(p);
    if (peek_kind(p) != P_DSTAR)
        return base;
    Token op = next(p);
    enter(p, op.start);
    Ast *exp = parse_factor(p);
    leave(p);
    Ast *n = mk(p, AST_BINOP, start, p->last_end);
    n->op = OP_POW;
    n->a = base;
    n->b = exp;
    return n;
}

/* factor: ('+' | '-' | '~') factor | power */
static Ast *parse_factor(Parser *p) {
    TokKind k = peek_kind(p);
    if (k != P_PLUS && k != P_MINUS && k != P_TILDE)
        return parse_power(p);
    Token op = next(p);
    enter(p, op.start);
    Token *nt = peek(p);
    if (k == P_MINUS && nt->kind == T_NUMBER)
        p->neg_lit_pos = nt->start;
    Ast *v = parse_factor(p);
    leave(p);
    if (p->pending_min) {
        /* -9223372036854775808 is one literal (see the file comment); the
         * magnitude used any other way does not fit */
        Ast *lit = p->pending_min;
        p->pending_min = NULL;
        if (v != lit)
            syntax_error(p, lit->start, lit->end,
                         "integer literal too large: %s does not fit in a 64-bit signed integer",
                         lit->text);
        char *text = arena_sprintf(p->cx.arena, "-%s", v->text);
        if (!text)
            nomem(p);
        v->text = text;
        v->start = op.start;
        return v;
    }
    Ast *n = mk(p, AST_UNOP, op.start, p->last_end);
    n->op = k == P_PLUS ? OP_POS : k == P_MINUS ? OP_NEG : OP_INVERT;
    n->a = v;
    return n;
}

static AstOp binop_of(TokKind k, int *prec) {
    switch (k) {
    case P_PIPE: *prec = 1; return OP_BITOR;
    case P_CARET: *prec = 2; return OP_BITXOR;
    case P_AMP: *prec = 3; return OP_BITAND;
    case P_LSHIFT: *prec = 4; return OP_LSHIFT;
    case P_RSHIFT: *prec = 4; return OP_RSHIFT;
    case P_PLUS: *prec = 5; return OP_ADD;
    case P_MINUS: *prec = 5; return OP_SUB;
    case P_STAR: *prec = 6; return OP_MUL;
    case P_SLASH: *prec = 6; return OP_DIV;
    case P_DSLASH: *prec = 6; return OP_FLOORDIV;
    case P_PERCENT: *prec = 6; return OP_MOD;
    case P_AT: *prec = 6; return OP_MATMUL;
    default: return OP_NONE;
    }
}

/* Left-associative binary levels from `|` (1) to `* / // % @` (6). */
static Ast *parse_binary(Parser *p, int minprec) {
    uint32_t start = peek(p)->start;
    Ast *left = parse_factor(p);
    for (;;) {
        int prec;
        AstOp op = binop_of(peek_kind(p), &prec);
        if (op == OP_NONE || prec < minprec)
            return left;
        next(p);
        Ast *right = parse_binary(p, prec + 1);
        Ast *n = mk(p, AST_BINOP, start, p->last_end);
        n->op = op;
        n->a = left;
        n->b = right;
        left = n;
    }
}

/* The comparison operator at the current token (consuming `not in` /
 * `is not` as one), or OP_NONE. */
static AstOp comp_op(Parser *p, bool consume) {
    AstOp op;
    int len = 1;
    switch (peek_kind(p)) {
    case P_LT: op = OP_LT; break;
    case P_GT: op = OP_GT; break;
    case P_LE: op = OP_LE; break;
    case P_GE: op = OP_GE; break;
    case P_EQ: op = OP_EQ; break;
    case P_NE: op = OP_NE; break;
    case K_IN: op = OP_IN; break;
    case K_IS:
        op = OP_IS;
        if (peekn(p, 1)->kind == K_NOT)
            op = OP_ISNOT, len = 2;
        break;
    case K_NOT:
        if (peekn(p, 1)->kind != K_IN)
            return OP_NONE;
        op = OP_NOTIN, len = 2;
        break;
    default:
        return OP_NONE;
    }
    if (consume)
        while (len--)
            next(p);
    return op;
}

static Ast *parse_comparison(Parser *p) {
    uint32_t start = peek(p)->start;
    Ast *left = parse_binary(p, 1);
    if (comp_op(p, false) == OP_NONE)
        return left;
    /* operators and operands go on the scratch stack interleaved */
    size_t m = mark(p);
    AstOp op;
    while ((op = comp_op(p, true)) != OP_NONE) {
        push(p, (void *)(uintptr_t)op);
        push(p, parse_binary(p, 1));
    }
    Ast *c = mk(p, AST_COMPARE, start, p->last_end);
    int n = (int)(p->stack.len - m) / 2;
    c->a = left;
    c->nops = c->list.n = n;
    c->ops = fe_alloc(&p->cx, (size_t)n * sizeof(AstOp));
    c->list.items = fe_alloc(&p->cx, (size_t)n * sizeof(Ast *));
    for (int i = 0; i < n; i++) {
        c->ops[i] = (AstOp)(uintptr_t)p->stack.data[m + 2 * (size_t)i];
        c->list.items[i] = p->stack.data[m + 2 * (size_t)i + 1];
    }
    p->stack.len = m;
    return c;
}

static Ast *parse_not(Parser *p) {
    if (peek_kind(p) != K_NOT)
        return parse_comparison(p);
    Token op = next(p);
    enter(p, op.start);
    Ast *v = parse_not(p);
    leave(p);
    Ast *n = mk(p, AST_UNOP, op.start, p->last_end);
    n->op = OP_NOT;
    n->a = v;
    return n;
}

static Ast *parse_boolop(Parser *p, TokKind kw, AstOp op, Ast *(*sub)(Parser *)) {
    uint32_t start = peek(p)->start;
    Ast *first = sub(p);
    if (peek_kind(p) != kw)
        return first;
    size_t m = mark(p);
    push(p, first);
    while (accept(p, kw))
        push(p, sub(p));
    Ast *n = mk(p, AST_BOOLOP, start, p->last_end);
    n->op = op;
    n->list = take(p, m);
    return n;
}

static Ast *parse_and(Parser *p) { return parse_boolop(p, K_AND, OP_AND, parse_not); }
static Ast *parse_or(Parser *p) { return parse_boolop(p, K_OR, OP_OR, parse_and); }

/* test: or_test ['if' or_test 'else' test] */
static Ast *parse_test(Parser *p) {
    Token *t = peek(p);
    uint32_t start = t->start;
    if (t->kind == K_LAMBDA)
        unsupported(p, t->start, t->end, "lambda expressions are");
    if (t->kind == K_YIELD)
        unsupported(p, t->start, t->end, "yield is");
    enter(p, start);
    Ast *body = parse_or(p);
    if (peek_kind(p) == K_IF) {
        next(p);
        Ast *cond = parse_or(p);
        expect(p, K_ELSE, "expected 'else' after 'if' expression");
        Ast *orelse = parse_test(p);
        Ast *n = mk(p, AST_TERNARY, start, p->last_end);
        n->a = body;
        n->b = cond;
        n->c = orelse;
        body = n;
    }
    if (peek_kind(p) == P_WALRUS) {
        Token *w = peek(p);
        unsupported(p, w->start, w->end, "assignment expressions (:=) are");
    }
    leave(p);
    return body;
}

/* ====================================================== string literals */

static Ast *flush_literal(Parser *p, size_t bmark, uint32_t s, uint32_t e) {
    size_t n = p->bytes.len - bmark;
    char *str = fe_alloc(&p->cx, n + 1);
    memcpy(str, p->bytes.data + bmark, n);
    str[n] = 0;
    p->bytes.len = bmark;
    Ast *a = mk(p, AST_STRING, s, e);
    a->str = str;
    a->len = n;
    return a;
}

/* One replacement field of an f-string; s[i] is its '{'. Appends the
 * literal text that precedes it (for `{x=}`) to the byte scratch, flushes,
 * pushes the AST_FORMAT_FIELD and returns the index after the '}'. */
static size_t parse_format_field(Parser *p, const Token *tok, size_t i, size_t bmark) {
    const char *s = p->cx.src->text;
    size_t ce = tok->cend, j = i + 1;
    bool raw = tok->sflags & STR_RAW;
    int depth = 0;
    bool debug = false;
    char q = 0;
    bool q3 = false;
    while (j < ce) {
        char c = s[j];
        if (c == '\\')
            syntax_error(p, (uint32_t)j, (uint32_t)j + 1,
                         "f-string expression part cannot include a backslash");
        if (q) {
            if (c == q && (!q3 || (j + 2 < ce && s[j + 1] == q && s[j + 2] == q))) {
                j += q3 ? 3 : 1;
                q = 0;
                continue;
            }
            j++;
            continue;
        }
        if (c == '\'' || c == '"') {
            q = c;
            q3 = j + 2 < ce && s[j + 1] == c && s[j + 2] == c;
            j += q3 ? 3 : 1;
            continue;
        }
        if (c == '#')
            syntax_error(p, (uint32_t)j, (uint32_t)j + 1, "f-string expression part cannot include '#'");
        if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) {
                if (c == '}')
                    break;
                syntax_error(p, (uint32_t)j, (uint32_t)j + 1, "f-string: unmatched '%c'", c);
            }
            depth--;
        } else if (depth == 0) {
            if (c == '!' && !(j + 1 < ce && s[j + 1] == '='))
                break;
            if (c == ':')
                break;
            if (c == '=' && !(j + 1 < ce && s[j + 1] == '=') &&
                !(j > i + 1 && strchr("=!<>", s[j - 1]))) {
                debug = true;
                break;
            }
        }
        j++;
    }
    if (j >= ce || q)
        syntax_error(p, (uint32_t)i, (uint32_t)i + 1, "f-string: expecting '}'");
    size_t k = i + 1;
    while (k < j && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
        k++;
    if (k == j)
        syntax_error(p, (uint32_t)i, (uint32_t)j + 1, "f-string: empty expression not allowed");

    /* parse the expression with a lexer over its own bytes */
    Lexer sub, *saved_lx = p->lx;
    Token saved_la[3];
    int saved_nla = p->nla;
    uint32_t saved_end = p->last_end;
    memcpy(saved_la, p->la, sizeof saved_la);
    lex_init(&sub, &p->cx, i + 1, j, true);
    p->lx = &sub;
    p->nla = 0;
    Ast *expr = parse_values(p);
    if (peek_kind(p) != T_EOF)
        unexpected(p);
    p->lx = saved_lx;
    p->nla = saved_nla;
    memcpy(p->la, saved_la, sizeof saved_la);
    p->last_end = saved_end;

    if (debug) {
        j++;
        while (j < ce && (s[j] == ' ' || s[j] == '\t'))
            j++;
        push_bytes(p, s + i + 1, j - (i + 1));
    }
    if (p->bytes.len > bmark)
        push(p, flush_literal(p, bmark, tok->start, tok->end));
    int conv = 0;
    if (j < ce && s[j] == '!') {
        if (j + 1 >= ce || !strchr("rsa", s[j + 1]) || !s[j + 1])
            syntax_error(p, (uint32_t)j, (uint32_t)j + 2,
                         "f-string: invalid conversion character: expected 's', 'r', or 'a'");
        conv = s[j + 1];
        j += 2;
    }
    const char *spec = "";
    size_t speclen = 0;
    if (j < ce && s[j] == ':') {
        j++;
        char *out = fe_alloc(&p->cx, ce - j + 1);
        while (j < ce && s[j] != '}') {
            if (s[j] == '{')
                syntax_error(p, (uint32_t)j, (uint32_t)j + 1,
                             "f-string: nested replacement fields in format specs are not supported");
            if (s[j] == '\\' && !raw) {
                speclen += lex_decode_escape(&p->cx, s, &j, ce, out + speclen);
            } else if ((unsigned char)s[j] >= 0x80) {
                size_t n = lex_copy_utf8(&p->cx, s, j, ce, out + speclen);
                speclen += n;
                j += n;
            } else {
                out[speclen++] = s[j++];
            }
        }
        out[speclen] = 0;
        spec = out;
    } else if (debug && !conv) {
        conv = 'r';
    }
    if (j >= ce || s[j] != '}')
        syntax_error(p, (uint32_t)i, (uint32_t)(j < ce ? j + 1 : ce), "f-string: expecting '}'");
    Ast *f = mk(p, AST_FORMAT_FIELD, (uint32_t)i, (uint32_t)j + 1);
    f->a = expr;
    f->str = spec;
    f->len = speclen;
    f->op = (AstOp)conv;
    push(p, f);
    return j + 1;
}

/* The literal text and fields of one f-string token. */
static void parse_fstring(Parser *p, const Token *t, size_t bmark) {
    const char *s = p->cx.src->text;
    bool raw = t->sflags & STR_RAW;
    size_t i = t->cstart, ce = t->cend;
    char tmp[4];
    while (i < ce) {
        char c = s[i];
        if (c == '{') {
            if (i + 1 < ce && s[i + 1] == '{') {
                push_bytes(p, "{", 1);
                i += 2;
                continue;
            }
            i = parse_format_field(p, t, i, bmark);
        } else if (c == '}') {
            if (i + 1 < ce && s[i + 1] == '}') {
                push_bytes(p, "}", 1);
                i += 2;
                continue;
            }
            syntax_error(p, (uint32_t)i, (uint32_t)i + 1, "f-string: single '}' is not allowed");
        } else if (c == '\\' && !raw) {
            push_bytes(p, tmp, lex_decode_escape(&p->cx, s, &i, ce, tmp));
        } else if (c == '\r') {
            push_bytes(p, "\n", 1);
            i += (i + 1 < ce && s[i + 1] == '\n') ? 2 : 1;
        } else if ((unsigned char)c >= 0x80) {
            size_t n = lex_copy_utf8(&p->cx, s, i, ce, tmp);
            push_bytes(p, tmp, n);
            i += n;
        } else {
            push_bytes(p, s + i, 1);
            i++;
        }
    }
}

/* STRING+: adjacent literals concatenated; f-strings make an AST_FSTRING. */
static Ast *parse_strings(Parser *p) {
    uint32_t start = peek(p)->start;
    size_t m = mark(p), bmark = p->bytes.len;
    bool fstring = false;
    while (peek_kind(p) == T_STRING) {
        Token t = next(p);
        if (t.sflags & STR_FSTRING) {
            fstring = true;
            parse_fstring(p, &t, bmark);
        } else {
            push_bytes(p, t.str, t.len);
        }
    }
    if (!fstring)
        return flush_literal(p, bmark, start, p->last_end);
    if (p->bytes.len > bmark)
        push(p, flush_literal(p, bmark, start, p->last_end));
    Ast *f = mk(p, AST_FSTRING, start, p->last_end);
    f->list = take(p, m);
    return f;
}

/* ========================================================= statements */

static void parse_statement(Parser *p, bool in_class);
static void parse_simple(Parser *p);

/* What `expected an indented block after ...` names. */
typedef struct BlockCtx {
    const char *what;
    uint32_t at;
} BlockCtx;

/* ':' block — or, with colon_done, just the block. */
static AstList parse_block(Parser *p, BlockCtx ctx, bool in_class, bool colon_done) {
    if (!colon_done)
        expect(p, P_COLON, "expected ':'");
    enter(p, ctx.at);
    size_t m = mark(p);
    if (accept(p, T_NEWLINE)) {
        Token *t = peek(p);
        if (t->kind != T_INDENT)
            syntax_error(p, err_start(p, t), err_end(p, t),
                         "expected an indented block after %s on line %d",
                         ctx.what, line_of(p, ctx.at));
        next(p);
        while (peek_kind(p) != T_DEDENT && peek_kind(p) != T_EOF)
            parse_statement(p, in_class);
        accept(p, T_DEDENT);
    } else {
        parse_simple(p); /* simple statements on the same line */
    }
    leave(p);
    return take(p, m);
}

static void no_loop_else(Parser *p, const char *what) {
    Token *t = peek(p);
    if (t->kind == K_ELSE)
        syntax_error(p, t->start, t->end, "else branches of %s loops are not supported in TorchScript",
                     what);
}

static Ast *parse_if(Parser *p) {
    Token kw = next(p);
    Ast *root = mk(p, AST_IF, kw.start, 0);
    root->a = parse_test(p);
    root->list = parse_block(p, (BlockCtx){"'if' statement", kw.start}, false, false);
    /* elif chains are built iteratively: each elif nests in list2 */
    Ast *cur = root;
    size_t m = mark(p);
    while (peek_kind(p) == K_ELIF) {
        Token e = next(p);
        Ast *n = mk(p, AST_IF, e.start, 0);
        n->a = parse_test(p);
        n->list = parse_block(p, (BlockCtx){"'elif' statement", e.start}, false, false);
        cur->list2 = list1(p, n);
        push(p, n);
        cur = n;
    }
    if (peek_kind(p) == K_ELSE) {
        Token e = next(p);
        cur->list2 = parse_block(p, (BlockCtx){"'else' statement", e.start}, false, false);
    }
    root->end = p->last_end;
    for (size_t i = m; i < p->stack.len; i++)
        ((Ast *)p->stack.data[i])->end = p->last_end;
    p->stack.len = m;
    return root;
}

static Ast *parse_while(Parser *p) {
    Token kw = next(p);
    Ast *n = mk(p, AST_WHILE, kw.start, 0);
    n->a = parse_test(p);
    n->list = parse_block(p, (BlockCtx){"'while' statement", kw.start}, false, false);
    no_loop_else(p, "while");
    n->end = p->last_end;
    return n;
}

static Ast *parse_for(Parser *p) {
    Token kw = next(p);
    Ast *n = mk(p, AST_FOR, kw.start, 0);
    bool bare;
    Ast *targets = parse_comma_list(p, parse_star_or_bitor, &bare);
    check_target(p, targets, TGT_FOR, false);
    /* `for a, b in` keeps its targets as a list; see the file comment */
    n->list2 = bare && targets->list.n >= 2 ? targets->list : list1(p, targets);
    expect(p, K_IN, "invalid syntax (expected 'in')");
    n->a = parse_values(p);
    n->list = parse_block(p, (BlockCtx){"'for' statement", kw.start}, false, false);
    no_loop_else(p, "for");
    n->end = p->last_end;
    return n;
}

static Ast *parse_with(Parser *p) {
    Token kw = next(p);
    Ast *n = mk(p, AST_WITH, kw.start, 0);
    size_t m = mark(p);
    do {
        uint32_t s = peek(p)->start;
        Ast *item = mk(p, AST_WITH_ITEM, s, 0);
        item->a = parse_test(p);
        if (accept(p, K_AS)) {
            item->b = parse_star_or_bitor(p);
            check_target(p, item->b, TGT_ASSIGN, false);
        }
        item->end = p->last_end;
        push(p, item);
    } while (accept(p, P_COMMA));
    n->list3 = take(p, m);
    n->list = parse_block(p, (BlockCtx){"'with' statement", kw.start}, false, false);
    n->end = p->last_end;
    return n;
}

/* A `# type: (A, B) -> R` comment between the def's ':' and its body. */
static void apply_type_comment(Parser *p, Ast *def, bool in_class, uint32_t from, uint32_t to) {
    const char *s = p->cx.src->text;
    size_t i = from;
    while (i < to && s[i] != '#')
        i++;
    if (i >= to)
        return;
    size_t c = i + 1, eol = c;
    while (eol < p->cx.src->len && s[eol] != '\n' && s[eol] != '\r')
        eol++;
    while (c < eol && (s[c] == ' ' || s[c] == '\t'))
        c++;
    if (eol - c < 5 || memcmp(s + c, "type:", 5) != 0)
        return;
    c += 5;
    while (c < eol && (s[c] == ' ' || s[c] == '\t'))
        c++;
    if (eol - c >= 6 && memcmp(s + c, "ignore", 6) == 0)
        return;

    Lexer sub, *saved_lx = p->lx;
    Token saved_la[3];
    int saved_nla = p->nla;
    uint32_t saved_end = p->last_end;
    memcpy(saved_la, p->la, sizeof saved_la);
    lex_init(&sub, &p->cx, c, eol, true);
    p->lx = &sub;
    p->nla = 0;
    expect(p, P_LPAREN, "invalid type comment (expected '(')");
    size_t m = mark(p);
    while (peek_kind(p) != P_RPAREN) {
        if (!accept(p, P_STAR))
            accept(p, P_DSTAR);
        push(p, parse_test(p));
        if (!accept(p, P_COMMA))
            break;
    }
    expect(p, P_RPAREN, "invalid type comment (expected ')')");
    expect(p, P_ARROW, "invalid type comment (expected '->')");
    Ast *ret = parse_test(p);
    if (peek_kind(p) != T_EOF)
        unexpected(p);
    AstList types = take(p, m);
    p->lx = saved_lx;
    p->nla = saved_nla;
    memcpy(p->la, saved_la, sizeof saved_la);
    p->last_end = saved_end;

    int skip = 0;
    if (types.n != def->nparams) {
        if (in_class && types.n == def->nparams - 1)
            skip = 1;
        else
            syntax_error(p, (uint32_t)i, (uint32_t)eol,
                         "number of type annotations (%d) does not match the number of %s "
                         "parameters (%d)",
                         types.n, in_class ? "method" : "function", def->nparams - in_class);
    }
    for (int k = 0; k < types.n; k++)
        if (!def->params[k + skip].annotation)
            def->params[k + skip].annotation = types.items[k];
    if (!def->a)
        def->a = ret;
}

static void parse_params(Parser *p, Ast *def) {
    expect(p, P_LPAREN, "expected '('");
    size_t m = mark(p);
    bool kwonly = false, seen_default = false;
    while (peek_kind(p) != P_RPAREN) {
        Token *t = peek(p);
        if (t->kind == P_DSTAR)
            unsupported(p, t->start, t->end, "variadic keyword parameters (**kwargs) are");
        if (t->kind == P_SLASH)
            unsupported(p, t->start, t->end, "positional-only parameters are");
        bool vararg = false;
        if (t->kind == P_STAR) {
            if (kwonly)
                syntax_error(p, t->start, t->end, "* argument may appear only once");
            Token st = next(p);
            kwonly = true;
            if (peek_kind(p) == P_COMMA || peek_kind(p) == P_RPAREN) {
                TokKind after = peek_kind(p) == P_COMMA ? peekn(p, 1)->kind : P_RPAREN;
                if (after == P_RPAREN || after == P_DSTAR)
                    syntax_error(p, st.start, st.end, "named arguments must follow bare *");
                next(p);
                continue;
            }
            vararg = true;
        }
        Token name = expect(p, T_NAME, NULL);
        AstParam *prm = fe_alloc(&p->cx, sizeof(AstParam));
        prm->name = tok_text(p, &name);
        prm->start = name.start;
        prm->kwonly = kwonly && !vararg;
        prm->vararg = vararg;
        if (accept(p, P_COLON))
            prm->annotation = parse_test(p);
        prm->end = p->last_end;
        if (peek_kind(p) == P_ASSIGN) {
            if (vararg)
                unexpected(p);
            next(p);
            prm->default_value = parse_test(p);
            if (!kwonly)
                seen_default = true;
        } else if (seen_default && !kwonly && !vararg) {
            syntax_error(p, name.start, name.end, "non-default argument follows default argument");
        }
        for (size_t i = m; i < p->stack.len; i++)
            if (strcmp(((AstParam *)p->stack.data[i])->name, prm->name) == 0)
                syntax_error(p, name.start, name.end,
                             "duplicate argument '%s' in function definition", prm->name);
        push(p, prm);
        if (!accept(p, P_COMMA))
            break;
    }
    expect_close(p, P_RPAREN);
    def->nparams = (int)(p->stack.len - m);
    if (def->nparams) {
        def->params = fe_alloc(&p->cx, (size_t)def->nparams * sizeof(AstParam));
        for (int i = 0; i < def->nparams; i++)
            def->params[i] = *(AstParam *)p->stack.data[m + (size_t)i];
    }
    p->stack.len = m;
}

static Ast *parse_def(Parser *p, AstList decorators, bool in_class) {
    Token kw = next(p);
    Ast *n = mk(p, AST_DEF, kw.start, 0);
    n->list2 = decorators;
    Token name = expect(p, T_NAME, NULL);
    n->name = tok_text(p, &name);
    parse_params(p, n);
    if (accept(p, P_ARROW))
        n->a = parse_test(p);
    Token colon = expect(p, P_COLON, "expected ':'");
    /* the type comment sits after the ':' or alone on the next line */
    uint32_t body_at = peek(p)->kind == T_NEWLINE ? peekn(p, 1)->start : peek(p)->start;
    apply_type_comment(p, n, in_class, colon.end, body_at);
    n->list = parse_block(p, (BlockCtx){"function definition", kw.start}, false, true);
    n->end = p->last_end;
    return n;
}

static Ast *parse_class(Parser *p, AstList decorators) {
    Token kw = next(p);
    Ast *n = mk(p, AST_CLASS, kw.start, 0);
    n->list3 = decorators;
    Token name = expect(p, T_NAME, NULL);
    n->name = tok_text(p, &name);
    if (accept(p, P_LPAREN)) {
        size_t m = mark(p);
        while (peek_kind(p) != P_RPAREN) {
            Token *t = peek(p);
            if ((t->kind == T_NAME && peekn(p, 1)->kind == P_ASSIGN) || t->kind == P_DSTAR)
                unsupported(p, t->start, t->end, "class keyword arguments are");
            push(p, parse_star_or_test(p));
            if (!accept(p, P_COMMA))
                break;
        }
        expect_close(p, P_RPAREN);
        n->list2 = take(p, m);
    }
    n->list = parse_block(p, (BlockCtx){"class definition", kw.start}, true, false);
    n->end = p->last_end;
    return n;
}

static void parse_decorated(Parser *p, bool in_class) {
    size_t m = mark(p);
    while (accept(p, P_AT)) {
        push(p, parse_test(p));
        expect(p, T_NEWLINE, NULL);
    }
    AstList decos = take(p, m);
    Token *t = peek(p);
    if (t->kind == K_DEF)
        push(p, parse_def(p, decos, in_class));
    else if (t->kind == K_CLASS)
        push(p, parse_class(p, decos));
    else if (t->kind == K_ASYNC)
        unsupported(p, t->start, t->end, "async functions are");
    else
        unexpected(p);
}

/* dotted_name: NAME ('.' NAME)* */
static void parse_dotted(Parser *p) {
    expect(p, T_NAME, NULL);
    while (accept(p, P_DOT))
        expect(p, T_NAME, NULL);
}

static Ast *parse_import(Parser *p) {
    Token kw = next(p);
    Ast *n = mk(p, AST_IMPORT, kw.start, 0);
    if (kw.kind == K_IMPORT) {
        do {
            parse_dotted(p);
            if (accept(p, K_AS))
                expect(p, T_NAME, NULL);
        } while (accept(p, P_COMMA));
    } else {
        bool dots = false;
        while (accept(p, P_DOT) || accept(p, P_ELLIPSIS))
            dots = true;
        if (!dots || peek_kind(p) == T_NAME)
            parse_dotted(p);
        expect(p, K_IMPORT, "invalid syntax (expected 'import')");
        if (!accept(p, P_STAR)) {
            bool paren = accept(p, P_LPAREN);
            do {
                if (paren && peek_kind(p) == P_RPAREN)
                    break;
                expect(p, T_NAME, NULL);
                if (accept(p, K_AS))
                    expect(p, T_NAME, NULL);
            } while (accept(p, P_COMMA));
            if (paren)
                expect_close(p, P_RPAREN);
        }
    }
    n->end = p->last_end;
    return n;
}

static AstOp augop_of(TokKind k) {
    switch (k) {
    case P_PLUS_EQ: return OP_ADD;
    case P_MINUS_EQ: return OP_SUB;
    case P_STAR_EQ: return OP_MUL;
    case P_SLASH_EQ: return OP_DIV;
    case P_DSLASH_EQ: return OP_FLOORDIV;
    case P_PERCENT_EQ: return OP_MOD;
    case P_DSTAR_EQ: return OP_POW;
    case P_AT_EQ: return OP_MATMUL;
    case P_LSHIFT_EQ: return OP_LSHIFT;
    case P_RSHIFT_EQ: return OP_RSHIFT;
    case P_AMP_EQ: return OP_BITAND;
    case P_PIPE_EQ: return OP_BITOR;
    case P_CARET_EQ: return OP_BITXOR;
    default: return OP_NONE;
    }
}

/* A value list where a lone `*x` means nothing (`= *x`, `return *x`). */
static Ast *parse_values(Parser *p) {
    Ast *v = parse_exprlist(p);
    if (v->kind == AST_STARRED)
        syntax_error(p, v->start, v->end, "can't use starred expression here");
    return v;
}

static Ast *parse_rhs(Parser *p) {
    Token *t = peek(p);
    if (t->kind == K_YIELD)
        unsupported(p, t->start, t->end, "yield is");
    return parse_values(p);
}

/* Expression statements, assignments, annotated and augmented ones. */
static Ast *parse_expr_stmt(Parser *p) {
    uint32_t start = peek(p)->start;
    Ast *first = parse_exprlist(p);
    TokKind k = peek_kind(p);
    if (k == P_COLON) {
        if (first->kind == AST_TUPLE)
            syntax_error(p, first->start, first->end, "only single target (not tuple) can be annotated");
        if (first->kind == AST_LIST)
            syntax_error(p, first->start, first->end, "only single target (not list) can be annotated");
        if (first->kind != AST_IDENT && first->kind != AST_ATTR && first->kind != AST_SUBSCRIPT)
            syntax_error(p, first->start, first->end, "illegal target for annotation");
        next(p);
        Ast *ann = parse_test(p);
        if (accept(p, P_ASSIGN)) {
            Ast *n = mk(p, AST_ASSIGN, start, 0);
            n->list = list1(p, first);
            n->a = parse_rhs(p);
            n->b = ann;
            n->end = p->last_end;
            return n;
        }
        if (first->kind != AST_IDENT)
            syntax_error(p, first->start, first->end,
                         "an annotation without a value must name a variable");
        Ast *n = mk(p, AST_DECL, start, p->last_end);
        n->name = first->name;
        n->b = ann;
        return n;
    }
    AstOp aug = augop_of(k);
    if (aug != OP_NONE) {
        if (first->kind != AST_IDENT && first->kind != AST_ATTR && first->kind != AST_SUBSCRIPT)
            syntax_error(p, first->start, first->end,
                         "'%s' is an illegal expression for augmented assignment",
                         first->kind == AST_TUPLE ? "tuple"
                         : first->kind == AST_LIST ? "list"
                                                   : expr_desc(first));
        next(p);
        Ast *n = mk(p, AST_AUGASSIGN, start, 0);
        n->op = aug;
        n->list = list1(p, first);
        n->a = parse_rhs(p);
        n->end = p->last_end;
        return n;
    }
    if (k == P_ASSIGN) {
        size_t m = mark(p);
        check_target(p, first, TGT_ASSIGN, false);
        push(p, first);
        Ast *value = NULL;
        while (accept(p, P_ASSIGN)) {
            value = parse_rhs(p);
            if (peek_kind(p) == P_ASSIGN) {
                check_target(p, value, TGT_ASSIGN, false);
                push(p, value);
            }
        }
        Ast *n = mk(p, AST_ASSIGN, start, p->last_end);
        n->list = take(p, m);
        n->a = value;
        return n;
    }
    if (first->kind == AST_STARRED)
        syntax_error(p, first->start, first->end, "can't use starred expression here");
    Ast *n = mk(p, AST_EXPR_STMT, start, p->last_end);
    n->a = first;
    return n;
}

static Ast *parse_small_stmt(Parser *p) {
    Token *t = peek(p);
    uint32_t start = t->start;
    switch (t->kind) {
    case K_PASS: case K_BREAK: case K_CONTINUE: {
        Token k = next(p);
        return mk(p, k.kind == K_PASS ? AST_PASS : k.kind == K_BREAK ? AST_BREAK : AST_CONTINUE,
                  k.start, k.end);
    }
    case K_RETURN: {
        next(p);
        Ast *n = mk(p, AST_RETURN, start, 0);
        if (starts_expr(peek_kind(p)))
            n->a = parse_rhs(p);
        n->end = p->last_end;
        return n;
    }
    case K_RAISE: {
        next(p);
        Ast *n = mk(p, AST_RAISE, start, 0);
        if (starts_expr(peek_kind(p))) {
            n->a = parse_test(p);
            if (peek_kind(p) == K_FROM) {
                Token *f = peek(p);
                unsupported(p, f->start, f->end, "raise ... from ... is");
            }
        }
        n->end = p->last_end;
        return n;
    }
    case K_ASSERT: {
        next(p);
        Ast *n = mk(p, AST_ASSERT, start, 0);
        n->a = parse_test(p);
        if (accept(p, P_COMMA))
            n->b = parse_test(p);
        n->end = p->last_end;
        return n;
    }
    case K_DEL: {
        next(p);
        Ast *n = mk(p, AST_DEL, start, 0);
        size_t m = mark(p);
        do {
            if (!starts_expr(peek_kind(p)) && mark(p) > m)
                break;
            Ast *e = parse_binary(p, 1);
            check_target(p, e, TGT_DEL, false);
            push(p, e);
        } while (accept(p, P_COMMA));
        n->list = take(p, m);
        n->end = p->last_end;
        return n;
    }
    case K_IMPORT: case K_FROM:
        return parse_import(p);
    case K_GLOBAL:
        unsupported(p, t->start, t->end, "global statements are");
    case K_NONLOCAL:
        unsupported(p, t->start, t->end, "nonlocal statements are");
    case K_YIELD:
        unsupported(p, t->start, t->end, "yield is");
    default:
        return parse_expr_stmt(p);
    }
}

/* simple_stmt: small_stmt (';' small_stmt)* [';'] NEWLINE */
static void parse_simple(Parser *p) {
    for (;;) {
        push(p, parse_small_stmt(p));
        if (!accept(p, P_SEMI))
            break;
        if (peek_kind(p) == T_NEWLINE || peek_kind(p) == T_EOF)
            break;
    }
    if (peek_kind(p) == T_EOF)
        return;
    if (peek_kind(p) != T_NEWLINE)
        unexpected(p);
    next(p);
}

/* Pushes the statement(s) of one line or compound statement. */
static void parse_statement(Parser *p, bool in_class) {
    Token *t = peek(p);
    switch (t->kind) {
    case T_INDENT:
        syntax_error(p, t->start, t->end, "unexpected indent");
    case K_DEF:
        push(p, parse_def(p, (AstList){NULL, 0}, in_class));
        return;
    case K_CLASS:
        push(p, parse_class(p, (AstList){NULL, 0}));
        return;
    case P_AT:
        parse_decorated(p, in_class);
        return;
    case K_IF:
        push(p, parse_if(p));
        return;
    case K_WHILE:
        push(p, parse_while(p));
        return;
    case K_FOR:
        push(p, parse_for(p));
        return;
    case K_WITH:
        push(p, parse_with(p));
        return;
    case K_TRY:
        unsupported(p, t->start, t->end, "try statements are");
    case K_ASYNC:
        unsupported(p, t->start, t->end, "async is");
    default:
        parse_simple(p);
    }
}

/* ============================================================ checks */

typedef struct DepthItem {
    const Ast *n;
    int depth;
} DepthItem;

/* Calls fn on every child of n. */
static void for_each_child(const Ast *n, void (*fn)(void *, const Ast *), void *ctx) {
    const Ast *kids[4] = {n->a, n->b, n->c, n->d};
    for (int i = 0; i < 4; i++)
        if (kids[i])
            fn(ctx, kids[i]);
    const AstList *lists[3] = {&n->list, &n->list2, &n->list3};
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < lists[l]->n; i++)
            if (lists[l]->items[i])
                fn(ctx, lists[l]->items[i]);
    for (int i = 0; i < n->nparams; i++) {
        if (n->params[i].annotation)
            fn(ctx, n->params[i].annotation);
        if (n->params[i].default_value)
            fn(ctx, n->params[i].default_value);
    }
}

typedef struct DepthWalk {
    VEC(DepthItem) stack;
    int depth;
    bool oom;
} DepthWalk;

static void depth_push(void *ctx, const Ast *n) {
    DepthWalk *w = ctx;
    DepthItem it = {n, w->depth + 1};
    if (!vec_push(&w->stack, it))
        w->oom = true;
}

/* Bound the tree depth without recursion (see FE_MAX_AST_DEPTH). */
static void check_depth(Parser *p, const AstList *body) {
    DepthWalk w = {{0}, 0, false};
    for (int i = 0; i < body->n; i++)
        depth_push(&w, body->items[i]);
    while (w.stack.len && !w.oom) {
        DepthItem it = w.stack.data[--w.stack.len];
        if (it.depth > FE_MAX_AST_DEPTH) {
            vec_free(&w.stack);
            fe_error(&p->cx, TSI_ERR_LIMIT, it.n->start, it.n->end,
                     "expression or statement nested too deeply (limit %d)", FE_MAX_AST_DEPTH);
        }
        w.depth = it.depth;
        for_each_child(it.n, depth_push, &w);
    }
    bool oom = w.oom;
    vec_free(&w.stack);
    if (oom)
        nomem(p);
}

/* ======================================================== entry points */

static int run(const char *text, size_t len, const char *filename, int starting_line,
               bool expr_only, AstModule **out, Ast **expr, Err *err) {
    *out = NULL;
    if (expr)
        *expr = NULL;
    if (len >= UINT32_MAX - 1)
        return err_set(err, TSI_ERR_LIMIT, "%s: source too large (%zu bytes)",
                       filename ? filename : "<string>", len);
    AstModule *m = xcalloc(1, sizeof *m);
    Parser *r = xcalloc(1, sizeof *r);
    if (!m || !r) {
        free(m);
        free(r);
        return err_nomem(err);
    }
    arena_init(&m->arena);
    m->source = source_new(text ? text : "", len, filename, starting_line);
    if (!m->source) {
        fe_ast_free(m);
        free(r);
        return err_nomem(err);
    }
    Parser *p = r;
    p->cx.src = m->source;
    p->cx.arena = &m->arena;
    p->cx.err = err;
    p->neg_lit_pos = UINT32_MAX;
    if (setjmp(p->cx.jb)) {
        int code = p->cx.code;
        vec_free(&p->stack);
        vec_free(&p->bytes);
        free(r);
        fe_ast_free(m);
        return code;
    }
    lex_check_text(&p->cx, 0, len);
    p->lx = &p->lexer;
    lex_init(p->lx, &p->cx, 0, len, expr_only);
    size_t mk0 = mark(p);
    if (expr_only) {
        Token *t = peek(p);
        if (t->kind == T_EOF)
            syntax_error(p, t->start, t->end, "expected an expression");
        uint32_t start = t->start;
        Ast *e = parse_exprlist(p);
        if (peek_kind(p) != T_EOF)
            unexpected(p);
        Ast *s = mk(p, AST_EXPR_STMT, start, p->last_end);
        s->a = e;
        push(p, s);
        if (expr)
            *expr = e;
    } else {
        while (peek_kind(p) != T_EOF) {
            if (accept(p, T_NEWLINE))
                continue;
            parse_statement(p, false);
        }
    }
    m->body = take(p, mk0);
    check_depth(p, &m->body);
    vec_free(&p->stack);
    vec_free(&p->bytes);
    free(r);
    *out = m;
    return TSI_OK;
}

int fe_parse(const char *text, size_t len, const char *filename, int starting_line,
             AstModule **out, Err *err) {
    return run(text, len, filename, starting_line, false, out, NULL, err);
}

int fe_parse_expr(const char *text, size_t len, const char *filename, int starting_line,
                  AstModule **out, Ast **expr, Err *err) {
    return run(text, len, filename, starting_line, true, out, expr, err);
}

void fe_ast_free(AstModule *m) {
    if (!m)
        return;
    arena_free(&m->arena);
    source_release(m->source);
    free(m);
}

/* ================================================================ dump */

static const char *const kind_names[] = {
    "ident", "int", "float", "imag", "str", "fstring", "field", "true", "false", "none",
    "ellipsis", "attr", "call", "keyword", "subscript", "slice", "binop", "unop", "boolop",
    "compare", "ternary", "list", "tuple", "dict", "listcomp", "dictcomp", "starred",
    "expr", "assign", "augassign", "decl", "return", "raise", "assert", "pass", "break",
    "continue", "del", "if", "while", "for", "with", "item", "def", "class", "import",
    "global",
};
_Static_assert(TSI_ARRAY_LEN(kind_names) == AST_KIND_COUNT, "kind names");

static const char *const op_names[][2] = {
    {"none", "?"},      {"add", "+"},    {"sub", "-"},      {"mul", "*"},
    {"div", "/"},       {"floordiv", "//"}, {"mod", "%"},   {"pow", "**"},
    {"matmul", "@"},    {"lshift", "<<"}, {"rshift", ">>"}, {"bitand", "&"},
    {"bitor", "|"},     {"bitxor", "^"}, {"and", "and"},    {"or", "or"},
    {"not", "not"},     {"neg", "-"},    {"pos", "+"},      {"invert", "~"},
    {"eq", "=="},       {"ne", "!="},    {"lt", "<"},       {"le", "<="},
    {"gt", ">"},        {"ge", ">="},    {"is", "is"},      {"isnot", "is not"},
    {"in", "in"},       {"notin", "not in"},
};
_Static_assert(TSI_ARRAY_LEN(op_names) == OP_COUNT, "op names");

const char *fe_ast_kind_name(AstKind k) {
    return (unsigned)k < AST_KIND_COUNT ? kind_names[k] : "?";
}
const char *fe_op_name(AstOp op) { return (unsigned)op < OP_COUNT ? op_names[op][0] : "?"; }
const char *fe_op_symbol(AstOp op) { return (unsigned)op < OP_COUNT ? op_names[op][1] : "?"; }

static void dump_str(StrBuf *sb, const char *s, size_t n) {
    sb_putc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            sb_putc(sb, (char)c);
        else
            sb_printf(sb, "\\x%02x", c);
    }
    sb_putc(sb, '"');
}

static void dump_opt(StrBuf *sb, const Ast *n, bool ranges) {
    sb_putc(sb, ' ');
    if (n)
        fe_ast_dump(sb, n, ranges);
    else
        sb_putc(sb, '_');
}

static void dump_list(StrBuf *sb, const char *head, const AstList *l, bool ranges) {
    sb_printf(sb, " (%s", head);
    for (int i = 0; i < l->n; i++)
        dump_opt(sb, l->items[i], ranges);
    sb_putc(sb, ')');
}

static void dump_items(StrBuf *sb, const AstList *l, bool ranges) {
    for (int i = 0; i < l->n; i++)
        dump_opt(sb, l->items[i], ranges);
}

static void dump_double(StrBuf *sb, double d) { sb_printf(sb, " %.17g", d); }

void fe_ast_dump(StrBuf *sb, const Ast *n, bool ranges) {
    sb_printf(sb, "(%s", fe_ast_kind_name(n->kind));
    if (ranges)
        sb_printf(sb, "@%u:%u", n->start, n->end);
    switch (n->kind) {
    case AST_IDENT: sb_printf(sb, " %s", n->name); break;
    case AST_INT: sb_printf(sb, " %lld", (long long)n->ival); break;
    case AST_FLOAT: case AST_IMAG: dump_double(sb, n->fval); break;
    case AST_STRING: sb_putc(sb, ' '); dump_str(sb, n->str, n->len); break;
    case AST_FSTRING: dump_items(sb, &n->list, ranges); break;
    case AST_FORMAT_FIELD:
        dump_opt(sb, n->a, ranges);
        sb_putc(sb, ' ');
        dump_str(sb, n->str, n->len);
        if (n->op)
            sb_printf(sb, " %c", (char)n->op);
        else
            sb_puts(sb, " _");
        break;
    case AST_TRUE: case AST_FALSE: case AST_NONE: case AST_ELLIPSIS:
    case AST_PASS: case AST_BREAK: case AST_CONTINUE: case AST_IMPORT:
        break;
    case AST_ATTR: dump_opt(sb, n->a, ranges); sb_printf(sb, " %s", n->name); break;
    case AST_CALL:
        dump_opt(sb, n->a, ranges);
        dump_list(sb, "args", &n->list, ranges);
        dump_list(sb, "keywords", &n->list2, ranges);
        break;
    case AST_KEYWORD: sb_printf(sb, " %s", n->name); dump_opt(sb, n->a, ranges); break;
    case AST_SUBSCRIPT: dump_opt(sb, n->a, ranges); dump_items(sb, &n->list, ranges); break;
    case AST_SLICE:
        dump_opt(sb, n->a, ranges);
        dump_opt(sb, n->b, ranges);
        dump_opt(sb, n->c, ranges);
        break;
    case AST_BINOP:
        sb_printf(sb, " %s", fe_op_name(n->op));
        dump_opt(sb, n->a, ranges);
        dump_opt(sb, n->b, ranges);
        break;
    case AST_UNOP: sb_printf(sb, " %s", fe_op_name(n->op)); dump_opt(sb, n->a, ranges); break;
    case AST_BOOLOP: sb_printf(sb, " %s", fe_op_name(n->op)); dump_items(sb, &n->list, ranges); break;
    case AST_COMPARE:
        dump_opt(sb, n->a, ranges);
        for (int i = 0; i < n->nops && i < n->list.n; i++) {
            sb_printf(sb, " %s", fe_op_name(n->ops[i]));
            dump_opt(sb, n->list.items[i], ranges);
        }
        break;
    case AST_TERNARY:
        dump_opt(sb, n->a, ranges);
        dump_opt(sb, n->b, ranges);
        dump_opt(sb, n->c, ranges);
        break;
    case AST_LIST: case AST_TUPLE: case AST_DEL: dump_items(sb, &n->list, ranges); break;
    case AST_DICT:
        for (int i = 0; i < n->list.n && i < n->list2.n; i++) {
            dump_opt(sb, n->list.items[i], ranges);
            dump_opt(sb, n->list2.items[i], ranges);
        }
        break;
    case AST_LISTCOMP: case AST_DICTCOMP:
        dump_opt(sb, n->a, ranges);
        if (n->kind == AST_DICTCOMP)
            dump_opt(sb, n->d, ranges);
        dump_opt(sb, n->b, ranges);
        dump_opt(sb, n->c, ranges);
        dump_list(sb, "ifs", &n->list, ranges);
        break;
    case AST_STARRED: case AST_EXPR_STMT: case AST_RETURN: case AST_RAISE:
        dump_opt(sb, n->a, ranges);
        break;
    case AST_ASSIGN:
        dump_list(sb, "targets", &n->list, ranges);
        dump_opt(sb, n->a, ranges);
        dump_opt(sb, n->b, ranges);
        break;
    case AST_AUGASSIGN:
        sb_printf(sb, " %s", fe_op_name(n->op));
        dump_opt(sb, n->list.n ? n->list.items[0] : NULL, ranges);
        dump_opt(sb, n->a, ranges);
        break;
    case AST_DECL: sb_printf(sb, " %s", n->name); dump_opt(sb, n->b, ranges); break;
    case AST_ASSERT: dump_opt(sb, n->a, ranges); dump_opt(sb, n->b, ranges); break;
    case AST_IF:
        dump_opt(sb, n->a, ranges);
        dump_list(sb, "body", &n->list, ranges);
        dump_list(sb, "orelse", &n->list2, ranges);
        break;
    case AST_WHILE:
        dump_opt(sb, n->a, ranges);
        dump_list(sb, "body", &n->list, ranges);
        break;
    case AST_FOR:
        dump_list(sb, "targets", &n->list2, ranges);
        dump_opt(sb, n->a, ranges);
        dump_list(sb, "body", &n->list, ranges);
        break;
    case AST_WITH:
        dump_list(sb, "items", &n->list3, ranges);
        dump_list(sb, "body", &n->list, ranges);
        break;
    case AST_WITH_ITEM: dump_opt(sb, n->a, ranges); dump_opt(sb, n->b, ranges); break;
    case AST_DEF:
        sb_printf(sb, " %s", n->name);
        dump_list(sb, "decorators", &n->list2, ranges);
        sb_puts(sb, " (params");
        for (int i = 0; i < n->nparams; i++) {
            const AstParam *prm = &n->params[i];
            sb_puts(sb, " (param");
            if (ranges)
                sb_printf(sb, "@%u:%u", prm->start, prm->end);
            sb_printf(sb, " %s", prm->name);
            dump_opt(sb, prm->annotation, ranges);
            dump_opt(sb, prm->default_value, ranges);
            sb_puts(sb, prm->vararg ? " vararg)" : prm->kwonly ? " kwonly)" : " pos)");
        }
        sb_putc(sb, ')');
        dump_opt(sb, n->a, ranges);
        dump_list(sb, "body", &n->list, ranges);
        break;
    case AST_CLASS:
        sb_printf(sb, " %s", n->name);
        dump_list(sb, "decorators", &n->list3, ranges);
        dump_list(sb, "bases", &n->list2, ranges);
        dump_list(sb, "body", &n->list, ranges);
        break;
    case AST_GLOBAL: dump_items(sb, &n->list, ranges); break;
    case AST_KIND_COUNT: break;
    }
    sb_putc(sb, ')');
}

void fe_module_dump(StrBuf *sb, const AstModule *m, bool ranges) {
    sb_puts(sb, "(module");
    for (int i = 0; i < m->body.n; i++) {
        sb_puts(sb, "\n ");
        fe_ast_dump(sb, m->body.items[i], ranges);
    }
    sb_puts(sb, ")\n");
}
