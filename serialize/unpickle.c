/*
 * unpickle.c: the unpickler for torch's pickle dialect.
 *
 * Protocol 2 only (torch.jit.save and torch.save both write it). Accepted
 * opcodes: PROTO STOP MARK EMPTY_LIST EMPTY_TUPLE EMPTY_DICT NONE NEWTRUE
 * NEWFALSE BININT1 BININT2 BININT LONG1 BINUNICODE BINUNICODE8 BINFLOAT
 * TUPLE TUPLE1-3 APPEND APPENDS LIST DICT SETITEM SETITEMS BINPUT LONG_BINPUT BINGET
 * LONG_BINGET GLOBAL NEWOBJ BUILD REDUCE BINPERSID. GLOBALs are matched
 * against a fixed table of torch functions; names under __torch__ go to
 * the caller's class hooks; anything else is refused with its byte offset.
 *
 * Safety: every read is bounds-checked against the input; memo ids are
 * bounded by the input size; container nesting is tracked per container
 * (depth limit) and a container that has been placed inside another may no
 * longer be mutated, which rules out reference cycles (and so leaks and
 * unbounded recursion); bytes of strings, container slots and storages
 * count against an allocation budget. Storages come from records
 * `<tensor_dir><key>` via a callback, are cached by key so views share
 * them, and must hold numel * element size bytes.
 */
#include "serialize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Builtin callables a GLOBAL can name. */
typedef enum GlobalId {
    G_NONE,
    G_REBUILD_TENSOR_V2,
    G_REBUILD_PARAMETER,
    G_REBUILD_PARAMETER_STATE,
    G_BUILD_INTLIST,
    G_BUILD_DOUBLELIST,
    G_BUILD_BOOLLIST,
    G_BUILD_TENSORLIST,
    G_RESTORE_TYPE_TAG,
    G_ORDERED_DICT,
    G_DEVICE,
    G_COMPLEX,
    G_LEGACY_INTLIST, /* __main__ IntList */
    G_TORCH_SIZE,     /* torch.Size, in torch.save pickles */
} GlobalId;


/* What a stack or memo slot holds. */
typedef enum PKind {
    PK_VALUE,  /* v */
    PK_GLOBAL, /* gid: a builtin callable */
    PK_CLASS,  /* v: the qualified name (IV_STR), resolved at use */
} PKind;

typedef struct PItem {
    PKind kind;
    GlobalId gid;
    IValue v;
} PItem;

/* Per-container bookkeeping (keyed by the heap pointer): nesting depth and
 * whether it has been placed inside another container. */
#define INFO_SEALED 1u

typedef struct U {
    const uint8_t *buf;
    size_t len, pos;
    size_t op_pos; /* offset of the opcode being executed */
    const PklOptions *opt;
    const char *name;
    Err *err;
    VEC(PItem) stack;
    VEC(size_t) marks;
    VEC(PItem) memo; /* unset entries have kind PK_VALUE, v IV_INVALID */
    HMap info;       /* heap pointer -> (depth << 1 | sealed) */
    HMap storages;   /* key -> Storage* of the whole record (retained) */
    HMap sized;      /* key -> Storage* cut to a persistent id's numel (retained) */
    HMap fits;       /* tuple pointer -> a Type it is known to fit */
    uint64_t alloc;
} U;

enum {
    OP_MARK = '(', OP_STOP = '.', OP_BININT = 'J', OP_BININT1 = 'K', OP_BININT2 = 'M',
    OP_NONE = 'N', OP_BINPERSID = 'Q', OP_REDUCE = 'R', OP_BINUNICODE = 'X', OP_APPEND = 'a',
    OP_BUILD = 'b', OP_GLOBAL = 'c', OP_DICT = 'd', OP_EMPTY_DICT = '}', OP_APPENDS = 'e',
    OP_BINGET = 'h', OP_LONG_BINGET = 'j', OP_LIST = 'l', OP_EMPTY_LIST = ']',
    OP_BINPUT = 'q', OP_LONG_BINPUT = 'r', OP_SETITEM = 's', OP_TUPLE = 't',
    OP_EMPTY_TUPLE = ')', OP_SETITEMS = 'u', OP_BINFLOAT = 'G', OP_PROTO = 0x80,
    OP_NEWOBJ = 0x81, OP_TUPLE1 = 0x85, OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87,
    OP_NEWTRUE = 0x88, OP_NEWFALSE = 0x89, OP_LONG1 = 0x8a, OP_BINUNICODE8 = 0x8d,
};

void pkl_default_options(PklOptions *o) {
    memset(o, 0, sizeof *o);
    o->name = "pickle";
    o->tensor_dir = "data/";
    o->max_depth = 10000;
    o->max_alloc = (uint64_t)64 << 30;
}

/* ------------------------------------------------------------- errors */

static int fail(U *u, int code, const char *fmt, ...) TSI_PRINTF(3, 4);
static int fail(U *u, int code, const char *fmt, ...) {
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    err_set(u->err, code, "%s at byte %zu of %s", sb.oom ? "error" : sb_cstr(&sb), u->op_pos,
            u->name);
    sb_free(&sb);
    return code;
}

static int fail_format(U *u, const char *what) { return fail(u, TSI_ERR_FORMAT, "%s", what); }

static int fail_nomem(U *u) { return fail(u, TSI_ERR_NOMEM, "out of memory"); }

/* Wrap an error set by a callee with our position. */
static int fail_from(U *u, int rc) {
    if (!u->err)
        return rc;
    return err_append(u->err, " (at byte %zu of %s)", u->op_pos, u->name);
}

static int charge(U *u, uint64_t bytes) {
    if (bytes > u->opt->max_alloc || u->alloc > u->opt->max_alloc - bytes)
        return fail(u, TSI_ERR_LIMIT, "allocation limit of %llu bytes exceeded",
                    (unsigned long long)u->opt->max_alloc);
    u->alloc += bytes;
    return TSI_OK;
}

/* ------------------------------------------------------------- items */

static void item_release(PItem it) { iv_release(it.v); }

static PItem item_dup(PItem it) {
    iv_retain(it.v);
    return it;
}

static const char *kind_name(IValue v) {
    switch (v.tag) {
    case IV_NONE: return "None";
    case IV_BOOL: return "bool";
    case IV_INT: return "int";
    case IV_DOUBLE: return "float";
    case IV_COMPLEX: return "complex";
    case IV_STR: return "str";
    case IV_TENSOR: return "Tensor";
    case IV_LIST: return "list";
    case IV_TUPLE: return "tuple";
    case IV_DICT: return "dict";
    case IV_OBJECT: return "object";
    case IV_ENUM: return "enum";
    case IV_DEVICE: return "Device";
    default: return "value";
    }
}

static bool is_container(IValue v) {
    return v.tag == IV_LIST || v.tag == IV_TUPLE || v.tag == IV_DICT || v.tag == IV_OBJECT;
}

static uintptr_t info_get(U *u, IValue v) {
    if (!is_container(v))
        return 0;
    return (uintptr_t)hmap_get(&u->info, v.u.h);
}

static int info_set(U *u, IValue v, uintptr_t info) {
    if (!hmap_put(&u->info, v.u.h, (void *)info))
        return fail_nomem(u);
    return TSI_OK;
}

