/*
 * graph.c: Graph, Block, Node and Value with torch's editing operations —
 * creation, placement with topological positions, use lists, torch's value
 * naming rule, attributes, constants, cloning and side-effect queries.
 *
 * Nodes, values and blocks live in the graph's arena; their growable
 * vectors are malloc'd and released when the node is destroyed or the
 * graph freed.
 */
#include "ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_MAX_LEN = 4096 };

static const int64_t TOPO_LOWER = INT64_MIN;
static const int64_t TOPO_UPPER = INT64_MAX;
static const int64_t TOPO_APPEND = 1099511627776LL; /* 2^40 */

/* Allocation failures inside graph construction have no good recovery
 * path in callers that build IR step by step; the arena reports them by
 * returning NULL, and graph-building entry points check `g->oom`-style
 * conditions through their results. We keep allocations small and bounded
 * by input size. */

static Value *value_new(Graph *g, Node *n, uint32_t offset) {
    Value *v = arena_alloc(&g->arena, sizeof *v);
    if (!v)
        return NULL;
    v->node = n;
    v->offset = offset;
    v->unique = g->next_unique++;
    v->type = type_tensor();
    return v;
}

static void value_free(Value *v) {
    Graph *g = v->node->graph;
    if (v->name && hmap_get(&g->names, v->name) == v)
        hmap_remove(&g->names, v->name);
    v->name = NULL;
    vec_free(&v->uses);
}

Node *ir_node_create(Graph *g, Symbol kind, size_t noutputs) {
    Node *n = arena_alloc(&g->arena, sizeof *n);
    if (!n || !vec_push(&g->all_nodes, n))
        return NULL;
    n->kind = kind;
    n->graph = g;
    for (size_t i = 0; i < noutputs; i++)
        if (!ir_node_add_output(n))
            return NULL;
    return n;
}

static Block *block_new(Graph *g, Node *owner) {
    Block *b = arena_alloc(&g->arena, sizeof *b);
    if (!b)
        return NULL;
    b->graph = g;
    b->owning_node = owner;
    b->param = ir_node_create(g, SYM_prim_Param, 0);
    b->ret = ir_node_create(g, SYM_prim_Return, 0);
    if (!b->param || !b->ret)
        return NULL;
    b->param->owner = b;
    b->ret->owner = b;
    /* the Return node is the list sentinel */
    b->ret->next = b->ret;
    b->ret->prev = b->ret;
    b->param->topo = TOPO_LOWER;
    b->ret->topo = TOPO_UPPER;
    return b;
}

Graph *ir_graph_new(void) {
    Graph *g = xcalloc(1, sizeof *g);
    if (!g)
        return NULL;
    arena_init(&g->arena);
    hmap_init_str(&g->names);
    hmap_init_str(&g->name_suffix);
    g->block = block_new(g, NULL);
    if (!g->block) {
        ir_graph_free(g);
        return NULL;
    }
    g->insert_before = g->block->ret;
    return g;
}

static void attr_release(Attr *a) {
    iv_release(a->v);
    if (a->kind == AK_G)
        ir_graph_free(a->g);
    if (a->kind == AK_GS) {
        for (int i = 0; i < a->ngs; i++)
            ir_graph_free(a->gs[i]);
        free(a->gs);
    }
}

static void node_free_storage(Node *n) {
    for (size_t i = 0; i < n->attrs.len; i++)
        attr_release(&n->attrs.data[i]);
    vec_free(&n->attrs);
    for (size_t i = 0; i < n->outputs.len; i++)
        vec_free(&n->outputs.data[i]->uses);
    vec_free(&n->inputs);
    vec_free(&n->outputs);
    vec_free(&n->blocks);
}

