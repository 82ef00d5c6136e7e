/*
 * cli_graph.c: `tsi graph MODEL` — read a graph and print it the way
 * torch's str(graph) does. MODEL is a text-IR file (what str(graph)
 * prints); the graph is verified after loading.
 *
 * load_graph() picks a reader by the file's contents; archives (and the
 * -m/--inlined/--frozen options of DESIGN.md) plug in there and in
 * GraphOptions.
 */
#include "cli.h"

#include "../frontend/frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct GraphOptions {
    const char *path;
} GraphOptions;

static void graph_usage(FILE *f) {
    fprintf(f, "usage: tsi graph MODEL\n\n"
               "Print the graph of MODEL as torch's str(graph) does. MODEL is a file of\n"
               "textual IR (what str(graph) prints); it is parsed, verified and printed.\n");
}

/* 0 ok, CLI_USAGE (message printed) on bad arguments, -1 for --help. */
static int parse_args(int argc, char **argv, GraphOptions *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return -1;
        if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tsi graph: unknown option '%s'\n", a);
            graph_usage(stderr);
            return CLI_USAGE;
        }
        if (o->path) {
            fprintf(stderr, "tsi graph: more than one model given\n");
            graph_usage(stderr);
            return CLI_USAGE;
        }
        o->path = a;
    }
    if (!o->path) {
        fprintf(stderr, "tsi graph: no model given\n");
        graph_usage(stderr);
        return CLI_USAGE;
    }
    return 0;
}

/* Read the graph named by the options. Types the graph mentions live in cu. */
static Graph *load_graph(const GraphOptions *o, CompilationUnit *cu, Err *err) {
    char *data;
    size_t len;
    if (read_file(o->path, &data, &len, err))
        return NULL;
    Graph *g = NULL;
    if (len >= 4 && !memcmp(data, "PK\003\004", 4)) {
        err_set(err, TSI_ERR_UNSUPPORTED, "%s: reading graphs from .pt archives is not supported yet",
                o->path);
    } else {
        g = irp_parse(data, len, o->path, cu, err);
        if (g && ir_graph_verify(g, err)) {
            err_prefix(err, "%s: invalid graph", o->path);
            ir_graph_free(g);
            g = NULL;
        }
    }
    free(data);
    return g;
}

int cli_graph(int argc, char **argv) {
    GraphOptions o = {0};
    int rc = parse_args(argc, argv, &o);
    if (rc < 0) {
        graph_usage(stdout);
        return CLI_OK;
    }
    if (rc)
        return rc;
    Err err = {0};
    CompilationUnit *cu = ir_cu_new();
    Graph *g = cu ? load_graph(&o, cu, &err) : NULL;
    if (!cu)
        err_nomem(&err);
    if (!g) {
        /* parse errors already read "file:line:col: error: ..." */
        if (err.code == TSI_ERR_FORMAT && err.msg) {
            fprintf(stderr, "%s\n", err.msg);
            rc = CLI_MODEL_ERROR;
        } else {
            rc = cli_report(&err);
        }
        err_clear(&err);
        ir_cu_release(cu);
        return rc;
    }
    char *text = ir_graph_to_string(g);
    if (!text) {
        err_nomem(&err);
        rc = cli_report(&err);
        err_clear(&err);
    } else {
        fputs(text, stdout);
        free(text);
        rc = fflush(stdout) == 0 ? CLI_OK : CLI_MODEL_ERROR;
    }
    ir_graph_free(g);
    ir_cu_release(cu);
    return rc;
}