/* Record a new container of the given depth. */
static int track(U *u, IValue v, uint32_t depth) {
    if (depth > (uint32_t)u->opt->max_depth)
        return fail(u, TSI_ERR_LIMIT, "containers nested deeper than %d levels",
                    u->opt->max_depth);
    if (v.tag == IV_TUPLE)
        hmap_remove(&u->fits, v.u.h); /* a new tuple at a recycled address */
    return info_set(u, v, (uintptr_t)depth << 1);
}

/* A value is about to be placed inside `parent_depth`-deep container:
 * seal it. Returns the depth the parent needs. */
static int place(U *u, IValue child, uint32_t *need) {
    uintptr_t inf = info_get(u, child);
    *need = (uint32_t)(inf >> 1) + 1;
    if (is_container(child) && !(inf & INFO_SEALED))
        return info_set(u, child, inf | INFO_SEALED);
    return TSI_OK;
}

/* Grow a mutated container's depth. */
static int deepen(U *u, IValue parent, uint32_t need) {
    uintptr_t inf = info_get(u, parent);
    if ((inf >> 1) >= need)
        return TSI_OK;
    if (need > (uint32_t)u->opt->max_depth)
        return fail(u, TSI_ERR_LIMIT, "containers nested deeper than %d levels",
                    u->opt->max_depth);
    return info_set(u, parent, ((uintptr_t)need << 1) | (inf & INFO_SEALED));
}

/* A container the pickle wants to mutate must not be nested anywhere yet. */
static int check_mutable(U *u, IValue target, const char *op) {
    if (info_get(u, target) & INFO_SEALED)
        return fail(u, TSI_ERR_FORMAT,
                    "%s modifies a %s that is already inside another container "
                    "(reference cycles are not allowed)",
                    op, kind_name(target));
    return TSI_OK;
}

static int push(U *u, PItem it) {
    if (!vec_push(&u->stack, it)) {
        item_release(it);
        return fail_nomem(u);
    }
    return TSI_OK;
}

static int push_value(U *u, IValue v) {
    if (v.tag == IV_INVALID)
        return fail_nomem(u);
    return push(u, (PItem){PK_VALUE, G_NONE, v});
}

static int pop(U *u, PItem *out, const char *op) {
    size_t floor = u->marks.len ? vec_last(&u->marks) : 0;
    if (u->stack.len <= floor)
        return fail(u, TSI_ERR_FORMAT, "stack underflow in %s", op);
    *out = u->stack.data[--u->stack.len];
    return TSI_OK;
}

/* Pop a plain value (not a global or class). */
static int pop_value(U *u, IValue *out, const char *op) {
    PItem it;
    int rc = pop(u, &it, op);
    if (rc)
        return rc;
    if (it.kind != PK_VALUE) {
        item_release(it);
        return fail(u, TSI_ERR_FORMAT, "%s got a global where a value was expected", op);
    }
    *out = it.v;
    return TSI_OK;
}

/* The value on top of the stack (borrowed), for mutation in place. */
static int peek_value(U *u, IValue **out, const char *op) {
    size_t floor = u->marks.len ? vec_last(&u->marks) : 0;
    if (u->stack.len <= floor)
        return fail(u, TSI_ERR_FORMAT, "stack underflow in %s", op);
    PItem *it = &vec_last(&u->stack);
    if (it->kind != PK_VALUE)
        return fail(u, TSI_ERR_FORMAT, "%s got a global where a value was expected", op);
    *out = &it->v;
    return TSI_OK;
}

/* Pop the topmost mark; the items above it are u->stack.data[*start ..]. */
static int pop_mark(U *u, size_t *start, const char *op) {
    if (!u->marks.len)
        return fail(u, TSI_ERR_FORMAT, "%s without a MARK", op);
    *start = u->marks.data[--u->marks.len];
    return TSI_OK;
}

/* All items from start must be plain values. */
static int check_values(U *u, size_t start, const char *op) {
    for (size_t i = start; i < u->stack.len; i++)
        if (u->stack.data[i].kind != PK_VALUE)
            return fail(u, TSI_ERR_FORMAT, "%s: a global cannot be stored in a container", op);
    return TSI_OK;
}

/* ------------------------------------------------------------- reading */

static int need(U *u, size_t n) {
    if (n > u->len - u->pos)
        return fail(u, TSI_ERR_FORMAT, "pickle truncated (needs %zu more bytes, %zu left)", n,
                    u->len - u->pos);
    return TSI_OK;
}

static uint32_t rd_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------- containers */

static int make_tuple(U *u, size_t start, const char *op) {
    int rc = check_values(u, start, op);
    if (rc)
        return rc;
    size_t n = u->stack.len - start;
    if ((rc = charge(u, (uint64_t)n * sizeof(IValue) + 32)))
        return rc;
    IValue t = iv_tuple_new(n, NULL);
    if (t.tag == IV_INVALID)
        return fail_nomem(u);
    uint32_t depth = 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t nd;
        if ((rc = place(u, u->stack.data[start + i].v, &nd))) {
            iv_release(t);
            return rc;
        }
        if (nd > depth)
            depth = nd;
        t.u.tup->items[i] = u->stack.data[start + i].v;
    }
    u->stack.len = start; /* ownership moved into the tuple */
    if ((rc = track(u, t, depth))) {
        iv_release(t);
        return rc;
    }
    return push_value(u, t);
}

static int new_list(U *u, IValue *out) {
    int rc = charge(u, 48);
    if (rc)
        return rc;
    *out = iv_list_new(type_any(), 0);
    if (out->tag == IV_INVALID)
        return fail_nomem(u);
    if ((rc = track(u, *out, 1))) {
        iv_release(*out);
        return rc;
    }
    return TSI_OK;
}

static int new_dict(U *u, IValue *out) {
    int rc = charge(u, 64);
    if (rc)
        return rc;
    *out = iv_dict_new(type_any(), type_any());
    if (out->tag == IV_INVALID)
        return fail_nomem(u);
    if ((rc = track(u, *out, 1))) {
        iv_release(*out);
        return rc;
    }
    return TSI_OK;
}

/* Append stack items [start, len) to list `l` (borrowed, on the stack below). */
static int list_extend(U *u, IValue l, size_t start, const char *op) {
    int rc = check_values(u, start, op);
    if (rc)
        return rc;
    if (l.tag != IV_LIST)
        return fail(u, TSI_ERR_FORMAT, "%s on a %s (expected a list)", op, kind_name(l));
    if ((rc = check_mutable(u, l, op)))
        return rc;
    size_t n = u->stack.len - start;
    if ((rc = charge(u, (uint64_t)n * sizeof(IValue))))
        return rc;
    for (size_t i = start; i < u->stack.len; i++) {
        IValue item = u->stack.data[i].v;
        if (item.tag == IV_LIST && item.u.l == l.u.l)
            return fail_format(u, "a list cannot contain itself");
        uint32_t nd;
        if ((rc = place(u, item, &nd)) || (rc = deepen(u, l, nd)))
            return rc;
    }
    for (size_t i = start; i < u->stack.len; i++) {
        if (!iv_list_push(l.u.l, u->stack.data[i].v)) {
            /* items before i are owned by the list now */
            u->stack.data[i].v = iv_none();
            for (size_t j = i + 1; j < u->stack.len; j++)
                item_release(u->stack.data[j]);
            u->stack.len = start;
            return fail_nomem(u);
        }
        u->stack.data[i].v = iv_none();
    }
    u->stack.len = start;
    return TSI_OK;
}