void ir_graph_free(Graph *g) {
    if (!g)
        return;
    for (size_t i = 0; i < g->all_nodes.len; i++)
        if (!g->all_nodes.data[i]->destroyed)
            node_free_storage(g->all_nodes.data[i]);
    vec_free(&g->all_nodes);
    for (size_t i = 0; i < g->sources.len; i++)
        source_release(g->sources.data[i]);
    vec_free(&g->sources);
    hmap_free(&g->names);
    hmap_free(&g->name_suffix);
    arena_free(&g->arena);
    free(g);
}

/* ------------------------------------------------------------------ uses */

static void add_use(Value *v, Node *user, size_t offset) {
    Use u = {user, (uint32_t)offset};
    (void)vec_push(&v->uses, u);
}

/* Remove the use (user, offset) from v. */
static void drop_use(Value *v, Node *user, size_t offset) {
    for (size_t i = 0; i < v->uses.len; i++) {
        if (v->uses.data[i].user == user && v->uses.data[i].offset == offset) {
            memmove(&v->uses.data[i], &v->uses.data[i + 1],
                    (v->uses.len - i - 1) * sizeof(Use));
            v->uses.len--;
            return;
        }
    }
}

static Use *find_use(Value *v, Node *user, size_t offset) {
    for (size_t i = 0; i < v->uses.len; i++)
        if (v->uses.data[i].user == user && v->uses.data[i].offset == offset)
            return &v->uses.data[i];
    return NULL;
}

/* ------------------------------------------------------------ inputs/outputs */

void ir_node_add_input(Node *n, Value *v) {
    n->schema = NULL;
    add_use(v, n, n->inputs.len);
    (void)vec_push(&n->inputs, v);
}

void ir_node_insert_input(Node *n, size_t at, Value *v) {
    n->schema = NULL;
    for (size_t i = at; i < n->inputs.len; i++) {
        Use *u = find_use(n->inputs.data[i], n, i);
        if (u)
            u->offset++;
    }
    if (!vec_reserve(&n->inputs, n->inputs.len + 1))
        return;
    memmove(&n->inputs.data[at + 1], &n->inputs.data[at], (n->inputs.len - at) * sizeof(Value *));
    n->inputs.data[at] = v;
    n->inputs.len++;
    add_use(v, n, at);
}

void ir_node_replace_input(Node *n, size_t i, Value *v) {
    n->schema = NULL;
    drop_use(n->inputs.data[i], n, i);
    n->inputs.data[i] = v;
    add_use(v, n, i);
}

void ir_node_replace_input_with(Node *n, Value *from, Value *to) {
    for (size_t i = 0; i < n->inputs.len; i++)
        if (n->inputs.data[i] == from)
            ir_node_replace_input(n, i, to);
}

void ir_node_remove_input(Node *n, size_t i) {
    n->schema = NULL;
    drop_use(n->inputs.data[i], n, i);
    for (size_t j = i + 1; j < n->inputs.len; j++) {
        Use *u = find_use(n->inputs.data[j], n, j);
        if (u)
            u->offset--;
    }
    memmove(&n->inputs.data[i], &n->inputs.data[i + 1], (n->inputs.len - i - 1) * sizeof(Value *));
    n->inputs.len--;
}

void ir_node_remove_all_inputs(Node *n) {
    n->schema = NULL;
    for (size_t i = 0; i < n->inputs.len; i++)
        drop_use(n->inputs.data[i], n, i);
    n->inputs.len = 0;
}

Value *ir_node_add_output(Node *n) {
    Value *v = value_new(n->graph, n, (uint32_t)n->outputs.len);
    if (!v || !vec_push(&n->outputs, v))
        return NULL;
    n->schema = NULL;
    return v;
}

Value *ir_node_insert_output(Node *n, size_t at) {
    Value *v = value_new(n->graph, n, (uint32_t)at);
    if (!v || !vec_reserve(&n->outputs, n->outputs.len + 1))
        return NULL;
    memmove(&n->outputs.data[at + 1], &n->outputs.data[at], (n->outputs.len - at) * sizeof(Value *));
    n->outputs.data[at] = v;
    n->outputs.len++;
    for (size_t i = at + 1; i < n->outputs.len; i++)
        n->outputs.data[i]->offset++;
    n->schema = NULL;
    return v;
}

