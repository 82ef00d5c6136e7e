/*
 * ir: the graph everything else speaks.
 *
 * Symbols (interned "ns::name"), types (interned, so pointer equality is
 * type equality), runtime values (IValue), operator schemas, source
 * ranges, and torch's Graph/Block/Node/Value with its editing operations.
 * This is the header other modules include; it is split into sections that
 * mirror the files implementing them:
 *   symbol.c  type.c  ivalue.c  schema.c  graph.c  print.c  verify.c
 */
#ifndef TSI_IR_H
#define TSI_IR_H

#include "../kernels/kernels.h"

typedef struct Type Type;
typedef struct Node Node;
typedef struct Value Value;
typedef struct Block Block;
typedef struct Graph Graph;
typedef struct Function Function;
typedef struct CompilationUnit CompilationUnit;
typedef struct FunctionSchema FunctionSchema;

/* =============================================================== symbols */

typedef uint32_t Symbol;

enum {
#define SYM(ns, name) SYM_##ns##_##name,
#include "symbols.def"
#undef SYM
    SYM_BUILTIN_COUNT
};

/* The id of "ns::name" (interned on first use; thread-safe). Returns 0 and
 * sets nothing on allocation failure only in theory: ids are never 0 except
 * for prim::Constant, so callers compare against known ids. */
Symbol ir_sym_intern(const char *qualified);
Symbol ir_sym_intern2(const char *ns, const char *name);
/* "aten::add" for a symbol; valid for the life of the process. */
const char *ir_sym_name(Symbol s);
/* "add" — the part after "::". */
const char *ir_sym_unqual(Symbol s);
/* True if the symbol's namespace is ns ("aten", "prim", ...). */
bool ir_sym_is_ns(Symbol s, const char *ns);

/* ================================================================= types */

typedef enum TypeKind {
    TY_ANY,
    TY_TENSOR,
    TY_INT,
    TY_FLOAT,
    TY_COMPLEX,
    TY_BOOL,
    TY_STR,
    TY_NONE,
    TY_NUMBER, /* Scalar */
    TY_DEVICE,
    TY_STREAM,
    TY_GENERATOR,
    TY_STORAGE,
    TY_CAPSULE,
    TY_QSCHEME,
    TY_QUANTIZER,
    TY_LAYOUT,       /* schema-only "real" types; values of these are ints */
    TY_SCALARTYPE,
    TY_MEMORYFORMAT,
    TY_SYMINT,
    TY_PYOBJECT,
    TY_FUNCTION,
    TY_LIST,
    TY_TUPLE,        /* also NamedTuple (name != NULL) */
    TY_DICT,
    TY_OPTIONAL,
    TY_UNION,
    TY_FUTURE,
    TY_RREF,
    TY_AWAIT,
    TY_VAR,          /* a type variable of a schema: t, t1, ... */
    TY_CLASS,
    TY_INTERFACE,    /* also module interfaces */
    TY_ENUM,
    TY_ANY_LIST,
    TY_ANY_TUPLE,
    TY_ANY_CLASS,
    TY_ANY_ENUM,
    TY_KIND_COUNT
} TypeKind;

/* Optional refinements of a Tensor type, as torch's TensorType keeps them.
 * Unknown fields are -1 (ndim -1: unknown rank; sizes[i] -1: unknown). */
typedef struct TensorDetail {
    int dtype;          /* DType code or -1 */
    int ndim;           /* -1 unknown */
    int64_t sizes[TSI_MAX_DIM];
    bool has_strides;   /* strides complete */
    int64_t strides[TSI_MAX_DIM];
    int requires_grad;  /* -1, 0, 1 */
    int device_type;    /* -1 unknown, 0 cpu, 1 cuda, ... */
    int device_index;   /* -1 none */
    int undefined;      /* -1, 0, 1 */
} TensorDetail;

typedef struct ClassInfo ClassInfo;

struct Type {
    TypeKind kind;
    int n;                /* number of contained types */
    Type **elems;         /* List/Optional/Future/RRef/Await: [elem]; Dict: [k, v];
                             Tuple, Union: members */
    const char *name;     /* qualified name: class, interface, enum, named tuple;
                             the variable name of TY_VAR */
    const char **field_names;    /* named tuple fields (n of them) */
    struct IValue *field_defaults; /* named tuple defaults (n, IV_INVALID = none) */
    const TensorDetail *tensor;  /* TY_TENSOR with refinements, else NULL */
    ClassInfo *cls;       /* class / interface / enum / named tuple data */
};