/* Set key/value pairs from stack items [start, len) into dict `d`. */
static int dict_update(U *u, IValue d, size_t start, const char *op) {
    int rc = check_values(u, start, op);
    if (rc)
        return rc;
    if (d.tag != IV_DICT)
        return fail(u, TSI_ERR_FORMAT, "%s on a %s (expected a dict)", op, kind_name(d));
    if ((u->stack.len - start) % 2)
        return fail(u, TSI_ERR_FORMAT, "%s with an odd number of items", op);
    if ((rc = check_mutable(u, d, op)))
        return rc;
    size_t n = u->stack.len - start;
    if ((rc = charge(u, (uint64_t)n * sizeof(IvDictEntry))))
        return rc;
    for (size_t i = start; i < u->stack.len; i++) {
        IValue item = u->stack.data[i].v;
        if (item.tag == IV_DICT && item.u.dict == d.u.dict)
            return fail_format(u, "a dict cannot contain itself");
        if ((i - start) % 2 == 0 && (is_container(item) || !iv_hashable(item)))
            return fail(u, TSI_ERR_FORMAT, "%s: a %s cannot be a dict key", op, kind_name(item));
        uint32_t nd;
        if ((rc = place(u, item, &nd)) || (rc = deepen(u, d, nd)))
            return rc;
    }
    for (size_t i = start; i < u->stack.len; i += 2) {
        IValue k = u->stack.data[i].v, v = u->stack.data[i + 1].v;
        u->stack.data[i].v = u->stack.data[i + 1].v = iv_none();
        if (!iv_dict_set(d.u.dict, k, v)) {
            for (size_t j = i + 2; j < u->stack.len; j++)
                item_release(u->stack.data[j]);
            u->stack.len = start;
            return fail_nomem(u);
        }
    }
    u->stack.len = start;
    return TSI_OK;
}

/* ------------------------------------------------------------- globals */

static bool valid_global_name(const char *s) {
    if (!*s)
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.'))
            return false;
    }
    return true;
}

/* Read a newline-terminated GLOBAL line into buf. */
static int read_line(U *u, char *buf, size_t cap) {
    size_t start = u->pos;
    while (u->pos < u->len && u->buf[u->pos] != '\n') {
        if (u->pos - start + 1 >= cap)
            return fail_format(u, "GLOBAL name is too long");
        u->pos++;
    }
    if (u->pos >= u->len)
        return fail_format(u, "pickle truncated inside a GLOBAL name");
    size_t n = u->pos - start;
    memcpy(buf, u->buf + start, n);
    buf[n] = 0;
    u->pos++; /* the newline */
    return TSI_OK;
}

static int op_global(U *u) {
    char mod[512], name[512];
    int rc;
    if ((rc = read_line(u, mod, sizeof mod)) || (rc = read_line(u, name, sizeof name)))
        return rc;
    if (!valid_global_name(mod) || !valid_global_name(name))
        return fail(u, TSI_ERR_FORMAT, "malformed GLOBAL name");
    static const struct {
        const char *mod, *name;
        GlobalId id;
    } table[] = {
        {"torch._utils", "_rebuild_tensor_v2", G_REBUILD_TENSOR_V2},
        {"torch._utils", "_rebuild_parameter", G_REBUILD_PARAMETER},
        {"torch._utils", "_rebuild_parameter_with_state", G_REBUILD_PARAMETER_STATE},
        {"torch.jit._pickle", "build_intlist", G_BUILD_INTLIST},
        {"torch.jit._pickle", "build_doublelist", G_BUILD_DOUBLELIST},
        {"torch.jit._pickle", "build_boollist", G_BUILD_BOOLLIST},
        {"torch.jit._pickle", "build_tensorlist", G_BUILD_TENSORLIST},
        {"torch.jit._pickle", "restore_type_tag", G_RESTORE_TYPE_TAG},
        {"collections", "OrderedDict", G_ORDERED_DICT},
        {"torch", "device", G_DEVICE},
        {"builtins", "complex", G_COMPLEX},
        {"__main__", "IntList", G_LEGACY_INTLIST},
        {"torch", "Size", G_TORCH_SIZE},
    };
    for (size_t i = 0; i < TSI_ARRAY_LEN(table); i++)
        if (!strcmp(mod, table[i].mod) && !strcmp(name, table[i].name))
            return push(u, (PItem){PK_GLOBAL, table[i].id, iv_invalid()});
    /* Clear refusals for things torch can write but tsi does not load. */
    if (!strcmp(mod, "torch._utils") && !strcmp(name, "_rebuild_qtensor"))
        return fail(u, TSI_ERR_UNSUPPORTED,
                    "quantized tensors are not supported (global 'torch._utils "
                    "_rebuild_qtensor')");
    if (!strcmp(mod, "torch._utils") && !strncmp(name, "_rebuild_sparse", 15))
        return fail(u, TSI_ERR_UNSUPPORTED, "sparse tensors are not supported (global '%s %s')",
                    mod, name);
    if (!strcmp(mod, "torch._tensor") && !strcmp(name, "_rebuild_from_type_v2"))
        return fail(u, TSI_ERR_UNSUPPORTED,
                    "tensor subclasses are not supported (global 'torch._tensor "
                    "_rebuild_from_type_v2')");
    if ((!strcmp(mod, "torch.jit._pickle") && !strcmp(name, "build_tensor_from_id")) ||
        (!strcmp(mod, "__main__") && !strcmp(name, "TensorID")))
        return fail(u, TSI_ERR_UNSUPPORTED,
                    "tensors from an external tensor table are not supported (global '%s %s')",
                    mod, name);
    if (!strcmp(mod, "torch")) {
        size_t n = strlen(name);
        if (n > 7 && !strcmp(name + n - 7, "Storage")) {
            char prefix[512];
            memcpy(prefix, name, n - 7);
            prefix[n - 7] = 0;
            DType dt = dtype_from_prefix(prefix);
            if (dt == TSI_DTYPE_INVALID)
                return fail(u, TSI_ERR_UNSUPPORTED,
                            "storage type 'torch %s' is not supported (tsi has no %s tensors)",
                            name, !strncmp(prefix, "Complex", 7) ? "complex"
                                  : prefix[0] == 'Q'             ? "quantized"
                                                                 : "such");
            /* Like torch's unpickler: a storage type is its ScalarType code. */
            return push_value(u, iv_int(dt));
        }
        if (!strncmp(name, "per_", 4))
            return fail(u, TSI_ERR_UNSUPPORTED,
                        "quantized tensors are not supported (global 'torch %s')", name);
    }
    if (!strcmp(mod, "__torch__") || !strncmp(mod, "__torch__.", 10)) {
        if (!u->opt->classes || !u->opt->classes->resolve)
            return fail(u, TSI_ERR_FORMAT, "class '%s.%s' cannot be loaded here", mod, name);
        char q[1024];
        snprintf(q, sizeof q, "%s.%s", mod, name);
        IValue s = iv_cstr(q);
        if (s.tag == IV_INVALID)
            return fail_nomem(u);
        return push(u, (PItem){PK_CLASS, G_NONE, s});
    }
    if (!strncmp(mod, "torch", 5) && (mod[5] == 0 || mod[5] == '.'))
        return fail(u, TSI_ERR_UNSUPPORTED, "unknown torch global '%s %s'", mod, name);
    return fail(u, TSI_ERR_FORMAT, "global '%s %s' is not allowed", mod, name);
}

