/*
 * ast.h: the syntax tree of TorchScript source, shared by the parser
 * (parser.c, which builds it) and the emitter (emit*.c, which lowers it to
 * SSA graphs). Internal to frontend/.
 *
 * Every node lives in the arena of its Module and records its byte range
 * in the Source. One generic node shape serves every kind; the comment on
 * each kind says which fields it uses. Anything not listed is NULL/0.
 *
 * The language is Python's syntax restricted to what TorchScript accepts:
 * everything torch's own parser reads (torch/csrc/jit/frontend/parser.cpp,
 * which reads archive code) plus what torch.jit.script accepts through
 * Python's ast (f-strings, chained comparisons, comprehension filters,
 * `*rest` targets, `del`).
 */
#ifndef TSI_AST_H
#define TSI_AST_H

#include "../ir/ir.h"

typedef enum AstKind {
    /* ---- expressions ---- */
    AST_IDENT,     /* name */
    AST_INT,       /* ival; text = the literal as written */
    AST_FLOAT,     /* fval; text */
    AST_IMAG,      /* fval = imaginary part of a `2j` literal; text */
    AST_STRING,    /* str/len: adjacent literals already concatenated, escapes decoded */
    AST_FSTRING,   /* list: AST_STRING pieces and formatted expressions in order;
                      a formatted expression is an AST_FORMAT_FIELD */
    AST_FORMAT_FIELD, /* a = expression; str = format spec ("" if none);
                         op = conversion char ('r', 's', 'a' or 0) */
    AST_TRUE,
    AST_FALSE,
    AST_NONE,
    AST_ELLIPSIS,  /* ... (used in `pass`-like interface bodies and slices) */
    AST_ATTR,      /* a.name */
    AST_CALL,      /* a(list..., kw...): a = callee, list = positional args,
                      list2 = keyword args (AST_KEYWORD) */
    AST_KEYWORD,   /* name = a */
    AST_SUBSCRIPT, /* a[list]: list holds one entry per comma-separated index;
                      entries may be AST_SLICE */
    AST_SLICE,     /* a:b:c, each may be NULL */
    AST_BINOP,     /* a op b; op is an AstOp */
    AST_UNOP,      /* op a (OP_NEG, OP_POS, OP_NOT, OP_INVERT) */
    AST_BOOLOP,    /* list joined by op (OP_AND / OP_OR), left to right */
    AST_COMPARE,   /* a ops[i] list[i] ...: chained comparison; ops in `ops`
                      (nops entries), operands in list (nops entries) */
    AST_TERNARY,   /* a if b else c */
    AST_LIST,      /* [list] */
    AST_TUPLE,     /* (list) — also bare `a, b` */
    AST_DICT,      /* {list: list2} (keys, values) */
    AST_LISTCOMP,  /* [a for b in c if list...]; also generator expressions */
    AST_DICTCOMP,  /* {a: d for b in c if list...} */
    AST_STARRED,   /* *a (in assignment targets and calls) */

    /* ---- statements ---- */
    AST_EXPR_STMT,   /* a */
    AST_ASSIGN,      /* list = targets (a = b = value: two targets), a = value,
                        b = type annotation or NULL (x: int = 3 has one target) */
    AST_AUGASSIGN,   /* list[0] op= a (one target) */
    AST_DECL,        /* name: b (annotation without value, in class bodies) */
    AST_RETURN,      /* return a (NULL for bare return) */
    AST_RAISE,       /* raise a (a NULL: bare raise) */
    AST_ASSERT,      /* assert a, b */
    AST_PASS,
    AST_BREAK,
    AST_CONTINUE,
    AST_DEL,         /* del list... */
    AST_IF,          /* if a: list else: list2 (elif chains nest an AST_IF in list2) */
    AST_WHILE,       /* while a: list */
    AST_FOR,         /* for list2 in a: list (targets in list2: one, or several
                        for `for i, x in ...`) */
    AST_WITH,        /* with list3 (AST_WITH_ITEM): list */
    AST_WITH_ITEM,   /* a [as b] */
    AST_DEF,         /* def name(params) -> a: list; decorators in list2;
                        params in params/nparams */
    AST_CLASS,       /* class name(list2 = bases): list; decorators in list3 */
    AST_IMPORT,      /* import ... / from ... import ... (ignored by the emitter) */
    AST_GLOBAL,      /* global/nonlocal names in list (AST_IDENT); unused: the
                        parser rejects these statements */
    AST_KIND_COUNT
} AstKind;

typedef enum AstOp {
    OP_NONE,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW, OP_MATMUL,
    OP_LSHIFT, OP_RSHIFT, OP_BITAND, OP_BITOR, OP_BITXOR,
    OP_AND, OP_OR, OP_NOT, OP_NEG, OP_POS, OP_INVERT,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IS, OP_ISNOT, OP_IN, OP_NOTIN,
    OP_COUNT
} AstOp;

typedef struct Ast Ast;

typedef struct AstList {
    Ast **items;
    int n;
} AstList;

typedef struct AstParam {
    const char *name;
    Ast *annotation;    /* NULL when absent */
    Ast *default_value; /* NULL when absent */
    bool kwonly;        /* after a bare `*` */
    bool vararg;        /* *args (rejected by the emitter) */
    uint32_t start, end;
} AstParam;

struct Ast {
    AstKind kind;
    uint32_t start, end;   /* byte offsets in the Source */
    AstOp op;
    AstOp *ops;            /* AST_COMPARE operators */
    int nops;
    const char *name;      /* identifiers, attribute/keyword/def/class names */
    const char *text;      /* numeric literal as written */
    const char *str;       /* string contents (NUL-terminated, may hold NULs) */
    size_t len;
    int64_t ival;
    double fval;
    Ast *a, *b, *c, *d;
    AstList list, list2, list3;
    AstParam *params;
    int nparams;
};

/* A parsed source file: its top-level statements (defs, classes, imports,
 * and for user sources any statement). */
typedef struct AstModule {
    Arena arena;
    Source *source; /* retained */
    AstList body;
} AstModule;

#endif
