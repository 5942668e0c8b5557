/* SPDX-License-Identifier: MIT */
/* A few threads (one per core, at most WORKER_THREADS_MAX) and two FIFO
 * lists under one mutex: "queue" (handed over, not delivered, in
 * submission order, with a cursor at the first job no thread has taken)
 * and "out" (worked, not delivered). A thread takes up to WORKER_BATCH
 * jobs from the cursor, works them without the lock, marks them worked,
 * and moves the worked jobs at the head of the queue to "out": so jobs
 * come back in order even when a later batch is done first.
 *
 * Both directions go by batches, since on a machine whose cores are busy
 * (the loop, the worker, a local server) every wake-up of a sleeping
 * thread costs more than reading a small document: submitted jobs go in
 * once WORKER_BATCH of them are waiting, WORKER_BATCH_MS after the first
 * of them, or when the caller has nothing else to do (worker_flush()); a
 * batch wakes one thread, which wakes another only when more is left
 * than it took (a catalog of plain Items keeps one thread busy, one of
 * models all of them); and the loop is woken through a uv_async_t, which
 * coalesces further. */
#include <config.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/worker.h"
#include "src/log.h"
#include "src/thread.h"
#include "src/xalloc.h"

#define WORKER_BATCH 32
#define WORKER_BATCH_MS 20
#define WORKER_THREADS_MAX 4

struct job_list {
    struct worker_job *head, *tail;
};

struct worker {
    uv_async_t async;
    uv_check_t check;
    uv_timer_t timer; /* WORKER_BATCH_MS after a batch began */
    pthread_t threads[WORKER_THREADS_MAX];
    unsigned n_threads;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job_list queue;     /* handed over, not delivered */
    struct worker_job *cursor; /* in queue: the first job not taken */
    struct job_list out;
    struct job_list freed; /* done with: for release() on a thread */
    unsigned n_waiting;    /* threads asleep on cv */
    bool is_stopping;
    worker_fn work, done, release;
    void *ctx;
    /* Loop thread only: */
    struct job_list batch; /* submitted, not handed over yet */
    struct job_list spent; /* given back, not handed over yet */
    size_t n_batch;
    size_t pending;
    int n_closing;
};

static void list_append(struct job_list *l, struct job_list *more)
{
    if (!more->head)
        return;
    if (l->tail)
        l->tail->next = more->head;
    else
        l->head = more->head;
    l->tail = more->tail;
    more->head = more->tail = NULL;
}

static void list_push(struct job_list *l, struct worker_job *j)
{
    j->next = NULL;
    if (l->tail)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
}

static struct worker_job *list_take(struct job_list *l)
{
    struct worker_job *all = l->head;
    l->head = l->tail = NULL;
    return all;
}

/* Release a list of jobs (worker thread, or the loop once it has ended). */
static void release_all(struct worker *w, struct worker_job *j)
{
    while (j) {
        struct worker_job *next = j->next;
        w->release(w->ctx, j);
        j = next;
    }
}

/* Up to WORKER_BATCH jobs from the cursor on, and their count (w->mu
 * held). Their next pointers stay put until they are worked. */
static struct worker_job *take_jobs(struct worker *w, size_t *n)
{
    struct worker_job *first = w->cursor, *j = first;
    *n = 0;
    while (j && *n < WORKER_BATCH) {
        j = j->next;
        (*n)++;
    }
    w->cursor = j;
    return first;
}

/* Mark n jobs from first worked, and move the worked jobs at the head of
 * the queue to out (w->mu held). Whether any moved. */