/* ------------------------------------------------------- persistent ids */

static void release_parent(void *ctx, void *data) {
    TSI_UNUSED(data);
    storage_release(ctx);
}

static void bswap_elems(uint8_t *p, size_t count, size_t esize) {
    for (size_t i = 0; i < count; i++, p += esize)
        for (size_t a = 0, b = esize - 1; a < b; a++, b--) {
            uint8_t t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

/* ('storage', dtype code, key, location, numel) -> a 1-d tensor over the
 * whole storage (how storages travel through the args of
 * _rebuild_tensor_v2). */
static int op_binpersid(U *u) {
    IValue pid;
    int rc = pop_value(u, &pid, "BINPERSID");
    if (rc)
        return rc;
    Storage *s = NULL;
    IValue *it = pid.tag == IV_TUPLE ? pid.u.tup->items : NULL;
    if (!it || pid.u.tup->n != 5 || it[0].tag != IV_STR || strcmp(it[0].u.s->data, "storage")) {
        rc = fail_format(u, "persistent id is not a ('storage', type, key, location, numel) "
                            "tuple");
        goto out;
    }
    if (it[1].tag != IV_INT || !dtype_valid((int)it[1].u.i) || it[1].u.i != (int)it[1].u.i) {
        rc = fail_format(u, "persistent id has an invalid storage type");
        goto out;
    }
    DType dt = (DType)it[1].u.i;
    if (it[2].tag != IV_STR || it[2].u.s->len == 0 || it[2].u.s->len > 256 ||
        strlen(it[2].u.s->data) != it[2].u.s->len) {
        rc = fail_format(u, "persistent id has an invalid storage key");
        goto out;
    }
    Device dev;
    if (it[3].tag != IV_STR || device_parse(it[3].u.s->data, &dev) != TSI_OK) {
        rc = fail_format(u, "persistent id has an invalid device");
        goto out;
    }
    if (it[4].tag != IV_INT || it[4].u.i < 0) {
        rc = fail_format(u, "persistent id has an invalid element count");
        goto out;
    }
    int64_t numel = it[4].u.i;
    size_t esize = dtype_size(dt), nbytes;
    if ((uint64_t)numel > SIZE_MAX || mul_overflows((size_t)numel, esize, &nbytes)) {
        rc = fail_format(u, "storage size overflows");
        goto out;
    }
    const char *key = it[2].u.s->data;
    Storage *rec = hmap_get(&u->storages, key);
    if (rec) {
        storage_retain(rec);
    } else if (nbytes == 0) {
        rec = storage_new(0, u->err);
        if (!rec) {
            rc = fail_from(u, TSI_ERR_NOMEM);
            goto out;
        }
    } else {
        if (!u->opt->read_record) {
            rc = fail_format(u, "tensor storages cannot be loaded here");
            goto out;
        }
        char rname[512];
        snprintf(rname, sizeof rname, "%s%s", u->opt->tensor_dir ? u->opt->tensor_dir : "", key);
        rec = u->opt->read_record(u->opt->record_ctx, rname, u->err);
        if (!rec) {
            rc = fail_from(u, u->err ? u->err->code : TSI_ERR_FORMAT);
            goto out;
        }
        if ((rc = charge(u, rec->nbytes))) {
            storage_release(rec);
            goto out;
        }
        if (u->opt->big_endian && esize > 1) {
            /* Swap a private copy: the record's bytes may be shared. */
            Storage *c = storage_new(rec->nbytes, u->err);
            if (!c) {
                storage_release(rec);
                rc = fail_from(u, TSI_ERR_NOMEM);
                goto out;
            }
            memcpy(c->data, rec->data, rec->nbytes);
            bswap_elems(c->data, rec->nbytes / esize, esize);
            storage_release(rec);
            rec = c;
        }
    }
    if (!hmap_has(&u->storages, key)) {
        if (!hmap_put(&u->storages, key, rec)) {
            storage_release(rec);
            rc = fail_nomem(u);
            goto out;
        }
        storage_retain(rec);
    }
    if (rec->nbytes < nbytes) {
        rc = fail(u, TSI_ERR_FORMAT,
                  "storage record '%s%s' has %zu bytes but its persistent id declares %lld "
                  "elements of %zu bytes",
                  u->opt->tensor_dir ? u->opt->tensor_dir : "", key, rec->nbytes,
                  (long long)numel, esize);
        storage_release(rec);
        goto out;
    }
    if (rec->nbytes == nbytes) {
        s = rec;
    } else {
        /* Exactly numel elements, sharing the record's bytes; the same cut
         * is reused so that tensors of one key share one Storage. */
        Storage *prev = hmap_get(&u->sized, key);
        if (prev && prev->nbytes == nbytes) {
            storage_release(rec);
            storage_retain(prev);
            s = prev;
        } else {
            s = storage_wrap(rec->data, nbytes, release_parent, rec, u->err);
            if (!s) {
                storage_release(rec);
                rc = fail_from(u, TSI_ERR_NOMEM);
                goto out;
            }
            if (!hmap_put(&u->sized, key, s)) {
                rc = fail_nomem(u);
                goto out;
            }
            storage_retain(s);
            storage_release(prev);
        }
    }
    int64_t size = numel, stride = 1;
    Tensor *t = tensor_from_storage(s, dt, 0, 1, &size, &stride, u->err);
    if (!t) {
        rc = fail_from(u, TSI_ERR_FORMAT);
        goto out;
    }
    rc = push_value(u, iv_tensor(t));
out:
    storage_release(s);
    iv_release(pid);
    return rc;
}

/* ------------------------------------------------------------- calls */

static int int_tuple(U *u, IValue v, int64_t *out, int *n, const char *what) {
    if (v.tag != IV_TUPLE && v.tag != IV_LIST)
        return fail(u, TSI_ERR_FORMAT, "tensor %s is a %s, not a tuple", what, kind_name(v));
    size_t len = v.tag == IV_TUPLE ? v.u.tup->n : v.u.l->len;
    IValue *items = v.tag == IV_TUPLE ? v.u.tup->items : v.u.l->items;
    if (len > TSI_MAX_DIM)
        return fail(u, TSI_ERR_UNSUPPORTED, "tensor has %zu dimensions (limit %d)", len,
                    TSI_MAX_DIM);
    for (size_t i = 0; i < len; i++) {
        if (items[i].tag != IV_INT)
            return fail(u, TSI_ERR_FORMAT, "tensor %s entry is a %s", what, kind_name(items[i]));
        out[i] = items[i].u.i;
    }
    *n = (int)len;
    return TSI_OK;
}

static IValue *tuple_args(IValue args, size_t *n) {
    if (args.tag != IV_TUPLE) {
        *n = 0;
        return NULL;
    }
    *n = args.u.tup->n;
    return args.u.tup->items;
}

static int rebuild_tensor(U *u, IValue args, IValue *out) {
    size_t n;
    IValue *a = tuple_args(args, &n);
    if (!a || (n != 6 && n != 7))
        return fail_format(u, "_rebuild_tensor_v2 expects (storage, offset, size, stride, "
                              "requires_grad, hooks[, metadata])");
    if (a[0].tag != IV_TENSOR || !a[0].u.t)
        return fail_format(u, "_rebuild_tensor_v2: the first argument is not a storage");
    if (a[1].tag != IV_INT)
        return fail_format(u, "_rebuild_tensor_v2: the storage offset is not an int");
    int64_t sizes[TSI_MAX_DIM], strides[TSI_MAX_DIM];
    int nd, ns, rc;
    if ((rc = int_tuple(u, a[2], sizes, &nd, "size")) ||
        (rc = int_tuple(u, a[3], strides, &ns, "stride")))
        return rc;
    if (nd != ns)
        return fail(u, TSI_ERR_FORMAT, "tensor has %d sizes but %d strides", nd, ns);
    if (a[4].tag != IV_BOOL)
        return fail_format(u, "_rebuild_tensor_v2: requires_grad is not a bool");
    Tensor *st = a[0].u.t;
    Tensor *t = tensor_from_storage(st->storage, st->dtype, a[1].u.i, nd, sizes, strides, u->err);
    if (!t)
        return fail_from(u, TSI_ERR_FORMAT);
    t->requires_grad = a[4].u.b;
    *out = iv_tensor(t);
    return TSI_OK;
}

static int rebuild_parameter(U *u, IValue args, bool with_state, IValue *out) {
    size_t n;
    IValue *a = tuple_args(args, &n);
    if (!a || n != (with_state ? 4u : 3u) || a[0].tag != IV_TENSOR || !a[0].u.t ||
        a[1].tag != IV_BOOL)
        return fail_format(u, "_rebuild_parameter expects (tensor, requires_grad, hooks)");
    Tensor *t = tensor_alias(a[0].u.t, u->err);
    if (!t)
        return fail_from(u, TSI_ERR_NOMEM);
    t->requires_grad = a[1].u.b;
    *out = iv_tensor(t);
    return TSI_OK;
}

/* The single argument of build_*list / IntList: a tuple (list,). */
static int typed_list(U *u, IValue args, Type *elem, IVTag want, IValue *out) {
    size_t n;
    IValue *a = tuple_args(args, &n);
    if (!a || n != 1 || a[0].tag != IV_LIST)
        return fail_format(u, "a typed list builder expects one list argument");
    IvList *l = a[0].u.l;
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].tag != want)
            return fail(u, TSI_ERR_FORMAT, "a List[%s] holds a %s", kind_name((IValue){.tag = want}),
                        kind_name(l->items[i]));
    l->elem = elem;
    *out = iv_dup(a[0]);
    return TSI_OK;
}

