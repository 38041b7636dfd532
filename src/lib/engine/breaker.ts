// The circuit breaker in front of the remote engine: after consecutive failures, or too many
// failures in a rolling window, calls stop going out until a single trial after a cool-down.
import CircuitBreaker from 'opossum';
import { EngineUnavailableError } from './engine';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface BreakerSettings {
	/** Consecutive failures that open the breaker, however slowly they arrive. */
	failureThreshold: number;
	/** Opens when more than this percentage of the calls in the window failed… */
	errorPercent: number;
	/** …provided the window holds at least this many calls (a rate of 2 calls means little). */
	minimumCalls?: number;
	/** The rolling window the failure rate is taken over. */
	windowMs?: number;
	/** How long the breaker stays open before it lets one trial call through. */
	cooldownMs: number;
}

export type BreakerListener = (state: BreakerState) => void;

type Action = () => Promise<unknown>;

/**
 * opossum with two additions: a consecutive-failure count (opossum only knows a rate over its
 * window, so a slow trickle of failures would never open it) and errors as the engines use them:
 * only EngineUnavailableError counts as a failure, and an open breaker is thrown as one.
 */
export class EngineBreaker {
	private readonly circuit: CircuitBreaker<[Action], unknown>;
	private readonly listeners = new Set<BreakerListener>();
	private consecutiveFailures = 0;
	private current: BreakerState = 'closed';
	private changedAt = Date.now();

	constructor(
		readonly settings: BreakerSettings,
		name = 'remote'
	) {
		const windowMs = settings.windowMs ?? 10_000;
		this.circuit = new CircuitBreaker((call: Action) => call(), {
			name,
			// The remote engine times its own calls out (and says so with a typed error); a second
			// timer here would abandon calls whose outcome the engine is still waiting for.
			timeout: false,
			resetTimeout: settings.cooldownMs,
			errorThresholdPercentage: settings.errorPercent,
			volumeThreshold: settings.minimumCalls ?? Math.max(20, settings.failureThreshold),
			rollingCountTimeout: windowMs,
			rollingCountBuckets: 10,
			// A domain refusal resolves (it is an answer); anything thrown that is not the engine
			// being unreachable is a bug to surface, not a reason to stop calling the engine.
			errorFilter: (error: unknown) => !(error instanceof EngineUnavailableError),
			enableSnapshots: false
		});
		this.circuit.on('failure', () => {
			this.consecutiveFailures += 1;
			if (this.consecutiveFailures >= settings.failureThreshold && this.circuit.closed) {
				this.circuit.open();
			}
		});
		this.circuit.on('success', () => {
			this.consecutiveFailures = 0;
		});
		this.circuit.on('open', () => this.moveTo('open'));
		this.circuit.on('halfOpen', () => this.moveTo('halfOpen'));
		this.circuit.on('close', () => this.moveTo('closed'));
	}

	get state(): BreakerState {
		return this.current;
	}

	/** When the breaker last changed state (or was made). */
	get stateSince(): Date {
		return new Date(this.changedAt);
	}

	/**
	 * Runs `call` through the breaker. While it is open, or half-open with its one trial already
	 * out, throws EngineUnavailableError('breaker-open') without calling.
	 */
	async run<T>(call: () => Promise<T>): Promise<T> {
		try {
			return (await this.circuit.fire(call)) as T;
		} catch (error) {
			if (isOpenBreakerRejection(error)) {
				throw new EngineUnavailableError('breaker-open', 'The remote engine breaker is open', {
					cause: error
				});
			}
			throw error;
		}
	}

	/** Calls `listener` on every change of state; returns the function that stops it. */
	onChange(listener: BreakerListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Resolves when the breaker next enters `state` (at once if it is there already). */
	reaches(state: BreakerState): Promise<void> {
		if (this.current === state) return Promise.resolve();
		return new Promise((resolve) => {
			const stop = this.onChange((next) => {
				if (next !== state) return;
				stop();
				resolve();
			});
		});
	}

	/** Stops the cool-down timer and the rolling window's timer. */
	shutdown(): void {
		this.listeners.clear();
		this.circuit.shutdown();
	}

	private moveTo(state: BreakerState): void {
		if (state === this.current) return;
		this.current = state;
		this.changedAt = Date.now();
		// A trial that follows a cool-down starts with a clean count.
		this.consecutiveFailures = 0;
		for (const listener of [...this.listeners]) listener(state);
	}
}

function isOpenBreakerRejection(error: unknown): boolean {
	return (
		error instanceof Error &&
		(error as Error & { code?: string }).code === 'EOPENBREAKER' &&
		CircuitBreaker.isOurError(error)
	);
}