void ir_node_erase_output(Node *n, size_t i) {
    Value *v = n->outputs.data[i];
    value_free(v);
    memmove(&n->outputs.data[i], &n->outputs.data[i + 1], (n->outputs.len - i - 1) * sizeof(Value *));
    n->outputs.len--;
    for (size_t j = i; j < n->outputs.len; j++)
        n->outputs.data[j]->offset--;
    n->schema = NULL;
}

Value *ir_block_add_input(Block *b, const char *name) {
    Value *v = ir_node_add_output(b->param);
    if (v && name)
        ir_value_set_name(v, name);
    return v;
}

Value *ir_block_insert_input(Block *b, size_t at, const char *name) {
    Value *v = ir_node_insert_output(b->param, at);
    if (v && name)
        ir_value_set_name(v, name);
    return v;
}

void ir_block_erase_input(Block *b, size_t i) { ir_node_erase_output(b->param, i); }
void ir_block_add_output(Block *b, Value *v) { ir_node_add_input(b->ret, v); }
void ir_block_erase_output(Block *b, size_t i) { ir_node_remove_input(b->ret, i); }

Block *ir_node_add_block(Node *n) {
    Block *b = block_new(n->graph, n);
    if (!b || !vec_push(&n->blocks, b))
        return NULL;
    n->schema = NULL;
    return b;
}

static void block_destroy(Block *b) {
    /* destroy nodes in reverse so uses disappear before their definitions */
    for (Node *n = b->ret->prev; n != b->ret;) {
        Node *prev = n->prev;
        ir_node_destroy(n);
        n = prev;
    }
    ir_node_destroy(b->param);
    ir_node_destroy(b->ret);
}

void ir_node_erase_block(Node *n, size_t i) {
    Block *b = n->blocks.data[i];
    memmove(&n->blocks.data[i], &n->blocks.data[i + 1], (n->blocks.len - i - 1) * sizeof(Block *));
    n->blocks.len--;
    block_destroy(b);
}

/* --------------------------------------------------------------- placement */

static void reindex_block(Block *b) {
    int64_t pos = TOPO_LOWER;
    for (Node *n = b->ret->next; n != b->ret; n = n->next) {
        pos += TOPO_APPEND;
        n->topo = pos;
    }
}

static void assign_topo(Node *n) {
    Block *b = n->owner;
    bool is_first = n->prev == b->ret;
    bool is_last = n->next == b->ret;
    int64_t prev_pos = is_first ? TOPO_LOWER : n->prev->topo;
    int64_t next_pos = is_last ? TOPO_UPPER : n->next->topo;
    if (is_last) {
        if (is_first) {
            n->topo = 0;
            return;
        }
        if (prev_pos >= TOPO_UPPER - TOPO_APPEND) {
            reindex_block(b);
            return;
        }
        n->topo = prev_pos + TOPO_APPEND;
    } else if (is_first) {
        if (next_pos <= TOPO_LOWER + TOPO_APPEND) {
            reindex_block(b);
            return;
        }
        n->topo = next_pos - TOPO_APPEND;
    } else {
        /* halve the gap, computed without overflow */
        uint64_t gap = (uint64_t)next_pos - (uint64_t)prev_pos;
        if (gap <= 1) {
            reindex_block(b);
            return;
        }
        n->topo = (int64_t)((uint64_t)prev_pos + gap / 2);
    }
}

/* Insert unattached n before pos (pos may be a block's Return node). */
void ir_node_insert_before(Node *n, Node *pos) {
    Block *b = pos->owner;
    if (pos == b->param) /* "before the param node" means first in the list */
        pos = b->ret->next;
    n->owner = b;
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
    assign_topo(n);
}

