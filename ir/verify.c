/*
 * verify.c: the graph verifier (torch's Graph::lint plus block-shape rules):
 * every value defined once, every use dominated by its definition, use
 * lists and inputs agreeing in both directions, Param/Return shape, the
 * block structure of prim::If and prim::Loop, and arity against a resolved
 * schema. Subgraph attributes are verified too.
 */
#include "ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Verifier {
    const Graph *g;
    HMap in_scope;        /* Value* -> non-NULL while its definition is in scope */
    HMap defined;         /* Value* -> defining Node* (ever defined) */
    HMap uniques;         /* unique+1 -> Value* */
    VEC(const Value *) scope_stack;
    Err *err;
    int depth;
} Verifier;

enum { VERIFY_MAX_DEPTH = 1000 };

/* The first line of a node as the printer shows it. */
static void node_line(StrBuf *sb, const Node *n) {
    StrBuf tmp;
    sb_init(&tmp);
    PrintOptions opt = {.source_comments = false};
    ir_node_print(&tmp, n, 0, &opt);
    const char *s = sb_cstr(&tmp);
    const char *nl = strchr(s, '\n');
    sb_putn(sb, s, nl ? (size_t)(nl - s) : strlen(s));
    sb_free(&tmp);
}

static int fail_node(Verifier *v, const Node *n, const char *fmt, ...) TSI_PRINTF(3, 4);

static int fail_node(Verifier *v, const Node *n, const char *fmt, ...) {
    StrBuf sb;
    sb_init(&sb);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (n) {
        sb_puts(&sb, "\n  in node: ");
        node_line(&sb, n);
    }
    int rc = sb.oom ? err_nomem(v->err) : err_set(v->err, TSI_ERR_VALUE, "%s", sb_cstr(&sb));
    sb_free(&sb);
    return rc;
}

static const char *vname(const Value *x, char buf[24]) { return ir_value_debug_name(x, buf); }

/* Enter the outputs of n into scope (single definition checked). */
static int define_outputs(Verifier *v, const Node *n) {
    for (size_t i = 0; i < n->outputs.len; i++) {
        const Value *x = n->outputs.data[i];
        char b[24];
        if (!x)
            return fail_node(v, n, "output %zu is missing", i);
        if (x->node != n || x->offset != i)
            return fail_node(v, n, "output %%%s does not point back to its node (offset %u, expected %zu)",
                             vname(x, b), x->offset, i);
        if (hmap_has(&v->defined, x))
            return fail_node(v, n, "value %%%s is defined more than once", vname(x, b));
        const void *ukey = (const void *)(uintptr_t)((uintptr_t)x->unique + 1);
        const Value *other = hmap_get(&v->uniques, ukey);
        if (other)
            return fail_node(v, n, "value %%%s has the same unique number (%u) as another value",
                             vname(x, b), x->unique);
        if (x->name && hmap_get(&v->g->names, x->name) != x)
            return fail_node(v, n, "value %%%s is not registered under its name", x->name);
        if (!hmap_put(&v->defined, x, (void *)n) || !hmap_put(&v->in_scope, x, (void *)n) ||
            !hmap_put(&v->uniques, ukey, (void *)x) || !vec_push(&v->scope_stack, x))
            return err_nomem(v->err);
        /* every use names a live node that really has x as that input */
        for (size_t u = 0; u < x->uses.len; u++) {
            Use use = x->uses.data[u];
            if (!use.user || use.user->destroyed)
                return fail_node(v, n, "value %%%s has a use by a destroyed node", vname(x, b));
            if (use.offset >= use.user->inputs.len || use.user->inputs.data[use.offset] != x)
                return fail_node(v, n, "value %%%s has a stale use (input %u of another node)",
                                 vname(x, b), use.offset);
            if (use.user->graph != v->g)
                return fail_node(v, n, "value %%%s is used by a node of another graph", vname(x, b));
            for (size_t w = 0; w < u; w++)
                if (x->uses.data[w].user == use.user && x->uses.data[w].offset == use.offset)
                    return fail_node(v, n, "value %%%s lists the same use twice", vname(x, b));
        }
    }
    return TSI_OK;
}