/* Singletons. */
Type *type_any(void);
Type *type_tensor(void);
Type *type_int(void);
Type *type_float(void);
Type *type_complex(void);
Type *type_bool(void);
Type *type_str(void);
Type *type_none(void);
Type *type_number(void);
Type *type_device(void);
Type *type_of_kind(TypeKind k); /* the singleton of a leaf kind */

/* Interned structural types; NULL only on allocation failure. */
Type *type_list(Type *elem);
Type *type_optional(Type *elem);
Type *type_dict(Type *key, Type *value);
Type *type_tuple(int n, Type *const *elems);
/* Union with torch's normalisation: nested unions flattened, duplicates and
 * subtypes merged, a single member returned as itself, T|None as
 * Optional(T). */
Type *type_union(int n, Type *const *members);
Type *type_future(Type *elem);
Type *type_rref(Type *elem);
Type *type_await(Type *elem);
Type *type_var(const char *name);
Type *type_tensor_detail(const TensorDetail *d);
/* The complete type torch gives a concrete tensor (dtype, sizes, strides,
 * requires_grad, device=cpu). */
Type *type_tensor_of(const Tensor *t);
/* Tensor refinements erased, recursively (torch's unshapedType). */
Type *type_unshaped(Type *t);
void tensor_detail_init(TensorDetail *d); /* all unknown */
/* torch's ScalarType name of a dtype code ("Float", "ComplexFloat",
 * "QInt8", ...; NULL for an unknown code) and the code of a name (-1). */
const char *type_scalar_name(int code);
int type_scalar_code(const char *name, size_t len);

/* Subtyping as torch's isSubtypeOf; unification as unifyTypes. */
bool type_is_subtype(Type *sub, Type *super);
Type *type_unify(Type *a, Type *b, bool default_to_union);
bool type_equal(Type *a, Type *b); /* pointer equality, named here for clarity */
/* For schema argument types whose real type is ScalarType/Layout/...: int. */
Type *type_fake(Type *real);
/* Does the type contain a type variable? */
bool type_has_free_vars(Type *t);
bool type_is_module(Type *t);

/* Printing. type_print: the IR form (`Float(2, 3, strides=[3, 1], ...)`,
 * `int[]`, `Dict(str, Tensor)`); type_annotation: the Python form used in
 * code and pickles (`List[int]`, `Dict[str, Tensor]`, `Optional[int]`);
 * type_schema_str: the form inside schema text (`Tensor?`, `int[2]`, `t`). */
void type_print(StrBuf *sb, Type *t);
void type_print_str(StrBuf *sb, Type *t); /* torch's Type::str() */
void type_annotation(StrBuf *sb, Type *t);
char *type_to_string(Type *t); /* owned IR form, for error messages */

/* ============================================================== IValues */

typedef enum IVTag {
    IV_INVALID = 0, /* "no value" marker, e.g. absent default */
    IV_NONE,
    IV_BOOL,
    IV_INT,
    IV_DOUBLE,
    IV_COMPLEX,
    IV_STR,
    IV_TENSOR,      /* t may be NULL: an undefined tensor */
    IV_LIST,
    IV_TUPLE,
    IV_DICT,
    IV_OBJECT,
    IV_ENUM,
    IV_DEVICE,
    IV_FUTURE,
    IV_UNINIT,      /* prim::Uninitialized */
    IV_FUNCTION,    /* a Function constant (borrowed; owned by its CU) */
    IV_TYPE,        /* a Type, e.g. the class argument of __new__ */
    IV_CAPSULE,     /* opaque; carried, never created by tsi */
    IV_TAG_COUNT
} IVTag;

typedef struct HeapHdr {
    atomic_long refs;
} HeapHdr;

typedef struct IvStr IvStr;
typedef struct IvList IvList;
typedef struct IvTuple IvTuple;
typedef struct IvDict IvDict;
typedef struct IvObject IvObject;
typedef struct IvEnum IvEnum;
typedef struct IvFuture IvFuture;
typedef struct IvComplex IvComplex;

