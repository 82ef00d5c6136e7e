/*
 * run_model.c: a complete program embedding libtsi through its public C API.
 *
 *   run_model MODEL [ARG...]
 *
 * Loads MODEL (a .pt archive or a text-IR file), parses each ARG as a
 * Python literal (@file.npy for a tensor), calls forward and prints the
 * result. A tensor result also gets its dtype and shape printed, read
 * through the tensor accessors.
 */
#include <tsi.h>

#include <stdio.h>
#include <stdlib.h>

static int report(const char *what, tsi_error *err) {
    fprintf(stderr, "%s: %s\n", what, tsi_error_message(err));
    tsi_error_free(err);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: run_model MODEL [ARG...]\n");
        return 2;
    }
    tsi_error *err = NULL;
    tsi_module *m = NULL;
    if (tsi_module_load(argv[1], &m, &err) != TSI_STATUS_OK)
        return report("load", err);

    int nargs = argc - 2, status = 0;
    tsi_value **args = calloc((size_t)nargs + 1, sizeof *args);
    for (int i = 0; i < nargs && !status; i++)
        if (tsi_value_parse(argv[2 + i], &args[i], &err) != TSI_STATUS_OK)
            status = report("argument", err);

    tsi_value *result = NULL;
    if (!status && tsi_module_call(m, "forward", args, (size_t)nargs, &result, &err) != TSI_STATUS_OK)
        status = report("forward", err);
    if (!status) {
        char *text = tsi_value_to_string(result);
        printf("%s\n", text ? text : "?");
        free(text);
        if (tsi_value_kind(result) == TSI_KIND_TENSOR) {
            printf("dtype %d shape (", (int)tsi_value_tensor_dtype(result));
            const int64_t *sizes = tsi_value_tensor_sizes(result);
            for (int d = 0; d < tsi_value_tensor_ndim(result); d++)
                printf("%s%lld", d ? ", " : "", (long long)sizes[d]);
            printf(")\n");
        }
    }
    tsi_value_free(result);
    for (int i = 0; i < nargs; i++)
        tsi_value_free(args[i]);
    free(args);
    tsi_module_free(m);
    return status;
}
