// The models and pool archetypes fleetgen draws from: chosen apart from the simulator's (other names, speeds, token
// sizes, request rates), with latency built as time-to-first-token plus a per-output-token time, so longer answers
// are slower answers.

/** How a model serves: time to first token (log-normal body, Pareto tail), decoding speed, tokens, errors, quality. */
export interface ModelSpec {
  name: string;
  /** Median time to first token, s, and its log-space σ. */
  ttftMedianSeconds: number;
  ttftSigma: number;
  /** Share of requests in the heavy tail (queueing, retries upstream) and that tail's Pareto index. */
  tailShare: number;
  tailAlpha: number;
  /** Seconds per output token (decoding). */
  secondsPerOutputToken: number;
  inputTokensMedian: number;
  outputTokensMedian: number;
  outputTokensSigma: number;
  errorRate: number;
  /** US dollars per million input / output tokens. */
  inputPrice: number;
  outputPrice: number;
  quality: number;
}

export const MODEL_SPECS: readonly ModelSpec[] = [
  {
    name: 'qwen2.5-72b-instruct',
    ttftMedianSeconds: 0.45,
    ttftSigma: 0.4,
    tailShare: 0.02,
    tailAlpha: 1.7,
    secondsPerOutputToken: 0.0055,
    inputTokensMedian: 1400,
    outputTokensMedian: 380,
    outputTokensSigma: 0.55,
    errorRate: 0.006,
    inputPrice: 0.9,
    outputPrice: 0.9,
    quality: 0.84,
  },
  {
    name: 'gemini-1.5-flash',
    ttftMedianSeconds: 0.25,
    ttftSigma: 0.3,
    tailShare: 0.015,
    tailAlpha: 1.9,
    secondsPerOutputToken: 0.003,
    inputTokensMedian: 900,
    outputTokensMedian: 220,
    outputTokensSigma: 0.5,
    errorRate: 0.012,
    inputPrice: 0.075,
    outputPrice: 0.3,
    quality: 0.79,
  },
  {
    name: 'deepseek-v3',
    ttftMedianSeconds: 0.9,
    ttftSigma: 0.5,
    tailShare: 0.03,
    tailAlpha: 1.5,
    secondsPerOutputToken: 0.003,
    inputTokensMedian: 2400,
    outputTokensMedian: 520,
    outputTokensSigma: 0.5,
    errorRate: 0.01,
    inputPrice: 0.27,
    outputPrice: 1.1,
    quality: 0.87,
  },
  {
    name: 'mixtral-8x7b',
    ttftMedianSeconds: 0.2,
    ttftSigma: 0.35,
    tailShare: 0.01,
    tailAlpha: 2.2,
    secondsPerOutputToken: 0.004,
    inputTokensMedian: 500,
    outputTokensMedian: 150,
    outputTokensSigma: 0.45,
    errorRate: 0.02,
    inputPrice: 0.24,
    outputPrice: 0.24,
    quality: 0.72,
  },
  {
    name: 'command-r-plus',
    ttftMedianSeconds: 0.6,
    ttftSigma: 0.45,
    tailShare: 0.02,
    tailAlpha: 1.6,
    secondsPerOutputToken: 0.0035,
    inputTokensMedian: 3000,
    outputTokensMedian: 420,
    outputTokensSigma: 0.5,
    errorRate: 0.008,
    inputPrice: 2.5,
    outputPrice: 10,
    quality: 0.83,
  },
];

export type InteractionKind = 'delegation' | 'message' | 'tool_handoff';

/** A kind of pool: what its agents run, how busy they are, when, and how slow they normally are. */
export interface PoolArchetype {
  name: string;
  /** The agents' `type`. */
  agentType: string;
  /** Weights over MODEL_SPECS by name. */
  models: Readonly<Record<string, number>>;
  /** Each agent's steady request rate is drawn uniformly in this range (requests/s, before the daily profile). */
  ratePerSecond: readonly [number, number];
  /** False: a flat Poisson rate all day (batch work); true: business hours in the pool's time zone. */
  diurnal: boolean;
  /** Multiplies the model's output and input lengths (reviews and reports are long). */
  outputFactor: number;
  inputFactor: number;
  /** Probability that a request hands work to a neighbour, and how. */
  handoffProbability: number;
  handoffKind: InteractionKind;
  /** Mean tool calls per request. */
  toolCallsMean: number;
  /** Resident memory of an agent (median bytes) and its container limit. */
  memoryMedianBytes: number;
  memoryLimitBytes: number;
}