typedef struct Device {
    int8_t type;  /* 0 cpu, 1 cuda, ... (torch's DeviceType numbering) */
    int8_t index; /* -1 when unspecified */
} Device;

/* A tagged runtime value. Heap kinds are refcounted: iv_retain/iv_release. */
typedef struct IValue {
    IVTag tag;
    union {
        bool b;
        int64_t i;
        double d;
        Device dev;
        HeapHdr *h;
        IvStr *s;
        Tensor *t;
        IvList *l;
        IvTuple *tup;
        IvDict *dict;
        IvObject *obj;
        IvEnum *e;
        IvFuture *fut;
        IvComplex *c;
        Function *fn;
        Type *ty;
        void *capsule;
    } u;
} IValue;

struct IvStr {
    HeapHdr h;
    size_t len;
    char data[]; /* NUL-terminated; may contain NULs before len */
};

struct IvList {
    HeapHdr h;
    Type *elem;  /* element type */
    size_t len, cap;
    IValue *items;
};

struct IvTuple {
    HeapHdr h;
    Type *type;  /* the tuple's type if known (always for named tuples), else NULL */
    size_t n;
    IValue items[];
};

typedef struct IvDictEntry {
    IValue key, value;
    uint64_t hash;
    bool live;
} IvDictEntry;

/* Insertion-ordered dict: entries in order, an open-addressed index. */
struct IvDict {
    HeapHdr h;
    Type *key_type, *value_type;
    IvDictEntry *entries;
    size_t len, cap, live; /* entries used, capacity, live count */
    int64_t *index;        /* slots hold entry numbers, -1 empty, -2 deleted */
    size_t index_cap;
};

struct IvObject {
    HeapHdr h;
    Type *cls;     /* TY_CLASS (its CU is kept alive by the object) */
    size_t nslots;
    IValue *slots; /* IV_INVALID until set */
};

struct IvEnum {
    HeapHdr h;
    Type *type;    /* TY_ENUM */
    IvStr *name;
    IValue value;
};

struct IvFuture {
    HeapHdr h;
    Type *elem;
    bool done;
    IValue value;
    char *error; /* owned message if the forked call failed */
};

struct IvComplex {
    HeapHdr h;
    double re, im;
};

static inline IValue iv_invalid(void) { return (IValue){.tag = IV_INVALID}; }
static inline IValue iv_none(void) { return (IValue){.tag = IV_NONE}; }
static inline IValue iv_bool(bool b) { return (IValue){.tag = IV_BOOL, .u.b = b}; }
static inline IValue iv_int(int64_t i) { return (IValue){.tag = IV_INT, .u.i = i}; }
static inline IValue iv_double(double d) { return (IValue){.tag = IV_DOUBLE, .u.d = d}; }
static inline IValue iv_device(Device d) { return (IValue){.tag = IV_DEVICE, .u.dev = d}; }
static inline IValue iv_uninit(void) { return (IValue){.tag = IV_UNINIT}; }
static inline IValue iv_function(Function *f) { return (IValue){.tag = IV_FUNCTION, .u.fn = f}; }
static inline IValue iv_type(Type *t) { return (IValue){.tag = IV_TYPE, .u.ty = t}; }
/* Takes ownership of the reference t (NULL = undefined tensor). */
static inline IValue iv_tensor(Tensor *t) { return (IValue){.tag = IV_TENSOR, .u.t = t}; }
static inline bool iv_is_heap(IValue v) {
    return v.tag == IV_STR || v.tag == IV_LIST || v.tag == IV_TUPLE || v.tag == IV_DICT ||
           v.tag == IV_OBJECT || v.tag == IV_ENUM || v.tag == IV_FUTURE || v.tag == IV_COMPLEX;
}

void iv_retain(IValue v);
void iv_release(IValue v);
static inline IValue iv_dup(IValue v) {
    iv_retain(v);
    return v;
}

/* Constructors return IV_INVALID on allocation failure (check .tag). */
IValue iv_str(const char *s, size_t len);
IValue iv_cstr(const char *s);
IValue iv_complex(double re, double im);
IValue iv_list_new(Type *elem, size_t reserve);
IValue iv_tuple_new(size_t n, Type *type);  /* items start as None */
IValue iv_dict_new(Type *key, Type *value);
IValue iv_object_new(Type *cls);            /* slots IV_INVALID */
IValue iv_enum_new(Type *enum_type, const char *name, IValue value /* owned */);
IValue iv_future_new(Type *elem);

