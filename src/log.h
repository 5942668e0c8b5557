/* SPDX-License-Identifier: MIT */
/* Levelled logging to stderr (or a file). The level is the only mutable
 * file-scope state in the program. */
#ifndef SRC_LOG_H
#define SRC_LOG_H

#include <stdio.h>

enum log_level {
    LOG_LEVEL_QUIET = 0, /* nothing but fatal errors */
    LOG_LEVEL_ERROR,
    LOG_LEVEL_WARN,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

enum log_format {
    LOG_FORMAT_TEXT = 0, /* "stacml: warning: message" */
    LOG_FORMAT_JSON,     /* {"time":"...","level":"warning","message":"..."} */
};

void log_set_format(enum log_format format);

/* Set the level and the stream (NULL means stderr). */
void log_set_level(enum log_level level);
void log_set_stream(FILE *stream);
enum log_level log_get_level(void);

/* Print "stacml: <level>: message\n" when level is enabled. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* A line of a run's end-of-run summary for the log file set by
 * log_set_stream(): written there whatever the level (a cron job's -q
 * must not leave its log without the outcome), as level "summary"; with
 * no log file it is dropped, as the summary goes to stderr anyway. */
void log_summary(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "stacml: fatal: message" and exit with status 70 (EXIT_INTERNAL). */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
