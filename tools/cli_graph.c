/*
 * cli_graph.c: `tsi graph FILE.ir` — read a graph and print it the way
 * torch's str(graph) does. The graph is verified after loading.
 *
 * Loading goes through load_graph(), which picks a reader by the file's
 * form; more sources (archives) and options plug in there and in
 * GraphOptions.
 */
#include "cli.h"

#include "../frontend/frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct GraphOptions {
    const char *path;
    bool verify;
} GraphOptions;

static void graph_usage(FILE *f) {
    fprintf(f, "usage: tsi graph [--no-verify] FILE.ir\n\n"
               "Parse a graph in torch's textual IR (str(graph)) and print it back.\n\n"
               "options:\n"
               "  --no-verify  skip the graph verifier\n");
}

/* 0 ok, CLI_USAGE (message printed) on bad arguments, -1 for --help. */
static int parse_args(int argc, char **argv, GraphOptions *o) {
    o->verify = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            return -1;
        if (!strcmp(a, "--no-verify")) {
            o->verify = false;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tsi graph: unknown option '%s'\n", a);
            graph_usage(stderr);
            return CLI_USAGE;
        } else if (o->path) {
            fprintf(stderr, "tsi graph: more than one file given\n");
            graph_usage(stderr);
            return CLI_USAGE;
        } else {
            o->path = a;
        }
    }
    if (!o->path) {
        fprintf(stderr, "tsi graph: no file given\n");
        graph_usage(stderr);
        return CLI_USAGE;
    }
    return 0;
}

/* Read the graph named by the options. Types the graph mentions live in cu. */
static Graph *load_graph(const GraphOptions *o, CompilationUnit *cu, Err *err) {
    char *text;
    size_t len;
    if (read_file(o->path, &text, &len, err))
        return NULL;
    Graph *g = irp_parse(text, len, o->path, cu, err);
    free(text);
    if (g && o->verify && ir_graph_verify(g, err)) {
        err_prefix(err, "%s: invalid graph", o->path);
        ir_graph_free(g);
        return NULL;
    }
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
    if (!cu) {
        err_nomem(&err);
        rc = cli_report(&err);
        err_clear(&err);
        return rc;
    }
    Graph *g = load_graph(&o, cu, &err);
    if (!g) {
        /* parse errors already read "file:line:col: error: ..." */
        if (err.code == TSI_ERR_FORMAT) {
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
