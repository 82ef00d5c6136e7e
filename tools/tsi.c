/*
 * tsi: the command-line tool. Each subcommand lives in its own function;
 * this file parses the command word and dispatches. Exit status: 0 success,
 * 1 model error (load, compile, run), 2 usage error.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const CliCommand commands[] = {
#define CMD(name, fn, help) {name, fn, help},
#include "commands.def"
#undef CMD
};

static void usage(FILE *f) {
    fprintf(f, "usage: tsi COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < TSI_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nRun 'tsi COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("tsi %s\n", tsi_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < TSI_ARRAY_LEN(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tsi: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