/* Lists. push takes ownership of v; false on allocation failure. */
TSI_MUST_CHECK bool iv_list_push(IvList *l, IValue v);
TSI_MUST_CHECK bool iv_list_insert(IvList *l, size_t at, IValue v);
IValue iv_list_remove(IvList *l, size_t at); /* returns the owned element */
void iv_list_set(IvList *l, size_t i, IValue v); /* takes v, releases old */
/* Dicts. set takes ownership of key and value. get returns borrowed. */
TSI_MUST_CHECK bool iv_dict_set(IvDict *d, IValue key, IValue value);
bool iv_dict_get(const IvDict *d, IValue key, IValue *value);
bool iv_dict_remove(IvDict *d, IValue key, IValue *value_out /* owned, may be NULL */);
/* Iterate live entries in insertion order: for (size_t i = 0; iv_dict_next(d, &i, &k, &v);) */
bool iv_dict_next(const IvDict *d, size_t *iter, IValue *key, IValue *value);
void iv_dict_clear(IvDict *d);
/* Objects. Slot index from the class attribute list. */
void iv_object_set(IvObject *o, size_t slot, IValue v); /* takes v */
TSI_MUST_CHECK bool iv_object_resize(IvObject *o, size_t nslots);

/* Python equality (==) as TorchScript defines it for IValues; tensors and
 * objects compare by identity. */
bool iv_equal(IValue a, IValue b);
/* Identity (`is`). */
bool iv_is(IValue a, IValue b);
uint64_t iv_hash(IValue v);
bool iv_hashable(IValue v);
/* The dynamic type of a value (lists/dicts report their stored types;
 * tensors their complete type when `complete_tensors`). */
Type *iv_type_of(IValue v, bool complete_tensors);
/* Deep copy of containers (tensors shared), as torch's IValue::deepcopy
 * when copy_tensors is false; with copy_tensors, tensors are cloned. */
IValue iv_deepcopy(IValue v, bool copy_tensors, Err *err);

/*
 * torch's IValue::repr: the printing used by the graph printer for
 * constants and attributes: 2. for doubles, "s" strings with escapes,
 * [1, 2], (1, 2), {"a": 1}. `custom` may print a value itself and return
 * true (the graph printer uses it for tensors and objects).
 */
typedef bool (*IvReprHook)(StrBuf *sb, IValue v, void *ctx);
void iv_repr(StrBuf *sb, IValue v, IvReprHook custom, void *ctx);
/* Python's str() of a value as TorchScript's print() shows it. */
void iv_str_of(StrBuf *sb, IValue v);
/* A double printed as torch's IValue printer does (see fmt_double_torch). */
void iv_format_double(StrBuf *sb, double d);
/* A string literal with torch's escapes, double-quoted. */
void iv_format_string(StrBuf *sb, const char *s, size_t len);
/* "cpu", "cuda:0" */
void device_format(StrBuf *sb, Device d);
int device_parse(const char *s, Device *out);

/* ========================================================== source ranges */

/* A source text with a file name, shared by the nodes compiled from it. */
typedef struct Source {
    atomic_long refs;
    char *text;
    size_t len;
    char *filename;      /* may be NULL */
    int starting_line;   /* line number of text's first line (1-based) */
    size_t *line_starts; /* offsets of each line start */
    size_t nlines;
} Source;

typedef struct SourceRange {
    Source *src; /* NULL: no location */
    uint32_t start, end;
} SourceRange;

Source *source_new(const char *text, size_t len, const char *filename, int starting_line);
void source_retain(Source *s);
void source_release(Source *s);
/* 1-based line and column of an offset. */
void source_line_col(const Source *s, size_t offset, int *line, int *col);
/* "file:line:col" of the range start ("<unknown>" without a source). */
void source_range_location(StrBuf *sb, SourceRange r);
/* The source line of the range start and a caret line under the range:
 *     y = foo(x)
 *         ^~~~~~ */
void source_range_highlight(StrBuf *sb, SourceRange r);

/* ================================================================ schemas */