void ir_node_insert_after(Node *n, Node *pos) {
    if (pos->kind == SYM_prim_Param && pos == pos->owner->param)
        ir_node_insert_before(n, pos->owner->ret->next);
    else
        ir_node_insert_before(n, pos->next);
}

void ir_node_append(Block *b, Node *n) { ir_node_insert_before(n, b->ret); }
void ir_node_prepend(Block *b, Node *n) { ir_node_insert_before(n, b->ret->next); }

static void unlink_node(Node *n) {
    if (!n->owner || n == n->owner->ret || n == n->owner->param)
        return;
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = NULL;
    n->owner = NULL;
}

void ir_node_move_before(Node *n, Node *pos) {
    unlink_node(n);
    ir_node_insert_before(n, pos);
}

void ir_node_move_after(Node *n, Node *pos) {
    unlink_node(n);
    ir_node_insert_after(n, pos);
}

void ir_node_destroy(Node *n) {
    if (n->destroyed)
        return;
    while (n->outputs.len)
        ir_node_erase_output(n, n->outputs.len - 1);
    while (n->blocks.len)
        ir_node_erase_block(n, n->blocks.len - 1);
    ir_node_remove_all_inputs(n);
    unlink_node(n);
    node_free_storage(n);
    n->destroyed = true;
}

Node *ir_graph_insert_node(Graph *g, Node *n) {
    ir_node_insert_before(n, g->insert_before);
    return n;
}

void ir_graph_set_insert_point(Graph *g, Node *before) {
    g->insert_before = before ? before : g->block->ret;
}

bool ir_node_is_before(const Node *a, const Node *b) {
    for (const Node *l = a; l && l->owner; l = l->owner->owning_node) {
        for (const Node *r = b; r && r->owner; r = r->owner->owning_node) {
            if (l->owner == r->owner)
                return l->topo < r->topo;
        }
    }
    return false;
}

bool ir_node_is_in_block(const Node *n, const Block *b) {
    for (const Node *p = n; p && p->owner; p = p->owner->owning_node)
        if (p->owner == b)
            return true;
    return false;
}

/* ------------------------------------------------------------------ values */

void ir_value_replace_all_uses(Value *from, Value *to) {
    if (from == to)
        return;
    for (size_t i = 0; i < from->uses.len; i++) {
        Use u = from->uses.data[i];
        u.user->inputs.data[u.offset] = to;
        u.user->schema = NULL;
        (void)vec_push(&to->uses, u);
    }
    from->uses.len = 0;
}

void ir_value_replace_uses_after(Value *from, Value *to, const Node *after) {
    size_t w = 0;
    for (size_t i = 0; i < from->uses.len; i++) {
        Use u = from->uses.data[i];
        if (ir_node_is_before(after, u.user)) {
            u.user->inputs.data[u.offset] = to;
            (void)vec_push(&to->uses, u);
        } else {
            from->uses.data[w++] = u;
        }
    }
    from->uses.len = w;
}

static bool all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

void ir_value_set_name(Value *v, const char *name) {
    Graph *g = v->node->graph;
    size_t len = name ? strlen(name) : 0;
    if (len && (all_digits(name, len) || len > NAME_MAX_LEN))
        return; /* torch rejects numeric names; we ignore them */
    if (v->name) {
        if (hmap_get(&g->names, v->name) == v)
            hmap_remove(&g->names, v->name);
        v->name = NULL;
    }
    if (!len)
        return;
    Value *old = hmap_get(&g->names, name);
    if (old) {
        /* The earlier owner of the name gives it up and becomes base.N. */
        int64_t suffix = 1;
        size_t base_len = len;
        const char *dot = strrchr(name, '.');
        if (dot && dot[1] && all_digits(dot + 1, strlen(dot + 1)) && strlen(dot + 1) < 18) {
            suffix = strtoll(dot + 1, NULL, 10);
            base_len = (size_t)(dot - name);
        }
        char *base = xstrndup(name, base_len);
        char *repl = xmalloc(base_len + 24);
        if (!base || !repl) {
            free(base);
            free(repl);
            return;
        }
        /* torch continues past the suffix recorded for this base (which is
         * already one beyond the last one used), so names go x.1, x.3, ... */
        intptr_t known = (intptr_t)hmap_get(&g->name_suffix, base);
        if (known && known + 1 > suffix)
            suffix = known + 1;
        do {
            snprintf(repl, base_len + 24, "%s.%lld", base, (long long)suffix++);
        } while (hmap_has(&g->names, repl));
        if (!hmap_put(&g->name_suffix, base, (void *)(intptr_t)suffix)) {
            /* without the record the next rename only probes more names */
        }
        ir_value_set_name(old, repl);
        free(base);
        free(repl);
    }
    const char *copy = arena_strdup(&g->arena, name);
    if (!copy || !hmap_put(&g->names, copy, v))
        return;
    v->name = copy;
}