const MiB = 1024 * 1024;

/**
 * The archetypes, in the order pools are drawn. `code-review` and `deep-research` are slow by nature (p95 ≈ 5 s):
 * long answers from slow-to-start models. The load-test pool is added apart (see plan.ts).
 */
export const POOL_ARCHETYPES: readonly PoolArchetype[] = [
  {
    name: 'code-review',
    agentType: 'reviewer',
    models: { 'deepseek-v3': 0.6, 'qwen2.5-72b-instruct': 0.4 },
    ratePerSecond: [0.04, 0.12],
    diurnal: true,
    outputFactor: 1.15,
    inputFactor: 2.5,
    handoffProbability: 0.15,
    handoffKind: 'tool_handoff',
    toolCallsMean: 2.5,
    memoryMedianBytes: 1400 * MiB,
    memoryLimitBytes: 4096 * MiB,
  },
  {
    name: 'frontline-chat',
    agentType: 'assistant',
    models: { 'gemini-1.5-flash': 0.6, 'mixtral-8x7b': 0.4 },
    ratePerSecond: [0.15, 0.5],
    diurnal: true,
    outputFactor: 1,
    inputFactor: 1,
    handoffProbability: 0.08,
    handoffKind: 'message',
    toolCallsMean: 0.4,
    memoryMedianBytes: 450 * MiB,
    memoryLimitBytes: 1024 * MiB,
  },
  {
    name: 'deep-research',
    agentType: 'researcher',
    models: { 'command-r-plus': 0.5, 'deepseek-v3': 0.5 },
    ratePerSecond: [0.02, 0.07],
    diurnal: true,
    outputFactor: 1.3,
    inputFactor: 1.8,
    handoffProbability: 0.35,
    handoffKind: 'delegation',
    toolCallsMean: 4,
    memoryMedianBytes: 2200 * MiB,
    memoryLimitBytes: 6144 * MiB,
  },
  {
    name: 'ticket-router',
    agentType: 'classifier',
    models: { 'mixtral-8x7b': 0.7, 'gemini-1.5-flash': 0.3 },
    ratePerSecond: [0.4, 1.1],
    diurnal: true,
    outputFactor: 0.15,
    inputFactor: 0.6,
    handoffProbability: 0.5,
    handoffKind: 'message',
    toolCallsMean: 0.1,
    memoryMedianBytes: 300 * MiB,
    memoryLimitBytes: 768 * MiB,
  },
  {
    name: 'nightly-summariser',
    agentType: 'summariser',
    models: { 'qwen2.5-72b-instruct': 0.5, 'command-r-plus': 0.5 },
    ratePerSecond: [0.08, 0.25],
    diurnal: false,
    outputFactor: 0.8,
    inputFactor: 3,
    handoffProbability: 0.05,
    handoffKind: 'tool_handoff',
    toolCallsMean: 1,
    memoryMedianBytes: 900 * MiB,
    memoryLimitBytes: 2048 * MiB,
  },
  {
    name: 'data-extract',
    agentType: 'extractor',
    models: { 'gemini-1.5-flash': 0.5, 'qwen2.5-72b-instruct': 0.5 },
    ratePerSecond: [0.1, 0.35],
    diurnal: false,
    outputFactor: 0.6,
    inputFactor: 1.5,
    handoffProbability: 0.2,
    handoffKind: 'tool_handoff',
    toolCallsMean: 1.5,
    memoryMedianBytes: 700 * MiB,
    memoryLimitBytes: 2048 * MiB,
  },
];

/** The pool that ramps up during the run and stops at once near its end (a load test ending). */
export const LOAD_TEST_ARCHETYPE: PoolArchetype = {
  name: 'loadtest-shadow',
  agentType: 'replayer',
  models: { 'mixtral-8x7b': 0.5, 'gemini-1.5-flash': 0.5 },
  ratePerSecond: [0.2, 0.4],
  diurnal: false,
  outputFactor: 0.7,
  inputFactor: 1,
  handoffProbability: 0.1,
  handoffKind: 'message',
  toolCallsMean: 0.5,
  memoryMedianBytes: 500 * MiB,
  memoryLimitBytes: 1024 * MiB,
};

export function modelSpec(name: string): ModelSpec {
  const model = MODEL_SPECS.find((m) => m.name === name);
  if (!model) throw new Error(`fleetgen: unknown model ${name}`);
  return model;
}