/* Alias annotation of one argument or return, e.g. Tensor(a!), t(a -> *).
 * Sets are alias:: symbols ("alias::a", "alias::*" wildcard, "alias::$0" for
 * the `Tensor!` shorthand), without duplicates, in the order written. A list
 * type gets a container annotation whose contained[0] describes the
 * elements (Tensor(a)[]: no sets of its own, is_write copied from the
 * element), as torch's parser builds it. */
typedef struct AliasInfo {
    Symbol *before;      /* alias sets before the call */
    int nbefore;
    Symbol *after;       /* after the call; == before unless "->" was used
                            (the `Tensor!` shorthand has none after) */
    int nafter;
    bool is_write;
    struct AliasInfo *contained; /* annotations of contained types: t(a)[] */
    int ncontained;
} AliasInfo;

typedef struct Argument {
    const char *name;
    Type *type;          /* the type values have (ScalarType -> int, ...) */
    Type *real_type;     /* the type as written (for printing) */
    int N;               /* fixed list size (int[2]) or -1 */
    IValue default_value; /* IV_INVALID when there is none. Heap values
                             (str, list, complex) live in the schema's arena
                             with a pinned refcount: retain/release are
                             harmless, never mutate them. */
    bool kwarg_only;
    bool is_out;
    AliasInfo *alias;    /* NULL when unannotated */
} Argument;

struct FunctionSchema {
    const char *name;     /* "aten::add" (or a method name for methods) */
    const char *overload; /* "Tensor" or "" */
    Symbol kind;          /* interned name */
    Argument *args;
    int nargs;
    Argument *rets;
    int nrets;
    bool is_vararg, is_varret;
};

/* Parse schema text ("aten::add.Tensor(Tensor self, ...) -> Tensor") with
 * torch 1.13's grammar and checks. The schema and everything in it is
 * allocated from `arena` (types are interned; custom classes
 * `__torch__.torch.classes.ns.Name` become placeholder class types shared
 * process-wide). Errors are TSI_ERR_FORMAT with torch's message and the
 * offending source line highlighted. */
FunctionSchema *ir_schema_parse(Arena *arena, const char *text, Err *err);
/* The same; on failure *err_pos (if not NULL) is the byte offset in text
 * of the token the error is about. */
FunctionSchema *ir_schema_parse_pos(Arena *arena, const char *text, size_t *err_pos, Err *err);
/* Print back exactly as torch's FunctionSchema operator<< does. */
void ir_schema_print(StrBuf *sb, const FunctionSchema *s);
/* One argument or return as torch's Argument operator<< prints it
 * ("Tensor(a!) out", "int[2] stride=1"). */
void ir_schema_print_arg(StrBuf *sb, const Argument *a);
/* The built-in registry (every schema torch 1.13 registers, from
 * ir/schemas.txt), parsed on first use. Thread-safe. */
int ir_schemas_init(Err *err);
/* All overloads for a kind, in registration order; count in *n. */
const FunctionSchema *const *ir_schemas_for(Symbol kind, int *n);
/* Exact lookup by name and overload name ("" for the default). */
const FunctionSchema *ir_schema_find(const char *name, const char *overload);
int ir_schemas_count(void);
const FunctionSchema *ir_schema_at(int i);
/* Does node n match schema s (torch's Node::matches)? The first matching
 * overload of n's kind, or NULL (torch's maybeSchema). */
bool ir_node_matches_schema(const Node *n, const FunctionSchema *s);
const FunctionSchema *ir_node_match_schema(const Node *n);
/* Set node->schema on every node of g that has none and matches one. */
void ir_graph_resolve_schemas(Graph *g);

/* ================================================================= graphs */

typedef struct Use {
    Node *user;
    uint32_t offset; /* input index within user */
} Use;

struct Value {
    Node *node;       /* the defining node (prim::Param for inputs) */
    uint32_t offset;  /* output index within node */
    uint32_t unique;  /* graph-unique id; the name when none is set */
    Type *type;
    const char *name; /* debug name or NULL (arena-allocated) */
    VEC(Use) uses;
};

typedef enum AttrKind {
    AK_F, AK_FS, AK_C, AK_CS, AK_I, AK_IS, AK_S, AK_SS, AK_T, AK_TS,
    AK_G, AK_GS, AK_TY, AK_TYS, AK_IVAL
} AttrKind;