const char *ir_value_debug_name(const Value *v, char buf[24]) {
    if (v->name)
        return v->name;
    snprintf(buf, 24, "%u", v->unique);
    return buf;
}

void ir_value_copy_metadata(Value *to, const Value *from) {
    to->type = from->type;
    if (from->name)
        ir_value_set_name(to, from->name);
}

/* -------------------------------------------------------------- attributes */

Attr *ir_node_attr(const Node *n, Symbol name) {
    for (size_t i = 0; i < n->attrs.len; i++)
        if (n->attrs.data[i].name == name)
            return &n->attrs.data[i];
    return NULL;
}

bool ir_node_has_attr(const Node *n, Symbol name) { return ir_node_attr(n, name) != NULL; }

/* The slot for `name`: existing (released, position kept) or appended. */
static Attr *attr_slot(Node *n, Symbol name) {
    Attr *a = ir_node_attr(n, name);
    if (a) {
        attr_release(a);
    } else {
        if (!vec_reserve(&n->attrs, n->attrs.len + 1))
            return NULL;
        a = &n->attrs.data[n->attrs.len++];
    }
    memset(a, 0, sizeof *a);
    a->name = name;
    return a;
}

void ir_node_set_attr_iv(Node *n, Symbol name, AttrKind kind, IValue v) {
    Attr *a = attr_slot(n, name);
    if (!a)
        return;
    a->kind = kind;
    a->v = iv_dup(v);
}

void ir_node_set_attr_i(Node *n, Symbol name, int64_t v) {
    ir_node_set_attr_iv(n, name, AK_I, iv_int(v));
}

void ir_node_set_attr_f(Node *n, Symbol name, double v) {
    ir_node_set_attr_iv(n, name, AK_F, iv_double(v));
}

void ir_node_set_attr_s(Node *n, Symbol name, const char *s) {
    IValue v = iv_cstr(s);
    ir_node_set_attr_iv(n, name, AK_S, v);
    iv_release(v);
}

void ir_node_set_attr_t(Node *n, Symbol name, Tensor *t) {
    ir_node_set_attr_iv(n, name, AK_T, iv_tensor(t));
}

void ir_node_set_attr_ty(Node *n, Symbol name, Type *t) {
    Attr *a = attr_slot(n, name);
    if (!a)
        return;
    a->kind = AK_TY;
    a->ty = t;
}

void ir_node_set_attr_tys(Node *n, Symbol name, Type *const *ts, int count) {
    Attr *a = attr_slot(n, name);
    if (!a)
        return;
    a->kind = AK_TYS;
    a->tys = arena_alloc_array(&n->graph->arena, (size_t)(count ? count : 1), sizeof(Type *));
    if (a->tys)
        memcpy(a->tys, ts, sizeof(Type *) * (size_t)count);
    a->ntys = a->tys ? count : 0;
}

