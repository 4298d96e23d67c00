/**
 * SerialQueue runs async jobs one at a time, in the order they were queued. The director's
 * writer needs this: a write pass and a drift re-read both replace parts of the cached kernel
 * view, so two of them in flight at once would lose one's changes.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** run queues `job`; the promise settles with it (a failed job does not stop the queue). */
  run(job: () => Promise<void>): Promise<void> {
    this.queued++;
    const done = this.tail.then(job).finally(() => { this.queued--; });
    this.tail = done.catch(() => {});
    return done;
  }

  /** busy: a job is queued or running. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /** idle resolves once no job is queued or running (including jobs queued meanwhile). */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.tail;
  }
}
