/* SPDX-License-Identifier: MIT */
/* Worker threads beside the event loop: jobs go in on the loop thread,
 * are worked on one of the worker threads, and come back to the loop
 * thread in the order they went in. The crawler uses it to parse and read
 * documents while the loop thread goes on with the transfers. */
#ifndef CRAWLER_WORKER_H
#define CRAWLER_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

/* Embed in the job. */
struct worker_job {
    struct worker_job *next;
    bool is_worked; /* the worker's own */
};

typedef void (*worker_fn)(void *ctx, struct worker_job *job);

struct worker;

/* Start a worker of n_threads threads (0: one per online core; at most
 * four) on loop: work(ctx, job) runs on one of its threads, done(ctx, job)
 * on the loop thread afterwards, in submission order, and release(ctx,
 * job), once the job is given back (worker_give_back()), on a worker
 * thread again: what work() allocated is best freed off the loop thread
 * (glibc's malloc keeps an arena per thread, and frees from the busy loop
 * thread would contend for the workers' locks). work() and release() may
 * run on several threads at once, each on its own jobs. Returns NULL
 * (with a warning) when no thread can be had: the caller then does the
 * work itself. */
struct worker *worker_start(uv_loop_t *loop, unsigned n_threads, worker_fn work,
                            worker_fn done, worker_fn release, void *ctx);

/* Hand a job over (loop thread). Jobs go to the thread in batches, the
 * last one at most a few milliseconds late: call worker_flush() when
 * waiting for them would leave the caller idle. */
void worker_submit(struct worker *w, struct worker_job *job);

/* Hand the jobs submitted so far to the thread now. Safe with NULL. */
void worker_flush(struct worker *w);

/* Give a delivered job back, for release() on a worker thread (it goes with
 * the next batch of jobs, or at worker_stop()). Loop thread. */
void worker_give_back(struct worker *w, struct worker_job *job);

/* Jobs submitted whose done() has not run yet. 0 for NULL. */
size_t worker_pending(const struct worker *w);

/* Work and deliver every job still pending, end the threads and close the
 * loop handle (the loop frees w once it has run the close). Loop thread;
 * safe with NULL. */
void worker_stop(struct worker *w);

#endif
