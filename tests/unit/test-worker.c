/* SPDX-License-Identifier: MIT */
/* Unit tests of the worker threads: jobs come back in submission order
 * (also when several threads work them and a later batch is done first),
 * work and release run on worker threads and done on the loop thread, a
 * lone job is not held back for long, and stopping delivers and releases
 * everything. */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

#include "crawler/worker.h"
#include "src/xalloc.h"
#include "tests/lib/check.h"

struct job {
    struct worker_job link; /* first */
    int n;
    bool worked_off_loop;
    pthread_t worked_by;
    int *buf; /* made by work(), freed by release() */
};

struct ctx {
    pthread_t loop_thread;
    struct worker *w;
    int next_done; /* the n done() expects next */
    int n_done;
    int n_submitted;
    int n_total; /* submit in waves of 100 up to this many */
    int n_released;
    int n_released_off_loop;
    int bad_order;
    int bad_thread;
    int stop_after; /* stop the worker from done() at this count */
    pthread_t workers[8];
    int n_workers; /* distinct threads seen in done() */
    uv_timer_t timeout;
};

static void on_work(void *arg, struct worker_job *wj)
{
    struct ctx *c = arg;
    struct job *j = (struct job *)wj;
    j->worked_off_loop = !pthread_equal(pthread_self(), c->loop_thread);
    j->worked_by = pthread_self();
    /* Some jobs take long, so that other threads overtake them. */
    if (j->n % 50 == 7)
        usleep(2000);
    j->buf = xmalloc(64 * sizeof(int));
    j->buf[0] = j->n;
}

static void submit(struct ctx *c, int n);

static void on_done(void *arg, struct worker_job *wj)
{
    struct ctx *c = arg;
    struct job *j = (struct job *)wj;
    c->bad_order += j->n != c->next_done || j->buf[0] != j->n;
    c->bad_thread +=
        !j->worked_off_loop || !pthread_equal(pthread_self(), c->loop_thread);
    int k = 0;
    while (k < c->n_workers && !pthread_equal(c->workers[k], j->worked_by))
        k++;
    if (k == c->n_workers && k < 8)
        c->workers[c->n_workers++] = j->worked_by;
    c->next_done++;
    c->n_done++;
    worker_give_back(c->w, wj);
    /* The next wave goes with the jobs given back so far. */
    if (c->n_done % 100 == 0)
        for (int i = 0; i < 100 && c->n_submitted < c->n_total; i++)
            submit(c, c->n_submitted);
    if (c->n_done == c->stop_after) {
        worker_stop(c->w);
        c->w = NULL;
        uv_close((uv_handle_t *)&c->timeout, NULL);
    }
}

static void on_release(void *arg, struct worker_job *wj)
{
    struct ctx *c = arg;
    struct job *j = (struct job *)wj;
    /* After the thread ended, worker_stop() releases on the loop thread;
     * before, it must be the worker's own. */
    __atomic_add_fetch(&c->n_released, 1, __ATOMIC_SEQ_CST);
    if (!pthread_equal(pthread_self(), c->loop_thread))
        __atomic_add_fetch(&c->n_released_off_loop, 1, __ATOMIC_SEQ_CST);
    free(j->buf);
    free(j);
}

static void on_timeout(uv_timer_t *t)
{
    (void)t;
    CHECK(!"worker test timed out");
    abort();
}

static void submit(struct ctx *c, int n)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->n = n;
    c->n_submitted++;
    worker_submit(c->w, &j->link);
}

/* Many jobs in waves: all come back, in order, and are released, most of
 * them on worker threads; with several threads, more than one works. */
static void test_order(unsigned n_threads)
{
    uv_loop_t loop;
    struct ctx c = {
        .loop_thread = pthread_self(), .stop_after = 5000, .n_total = 5000};
    uv_loop_init(&loop);
    c.w = worker_start(&loop, n_threads, on_work, on_done, on_release, &c);
    CHECK(c.w != NULL);
    if (!c.w)
        return;
    uv_timer_init(&loop, &c.timeout);
    uv_timer_start(&c.timeout, on_timeout, 60000, 0);
    for (int i = 0; i < 100; i++)
        submit(&c, i);
    CHECK_INT_EQ(worker_pending(c.w), 100);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_INT_EQ(c.n_done, 5000);
    CHECK_INT_EQ(c.bad_order, 0);
    CHECK_INT_EQ(c.bad_thread, 0);
    CHECK_INT_EQ(c.n_released, 5000);
    CHECK(c.n_released_off_loop >= 4900);
    if (n_threads == 1)
        CHECK_INT_EQ(c.n_workers, 1);
    else
        CHECK(c.n_workers > 1 && c.n_workers <= (int)n_threads);
    CHECK_INT_EQ(uv_loop_close(&loop), 0);
}

/* One job and nothing else happening: it still comes back (the batch is
 * handed over after a few milliseconds, not held for company). */
static void test_lone_job(void)
{
    uv_loop_t loop;
    struct ctx c = {.loop_thread = pthread_self(), .stop_after = 1};
    uv_loop_init(&loop);
    c.w = worker_start(&loop, 2, on_work, on_done, on_release, &c);
    if (!c.w)
        return;
    uv_timer_init(&loop, &c.timeout);
    uv_timer_start(&c.timeout, on_timeout, 10000, 0);
    submit(&c, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_INT_EQ(c.n_done, 1);
    CHECK_INT_EQ(c.n_released, 1);
    CHECK_INT_EQ(uv_loop_close(&loop), 0);
}

/* Stopped with jobs submitted and never flushed: they are worked,
 * delivered and released by worker_stop(), and the loop ends. */
static void test_stop_pending(void)
{
    uv_loop_t loop;
    struct ctx c = {.loop_thread = pthread_self(), .stop_after = -1};
    uv_loop_init(&loop);
    c.w = worker_start(&loop, 2, on_work, on_done, on_release, &c);
    if (!c.w)
        return;
    for (int i = 0; i < 10; i++)
        submit(&c, i);
    struct worker *w = c.w;
    worker_stop(w);
    c.w = NULL;
    CHECK_INT_EQ(c.n_done, 10);
    CHECK_INT_EQ(c.bad_order, 0);
    CHECK_INT_EQ(c.n_released, 10);
    uv_run(&loop, UV_RUN_DEFAULT); /* the handles' close callbacks */
    CHECK_INT_EQ(uv_loop_close(&loop), 0);
}

int main(void)
{
    test_order(1);
    test_order(3);
    test_lone_job();
    test_stop_pending();
    worker_stop(NULL);
    CHECK_INT_EQ(worker_pending(NULL), 0);
    return check_exit("test-worker");
}
