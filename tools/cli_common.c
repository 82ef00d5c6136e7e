/*
 * cli_common.c: error reporting shared by the subcommands.
 */
#include "cli.h"

#include <stdio.h>

int cli_report(const Err *err) {
    fprintf(stderr, "tsi: %s\n", err->msg ? err->msg : "out of memory");
    return err->code == TSI_ERR_USAGE ? CLI_USAGE : CLI_MODEL_ERROR;
}

int cli_version(int argc, char **argv) {
    TSI_UNUSED(argc);
    TSI_UNUSED(argv);
    printf("tsi %s\n", tsi_version());
    return CLI_OK;
}
