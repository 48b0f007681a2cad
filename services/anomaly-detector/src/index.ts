export { StreamDetector, defaultEnsemble, severityOf } from './detectors/stream/ensemble';
export { ENSEMBLE_CANDIDATES } from './detectors/stream/ensemble-candidates';
export type { EnsembleCandidate } from './detectors/stream/ensemble-candidates';
export { DetectorPool } from './detectors/stream/detector-pool';
export { RangeNoveltyDetector } from './detectors/stream/range-novelty';
export { PatternNoveltyDetector } from './detectors/stream/pattern-novelty';
export { RobustZScoreDetector, robustScale, MAD_TO_SIGMA, MEAN_AD_TO_SIGMA } from './detectors/stream/robust-zscore';
export { IqrFenceDetector } from './detectors/stream/iqr-fences';
export { HoltWintersDetector } from './detectors/stream/holt-winters';
export { CusumDetector } from './detectors/stream/cusum';
export { BocpdDetector } from './detectors/stream/bocpd';
export { AnomalyLikelihood, logLikelihood, tailProbability } from './detectors/stream/anomaly-likelihood';
export { AdaptiveThreshold } from './detectors/stream/adaptive-threshold';
export { SortedWindow } from './math/sorted-window';
export { RingBuffer } from './math/ring-buffer';
export { deviationScore } from './detectors/stream/detector';
export { describe, round } from './detectors/stream/explain';
export type { Contributor } from './detectors/stream/explain';
export { CsvScorer, CsvError, SCORED_HEADER, splitCsvLine } from './bench/csv';
export { parseTimestamp } from './bench/timestamp';
export { runDetectorBench, syntheticSeries } from './bench/bench-detector';
export { SeededRandom, hashString } from './math/seeded-random';
export { IsolationForest, averagePathLength, EULER_GAMMA } from './detectors/agent/isolation-forest';
export { MultivariateDetector } from './detectors/agent/multivariate';
export { PeerGroupMonitor, peerOutliers, cohortKeyOf, DEFAULT_MIN_SPREAD } from './detectors/agent/peer-group';
export { logistic } from './detectors/agent/signal';
export { TrendDetector, mannKendall, theilSenSlope } from './detectors/agent/trend';
export {
  OutputDriftDetector,
  populationStabilityIndex,
  psiOfSamples,
  quantileEdges,
  binOf,
} from './detectors/agent/output-drift';
export { TailShiftDetector } from './detectors/agent/tail-shift';
export { ErrorSurgeDetector } from './detectors/agent/error-surge';
export { LatencySloDetector } from './detectors/agent/latency-slo';
export { RequestRateDetector } from './detectors/agent/request-rate';
export { logGamma, regularizedGammaP, poissonUpperTail } from './math/special-functions';
export { classifyRisk } from './detectors/agent/risk';
export { ScanDetector } from './detectors/agent/scan-detector';
export { EpisodeTracker } from './engine/anomaly-episodes';
export { agentEnsemble } from './detectors/stream/agent-ensemble';
export {
  AgentAnomalyEngine,
  DEFAULT_FEATURES,
  DEFAULT_METRIC_TYPES,
  DEFAULT_UNIVARIATE_METRICS,
} from './engine/agent-engine';
export { evaluateDetections } from './bench/evaluate';
export { runEngineBench } from './bench/bench-engine';
export { runStateBench } from './bench/bench-state';

export type { Detector, DetectorFactory, DetectorResult } from './detectors/stream/detector';
export type {
  DefaultEnsembleOptions,
  EnsembleConfig,
  EnsembleMember,
  Explanation,
  ScoredSample,
  Severity,
} from './detectors/stream/ensemble';
export type { DetectorPoolOptions } from './detectors/stream/detector-pool';
export type { RangeNoveltyOptions } from './detectors/stream/range-novelty';
export type { PatternNoveltyOptions } from './detectors/stream/pattern-novelty';
export type { RobustZScoreOptions } from './detectors/stream/robust-zscore';
export type { IqrFenceOptions } from './detectors/stream/iqr-fences';
export type { HoltWintersOptions } from './detectors/stream/holt-winters';
export type { CusumOptions } from './detectors/stream/cusum';
export type { BocpdOptions } from './detectors/stream/bocpd';
export type { AnomalyLikelihoodOptions } from './detectors/stream/anomaly-likelihood';
export type { AdaptiveThresholdOptions } from './detectors/stream/adaptive-threshold';
export type { CsvScorerOptions } from './bench/csv';
export type { DetectorBenchOptions, DetectorBenchResult } from './bench/bench-detector';
export type { IsolationForestOptions } from './detectors/agent/isolation-forest';
export type { FeatureContribution, MultivariateOptions, MultivariateResult } from './detectors/agent/multivariate';
export type {
  CohortShift,
  PeerAnomaly,
  PeerGroupOptions,
  PeerObservation,
  PeerWindowResult,
} from './detectors/agent/peer-group';
export type { AgentAnomalyType, SignalDetector, SignalVerdict } from './detectors/agent/signal';
export type { MannKendall, TrendOptions } from './detectors/agent/trend';
export type { OutputDriftOptions } from './detectors/agent/output-drift';
export type { TailShiftOptions } from './detectors/agent/tail-shift';
export type { ErrorSurgeOptions } from './detectors/agent/error-surge';
export type { LatencySloOptions } from './detectors/agent/latency-slo';
export type { RequestRateOptions } from './detectors/agent/request-rate';
export type { RiskAssessment, RiskClass, RiskEvidence, RiskOptions, RiskPattern } from './detectors/agent/risk';
export type { Contact, ScanDetection, ScanDetectorOptions } from './detectors/agent/scan-detector';
export type { EpisodeOptions, EpisodeSubject, Finding } from './engine/anomaly-episodes';
export type { AgentEnsembleOptions } from './detectors/stream/agent-ensemble';
export type { AgentAnomalyEngineOptions, AgentReport, AgentVerdict, EngineStats } from './engine/agent-engine';
export type { EngineBenchOptions, EngineBenchResult } from './bench/bench-engine';
export type { StateBenchOptions, StateBenchResult } from './bench/bench-state';
export type { Detection, Evaluation, EvaluationOptions, TruthWindow, TypeEvaluation } from './bench/evaluate';

// The service edge.
export { AnomalyDetector, CONSUMER_GROUP, SERVICE_NAME } from './anomaly-detector';
export { AnomalyLog } from './anomaly-log';
export { createDefaultEngine, createEngineCore, engineOptionsFrom } from './engine/default-engine';
export { EngineThread } from './engine/engine-thread';
export { anomalyDetectorEnv } from './env';
export { anomalyDetectorInstance, runAnomalyDetector } from './run';
export { anomalyDetectorService } from './service';
export type { AnomalyDetectorDeps } from './anomaly-detector';
export type { AnomalyRecord, AnomalyQuery } from './anomaly-log';
export type { AnomalyEngine, EngineCore, ReportVerdict, WarmUp } from './engine/engine-port';
export type { AnomalyDetectorEnv } from './env';
export type { RunningAnomalyDetector } from './run';
export { RelativeEntropyDetector } from './detectors/stream/relative-entropy';
export type { RelativeEntropyOptions } from './detectors/stream/relative-entropy';