/* Every input of n is in scope, and recorded as a use. */
static int check_inputs(Verifier *v, const Node *n) {
    for (size_t i = 0; i < n->inputs.len; i++) {
        const Value *x = n->inputs.data[i];
        char b[24];
        if (!x)
            return fail_node(v, n, "input %zu is missing", i);
        if (!hmap_has(&v->in_scope, x)) {
            if (hmap_has(&v->defined, x))
                return fail_node(v, n, "%%%s is used outside the block that defines it", vname(x, b));
            if (x->node && x->node->graph != v->g)
                return fail_node(v, n, "%%%s belongs to another graph", vname(x, b));
            return fail_node(v, n, "%%%s is used before its definition", vname(x, b));
        }
        bool found = false;
        for (size_t u = 0; u < x->uses.len && !found; u++)
            found = x->uses.data[u].user == n && x->uses.data[u].offset == i;
        if (!found)
            return fail_node(v, n, "input %zu (%%%s) is missing from the value's use list", i,
                             vname(x, b));
    }
    return TSI_OK;
}

static int verify_graph(const Graph *g, Err *err, int depth);
static int verify_block(Verifier *v, const Block *b, const Node *owner);

/* The shape rules of one node, without scope or use checks. */
static int node_shape(Verifier *v, const Node *n) {
    size_t ni = n->inputs.len, no = n->outputs.len, nb = n->blocks.len;
    switch (n->kind) {
    case SYM_prim_Constant:
        if (ni != 0)
            return fail_node(v, n, "prim::Constant must not have inputs");
        if (nb != 0)
            return fail_node(v, n, "prim::Constant must not have blocks");
        break;
    case SYM_prim_Param:
    case SYM_prim_Return: return fail_node(v, n, "%s node inside a block's node list", ir_sym_name(n->kind));
    case SYM_prim_If:
        if (ni != 1)
            return fail_node(v, n, "prim::If must have one input (the condition), has %zu", ni);
        if (nb != 2)
            return fail_node(v, n, "prim::If must have two blocks, has %zu", nb);
        for (size_t i = 0; i < 2; i++) {
            const Block *b = n->blocks.data[i];
            if (ir_block_ninputs((Block *)b) != 0)
                return fail_node(v, n, "block%zu of prim::If must not have inputs", i);
            if (ir_block_noutputs((Block *)b) != no)
                return fail_node(v, n, "block%zu of prim::If has %zu outputs, the node %zu", i,
                                 ir_block_noutputs((Block *)b), no);
        }
        break;
    case SYM_prim_Loop: {
        if (nb != 1)
            return fail_node(v, n, "prim::Loop must have one block, has %zu", nb);
        if (ni < 2)
            return fail_node(v, n, "prim::Loop needs a trip count and a condition input");
        size_t carried = ni - 2;
        const Block *b = n->blocks.data[0];
        if (no != carried)
            return fail_node(v, n, "prim::Loop carries %zu values but has %zu outputs", carried, no);
        if (ir_block_ninputs((Block *)b) != carried + 1)
            return fail_node(v, n, "the prim::Loop block must have %zu inputs (iteration + carried), has %zu",
                             carried + 1, ir_block_ninputs((Block *)b));
        if (ir_block_noutputs((Block *)b) != carried + 1)
            return fail_node(v, n, "the prim::Loop block must have %zu outputs (condition + carried), has %zu",
                             carried + 1, ir_block_noutputs((Block *)b));
        break;
    }
    default: break;
    }
    const FunctionSchema *s = n->schema;
    if (s) {
        if (s->is_vararg ? ni < (size_t)s->nargs : ni != (size_t)s->nargs)
            return fail_node(v, n, "%zu inputs, but the schema of %s takes %d", ni, s->name, s->nargs);
        if (!s->is_varret && no != (size_t)s->nrets)
            return fail_node(v, n, "%zu outputs, but the schema of %s returns %d", no, s->name, s->nrets);
    }
    return TSI_OK;
}

int ir_node_verify(const Node *n, Err *err) {
    Verifier v = {0};
    v.g = n->graph;
    v.err = err;
    return node_shape(&v, n);
}

static int check_node_shape(Verifier *v, const Node *n) {
    int rc = node_shape(v, n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n->attrs.len; i++) {
        const Attr *a = &n->attrs.data[i];
        if (a->kind == AK_G && a->g) {
            rc = verify_graph(a->g, v->err, v->depth + 1);
            if (rc)
                return err_prefix(v->err, "in the subgraph of %s", ir_sym_name(n->kind));
        }
    }
    return TSI_OK;
}

