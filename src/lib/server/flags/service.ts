// The flags of one app process: the store, a cache kept current through the process's event
// hub (the `flags` topic) plus a periodic re-read, and the resolver the engine router asks.
import type { EngineName } from '$lib/shared/orders';
import type { PrismaClient } from '../db/generated/client';
import type { EventHub } from '../events';
import { FlagCache, type FlagSnapshot, type SnapshotListener } from './cache';
import type { EngineChoice, EngineResolver, EngineTarget } from './choice';
import { createFlagStore, FLAGS_TOPIC, type FlagStore } from './store';
import { flagsFor, resolveEngine, type ConsideredFlags } from './resolve';

export interface FlagServiceOptions {
	prisma: PrismaClient;
	/** This process's hub; the service subscribes to it but does not start or stop it. */
	events: EventHub;
	/** The bottom rule: USE_RUST_ENGINE's engine. */
	defaultEngine: EngineName;
	/** The re-read that covers a lost notification (default 10 s). */
	refreshIntervalMs?: number;
	onError?: (error: unknown) => void;
}

export interface FlagExplanation {
	choice: EngineChoice;
	considered: ConsideredFlags;
	defaultEngine: EngineName;
}

export interface FlagResolver extends EngineResolver {
	/** The choice, with every flag that could have applied, from one copy of the flags. */
	explain(target: EngineTarget): Promise<FlagExplanation>;
}

export interface FlagService {
	resolver: FlagResolver;
	/** Writes through this store are seen by this process at once, before the event comes back. */
	store: FlagStore;
	defaultEngine: EngineName;
	/** Calls `listener` with every copy of the flags this process reads (for tests and metrics). */
	onReload(listener: SnapshotListener): () => void;
	/** Subscribes to changes and reads the flags once; the hub must be started by its owner. */
	start(): Promise<void>;
	stop(): void;
}

export const DEFAULT_FLAG_REFRESH_MS = 10_000;

export function createFlagService({
	prisma,
	events,
	defaultEngine,
	refreshIntervalMs = DEFAULT_FLAG_REFRESH_MS,
	onError = (error) =>
		console.error(`engine flags: ${error instanceof Error ? error.message : String(error)}`)
}: FlagServiceOptions): FlagService {
	const baseStore = createFlagStore(prisma);
	const cache = new FlagCache({ load: () => baseStore.readAll(), onError });
	let unsubscribe: (() => void) | null = null;
	let timer: ReturnType<typeof setInterval> | null = null;

	// A write made here drops this process's copy as soon as it commits, so the next answer
	// here reflects it; other processes learn of it from the outbox event.
	const invalidating =
		<A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
		async (...args: A): Promise<R> => {
			const result = await write(...args);
			cache.invalidate();
			return result;
		};
	const store: FlagStore = {
		...baseStore,
		setUser: invalidating(baseStore.setUser),
		setMarket: invalidating(baseStore.setMarket),
		setGlobal: invalidating(baseStore.setGlobal),
		remove: invalidating(baseStore.remove)
	};

	const explainWith = (snapshot: FlagSnapshot, target: EngineTarget): FlagExplanation => ({
		choice: resolveEngine(snapshot, target, defaultEngine),
		considered: flagsFor(snapshot, target),
		defaultEngine
	});

	const resolver: FlagResolver = {
		async resolve(target) {
			return resolveEngine(await cache.current(), target, defaultEngine);
		},
		async explain(target) {
			return explainWith(await cache.current(), target);
		}
	};

	return {
		resolver,
		store,
		defaultEngine,
		onReload: (listener) => cache.onReload(listener),
		async start() {
			if (unsubscribe) return;
			// Subscribed before the first read: a change that commits after the read is announced.
			unsubscribe = events.subscribe(FLAGS_TOPIC, () => cache.invalidate());
			timer = setInterval(() => cache.refresh(), refreshIntervalMs);
			// The re-read alone must not keep a process alive that is otherwise done.
			timer.unref();
			await cache.current();
		},
		stop() {
			unsubscribe?.();
			unsubscribe = null;
			if (timer) clearInterval(timer);
			timer = null;
		}
	};
}
