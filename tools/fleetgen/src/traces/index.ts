export { diurnalWeekly, flashCrowds, llmServingHour, slowGrowth, toCsv, validationTraces } from './load-traces';
export type { Trace } from './load-traces';
export { TraceRandom } from './random';
export { batchSpikes, heavyTailTraces, paretoOnOff, regimeWeeks } from './heavy-tails';
export { costSteps, logisticGrowth, poolShiftTraces, twoPeakCrowds } from './pool-shifts';
export type { PoolTrace } from './pool-shifts';
export { llmInference, llmInferenceTraces } from './llm-inference';
export type { InferenceOptions, InferenceTrace } from './llm-inference';
