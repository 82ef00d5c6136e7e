/*
 * cli.h: shared pieces of the tsi command-line tool.
 */
#ifndef TSI_CLI_H
#define TSI_CLI_H

#include "../base/base.h"
#include "../include/tsi.h"

enum { CLI_OK = 0, CLI_MODEL_ERROR = 1, CLI_USAGE = 2 };

typedef int (*CliFn)(int argc, char **argv);
typedef struct CliCommand {
    const char *name;
    CliFn fn;
    const char *help;
} CliCommand;

#define CMD(name, fn, help) int fn(int argc, char **argv);
#include "commands.def"
#undef CMD

/* Print "tsi: <message>" for an error and return the exit status it maps to
 * (usage errors 2, everything else 1). */
int cli_report(const Err *err);

#endif