static bool finish_jobs(struct worker *w, struct worker_job *first, size_t n)
{
    for (struct worker_job *j = first; n-- > 0; j = j->next)
        j->is_worked = true;
    struct worker_job *head = w->queue.head, *last = NULL;
    for (struct worker_job *j = head; j && j != w->cursor && j->is_worked;
         j = j->next)
        last = j;
    if (!last)
        return false;
    w->queue.head = last->next;
    if (!w->queue.head)
        w->queue.tail = NULL;
    last->next = NULL;
    struct job_list done = {head, last};
    list_append(&w->out, &done);
    return true;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->cursor && !w->freed.head && !w->is_stopping) {
            w->n_waiting++;
            pthread_cond_wait(&w->cv, &w->mu);
            w->n_waiting--;
        }
        size_t n;
        struct worker_job *first = take_jobs(w, &n);
        struct worker_job *freed = list_take(&w->freed);
        if (!first && !freed)
            break;
        if (w->cursor && w->n_waiting > 0)
            pthread_cond_signal(&w->cv); /* more than this thread took */
        pthread_mutex_unlock(&w->mu);
        release_all(w, freed);
        struct worker_job *j = first;
        for (size_t i = 0; i < n; i++) {
            w->work(w->ctx, j);
            if (i + 1 < n) /* the last one's next may be changing */
                j = j->next;
        }
        pthread_mutex_lock(&w->mu);
        if (n > 0 && finish_jobs(w, first, n)) {
            pthread_mutex_unlock(&w->mu);
            uv_async_send(&w->async);
            pthread_mutex_lock(&w->mu);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hand the batch over (loop thread). */
static void flush(struct worker *w)
{
    if (!w->batch.head)
        return;
    uv_timer_stop(&w->timer);
    w->n_batch = 0;
    for (struct worker_job *j = w->batch.head; j; j = j->next)
        j->is_worked = false;
    pthread_mutex_lock(&w->mu);
    list_append(&w->freed, &w->spent);
    if (!w->cursor)
        w->cursor = w->batch.head;
    list_append(&w->queue, &w->batch);
    bool is_waiting = w->n_waiting > 0;
    pthread_mutex_unlock(&w->mu);
    if (is_waiting)
        pthread_cond_signal(&w->cv);
}

/* After each loop iteration's I/O: a full batch goes. */
static void on_check(uv_check_t *h)
{
    struct worker *w = h->data;
    if (w->n_batch >= WORKER_BATCH)
        flush(w);
}

static void on_timer(uv_timer_t *t)
{
    flush(t->data);
}

void worker_flush(struct worker *w)
{
    if (w)
        flush(w);
}

void worker_give_back(struct worker *w, struct worker_job *job)
{
    list_push(&w->spent, job);
}

/* Deliver what is worked, in order (loop thread). */
static void deliver(struct worker *w)
{
    pthread_mutex_lock(&w->mu);
    struct worker_job *j = list_take(&w->out);
    pthread_mutex_unlock(&w->mu);
    while (j) {
        struct worker_job *next = j->next;
        w->pending--;
        w->done(w->ctx, j);
        j = next;
    }
}

static void on_async(uv_async_t *a)
{
    deliver(a->data);
}

static void on_closed(uv_handle_t *h)
{
    struct worker *w = h->data;
    if (--w->n_closing == 0)
        free(w);
}

static void close_handles(struct worker *w)
{
    w->n_closing = 3;
    uv_close((uv_handle_t *)&w->async, on_closed);
    uv_close((uv_handle_t *)&w->check, on_closed);
    uv_close((uv_handle_t *)&w->timer, on_closed);
}

/* n, or for 0 one per online core; at most WORKER_THREADS_MAX. */
static unsigned thread_count(unsigned n)
{
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 0 ? (unsigned)cores : 1;
    }
    return n < WORKER_THREADS_MAX ? n : WORKER_THREADS_MAX;
}

/* Start up to n threads; false (with a warning) when not even one. */
static bool start_threads(struct worker *w, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int err = thread_start(&w->threads[i], "stacml-read", worker_main, w);
        if (err != 0) {
            if (i == 0)
                log_warn("no worker thread (%s): documents are read in line",
                         strerror(err));
            break;
        }
        w->n_threads++;
    }
    return w->n_threads > 0;
}

struct worker *worker_start(uv_loop_t *loop, unsigned n_threads, worker_fn work,
                            worker_fn done, worker_fn release, void *ctx)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    w->work = work;
    w->done = done;
    w->release = release;
    w->ctx = ctx;
    if (uv_async_init(loop, &w->async, on_async) != 0) {
        free(w);
        return NULL;
    }
    w->async.data = w;
    uv_check_init(loop, &w->check);
    w->check.data = w;
    uv_check_start(&w->check, on_check);
    uv_unref((uv_handle_t *)&w->check);
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (!start_threads(w, thread_count(n_threads))) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        close_handles(w);
        return NULL;
    }
    return w;
}

void worker_submit(struct worker *w, struct worker_job *job)
{
    w->pending++;
    list_push(&w->batch, job);
    if (w->n_batch++ == 0)
        uv_timer_start(&w->timer, on_timer, WORKER_BATCH_MS, 0);
}

size_t worker_pending(const struct worker *w)
{
    return w ? w->pending : 0;
}

void worker_stop(struct worker *w)
{
    if (!w)
        return;
    flush(w);
    pthread_mutex_lock(&w->mu);
    w->is_stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    /* The threads work off what is in before they end. */
    for (unsigned i = 0; i < w->n_threads; i++)
        pthread_join(w->threads[i], NULL);
    deliver(w);
    /* The threads are gone: what was given back since is released here. */
    release_all(w, list_take(&w->freed));
    release_all(w, list_take(&w->spent));
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    close_handles(w);
}
