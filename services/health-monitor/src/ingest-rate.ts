/** Samples and reports per second, measured between ticks and smoothed (EWMA, α = 0.3) for a steady display. */
export class IngestRate {
  private samples = 0;
  private reports = 0;
  private lastTick: number | undefined;
  samplesPerSecond = 0;
  reportsPerSecond = 0;

  add(samples: number, reports: number): void {
    this.samples += samples;
    this.reports += reports;
  }

  tick(now: number): void {
    if (this.lastTick !== undefined && now > this.lastTick) {
      const seconds = (now - this.lastTick) / 1000;
      this.samplesPerSecond = 0.7 * this.samplesPerSecond + 0.3 * (this.samples / seconds);
      this.reportsPerSecond = 0.7 * this.reportsPerSecond + 0.3 * (this.reports / seconds);
    }
    this.samples = 0;
    this.reports = 0;
    this.lastTick = now;
  }
}