/* An attribute. Scalars, strings, tensors and lists of those are held in
 * `v` as IValues (i: int, f: double, s: str, t: tensor, is/fs/ss/ts:
 * lists, c: complex, ival: anything); graphs and types separately. */
typedef struct Attr {
    Symbol name;      /* an attr:: symbol; printed unqualified */
    AttrKind kind;
    IValue v;
    Graph *g;         /* AK_G (owned) */
    Graph **gs;       /* AK_GS (owned) */
    int ngs;
    Type *ty;         /* AK_TY */
    Type **tys;       /* AK_TYS (arena) */
    int ntys;
} Attr;

struct Node {
    Node *next, *prev;  /* in the owning block's list; the Return node is the sentinel */
    Symbol kind;
    VEC(Value *) inputs;
    VEC(Value *) outputs;
    VEC(Block *) blocks;
    VEC(Attr) attrs;
    Block *owner;        /* NULL while unattached */
    Graph *graph;
    const FunctionSchema *schema; /* resolved operator schema or NULL */
    SourceRange range;
    int64_t topo;        /* topological position within the block */
    bool destroyed;
};

struct Block {
    Node *param;  /* prim::Param: its outputs are the block's inputs */
    Node *ret;    /* prim::Return: its inputs are the block's outputs */
    Node *owning_node; /* NULL for the graph's top block */
    Graph *graph;
};

struct Graph {
    Arena arena;
    Block *block;
    uint32_t next_unique;
    HMap names;        /* debug name -> Value* */
    HMap name_suffix;  /* name base -> next suffix (as intptr) */
    Node *insert_before; /* insertion point for ir_graph_insert_node */
    VEC(Node *) all_nodes;
    VEC(Source *) sources; /* retained by this graph */
};

Graph *ir_graph_new(void);
void ir_graph_free(Graph *g);
/* Deep copy (values keep names; attributes and subgraphs copied). */
Graph *ir_graph_copy(const Graph *g);

static inline Block *ir_graph_block(Graph *g) { return g->block; }
static inline Node *ir_block_first(Block *b) { return b->ret->next; }
static inline Node *ir_block_end(Block *b) { return b->ret; } /* sentinel */
#define IR_FOR_NODES(n, b) for (Node *n = (b)->ret->next, *n##_next_ = n->next; n != (b)->ret; n = n##_next_, n##_next_ = n->next)
static inline size_t ir_block_ninputs(Block *b) { return b->param->outputs.len; }
static inline Value *ir_block_input(Block *b, size_t i) { return b->param->outputs.data[i]; }
static inline size_t ir_block_noutputs(Block *b) { return b->ret->inputs.len; }
static inline Value *ir_block_output(Block *b, size_t i) { return b->ret->inputs.data[i]; }

/* Create an unattached node with n outputs typed Tensor. */
Node *ir_node_create(Graph *g, Symbol kind, size_t noutputs);
/* Graph/block inputs and outputs. */
Value *ir_block_add_input(Block *b, const char *name);
Value *ir_block_insert_input(Block *b, size_t at, const char *name);
void ir_block_erase_input(Block *b, size_t i); /* must be unused */
void ir_block_add_output(Block *b, Value *v);
void ir_block_erase_output(Block *b, size_t i);
Block *ir_node_add_block(Node *n);
void ir_node_erase_block(Node *n, size_t i);

/* Node inputs/outputs. */
void ir_node_add_input(Node *n, Value *v);
void ir_node_insert_input(Node *n, size_t at, Value *v);
void ir_node_replace_input(Node *n, size_t i, Value *v);
void ir_node_replace_input_with(Node *n, Value *from, Value *to); /* every occurrence */
void ir_node_remove_input(Node *n, size_t i);
void ir_node_remove_all_inputs(Node *n);
Value *ir_node_add_output(Node *n);
Value *ir_node_insert_output(Node *n, size_t at);
void ir_node_erase_output(Node *n, size_t i); /* must be unused */