void ir_node_set_attr_g(Node *n, Symbol name, Graph *g) {
    Attr *a = attr_slot(n, name);
    if (!a) {
        ir_graph_free(g);
        return;
    }
    a->kind = AK_G;
    a->g = g;
}

void ir_node_remove_attr(Node *n, Symbol name) {
    for (size_t i = 0; i < n->attrs.len; i++) {
        if (n->attrs.data[i].name == name) {
            attr_release(&n->attrs.data[i]);
            memmove(&n->attrs.data[i], &n->attrs.data[i + 1],
                    (n->attrs.len - i - 1) * sizeof(Attr));
            n->attrs.len--;
            return;
        }
    }
}

void ir_node_copy_attrs(Node *to, const Node *from) {
    for (size_t i = 0; i < from->attrs.len; i++) {
        const Attr *a = &from->attrs.data[i];
        switch (a->kind) {
        case AK_TY: ir_node_set_attr_ty(to, a->name, a->ty); break;
        case AK_TYS: ir_node_set_attr_tys(to, a->name, a->tys, a->ntys); break;
        case AK_G: ir_node_set_attr_g(to, a->name, ir_graph_copy(a->g)); break;
        case AK_GS: {
            Attr *b = attr_slot(to, a->name);
            if (!b)
                break;
            b->kind = AK_GS;
            b->gs = xcalloc((size_t)(a->ngs ? a->ngs : 1), sizeof(Graph *));
            if (b->gs) {
                for (int k = 0; k < a->ngs; k++)
                    b->gs[k] = ir_graph_copy(a->gs[k]);
                b->ngs = a->ngs;
            }
            break;
        }
        default: ir_node_set_attr_iv(to, a->name, a->kind, a->v); break;
        }
    }
}

int64_t ir_node_i(const Node *n, Symbol name) {
    Attr *a = ir_node_attr(n, name);
    return a && a->v.tag == IV_INT ? a->v.u.i : 0;
}

double ir_node_f(const Node *n, Symbol name) {
    Attr *a = ir_node_attr(n, name);
    return a && a->v.tag == IV_DOUBLE ? a->v.u.d : 0.0;
}

const char *ir_node_s(const Node *n, Symbol name) {
    Attr *a = ir_node_attr(n, name);
    return a && a->v.tag == IV_STR ? a->v.u.s->data : NULL;
}

/* --------------------------------------------------------------- constants */

/* Can v be held in a prim::Constant (torch's insertableIValue)? */
static bool insertable(IValue v) {
    switch (v.tag) {
    case IV_INT:
    case IV_DOUBLE:
    case IV_BOOL:
    case IV_STR:
    case IV_NONE:
    case IV_DEVICE:
    case IV_COMPLEX:
    case IV_ENUM: return true;
    case IV_TENSOR: return v.u.t && !v.u.t->requires_grad;
    case IV_LIST:
        for (size_t i = 0; i < v.u.l->len; i++)
            if (!insertable(v.u.l->items[i]))
                return false;
        return true;
    case IV_TUPLE:
        for (size_t i = 0; i < v.u.tup->n; i++)
            if (!insertable(v.u.tup->items[i]))
                return false;
        return true;
    case IV_DICT: {
        IValue k, x;
        for (size_t it = 0; iv_dict_next(v.u.dict, &it, &k, &x);)
            if (!insertable(k) || !insertable(x))
                return false;
        return true;
    }
    default: return false;
    }
}