static bool fits(U *u, IValue v, Type *t);

static Type *resolve_type_name(void *ctx, const char *qualname, Err *err) {
    U *u = ctx;
    const PklClassHooks *h = u->opt->classes;
    if (!h || !h->resolve) {
        err_set(err, TSI_ERR_FORMAT, "unknown type name '%s'", qualname);
        return NULL;
    }
    return h->resolve(h->ctx, qualname, PKL_USE_TYPE, err);
}

static int restore_type_tag(U *u, IValue args, IValue *out) {
    size_t n;
    IValue *a = tuple_args(args, &n);
    if (!a || n != 2 || (a[0].tag != IV_LIST && a[0].tag != IV_DICT) || a[1].tag != IV_STR)
        return fail_format(u, "restore_type_tag expects (list or dict, type string)");
    Type *t = pkl_parse_type_annotation(a[1].u.s->data, a[1].u.s->len, resolve_type_name, u,
                                        u->err);
    if (!t)
        return fail_from(u, TSI_ERR_FORMAT);
    if (a[0].tag == IV_LIST) {
        if (t->kind != TY_LIST)
            return fail(u, TSI_ERR_FORMAT, "type tag '%s' given to a list", a[1].u.s->data);
        IvList *l = a[0].u.l;
        for (size_t i = 0; i < l->len; i++)
            if (!fits(u, l->items[i], t->elems[0]))
                return fail(u, TSI_ERR_FORMAT, "a %s holds a %s", a[1].u.s->data,
                            kind_name(l->items[i]));
        l->elem = t->elems[0];
    } else {
        if (t->kind != TY_DICT)
            return fail(u, TSI_ERR_FORMAT, "type tag '%s' given to a dict", a[1].u.s->data);
        IvDict *d = a[0].u.dict;
        IValue k, v;
        for (size_t it = 0; iv_dict_next(d, &it, &k, &v);)
            if (!fits(u, k, t->elems[0]) || !fits(u, v, t->elems[1]))
                return fail(u, TSI_ERR_FORMAT, "a %s holds a %s: %s item", a[1].u.s->data,
                            kind_name(k), kind_name(v));
        d->key_type = t->elems[0];
        d->value_type = t->elems[1];
    }
    *out = iv_dup(a[0]);
    return TSI_OK;
}

static int call_enum(U *u, Type *et, IValue args, IValue *out) {
    IValue v = args;
    /* torch writes the bare value; Python's reduce protocol a 1-tuple. */
    if (v.tag == IV_TUPLE && v.u.tup->n == 1)
        v = v.u.tup->items[0];
    if (v.tag != IV_INT && v.tag != IV_DOUBLE && v.tag != IV_STR)
        return fail(u, TSI_ERR_FORMAT, "enum '%s' value is a %s (expected int, float or str)",
                    et->name, kind_name(v));
    const PklClassHooks *h = u->opt->classes;
    if (h->enum_member) {
        int rc = h->enum_member(h->ctx, et, v, out, u->err);
        return rc ? fail_from(u, rc) : TSI_OK;
    }
    ClassInfo *c = et->cls;
    for (size_t i = 0; c && i < c->enum_members.len; i++)
        if (iv_equal(c->enum_members.data[i].value, v)) {
            *out = iv_enum_new(et, c->enum_members.data[i].name, iv_dup(v));
            return out->tag == IV_INVALID ? fail_nomem(u) : TSI_OK;
        }
    StrBuf sb;
    sb_init(&sb);
    iv_repr(&sb, v, NULL, NULL);
    int rc = fail(u, TSI_ERR_FORMAT, "enum '%s' has no member with value %s", et->name,
                  sb_cstr(&sb));
    sb_free(&sb);
    return rc;
}