/* Placement. */
void ir_node_insert_before(Node *n, Node *pos);
void ir_node_insert_after(Node *n, Node *pos);
void ir_node_append(Block *b, Node *n);   /* before the Return */
void ir_node_prepend(Block *b, Node *n);
void ir_node_move_before(Node *n, Node *pos);
void ir_node_move_after(Node *n, Node *pos);
/* Unlink, drop inputs and free attributes; outputs must have no uses. */
void ir_node_destroy(Node *n);
/* Insert at the graph's insertion point (default: end of the top block). */
Node *ir_graph_insert_node(Graph *g, Node *n);
void ir_graph_set_insert_point(Graph *g, Node *before);
/* a before b in a topological sense (same or enclosing block). */
bool ir_node_is_before(const Node *a, const Node *b);
/* Is n inside block b (at any depth)? */
bool ir_node_is_in_block(const Node *n, const Block *b);

/* Values. */
void ir_value_replace_all_uses(Value *from, Value *to);
/* Replace uses of `from` that come after `after` (torch's replaceAllUsesAfterNodeWith). */
void ir_value_replace_uses_after(Value *from, Value *to, const Node *after);
/* Set the debug name with torch's uniquing rule (the previous owner of the
 * name is renamed name.N). NULL or "" clears. Names that are all digits
 * are invalid and ignored. */
void ir_value_set_name(Value *v, const char *name);
/* The name the printer shows: the debug name or the unique number. */
const char *ir_value_debug_name(const Value *v, char buf[24]);
static inline bool ir_value_has_uses(const Value *v) { return v->uses.len > 0; }
void ir_value_copy_metadata(Value *to, const Value *from); /* type and name */

/* Attributes. */
Attr *ir_node_attr(const Node *n, Symbol name);
bool ir_node_has_attr(const Node *n, Symbol name);
void ir_node_set_attr_i(Node *n, Symbol name, int64_t v);
void ir_node_set_attr_f(Node *n, Symbol name, double v);
void ir_node_set_attr_s(Node *n, Symbol name, const char *s);
void ir_node_set_attr_t(Node *n, Symbol name, Tensor *t);    /* retains */
void ir_node_set_attr_ty(Node *n, Symbol name, Type *t);
void ir_node_set_attr_tys(Node *n, Symbol name, Type *const *ts, int n_);
void ir_node_set_attr_g(Node *n, Symbol name, Graph *g);     /* takes ownership */
/* Generic: kind + IValue (retained). */
void ir_node_set_attr_iv(Node *n, Symbol name, AttrKind kind, IValue v);
void ir_node_remove_attr(Node *n, Symbol name);
void ir_node_copy_attrs(Node *to, const Node *from);
int64_t ir_node_i(const Node *n, Symbol name);
double ir_node_f(const Node *n, Symbol name);
const char *ir_node_s(const Node *n, Symbol name);

/* Constants: build a prim::Constant for v (torch's insertConstant rules for
 * attribute kind and output type). NULL if v cannot be a constant. */
Node *ir_constant_node(Graph *g, IValue v, Err *err);
Value *ir_insert_constant(Graph *g, IValue v, Err *err);
/* The value of a prim::Constant (retained copy), IV_INVALID if n is not one. */
IValue ir_constant_value(const Node *n);
/* If v is produced by a prim::Constant, its value (retained). */
bool ir_value_constant(const Value *v, IValue *out);

/* Copy a node into another graph, mapping inputs through `map` (a callback
 * giving the new value for an old one), blocks copied recursively. */
typedef Value *(*ValueMap)(Value *old, void *ctx);
Node *ir_node_clone(Graph *g, const Node *n, ValueMap map, void *ctx);
/* Clone block `from` into empty block `to` (inputs created, outputs set). */
void ir_block_clone_into(Block *to, const Block *from, ValueMap outer, void *ctx);

void ir_node_set_range(Node *n, SourceRange r); /* retains the source into the graph */

/* Side effects as torch's Node::hasSideEffects (schema-registered
 * conservative ops included). */
bool ir_node_has_side_effects(const Node *n);

/* ============================================================ printing */

typedef struct PrintOptions {
    bool source_comments; /* append " # file:line:col" (off: torch's graph.str(False)) */
} PrintOptions;

/* str(graph) exactly as torch prints it. */
void ir_graph_print(StrBuf *sb, const Graph *g, const PrintOptions *opt);
char *ir_graph_to_string(const Graph *g); /* owned, no source comments */
/* One node line (and its blocks) at an indent level. */
void ir_node_print(StrBuf *sb, const Node *n, int level, const PrintOptions *opt);
/* An attribute value as the printer shows it. */
void ir_attr_print(StrBuf *sb, const Attr *a);

