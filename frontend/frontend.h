/*
 * frontend: text in, IR out.
 *
 * The IR parser (irparser.c) reads the textual IR torch prints with
 * str(graph); the source compiler (TorchScript source to graphs) will live
 * beside it. Each part has its own section below.
 */
#ifndef TSI_FRONTEND_H
#define TSI_FRONTEND_H

#include "../ir/ir.h"

/* ============================================================ IR parser */

/*
 * Parse one graph in torch's textual IR form (what str(graph) prints),
 * including the `with prim::fork_0 = graph(...)` subgraphs printed after it.
 * Accepts a superset of torch's own parse_ir: names on node outputs are kept
 * (so printing the result gives the text back), the printer's `= op()` form
 * for nodes without outputs, Future[T] and Future(T), constants of every
 * printed form (tuples, dicts, inf/nan, complex, inline tensor values,
 * `<Tensor>` placeholders, read as zero-filled tensors of the declared
 * type), class, interface, enum and named tuple types.
 * Comments (`# ...`, such as torch's source-location comments) are skipped.
 *
 * Class-like types are looked up in `cu` by qualified name and created there
 * as placeholders when missing; cu may be NULL for graphs without such
 * types. `filename` names the text in error messages (NULL: "<string>").
 *
 * Returns a new graph (ir_graph_free) or NULL with err set (TSI_ERR_FORMAT
 * for malformed text) to "file:line:col: error: message" followed by the
 * source line and a caret line under the problem.
 */
Graph *irp_parse(const char *text, size_t len, const char *filename, CompilationUnit *cu,
                 Err *err);

#endif