static int op_reduce(U *u) {
    IValue args;
    PItem fn;
    int rc = pop_value(u, &args, "REDUCE");
    if (rc)
        return rc;
    if ((rc = pop(u, &fn, "REDUCE"))) {
        iv_release(args);
        return rc;
    }
    IValue out = iv_invalid();
    if (fn.kind == PK_VALUE) {
        rc = fail(u, TSI_ERR_FORMAT, "REDUCE calls a %s, not a global", kind_name(fn.v));
    } else if (fn.kind == PK_CLASS) {
        const PklClassHooks *h = u->opt->classes;
        Type *t = h->resolve(h->ctx, fn.v.u.s->data, PKL_USE_CALL, u->err);
        if (!t)
            rc = fail_from(u, u->err ? u->err->code : TSI_ERR_FORMAT);
        else if (t->kind != TY_ENUM)
            rc = fail(u, TSI_ERR_FORMAT, "class '%s' cannot be called (only enums can)",
                      fn.v.u.s->data);
        else
            rc = call_enum(u, t, args, &out);
    } else {
        size_t n;
        IValue *a = tuple_args(args, &n);
        switch (fn.gid) {
        case G_REBUILD_TENSOR_V2: rc = rebuild_tensor(u, args, &out); break;
        case G_REBUILD_PARAMETER: rc = rebuild_parameter(u, args, false, &out); break;
        case G_REBUILD_PARAMETER_STATE: rc = rebuild_parameter(u, args, true, &out); break;
        case G_BUILD_INTLIST:
        case G_LEGACY_INTLIST: rc = typed_list(u, args, type_int(), IV_INT, &out); break;
        case G_BUILD_DOUBLELIST: rc = typed_list(u, args, type_float(), IV_DOUBLE, &out); break;
        case G_BUILD_BOOLLIST: rc = typed_list(u, args, type_bool(), IV_BOOL, &out); break;
        case G_BUILD_TENSORLIST: rc = typed_list(u, args, type_tensor(), IV_TENSOR, &out); break;
        case G_RESTORE_TYPE_TAG: rc = restore_type_tag(u, args, &out); break;
        case G_ORDERED_DICT:
            if (!a || n != 0)
                rc = fail_format(u, "OrderedDict expects no arguments");
            else
                rc = new_dict(u, &out);
            break;
        case G_DEVICE: {
            Device d;
            if (!a || n != 1 || a[0].tag != IV_STR || device_parse(a[0].u.s->data, &d))
                rc = fail_format(u, "torch.device expects a device string such as 'cpu'");
            else
                out = iv_device(d);
            break;
        }
        case G_TORCH_SIZE:
            /* torch.Size((d0, d1, ...)): a tuple of ints */
            if (!a || n != 1 || a[0].tag != IV_TUPLE) {
                rc = fail_format(u, "torch.Size expects a tuple of ints");
            } else {
                for (size_t i = 0; i < a[0].u.tup->n; i++)
                    if (a[0].u.tup->items[i].tag != IV_INT)
                        rc = fail_format(u, "torch.Size expects a tuple of ints");
                if (!rc)
                    out = iv_dup(a[0]);
            }
            break;
        case G_COMPLEX:
            if (!a || n != 2 || (a[0].tag != IV_DOUBLE && a[0].tag != IV_INT) ||
                (a[1].tag != IV_DOUBLE && a[1].tag != IV_INT)) {
                rc = fail_format(u, "complex expects (real, imag)");
            } else {
                double re = a[0].tag == IV_DOUBLE ? a[0].u.d : (double)a[0].u.i;
                double im = a[1].tag == IV_DOUBLE ? a[1].u.d : (double)a[1].u.i;
                out = iv_complex(re, im);
                if (out.tag == IV_INVALID)
                    rc = fail_nomem(u);
            }
            break;
        default: rc = fail_format(u, "REDUCE of an unknown global"); break;
        }
    }
    iv_release(args);
    item_release(fn);
    if (rc) {
        iv_release(out);
        return rc;
    }
    return push_value(u, out);
}

static int op_newobj(U *u) {
    IValue args;
    PItem cls;
    int rc = pop_value(u, &args, "NEWOBJ");
    if (rc)
        return rc;
    if ((rc = pop(u, &cls, "NEWOBJ"))) {
        iv_release(args);
        return rc;
    }
    IValue obj = iv_invalid();
    if (cls.kind != PK_CLASS) {
        rc = fail_format(u, "NEWOBJ of something that is not a class");
    } else if (args.tag != IV_TUPLE || args.u.tup->n != 0) {
        rc = fail_format(u, "NEWOBJ with constructor arguments is not supported");
    } else {
        const PklClassHooks *h = u->opt->classes;
        Type *t = h->resolve(h->ctx, cls.v.u.s->data, PKL_USE_NEWOBJ, u->err);
        if (!t)
            rc = fail_from(u, u->err ? u->err->code : TSI_ERR_FORMAT);
        else if (t->kind != TY_CLASS)
            rc = fail(u, TSI_ERR_FORMAT, "'%s' is not a class", cls.v.u.s->data);
        else if ((rc = charge(u, 64 + (uint64_t)t->cls->attrs.len * sizeof(IValue))) == 0) {
            obj = iv_object_new(t);
            if (obj.tag == IV_INVALID)
                rc = fail_nomem(u);
            else
                rc = track(u, obj, 1);
        }
    }
    iv_release(args);
    item_release(cls);
    if (rc) {
        iv_release(obj);
        return rc;
    }
    return push_value(u, obj);
}

static int op_build(U *u) {
    IValue state;
    int rc = pop_value(u, &state, "BUILD");
    if (rc)
        return rc;
    IValue *target = NULL;
    if ((rc = peek_value(u, &target, "BUILD")))
        goto out;
    if (target->tag == IV_DICT) {
        /* torch.save's OrderedDicts carry Python attributes (_metadata):
         * nothing tsi uses. */
        if (state.tag != IV_DICT && state.tag != IV_NONE)
            rc = fail_format(u, "BUILD of a dict with a state that is not a dict");
        goto out;
    }
    if (target->tag != IV_OBJECT) {
        rc = fail(u, TSI_ERR_FORMAT, "BUILD on a %s (expected an object)", kind_name(*target));
        goto out;
    }
    if ((rc = check_mutable(u, *target, "BUILD")))
        goto out;
    if (is_container(state) && state.u.h == target->u.h) {
        rc = fail_format(u, "an object cannot be its own state");
        goto out;
    }
    uint32_t nd;
    if ((rc = place(u, state, &nd)) || (rc = deepen(u, *target, nd)))
        goto out;
    const PklClassHooks *h = u->opt->classes;
    rc = h && h->set_state ? h->set_state(h->ctx, target->u.obj, state, u->err)
                           : pkl_default_set_state(target->u.obj, state, u->err);
    if (rc)
        rc = fail_from(u, rc);
out:
    iv_release(state);
    return rc;
}

int pkl_default_set_state(IvObject *obj, IValue state, Err *err) {
    Type *cls = obj->cls;
    if (state.tag != IV_DICT)
        return err_set(err, TSI_ERR_FORMAT, "the state of a '%s' object is a %s, not a dict",
                       cls->name, state.tag == IV_TUPLE ? "tuple" : "non-dict value");
    size_t n = cls->cls ? cls->cls->attrs.len : 0;
    if (obj->nslots < n && !iv_object_resize(obj, n))
        return err_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const char *name = cls->cls->attrs.data[i].name;
        IValue key = iv_cstr(name), v;
        if (key.tag == IV_INVALID)
            return err_nomem(err);
        bool found = iv_dict_get(state.u.dict, key, &v);
        iv_release(key);
        if (!found)
            return err_set(err, TSI_ERR_FORMAT, "attribute '%s' of '%s' is missing from the pickle",
                           name, cls->name);
        iv_object_set(obj, i, iv_dup(v));
    }
    return TSI_OK;
}

/* ------------------------------------------------------------- type fit */