/* ============================================================ verifier */

/* Single definition, defs dominate uses, use lists consistent with inputs,
 * block shape (Param/Return), If/Loop arity, node arity against the
 * resolved schema. Returns TSI_OK or an error naming the node. */
int ir_graph_verify(const Graph *g, Err *err);
/* The shape rules for one node alone (If/Loop blocks, Constant without
 * inputs, schema arity); the message names the node. */
int ir_node_verify(const Node *n, Err *err);

/* ===================================================== functions, classes */

/* A compiled (or lazily compilable) function: a method or free function. */
struct Function {
    char *qualname;          /* "__torch__.M.forward" or "__torch__.helper" */
    const char *name;        /* last component */
    Graph *graph;            /* NULL until compiled */
    FunctionSchema *schema;  /* arguments incl. self for methods */
    Type *owner;             /* class for methods, NULL otherwise */
    CompilationUnit *cu;
    void *def;               /* frontend data for lazy compilation */
    void *code;              /* interpreter's compiled code (owned by it) */
    void (*free_code)(void *code);
    Graph *optimized;        /* cached preoptimized graph (inliner) */
    bool compiling;          /* recursion guard */
};

typedef struct ClassAttribute {
    const char *name;
    Type *type;
    bool is_parameter, is_buffer;
} ClassAttribute;

typedef struct ClassConstant {
    const char *name;
    IValue value;
} ClassConstant;

typedef struct EnumMember {
    const char *name;
    IValue value;
} EnumMember;

struct ClassInfo {
    CompilationUnit *cu;
    bool is_module;
    bool is_module_interface;     /* TY_INTERFACE: ModuleInterface */
    VEC(ClassAttribute) attrs;    /* slot order */
    VEC(ClassConstant) constants;
    VEC(Function *) methods;      /* TY_CLASS: owned by the CU; TY_INTERFACE: schemas only */
    VEC(Function *) forward_hooks;
    VEC(Function *) forward_pre_hooks;
    VEC(EnumMember) enum_members; /* TY_ENUM */
    Type *enum_value_type;
};

/* A set of classes and functions compiled together (one archive, or one
 * source text). Refcounted: objects of its classes keep it alive. */
struct CompilationUnit {
    atomic_long refs;
    Arena arena;
    HMap classes;    /* qualified name -> Type* */
    HMap functions;  /* qualified name -> Function* */
    VEC(Type *) types_owned;
    VEC(Function *) functions_owned;
    VEC(IValue) constants;  /* CONSTANTS.cN of an archive */
    void *frontend;  /* frontend state for lazy compilation */
    void (*free_frontend)(void *);
    int version;     /* archive format version (for upgraders), 0 = current */
    int mangle_counter;
};

CompilationUnit *ir_cu_new(void);
void ir_cu_retain(CompilationUnit *cu);
void ir_cu_release(CompilationUnit *cu);
/* New nominal types owned by the CU. */
Type *ir_cu_new_class(CompilationUnit *cu, const char *qualname, bool is_module);
Type *ir_cu_new_interface(CompilationUnit *cu, const char *qualname, bool is_module);
Type *ir_cu_new_enum(CompilationUnit *cu, const char *qualname, Type *value_type);
Type *ir_cu_new_named_tuple(CompilationUnit *cu, const char *qualname, int n,
                            const char *const *names, Type *const *types,
                            const IValue *defaults);
Type *ir_cu_find_type(CompilationUnit *cu, const char *qualname);
Function *ir_cu_new_function(CompilationUnit *cu, const char *qualname, Type *owner);
Function *ir_cu_find_function(CompilationUnit *cu, const char *qualname);
/* Class members. */
int ir_class_add_attr(Type *cls, const char *name, Type *type, bool is_param, bool is_buffer);
int ir_class_find_attr(const Type *cls, const char *name); /* slot or -1 */
int ir_class_add_constant(Type *cls, const char *name, IValue v /* owned */);
int ir_class_find_constant(const Type *cls, const char *name);
Function *ir_class_find_method(const Type *cls, const char *name);
void ir_class_add_method(Type *cls, Function *f);

#endif
