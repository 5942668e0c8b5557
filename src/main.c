/* SPDX-License-Identifier: MIT */
/* stacml's entry point: global options, the choice of index directory, and
 * dispatch to the commands. The only place that sees every module (through
 * harvest.c and query.c). */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>

#include "src/cli.h"
#include "src/err.h"
#include "src/log.h"
#include "src/xalloc.h"

static const char usage_text[] =
    "Usage: stacml [--db DIR] [-q|-v] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Harvest machine-learning model records (ml-model, dlm, mlm) from STAC\n"
    "catalogs and APIs into a local index, and search and export it.\n"
    "\n"
    "Commands:\n"
    "  harvest [URL|PATH...]   crawl catalogs and index the models found\n"
    "  search [WORDS...]       list matching models\n"
    "  show URL|ID             print one record in full\n"
    "  export                  write every model record as JSON lines\n"
    "  stats                   counts by extension and source, last harvest\n"
    "  runs                    past harvests, one a line\n"
    "  sources                 registry sources: kind, verdict, surveys\n"
    "\n"
    "Global options:\n"
    "  --db DIR        index directory (default: $STACML_DB, else\n"
    "                  $XDG_DATA_HOME/stacml, else ~/.local/share/stacml)\n"
    "  -q, --quiet     print errors only\n"
    "  -v, --verbose   print progress details (twice for debug)\n"
    "  -h, --help      show this help (stacml COMMAND --help for a command)\n"
    "  -V, --version   show the version\n"
    "\n"
    "Exit status: 0 success; 1 harvest finished with failed documents,\n"
    "show found nothing, or the output or --log could not be written; 2\n"
    "usage error; 3 nothing harvested; 4 index error; 5 another harvest\n"
    "holds the index; 130 interrupted.\n";

void cli_set_db(struct cli *cli, const char *dir)
{
    cli->db = dir;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "stacml%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'stacml%s%s --help' for more information.\n",
            cmd ? " " : "", cmd ? cmd : "");
    va_end(ap);
    return EXIT_USAGE;
}

int cli_option_error(const char *cmd, char **argv, const char *optstring)
{
    /* getopt_long() has stepped past the offending argument; optopt is
     * its option character, or 0 for a long option it does not know. */
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    size_t len = strcspn(arg, "=");
    bool is_long = strncmp(arg, "--", 2) == 0;
    bool is_known = is_long ? optopt != 0
                            : optopt != 0 && optopt != ':' &&
                                  strchr(optstring, optopt) != NULL;
    if (is_known && is_long)
        return cli_usage_error(cmd, "option '%.*s' needs a value", (int)len,
                               arg);
    if (is_known)
        return cli_usage_error(cmd, "option '-%c' needs a value", optopt);
    if (is_long)
        return cli_usage_error(cmd, "unknown option '%.*s'", (int)len, arg);
    return cli_usage_error(cmd, "unknown option '-%c'", optopt ? optopt : '?');
}

/* Whether file in dir exists as something other than a regular file (a
 * directory, a FIFO, a link to a device), which LMDB can only fail on. */
static bool is_irregular(const char *dir, const char *file)
{
    struct stat st;
    char *path = xasprintf("%s/%s", dir, file);
    bool is_odd = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    free(path);
    return is_odd;
}

const char *cli_db_problem(const char *dir)
{
    static char why[256];
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno == ENOENT ? NULL : strerror(errno);
    if (!S_ISDIR(st.st_mode))
        return "not a directory";
    char *data = xasprintf("%s/data.mdb", dir);
    const char *out = NULL;
    if (access(dir, R_OK | X_OK) != 0 ||
        (access(data, F_OK) == 0 && access(data, R_OK) != 0)) {
        snprintf(why, sizeof(why), "%s", strerror(errno));
        out = why;
    } else if (is_irregular(dir, "data.mdb")) {
        out = "data.mdb is not a regular file";
    } else if (is_irregular(dir, "lock.mdb")) {
        out = "lock.mdb is not a regular file";
    }
    free(data);
    return out;
}

/* The nearest directory above dir that exists, "." or "/" at worst. New
 * string. */
static char *existing_parent(const char *dir)
{
    char *p = xstrdup(dir);
    struct stat st;
    for (;;) {
        char *slash = strrchr(p, '/');
        if (!slash) {
            free(p);
            return xstrdup(".");
        }
        if (slash == p) {
            p[1] = '\0';
            return p;
        }
        *slash = '\0';
        if (stat(p, &st) == 0)
            return p;
    }
}

/* Why file in dir cannot be written, or NULL. */
static const char *file_not_writable(const char *dir, const char *file,
                                     char *why, size_t len)
{
    char *path = xasprintf("%s/%s", dir, file);
    const char *out = NULL;
    if (access(path, F_OK) == 0 && access(path, W_OK) != 0) {
        snprintf(why, len, "%s: %s", file, strerror(errno));
        out = why;
    }
    free(path);
    return out;
}