static bool fits_impl(IValue v, Type *t, HMap *cache) {
    switch (t->kind) {
    case TY_ANY:
    case TY_CLASS:
    case TY_INTERFACE:
    case TY_ENUM:
    case TY_ANY_CLASS:
    case TY_ANY_ENUM:
    case TY_VAR:
    case TY_PYOBJECT:
    case TY_CAPSULE: return true;
    case TY_TENSOR: return v.tag == IV_TENSOR;
    case TY_INT:
    case TY_LAYOUT:
    case TY_SCALARTYPE:
    case TY_MEMORYFORMAT:
    case TY_SYMINT:
    case TY_QSCHEME: return v.tag == IV_INT;
    case TY_FLOAT: return v.tag == IV_DOUBLE;
    case TY_COMPLEX: return v.tag == IV_COMPLEX;
    case TY_BOOL: return v.tag == IV_BOOL;
    case TY_STR: return v.tag == IV_STR;
    case TY_NONE: return v.tag == IV_NONE;
    case TY_DEVICE: return v.tag == IV_DEVICE;
    case TY_NUMBER: return v.tag == IV_INT || v.tag == IV_DOUBLE || v.tag == IV_COMPLEX;
    case TY_OPTIONAL: return v.tag == IV_NONE || fits_impl(v, t->elems[0], cache);
    case TY_UNION:
        for (int i = 0; i < t->n; i++)
            if (fits_impl(v, t->elems[i], cache))
                return true;
        return false;
    case TY_ANY_LIST: return v.tag == IV_LIST;
    case TY_ANY_TUPLE: return v.tag == IV_TUPLE;
    case TY_LIST: {
        /* Lists are invariant; an untagged (Any) list is accepted as is. */
        if (v.tag != IV_LIST)
            return false;
        if (v.u.l->elem == t->elems[0] || v.u.l->elem->kind == TY_ANY)
            return true;
        Type *lt = type_list(v.u.l->elem);
        return lt && type_is_subtype(lt, t);
    }
    case TY_DICT:
        return v.tag == IV_DICT &&
               ((v.u.dict->key_type == t->elems[0] && v.u.dict->value_type == t->elems[1]) ||
                (v.u.dict->key_type->kind == TY_ANY && v.u.dict->value_type->kind == TY_ANY));
    case TY_TUPLE:
        if (v.tag != IV_TUPLE || v.u.tup->n != (size_t)t->n)
            return false;
        /* Shared tuples (memo) can form a DAG whose tree is exponentially
         * large: check each tuple against a type once. */
        if (cache && hmap_get(cache, v.u.h) == t)
            return true;
        for (int i = 0; i < t->n; i++)
            if (!fits_impl(v.u.tup->items[i], t->elems[i], cache))
                return false;
        if (cache)
            if (!hmap_put(cache, v.u.h, t))
                return true; /* only the cache failed */
        return true;
    default: return false;
    }
}

bool pkl_value_fits(IValue v, Type *t) { return fits_impl(v, t, NULL); }

static bool fits(U *u, IValue v, Type *t) { return fits_impl(v, t, &u->fits); }

/* ------------------------------------------------------------- main loop */

static int op_memo_put(U *u, size_t id) {
    if (!u->stack.len)
        return fail_format(u, "memo store with an empty stack");
    /* Writers number memo entries consecutively; allow gaps but bound them
     * by the input size so a huge id cannot force a huge allocation. */
    if (id > u->len + 1024)
        return fail(u, TSI_ERR_FORMAT, "memo id %zu is out of range", id);
    if (id >= u->memo.len) {
        int rc = charge(u, (uint64_t)(id + 1 - u->memo.len) * sizeof(PItem));
        if (rc)
            return rc;
        if (!vec_reserve(&u->memo, id + 1))
            return fail_nomem(u);
        while (u->memo.len <= id)
            u->memo.data[u->memo.len++] = (PItem){PK_VALUE, G_NONE, iv_invalid()};
    }
    item_release(u->memo.data[id]);
    u->memo.data[id] = item_dup(vec_last(&u->stack));
    return TSI_OK;
}

static int op_memo_get(U *u, size_t id) {
    if (id >= u->memo.len ||
        (u->memo.data[id].kind == PK_VALUE && u->memo.data[id].v.tag == IV_INVALID))
        return fail(u, TSI_ERR_FORMAT, "memo id %zu was never stored", id);
    return push(u, item_dup(u->memo.data[id]));
}

