/**
 * The backlog a pool is carrying, for the plan to drain within the lead time. Two readings, the lower kept:
 *  - Little's law on the queue (L = throughput · W): a request's wait beyond what the M/M/c model explains, times the
 *    rate the queue empties at. While a backlog exists every ready replica is busy, so that rate is ready · μ — not the
 *    arrival rate, which during a crowd is many times higher (counted at the arrivals, a 60× crowd's backlog read
 *    60 / (cμ/λ) times too large and the pool doubled after the crowd had gone: i20-cost's note).
 *  - The fluid bound: a backlog holds at most the arrivals beyond capacity since the overload began,
 *    B ← max(0, B + (λ − ready · μ) · Δt). Used as a cap only once the model has seen an overload: latency that no
 *    overload explains (μ over-estimated, a slow dependency) keeps Little's reading.
 */
export class BacklogEstimate {
  private fluid = 0;

  /** One tick: arrivals `loadRps` met `capacityRps` (ready replicas · μ) for `seconds`. */
  observe(loadRps: number, capacityRps: number, seconds: number): void {
    this.fluid = Math.max(0, this.fluid + (loadRps - capacityRps) * seconds);
  }

  /** Requests waiting beyond the steady queue, given the excess wait observed and the queue's service rate. */
  requests(excessWaitSeconds: number, capacityRps: number): number {
    const little = Math.max(0, excessWaitSeconds) * capacityRps;
    return this.fluid > 0 ? Math.min(little, this.fluid) : little;
  }

  /** The fluid bound (requests), for the explanation. */
  get bound(): number {
    return this.fluid;
  }
}