Node *ir_constant_node(Graph *g, IValue v, Err *err) {
    Node *n = ir_node_create(g, SYM_prim_Constant, 1);
    if (!n) {
        err_nomem(err);
        return NULL;
    }
    Value *out = n->outputs.data[0];
    Symbol value = SYM_attr_value;
    switch (v.tag) {
    case IV_TENSOR:
        if (!v.u.t) {
            out->type = type_none();
            break;
        }
        if (v.u.t->requires_grad)
            goto unsupported;
        out->type = type_tensor_of(v.u.t);
        ir_node_set_attr_iv(n, value, AK_T, v);
        break;
    case IV_INT:
        ir_node_set_attr_iv(n, value, AK_I, v);
        out->type = type_int();
        break;
    case IV_DOUBLE:
        ir_node_set_attr_iv(n, value, AK_F, v);
        out->type = type_float();
        break;
    case IV_COMPLEX:
        ir_node_set_attr_iv(n, value, AK_C, v);
        out->type = type_complex();
        break;
    case IV_BOOL:
        ir_node_set_attr_iv(n, value, AK_I, iv_int(v.u.b));
        out->type = type_bool();
        break;
    case IV_STR:
        ir_node_set_attr_iv(n, value, AK_S, v);
        out->type = type_str();
        break;
    case IV_DEVICE: {
        StrBuf sb;
        sb_init(&sb);
        device_format(&sb, v.u.dev);
        ir_node_set_attr_s(n, value, sb_cstr(&sb));
        sb_free(&sb);
        out->type = type_device();
        break;
    }
    case IV_NONE: out->type = type_none(); break;
    case IV_LIST:
    case IV_TUPLE:
    case IV_DICT:
    case IV_ENUM:
        if (!insertable(v))
            goto unsupported;
        ir_node_set_attr_iv(n, value, AK_IVAL, v);
        out->type = iv_type_of(v, true);
        break;
    case IV_OBJECT:
        if (type_is_module(v.u.obj->cls))
            goto unsupported;
        ir_node_set_attr_iv(n, value, AK_IVAL, v);
        out->type = v.u.obj->cls;
        break;
    case IV_FUNCTION:
        ir_node_set_attr_s(n, SYM_attr_name, v.u.fn->name);
        out->type = type_of_kind(TY_FUNCTION);
        ir_node_set_attr_iv(n, value, AK_IVAL, v);
        break;
    default: goto unsupported;
    }
    return n;
unsupported:
    ir_node_destroy(n);
    err_set(err, TSI_ERR_UNSUPPORTED, "value cannot be a graph constant");
    return NULL;
}

Value *ir_insert_constant(Graph *g, IValue v, Err *err) {
    Node *n = ir_constant_node(g, v, err);
    if (!n)
        return NULL;
    ir_graph_insert_node(g, n);
    return n->outputs.data[0];
}

IValue ir_constant_value(const Node *n) {
    if (n->kind != SYM_prim_Constant || n->outputs.len != 1)
        return iv_invalid();
    Type *t = n->outputs.data[0]->type;
    Attr *a = ir_node_attr(n, SYM_attr_value);
    if (!a)
        return t->kind == TY_FUNCTION ? iv_invalid() : iv_none();
    switch (a->kind) {
    case AK_I:
        if (t->kind == TY_BOOL)
            return iv_bool(a->v.u.i != 0);
        return a->v;
    case AK_S:
        if (t->kind == TY_DEVICE) {
            Device d;
            if (device_parse(a->v.u.s->data, &d))
                return iv_invalid();
            return iv_device(d);
        }
        return iv_dup(a->v);
    case AK_TY:
    case AK_TYS:
    case AK_G:
    case AK_GS: return iv_invalid();
    default: return iv_dup(a->v);
    }
}

bool ir_value_constant(const Value *v, IValue *out) {
    IValue c = ir_constant_value(v->node);
    if (c.tag == IV_INVALID)
        return false;
    *out = c;
    return true;
}

/* ------------------------------------------------------------------ cloning */

typedef struct CloneEnv {
    HMap local;       /* old Value* -> new Value* */
    ValueMap outer;
    void *outer_ctx;
} CloneEnv;

static Value *clone_env_lookup(Value *old, void *ctx) {
    CloneEnv *e = ctx;
    Value *v = hmap_get(&e->local, old);
    if (v)
        return v;
    return e->outer ? e->outer(old, e->outer_ctx) : NULL;
}