static int run(U *u, IValue *out) {
    int rc;
    bool first = true;
    for (;;) {
        u->op_pos = u->pos;
        if (u->pos >= u->len)
            return fail_format(u, "pickle ends without a STOP opcode (truncated?)");
        uint8_t op = u->buf[u->pos++];
        if (first && op != OP_PROTO)
            return fail(u, TSI_ERR_FORMAT, "expected PROTO 2 as the first opcode, found 0x%02x",
                        op);
        first = false;
        switch (op) {
        case OP_PROTO:
            if ((rc = need(u, 1)))
                return rc;
            if (u->op_pos != 0)
                return fail_format(u, "PROTO in the middle of a pickle");
            if (u->buf[u->pos] != 2)
                return fail(u, TSI_ERR_UNSUPPORTED,
                            "unsupported pickle protocol %d (torch writes protocol 2)",
                            u->buf[u->pos]);
            u->pos++;
            break;
        case OP_STOP:
            if (u->marks.len)
                return fail_format(u, "STOP with an open MARK");
            if (u->stack.len != 1)
                return fail(u, TSI_ERR_FORMAT, "STOP with %zu items on the stack (expected 1)",
                            u->stack.len);
            if (u->stack.data[0].kind != PK_VALUE)
                return fail_format(u, "the pickle's result is a global, not a value");
            *out = u->stack.data[0].v;
            u->stack.len = 0;
            return TSI_OK;
        case OP_MARK:
            if (!vec_push(&u->marks, u->stack.len))
                return fail_nomem(u);
            break;
        case OP_EMPTY_LIST: {
            IValue l;
            if ((rc = new_list(u, &l)) || (rc = push_value(u, l)))
                return rc;
            break;
        }
        case OP_EMPTY_DICT: {
            IValue d;
            if ((rc = new_dict(u, &d)) || (rc = push_value(u, d)))
                return rc;
            break;
        }
        case OP_EMPTY_TUPLE:
            if ((rc = make_tuple(u, u->stack.len, "EMPTY_TUPLE")))
                return rc;
            break;
        case OP_NONE:
            if ((rc = push_value(u, iv_none())))
                return rc;
            break;
        case OP_NEWTRUE:
        case OP_NEWFALSE:
            if ((rc = push_value(u, iv_bool(op == OP_NEWTRUE))))
                return rc;
            break;
        case OP_BININT1:
            if ((rc = need(u, 1)) || (rc = push_value(u, iv_int(u->buf[u->pos]))))
                return rc;
            u->pos += 1;
            break;
        case OP_BININT2:
            if ((rc = need(u, 2)))
                return rc;
            rc = push_value(u, iv_int(u->buf[u->pos] | (u->buf[u->pos + 1] << 8)));
            u->pos += 2;
            if (rc)
                return rc;
            break;
        case OP_BININT:
            if ((rc = need(u, 4)))
                return rc;
            rc = push_value(u, iv_int((int32_t)rd_u32(u->buf + u->pos)));
            u->pos += 4;
            if (rc)
                return rc;
            break;
        case OP_LONG1: {
            if ((rc = need(u, 1)))
                return rc;
            size_t n = u->buf[u->pos++];
            if (n > 8)
                return fail(u, TSI_ERR_UNSUPPORTED, "integer of %zu bytes does not fit in int64",
                            n);
            if ((rc = need(u, n)))
                return rc;
            uint64_t x = 0;
            for (size_t i = 0; i < n; i++)
                x |= (uint64_t)u->buf[u->pos + i] << (8 * i);
            if (n > 0 && n < 8 && (u->buf[u->pos + n - 1] & 0x80))
                x |= ~(uint64_t)0 << (8 * n); /* sign-extend */
            u->pos += n;
            int64_t v;
            memcpy(&v, &x, sizeof v);
            if ((rc = push_value(u, iv_int(v))))
                return rc;
            break;
        }
        case OP_BINFLOAT: {
            if ((rc = need(u, 8)))
                return rc;
            uint64_t x = 0;
            for (int i = 0; i < 8; i++)
                x = x << 8 | u->buf[u->pos + (size_t)i];
            u->pos += 8;
            double d;
            memcpy(&d, &x, sizeof d);
            if ((rc = push_value(u, iv_double(d))))
                return rc;
            break;
        }
        case OP_BINUNICODE:
        case OP_BINUNICODE8: {
            /* BINUNICODE8 (an 8-byte length) is what newer torch writes for
             * strings of 4 GiB and more. */
            size_t lb = op == OP_BINUNICODE ? 4 : 8;
            if ((rc = need(u, lb)))
                return rc;
            uint64_t n64 = rd_u32(u->buf + u->pos);
            if (lb == 8)
                n64 |= (uint64_t)rd_u32(u->buf + u->pos + 4) << 32;
            u->pos += lb;
            if (n64 > u->len - u->pos)
                return fail(u, TSI_ERR_FORMAT,
                            "string length %llu exceeds the %zu bytes left in the pickle",
                            (unsigned long long)n64, u->len - u->pos);
            size_t n = (size_t)n64;
            if ((rc = charge(u, n + 32)))
                return rc;
            rc = push_value(u, iv_str((const char *)u->buf + u->pos, n));
            u->pos += n;
            if (rc)
                return rc;
            break;
        }
        case OP_TUPLE: {
            size_t start = 0;
            if ((rc = pop_mark(u, &start, "TUPLE")) || (rc = make_tuple(u, start, "TUPLE")))
                return rc;
            break;
        }
        case OP_TUPLE1:
        case OP_TUPLE2:
        case OP_TUPLE3: {
            size_t n = (size_t)(op - OP_TUPLE1 + 1);
            size_t floor = u->marks.len ? vec_last(&u->marks) : 0;
            if (u->stack.len < floor + n)
                return fail(u, TSI_ERR_FORMAT, "stack underflow in TUPLE%zu", n);
            if ((rc = make_tuple(u, u->stack.len - n, "TUPLE")))
                return rc;
            break;
        }
        case OP_LIST:
        case OP_DICT: {
            size_t start = 0;
            const char *nm = op == OP_LIST ? "LIST" : "DICT";
            if ((rc = pop_mark(u, &start, nm)))
                return rc;
            IValue c;
            if ((rc = op == OP_LIST ? new_list(u, &c) : new_dict(u, &c)))
                return rc;
            rc = op == OP_LIST ? list_extend(u, c, start, nm) : dict_update(u, c, start, nm);
            if (rc) {
                iv_release(c);
                return rc;
            }
            if ((rc = push_value(u, c)))
                return rc;
            break;
        }
        case OP_APPEND:
        case OP_APPENDS:
        case OP_SETITEM:
        case OP_SETITEMS: {
            size_t start = 0;
            const char *nm = op == OP_APPEND    ? "APPEND"
                             : op == OP_APPENDS ? "APPENDS"
                             : op == OP_SETITEM ? "SETITEM"
                                                : "SETITEMS";
            if (op == OP_APPENDS || op == OP_SETITEMS) {
                if ((rc = pop_mark(u, &start, nm)))
                    return rc;
            } else {
                size_t k = op == OP_APPEND ? 1 : 2;
                size_t floor = u->marks.len ? vec_last(&u->marks) : 0;
                if (u->stack.len < floor + k + 1)
                    return fail(u, TSI_ERR_FORMAT, "stack underflow in %s", nm);
                start = u->stack.len - k;
            }
            if (start == 0)
                return fail(u, TSI_ERR_FORMAT, "stack underflow in %s", nm);
            PItem *target = &u->stack.data[start - 1];
            if (target->kind != PK_VALUE)
                return fail(u, TSI_ERR_FORMAT, "%s on a global", nm);
            rc = op == OP_APPEND || op == OP_APPENDS ? list_extend(u, target->v, start, nm)
                                                     : dict_update(u, target->v, start, nm);
            if (rc)
                return rc;
            break;
        }
        case OP_BINPUT:
            if ((rc = need(u, 1)) || (rc = op_memo_put(u, u->buf[u->pos])))
                return rc;
            u->pos += 1;
            break;
        case OP_LONG_BINPUT:
            if ((rc = need(u, 4)) || (rc = op_memo_put(u, rd_u32(u->buf + u->pos))))
                return rc;
            u->pos += 4;
            break;
        case OP_BINGET:
            if ((rc = need(u, 1)) || (rc = op_memo_get(u, u->buf[u->pos])))
                return rc;
            u->pos += 1;
            break;
        case OP_LONG_BINGET:
            if ((rc = need(u, 4)) || (rc = op_memo_get(u, rd_u32(u->buf + u->pos))))
                return rc;
            u->pos += 4;
            break;
        case OP_GLOBAL:
            if ((rc = op_global(u)))
                return rc;
            break;
        case OP_NEWOBJ:
            if ((rc = op_newobj(u)))
                return rc;
            break;
        case OP_REDUCE:
            if ((rc = op_reduce(u)))
                return rc;
            break;
        case OP_BUILD:
            if ((rc = op_build(u)))
                return rc;
            break;
        case OP_BINPERSID:
            if ((rc = op_binpersid(u)))
                return rc;
            break;
        default: return fail(u, TSI_ERR_FORMAT, "unknown opcode 0x%02x", op);
        }
    }
}

int pkl_load(const void *data, size_t len, const PklOptions *opt, IValue *out, Err *err) {
    PklOptions defaults;
    if (!opt) {
        pkl_default_options(&defaults);
        opt = &defaults;
    }
    *out = iv_invalid();
    U u = {0};
    u.buf = data;
    u.len = len;
    u.opt = opt;
    u.name = opt->name ? opt->name : "pickle";
    u.err = err;
    hmap_init_ptr(&u.info);
    hmap_init_str(&u.storages);
    hmap_init_str(&u.sized);
    hmap_init_ptr(&u.fits);
    int rc = run(&u, out);
    for (size_t i = 0; i < u.stack.len; i++)
        item_release(u.stack.data[i]);
    vec_free(&u.stack);
    vec_free(&u.marks);
    for (size_t i = 0; i < u.memo.len; i++)
        item_release(u.memo.data[i]);
    vec_free(&u.memo);
    const void *k;
    void *v;
    for (size_t i = 0; hmap_next(&u.storages, &i, &k, &v);)
        storage_release(v);
    hmap_free(&u.storages);
    for (size_t i = 0; hmap_next(&u.sized, &i, &k, &v);)
        storage_release(v);
    hmap_free(&u.sized);
    hmap_free(&u.info);
    hmap_free(&u.fits);
    if (rc) {
        iv_release(*out);
        *out = iv_invalid();
    }
    return rc;
}
