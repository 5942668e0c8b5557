/* SPDX-License-Identifier: MIT */
/* The commands of the stacml program and what they share: exit statuses
 * and the index location. Only src/main.c, src/harvest.c and src/query.c
 * include this. */
#ifndef SRC_CLI_H
#define SRC_CLI_H

/* Exit statuses, documented in the README and stacml(1). */
enum exit_status {
    EXIT_OK = 0,            /* success */
    EXIT_PARTIAL = 1,       /* harvest done, some documents failed; show: no
                               such record */
    EXIT_USAGE = 2,         /* bad command line */
    EXIT_NOTHING = 3,       /* harvest: every seed failed, nothing harvested */
    EXIT_INDEX = 4,         /* the index could not be opened, read or written */
    EXIT_LOCKED = 5,        /* reserved: index held by another harvest */
    EXIT_INTERNAL = 70,     /* libcurl could not be loaded or set up */
    EXIT_INTERRUPTED = 130, /* harvest stopped by SIGINT/SIGTERM */
};

struct cli {
    const char *db; /* index directory */
    int verbosity;  /* -1 quiet, 0 normal, 1 verbose, 2 debug */
};

/* Each command takes the arguments after its name (argv[0] is the command
 * name) and returns an exit status. */
int cmd_harvest(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_runs(struct cli *cli, int argc, char **argv);
int cmd_sources(struct cli *cli, int argc, char **argv);

/* Parse a non-negative integer option value, decimal digits with nothing
 * before them, and an optional k/M/G suffix (powers of 1024 when
 * allow_suffix). Returns 0 or SM_E_INVAL. */
int cli_parse_size(const char *s, int allow_suffix, long long max,
                   long long *out);

/* Print "stacml <cmd>: message" and a hint to --help, return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* After getopt_long() returned '?' (opterr is 0): say which option was
 * unknown or lacked its value, return EXIT_USAGE. cmd may be NULL. */
int cli_option_error(const char *cmd, char **argv, const char *optstring);

/* Why the index directory dir cannot be used, when a look at it tells
 * ("not a directory", "Permission denied"), or NULL. */
const char *cli_db_problem(const char *dir);

/* The same for an index to be written, which harvest creates when it is
 * missing: also a dangling symbolic link, a directory above that does not
 * let us create it, and files or a file system we cannot write ("cannot
 * create it in /srv: Permission denied", "Read-only file system"). NULL
 * when a look does not tell. Returns a static buffer. */
const char *cli_db_problem_write(const char *dir);

/* Whether a harvest holds the lock of the index in dir right now. False
 * when that cannot be told (no lock file, or one we may not open). */
bool cli_harvest_running(const char *dir);

/* Handle a --db option value found inside a command's options. */
void cli_set_db(struct cli *cli, const char *dir);

#endif
