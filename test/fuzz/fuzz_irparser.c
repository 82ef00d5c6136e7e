/*
 * fuzz_irparser: the textual IR parser on arbitrary bytes. It must never
 * crash; whatever it accepts must verify, print, and print the same after
 * a second parse (print(parse(print(g))) == print(g)).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 20)
        return 0;
    Err err = {0};
    CompilationUnit *cu = ir_cu_new();
    if (!cu)
        return 0;
    Graph *g = irp_parse((const char *)data, size, "fuzz.ir", cu, &err);
    if (!g) {
        /* every failure explains itself */
        if (!err.msg)
            abort();
        err_clear(&err);
        ir_cu_release(cu);
        return 0;
    }
    if (ir_graph_verify(g, &err)) {
        fprintf(stderr, "parsed graph fails verification: %s\n", err.msg);
        abort();
    }
    char *text = ir_graph_to_string(g);
    if (text) {
        Graph *g2 = irp_parse(text, strlen(text), "printed.ir", cu, &err);
        if (!g2) {
            fprintf(stderr, "printed graph does not parse: %s\n%s", err.msg, text);
            abort();
        }
        char *text2 = ir_graph_to_string(g2);
        if (text2 && strcmp(text, text2) != 0) {
            fprintf(stderr, "print/parse is not stable:\n%s---\n%s", text, text2);
            abort();
        }
        free(text2);
        ir_graph_free(g2);
        free(text);
    }
    ir_graph_free(g);
    ir_cu_release(cu);
    return 0;
}