static int verify_node(Verifier *v, const Node *n, const Block *b) {
    if (n->destroyed)
        return fail_node(v, NULL, "a destroyed node is still linked into a block");
    if (n->owner != b)
        return fail_node(v, n, "node does not point back to its block");
    if (n->graph != v->g)
        return fail_node(v, n, "node belongs to another graph");
    if (n->next->prev != n || n->prev->next != n)
        return fail_node(v, n, "broken node list links");
    int rc = check_inputs(v, n);
    if (rc)
        return rc;
    if ((rc = check_node_shape(v, n)))
        return rc;
    for (size_t i = 0; i < n->blocks.len; i++) {
        const Block *sub = n->blocks.data[i];
        if (!sub || sub->owning_node != n)
            return fail_node(v, n, "block%zu does not point back to its node", i);
        if ((rc = verify_block(v, sub, n)))
            return rc;
    }
    /* outputs come into scope after the node (and its blocks) */
    return define_outputs(v, n);
}

static int verify_block(Verifier *v, const Block *b, const Node *owner) {
    if (++v->depth > VERIFY_MAX_DEPTH)
        return err_set(v->err, TSI_ERR_LIMIT, "blocks nested too deeply");
    size_t mark = v->scope_stack.len;
    const Node *param = b->param, *ret = b->ret;
    if (!param || !ret || param->kind != SYM_prim_Param || ret->kind != SYM_prim_Return)
        return fail_node(v, owner, "block without Param/Return nodes");
    if (param->inputs.len)
        return fail_node(v, owner, "a block's Param node has inputs");
    if (ret->outputs.len)
        return fail_node(v, owner, "a block's Return node has outputs");
    if (param->owner != b || ret->owner != b)
        return fail_node(v, owner, "a block's Param/Return node does not point back to it");
    if (b->graph != v->g)
        return fail_node(v, owner, "block belongs to another graph");
    int rc = define_outputs(v, param);
    if (rc)
        return rc;
    size_t count = 0;
    int64_t last_topo = INT64_MIN;
    for (const Node *n = ret->next; n != ret; n = n->next) {
        if (!n || ++count > v->g->all_nodes.len)
            return fail_node(v, owner, "a block's node list does not end");
        if (n != ret->next && n->topo <= last_topo)
            return fail_node(v, n, "topological positions out of order");
        last_topo = n->topo;
        if ((rc = verify_node(v, n, b)))
            return rc;
    }
    if ((rc = check_inputs(v, ret)))
        return rc;
    /* leave the block: its values go out of scope */
    while (v->scope_stack.len > mark)
        hmap_remove(&v->in_scope, v->scope_stack.data[--v->scope_stack.len]);
    v->depth--;
    return TSI_OK;
}

static int verify_graph(const Graph *g, Err *err, int depth) {
    if (depth > 64)
        return err_set(err, TSI_ERR_LIMIT, "subgraphs nested too deeply");
    Verifier v = {0};
    v.g = g;
    v.err = err;
    hmap_init_ptr(&v.in_scope);
    hmap_init_ptr(&v.defined);
    hmap_init_ptr(&v.uniques);
    int rc;
    if (!g->block || g->block->owning_node)
        rc = err_set(err, TSI_ERR_VALUE, "graph without a top-level block");
    else
        rc = verify_block(&v, g->block, NULL);
    if (!rc) {
        /* the uniques of all values stay below the next one handed out */
        const void *k;
        void *val;
        for (size_t it = 0; hmap_next(&v.uniques, &it, &k, &val);) {
            const Value *x = val;
            if (x->unique >= g->next_unique) {
                char b[24];
                rc = fail_node(&v, x->node, "value %%%s has a unique number (%u) not below the graph's next (%u)",
                               vname(x, b), x->unique, g->next_unique);
                break;
            }
        }
    }
    hmap_free(&v.in_scope);
    hmap_free(&v.defined);
    hmap_free(&v.uniques);
    vec_free(&v.scope_stack);
    return rc;
}

int ir_graph_verify(const Graph *g, Err *err) { return verify_graph(g, err, 0); }
