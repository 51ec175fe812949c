/**
 * At most `concurrency` jobs run at once; up to `capacity` more wait in FIFO order. `offer` refuses a job
 * when the queue is full (the caller answers 503, and HCP Terraform retries the request).
 */
export class TaskQueue {
  private running = 0;
  private readonly waiting: Array<() => Promise<void>> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
  ) {}

  public get active(): number {
    return this.running;
  }

  public get queued(): number {
    return this.waiting.length;
  }

  /** Accepts the job (true) or refuses it because the queue is full (false). Jobs must not reject. */
  public offer(job: () => Promise<void>): boolean {
    if (this.running < this.concurrency) {
      this.start(job);
      return true;
    }
    if (this.waiting.length >= this.capacity) return false;
    this.waiting.push(job);
    return true;
  }

  /** Resolves when nothing runs and nothing waits. */
  public idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(job: () => Promise<void>): void {
    this.running++;
    void job()
      .catch(() => undefined)
      .finally(() => {
        this.running--;
        const next = this.waiting.shift();
        if (next) {
          this.start(next);
        } else if (this.running === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          waiters.forEach((w) => w());
        }
      });
  }
}
