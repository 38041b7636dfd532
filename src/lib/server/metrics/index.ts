// Engine metrics: Prometheus counters and histograms, and the in-memory rolling statistics
// behind the support dashboard.
export { EngineMetrics, type EngineStats, type EngineTotals } from './engine-metrics';
export { RollingEngineStats, type SeriesPoint, type WindowStats } from './rolling-stats';
