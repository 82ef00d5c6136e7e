/*
 * ast_dump: print the AST of a TorchScript source file as canonical
 * S-expressions (fe_module_dump), for test/conformance/test_parser.py and
 * the golden error tests.
 *
 *   ast_dump [-r] [-e] FILE    -r: byte ranges on every node
 *                              -e: parse FILE as one expression
 *   ast_dump -q FILE...        parse only; print the file count, bytes and
 *                              the time fe_parse took in total
 *
 * Exit 0 with the dump on stdout, or 1 with the error message on stdout
 * (so golden files can hold exactly what the user would see).
 */
#include "frontend/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* -q: parse every file, report the time spent in fe_parse. */
static int parse_all(int n, char **paths) {
    double total = 0;
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
        Err err = {0};
        char *text = NULL;
        size_t len = 0;
        if (read_file(paths[i], &text, &len, &err) != TSI_OK) {
            fprintf(stderr, "%s\n", err.msg ? err.msg : "cannot read file");
            err_clear(&err);
            return 2;
        }
        AstModule *m = NULL;
        double t0 = now();
        int rc = fe_parse(text, len, paths[i], 1, &m, &err);
        total += now() - t0;
        bytes += len;
        free(text);
        if (rc != TSI_OK) {
            printf("%s", err.msg ? err.msg : "out of memory\n");
            err_clear(&err);
            return 1;
        }
        fe_ast_free(m);
    }
    printf("%d files, %zu bytes, %.3f ms\n", n, bytes, total * 1e3);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-q") == 0)
        return parse_all(argc - 2, argv + 2);
    bool ranges = false, expr = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0)
            ranges = true;
        else if (strcmp(argv[i], "-e") == 0)
            expr = true;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: ast_dump [-r] [-e] FILE\n");
        return 2;
    }
    Err err = {0};
    char *text = NULL;
    size_t len = 0;
    if (read_file(path, &text, &len, &err) != TSI_OK) {
        fprintf(stderr, "%s\n", err.msg ? err.msg : "cannot read file");
        err_clear(&err);
        return 2;
    }
    /* golden files name the file without its directory */
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    AstModule *m = NULL;
    Ast *e = NULL;
    int rc = expr ? fe_parse_expr(text, len, name, 1, &m, &e, &err)
                  : fe_parse(text, len, name, 1, &m, &err);
    free(text);
    if (rc != TSI_OK) {
        printf("%s", err.msg ? err.msg : "out of memory\n");
        err_clear(&err);
        return 1;
    }
    StrBuf sb;
    sb_init(&sb);
    fe_module_dump(&sb, m, ranges);
    fwrite(sb_cstr(&sb), 1, sb.len, stdout);
    sb_free(&sb);
    fe_ast_free(m);
    return 0;
}