const char *cli_db_problem_write(const char *dir)
{
    static char why[512];
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT) {
        if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            return "a symbolic link to a directory that does not exist";
        /* It is to be created: the directory above must let us. */
        char *parent = existing_parent(dir);
        const char *out = NULL;
        if (access(parent, W_OK | X_OK) != 0) {
            snprintf(why, sizeof(why), "cannot create it in %s: %s", parent,
                     strerror(errno));
            out = why;
        }
        free(parent);
        return out;
    }
    const char *out = cli_db_problem(dir);
    if (out)
        return out;
    /* access() also says EROFS for a read-only file system. */
    if (access(dir, W_OK) != 0) {
        snprintf(why, sizeof(why), "%s", strerror(errno));
        return why;
    }
    out = file_not_writable(dir, "data.mdb", why, sizeof(why));
    if (!out)
        out = file_not_writable(dir, "lock.mdb", why, sizeof(why));
    return out;
}

bool cli_harvest_running(const char *dir)
{
    char *path = xasprintf("%s/harvest.lock", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    /* A harvest holds it exclusively: a shared lock is refused then. */
    bool is_running = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return is_running;
}

int cli_parse_size(const char *s, int allow_suffix, long long max,
                   long long *out)
{
    char *end = NULL;
    /* Digits first: strtoll() would skip blanks and take a sign, so ' 4'
     * and ' +4' passed where '+4' and '4 ' did not. */
    if (!s || !isdigit((unsigned char)*s))
        return SM_E_INVAL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s)
        return SM_E_INVAL;
    long long mul = 1;
    if (allow_suffix && *end) {
        switch (*end) {
        case 'k':
        case 'K':
            mul = 1024LL;
            break;
        case 'm':
        case 'M':
            mul = 1024LL * 1024;
            break;
        case 'g':
        case 'G':
            mul = 1024LL * 1024 * 1024;
            break;
        default:
            return SM_E_INVAL;
        }
        end++;
        if (*end == 'i' || *end == 'B')
            end++;
        if (*end == 'B')
            end++;
    }
    if (*end)
        return SM_E_INVAL;
    if (v > max / mul)
        return SM_E_INVAL;
    *out = v * mul;
    return 0;
}

/* The default index directory; a new string. */
static char *default_db(void)
{
    const char *env = getenv("STACML_DB");
    if (env && *env)
        return xstrdup(env);
    env = getenv("XDG_DATA_HOME");
    if (env && *env == '/')
        return xasprintf("%s/stacml", env);
    env = getenv("HOME");
    if (env && *env)
        return xasprintf("%s/.local/share/stacml", env);
    return NULL;
}

static int dispatch(struct cli *cli, int argc, char **argv)
{
    /* Only the commands that fetch initialise libcurl's TLS and SSH
     * libraries: that costs a query a few milliseconds for nothing (the
     * URL API the others use needs no initialisation). */
    static const struct {
        const char *name;
        int (*fn)(struct cli *, int, char **);
        bool fetches;
    } cmds[] = {
        {"harvest", cmd_harvest, true}, {"search", cmd_search, false},
        {"show", cmd_show, false},      {"export", cmd_export, false},
        {"stats", cmd_stats, false},    {"runs", cmd_runs, false},
        {"sources", cmd_sources, true},
    };
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[0], cmds[i].name) != 0)
            continue;
        if (!cmds[i].fetches)
            return cmds[i].fn(cli, argc, argv);
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            fatal("cannot initialise libcurl");
        int status = cmds[i].fn(cli, argc, argv);
        curl_global_cleanup();
        return status;
    }
    if (strcmp(argv[0], "help") == 0) {
        if (argc > 1) {
            char *sub[] = {argv[1], (char *)"--help", NULL};
            return dispatch(cli, 2, sub);
        }
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    return cli_usage_error(NULL, "unknown command '%s'", argv[0]);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},  {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},  {NULL, 0, NULL, 0},
    };
    struct cli cli = {0};
    char *db_default = default_db();
    int opt;
    cli.db = db_default;
    /* Our own messages name the option (cli_option_error()). */
    opterr = 0;
    /* '+': stop at the command name; its options are its own. */
    while ((opt = getopt_long(argc, argv, "+qvhV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            cli.db = optarg;
            break;
        case 'q':
            cli.verbosity = -1;
            break;
        case 'v':
            cli.verbosity++;
            break;
        case 'h':
            fputs(usage_text, stdout);
            free(db_default);
            return EXIT_OK;
        case 'V':
            printf("stacml %s\n%s\n", PACKAGE_VERSION, curl_version());
            free(db_default);
            return EXIT_OK;
        default:
            free(db_default);
            return cli_option_error(NULL, argv, "+qvhV");
        }
    }
    if (optind >= argc) {
        fputs(usage_text, stderr);
        free(db_default);
        return EXIT_USAGE;
    }
    log_set_level(cli.verbosity < 0    ? LOG_LEVEL_ERROR
                  : cli.verbosity == 0 ? LOG_LEVEL_WARN
                  : cli.verbosity == 1 ? LOG_LEVEL_INFO
                                       : LOG_LEVEL_DEBUG);
    /* Each command parses its own options from its name on. */
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    optind = 0;
    int status = dispatch(&cli, sub_argc, sub_argv);
    free(db_default);
    return status;
}
