// What the engine router reports, kept twice: as Prometheus metrics for `/metrics`, and as the
// in-memory half hour behind admin.engines.stats (percentiles and a chart per engine).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerState } from '$lib/engine/breaker';
import type {
	EngineAttempt,
	EngineObserver,
	EngineOperation,
	UnavailableReason
} from '$lib/engine/router';
import type { EngineName } from '$lib/shared/orders';
import {
	RollingEngineStats,
	type RollingStatsOptions,
	type SeriesPoint,
	type WindowStats
} from './rolling-stats';

const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'halfOpen'];
const ENGINES: EngineName[] = ['local', 'remote'];
const OPERATIONS: EngineOperation[] = [
	'place',
	'placeBatch',
	'amend',
	'cancel',
	'cancelAll',
	'getOrderBook',
	'getPositions'
];

export interface EngineTotals {
	calls: number;
	errors: number;
	fallbacks: number;
	fallbacksServed: number;
}

export interface EngineStats {
	engine: EngineName;
	/** Since the process started. */
	totals: EngineTotals;
	/** Over the requested window. */
	window: WindowStats;
	series: SeriesPoint[];
}

export interface EngineMetricsOptions {
	/** Where the metrics are registered: a registry of their own unless given. */
	registry?: Registry;
	/** Also the process's CPU, memory, event-loop and GC metrics (for the app, not for tests). */
	processMetrics?: boolean;
	rolling?: RollingStatsOptions;
}

export class EngineMetrics implements EngineObserver {
	readonly registry: Registry;
	private readonly rolling: RollingEngineStats;
	private readonly totals = new Map<EngineName, EngineTotals>();
	private readonly calls: Counter<'engine' | 'operation' | 'outcome'>;
	private readonly errors: Counter<'engine' | 'operation' | 'reason'>;
	private readonly fallbacks: Counter<'from' | 'to' | 'operation' | 'reason'>;
	private readonly duration: Histogram<'engine' | 'operation'>;
	private readonly breakerState: Gauge<'engine' | 'state'>;
	private readonly breakerTransitions: Counter<'engine' | 'to'>;

	constructor({
		registry = new Registry(),
		processMetrics = false,
		rolling
	}: EngineMetricsOptions = {}) {
		this.registry = registry;
		this.rolling = new RollingEngineStats(rolling);
		if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'betwise_' });
		const registers = [registry];
		this.calls = new Counter({
			name: 'betwise_engine_calls_total',
			help: 'Calls to a trading engine, by outcome: ok, refused (a domain failure), unavailable, error',
			labelNames: ['engine', 'operation', 'outcome'],
			registers
		});
		this.errors = new Counter({
			name: 'betwise_engine_errors_total',
			help: 'Engine calls that could not be answered, by reason (timeout, connection, server-error, malformed, breaker-open, error)',
			labelNames: ['engine', 'operation', 'reason'],
			registers
		});
		this.fallbacks = new Counter({
			name: 'betwise_engine_fallbacks_total',
			help: 'Calls one engine could not serve that the other served, by reason',
			labelNames: ['from', 'to', 'operation', 'reason'],
			registers
		});
		this.duration = new Histogram({
			name: 'betwise_engine_call_duration_seconds',
			help: 'Time an engine took to answer a call (failed calls included; open-breaker rejections not)',
			labelNames: ['engine', 'operation'],
			// From a sub-millisecond local call to a multi-second remote timeout.
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers
		});
		this.breakerState = new Gauge({
			name: 'betwise_engine_breaker_state',
			help: 'The remote engine breaker: 1 for its current state (closed, open, halfOpen), 0 for the others',
			labelNames: ['engine', 'state'],
			registers
		});
		this.breakerTransitions = new Counter({
			name: 'betwise_engine_breaker_transitions_total',
			help: 'Times the breaker entered each state',
			labelNames: ['engine', 'to'],
			registers
		});
		// Present from the start, so that a dashboard shows zeros rather than "no data".
		for (const engine of ENGINES) {
			for (const operation of OPERATIONS) this.calls.inc({ engine, operation, outcome: 'ok' }, 0);
		}
	}

	attempt(attempt: EngineAttempt): void {
		const { engine, operation, outcome } = attempt;
		this.calls.inc({ engine, operation, outcome });
		const failed = outcome === 'unavailable' || outcome === 'error';
		if (failed) this.errors.inc({ engine, operation, reason: attempt.reason ?? 'error' });
		if (attempt.latencyMs !== null) {
			this.duration.observe({ engine, operation }, attempt.latencyMs / 1000);
		}
		this.rolling.record(engine, {
			latencyMs: attempt.latencyMs,
			error: failed,
			servedAsFallback: attempt.asFallback
		});
		const totals = this.totalsOf(engine);
		totals.calls += 1;
		if (failed) totals.errors += 1;
		if (attempt.asFallback) totals.fallbacksServed += 1;
	}

	fallback({
		from,
		operation,
		reason
	}: {
		from: EngineName;
		operation: EngineOperation;
		reason: UnavailableReason;
	}): void {
		const to: EngineName = from === 'remote' ? 'local' : 'remote';
		this.fallbacks.inc({ from, to, operation, reason });
		this.rolling.recordFallback(from);
		this.totalsOf(from).fallbacks += 1;
	}

	breakerChanged(state: BreakerState): void {
		for (const each of BREAKER_STATES) {
			this.breakerState.set({ engine: 'remote', state: each }, each === state ? 1 : 0);
		}
		this.breakerTransitions.inc({ engine: 'remote', to: state });
	}

	/** Each engine's numbers: totals since start, counts and percentiles over `windowMs`, the series. */
	stats(windowMs: number): EngineStats[] {
		return ENGINES.map((engine) => ({
			engine,
			totals: { ...this.totalsOf(engine) },
			window: this.rolling.window(engine, windowMs),
			series: this.rolling.series(engine)
		}));
	}

	/** The Prometheus text exposition of every metric in the registry. */
	text(): Promise<string> {
		return this.registry.metrics();
	}

	get contentType(): string {
		return this.registry.contentType;
	}

	private totalsOf(engine: EngineName): EngineTotals {
		let totals = this.totals.get(engine);
		if (!totals) {
			totals = { calls: 0, errors: 0, fallbacks: 0, fallbacksServed: 0 };
			this.totals.set(engine, totals);
		}
		return totals;
	}
}
