// The event hub: one dedicated connection per process that LISTENs for the engine's NOTIFY and
// polls the outbox as a backstop, and fans each new event out to the subscribers of its topic,
// synchronously. On PGlite a NOTIFY reaches only its sender and statements of two connections
// interleave (electric-sql/pglite#1046), so there the hub polls through the app's one-connection
// pool instead of opening a connection of its own.
import pg from 'pg';
import { currentSnapshot, readEventsBetween, type HubEvent } from './outbox';

export const EVENTS_CHANNEL = 'betwise_events';
/** How the hub's own connection names itself to the server (pg_stat_activity.application_name). */
export const EVENTS_APPLICATION_NAME = 'betwise-events';

export type EventListener = (event: HubEvent) => void;

export interface EventHubOptions {
	/**
	 * `url`: a dedicated connection that LISTENs and polls (Postgres). `pool`: polls through that
	 * pool, without LISTEN (PGlite, whose NOTIFY would not reach it anyway).
	 */
	source: { url: string } | { pool: pg.Pool };
	pollIntervalMs?: number;
	/** Events read per query; a full batch is followed at once by the next. */
	batchSize?: number;
	/** Wait before reconnecting after the connection fails. */
	reconnectDelayMs?: number;
	/** Told about connection failures and listeners that throw; never silent. */
	onError?: (error: unknown, where: 'connection' | 'listener') => void;
}

export interface EventHubStats {
	topics: number;
	listeners: number;
	delivered: number;
	reads: number;
	notifications: number;
	lastEventId: string | null;
	/** Whether the hub holds a connection of its own that LISTENs now (never on a pool). */
	listening: boolean;
	/** Connections of its own the hub has opened so far: one, plus one per reconnect. */
	connectionsOpened: number;
}

export class EventHub {
	readonly #options: Required<EventHubOptions>;
	readonly #listeners = new Map<string, Set<EventListener>>();
	#client: pg.Client | null = null;
	#db: Pick<pg.ClientBase, 'query'> | null = null;
	/** Every transaction that had finished by this snapshot has been delivered. */
	#from: string | null = null;
	/** A batch cut short by `batchSize`: read on up to `to`, after `afterId`. */
	#partial: { to: string; afterId: string } | null = null;
	#running: Promise<void> | null = null;
	#stopping = false;
	#wake: (() => void) | null = null;
	#wakeRequested = false;
	#stats = {
		delivered: 0,
		reads: 0,
		notifications: 0,
		lastEventId: null as string | null,
		connectionsOpened: 0
	};

	constructor(options: EventHubOptions) {
		this.#options = {
			pollIntervalMs: 75,
			batchSize: 1_000,
			reconnectDelayMs: 1_000,
			onError: (error, where) =>
				console.error(`event hub (${where}): ${error instanceof Error ? error.message : error}`),
			...options
		};
	}

	/** Calls `listener` with every event on `topic` from now on; returns the unsubscribe. */
	subscribe(topic: string, listener: EventListener): () => void {
		let set = this.#listeners.get(topic);
		if (!set) {
			set = new Set();
			this.#listeners.set(topic, set);
		}
		// A wrapper per subscription, so the same function subscribed twice is two subscriptions.
		const entry: EventListener = (event) => listener(event);
		set.add(entry);
		return () => {
			const current = this.#listeners.get(topic);
			if (!current?.delete(entry)) return;
			if (current.size === 0) this.#listeners.delete(topic);
		};
	}

	listenerCount(topic?: string): number {
		if (topic !== undefined) return this.#listeners.get(topic)?.size ?? 0;
		let count = 0;
		for (const set of this.#listeners.values()) count += set.size;
		return count;
	}

	stats(): EventHubStats {
		return {
			topics: this.#listeners.size,
			listeners: this.listenerCount(),
			listening: this.#client !== null,
			...this.#stats
		};
	}

	/** Connects, and delivers every event committed after this call resolves. */
	async start(): Promise<void> {
		if (this.#running) return;
		this.#stopping = false;
		await this.#connect();
		this.#from = await currentSnapshot(this.#db!);
		this.#running = this.#loop();
	}

	async stop(): Promise<void> {
		this.#stopping = true;
		this.#wakeUp();
		await this.#running;
		this.#running = null;
		await this.#disconnect();
	}

	async #connect(): Promise<void> {
		const { source } = this.#options;
		if ('pool' in source) {
			this.#db = source.pool;
			return;
		}
		const client = new pg.Client({
			connectionString: source.url,
			application_name: EVENTS_APPLICATION_NAME
		});
		this.#stats.connectionsOpened += 1;
		client.on('error', (error) => this.#options.onError(error, 'connection'));
		client.on('notification', () => {
			this.#stats.notifications += 1;
			this.#wakeUp();
		});
		try {
			await client.connect();
			await client.query(`LISTEN ${EVENTS_CHANNEL}`);
		} catch (error) {
			await client.end().catch(() => undefined);
			throw error;
		}
		this.#client = client;
		this.#db = client;
	}

	async #disconnect(): Promise<void> {
		const client = this.#client;
		this.#client = null;
		this.#db = null;
		// Ending a connection that already failed rejects; that failure was reported already.
		await client?.end().catch(() => undefined);
	}

	async #loop(): Promise<void> {
		while (!this.#stopping) {
			try {
				if (!this.#db) await this.#connect();
				while (!this.#stopping && (await this.#readBatch())) {
					// A full batch: more may be waiting.
				}
				await this.#sleep(this.#options.pollIntervalMs);
			} catch (error) {
				if (this.#stopping) break;
				this.#options.onError(error, 'connection');
				await this.#disconnect();
				await this.#sleep(this.#options.reconnectDelayMs);
			}
		}
	}

	/** Reads and delivers one batch; true when it was full. */
	async #readBatch(): Promise<boolean> {
		const { batchSize } = this.#options;
		const partial = this.#partial;
		const batch = await readEventsBetween(
			this.#db!,
			this.#from!,
			partial?.to ?? null,
			partial?.afterId ?? '0',
			batchSize
		);
		this.#stats.reads += 1;
		for (const event of batch.events) this.#deliver(event);
		const full = batch.events.length === batchSize;
		if (full) {
			this.#partial = { to: batch.to, afterId: batch.events.at(-1)!.id };
		} else {
			this.#from = batch.to;
			this.#partial = null;
		}
		return full;
	}

	#deliver(event: HubEvent): void {
		this.#stats.delivered += 1;
		this.#stats.lastEventId = event.id;
		const set = this.#listeners.get(event.topic);
		if (!set) return;
		// A copy: a listener may unsubscribe (itself or another) while we iterate.
		for (const listener of [...set]) {
			try {
				listener(event);
			} catch (error) {
				this.#options.onError(error, 'listener');
			}
		}
	}

	#sleep(ms: number): Promise<void> {
		if (this.#wakeRequested || this.#stopping) {
			this.#wakeRequested = false;
			return Promise.resolve();
		}
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.#wake = null;
				this.#wakeRequested = false;
				resolve();
			};
			const timer = setTimeout(done, ms);
			this.#wake = done;
		});
	}

	#wakeUp(): void {
		if (this.#wake) this.#wake();
		else this.#wakeRequested = true;
	}
}
