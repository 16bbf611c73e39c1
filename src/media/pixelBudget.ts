/**
 * A budget of pixels being decoded at once: `run(pixels, work)` starts `work` when its pixels fit
 * in what is left, else waits its turn (first come, first served: a large photo is not overtaken
 * forever by small ones). A job larger than the whole budget runs alone.
 */
export class PixelBudget {
  private inFlight = 0;
  private readonly waiting: Array<{ pixels: number; go: () => void }> = [];

  constructor(readonly budget: number) {
    if (!(budget > 0)) throw new RangeError('budget must be positive');
  }

  /** Pixels of the jobs running now (for tests and metrics). */
  get pixelsInFlight(): number {
    return this.inFlight;
  }

  async run<T>(pixels: number, work: () => Promise<T>): Promise<T> {
    const need = Math.min(Math.max(pixels, 1), this.budget);
    if (this.waiting.length === 0 && this.inFlight + need <= this.budget) this.inFlight += need;
    else await new Promise<void>((go) => this.waiting.push({ pixels: need, go })); // counted when let go
    try {
      return await work();
    } finally {
      this.inFlight -= need;
      while (this.waiting.length > 0 && this.inFlight + this.waiting[0]!.pixels <= this.budget) {
        const next = this.waiting.shift()!;
        this.inFlight += next.pixels;
        next.go();
      }
    }
  }
}
