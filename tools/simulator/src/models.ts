/** How a model behaves, for simulated agents: latency and tokens are log-normal around these medians. */
export interface ModelProfile {
  name: string;
  latencyMedianSeconds: number;
  latencySigma: number;
  inputTokensMedian: number;
  outputTokensMedian: number;
  errorRate: number;
  /** US dollars per million input / output tokens. */
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  qualityMean: number;
}

export const MODELS: readonly ModelProfile[] = [
  { name: 'gpt-4o', latencyMedianSeconds: 0.9, latencySigma: 0.45, inputTokensMedian: 800, outputTokensMedian: 250, errorRate: 0.01, inputPricePerMillion: 2.5, outputPricePerMillion: 10, qualityMean: 0.9 },
  { name: 'gpt-4o-mini', latencyMedianSeconds: 0.45, latencySigma: 0.4, inputTokensMedian: 600, outputTokensMedian: 200, errorRate: 0.015, inputPricePerMillion: 0.15, outputPricePerMillion: 0.6, qualityMean: 0.82 },
  { name: 'claude-sonnet-4', latencyMedianSeconds: 1.1, latencySigma: 0.5, inputTokensMedian: 1200, outputTokensMedian: 350, errorRate: 0.008, inputPricePerMillion: 3, outputPricePerMillion: 15, qualityMean: 0.92 },
  { name: 'llama-3.1-8b', latencyMedianSeconds: 0.3, latencySigma: 0.35, inputTokensMedian: 500, outputTokensMedian: 180, errorRate: 0.02, inputPricePerMillion: 0.05, outputPricePerMillion: 0.08, qualityMean: 0.75 },
];

export const POOLS: readonly string[] = ['support', 'research', 'coding', 'triage'];
export const AGENT_TYPES: readonly string[] = ['general', 'planner', 'tool-user', 'reviewer'];