void ir_node_set_range(Node *n, SourceRange r) {
    n->range = r;
    if (!r.src)
        return;
    Graph *g = n->graph;
    for (size_t i = 0; i < g->sources.len; i++)
        if (g->sources.data[i] == r.src)
            return;
    if (vec_push(&g->sources, r.src))
        source_retain(r.src);
    else
        n->range.src = NULL;
}

Node *ir_node_clone(Graph *g, const Node *n, ValueMap map, void *ctx) {
    Node *r = ir_node_create(g, n->kind, 0);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n->outputs.len; i++) {
        Value *o = ir_node_add_output(r);
        if (!o)
            return NULL;
        ir_value_copy_metadata(o, n->outputs.data[i]);
    }
    ir_node_set_range(r, n->range);
    ir_node_copy_attrs(r, n);
    for (size_t i = 0; i < n->inputs.len; i++) {
        Value *v = map(n->inputs.data[i], ctx);
        if (!v)
            return NULL;
        ir_node_add_input(r, v);
    }
    for (size_t i = 0; i < n->blocks.len; i++) {
        Block *b = ir_node_add_block(r);
        if (!b)
            return NULL;
        ir_block_clone_into(b, n->blocks.data[i], map, ctx);
    }
    r->schema = n->schema;
    return r;
}

void ir_block_clone_into(Block *to, const Block *from, ValueMap outer, void *ctx) {
    CloneEnv env;
    hmap_init_ptr(&env.local);
    env.outer = outer;
    env.outer_ctx = ctx;
    Graph *g = to->graph;
    for (size_t i = 0; i < from->param->outputs.len; i++) {
        Value *in = from->param->outputs.data[i];
        Value *nv = ir_block_add_input(to, NULL);
        if (!nv)
            goto done;
        ir_value_copy_metadata(nv, in);
        if (!hmap_put(&env.local, in, nv))
            goto done;
    }
    for (Node *n = from->ret->next; n != from->ret; n = n->next) {
        Node *c = ir_node_clone(g, n, clone_env_lookup, &env);
        if (!c)
            goto done;
        ir_node_append(to, c);
        for (size_t i = 0; i < n->outputs.len; i++) {
            ir_value_copy_metadata(c->outputs.data[i], n->outputs.data[i]);
            if (!hmap_put(&env.local, n->outputs.data[i], c->outputs.data[i]))
                goto done;
        }
    }
    for (size_t i = 0; i < from->ret->inputs.len; i++) {
        Value *v = clone_env_lookup(from->ret->inputs.data[i], &env);
        if (v)
            ir_block_add_output(to, v);
    }
done:
    hmap_free(&env.local);
}

static Value *no_outer(Value *old, void *ctx) {
    TSI_UNUSED(old);
    TSI_UNUSED(ctx);
    return NULL;
}

Graph *ir_graph_copy(const Graph *g) {
    Graph *c = ir_graph_new();
    if (!c)
        return NULL;
    ir_block_clone_into(c->block, g->block, no_outer, NULL);
    return c;
}

/* ------------------------------------------------------------ side effects */

bool ir_node_has_side_effects(const Node *n) {
    switch (n->kind) {
    case SYM_prim_PythonOp:
    case SYM_prim_IgnoredPythonOp:
    case SYM_prim_Print:
    case SYM_prim_RaiseException:
    case SYM_aten_warn:
    case SYM_aten_save:
    case SYM_aten_manual_seed:
    case SYM_prim_AddStatValue:
    case SYM_prim_TimePoint:
    case SYM_prim_CallFunction:
    case SYM_prim_CallMethod:
    case SYM_prim_BailoutTemplate:
    case SYM_prim_BailOut:
    case SYM_prim_rpc_async:
    case SYM_prim_rpc_sync:
    case SYM_prim_rpc_remote:
    case SYM_aten_wait:
    case SYM_prim_Enter:
    case SYM_prim_Exit: return true;
    default: return false;
    }
}
