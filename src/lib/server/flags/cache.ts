// One process's copy of the flags, so resolving an engine costs no query: dropped when a change
// is announced (the reader after that waits for a fresh copy), and re-read periodically anyway.
import type { FlagView } from './flag';
import { flagSetOf, type FlagSet } from './resolve';

export interface FlagSnapshot extends FlagSet {
	flags: readonly FlagView[];
	loadedAt: Date;
	/** Why this copy was read: the first read, a change announced, or the periodic re-read. */
	cause: ReloadCause;
}

export type ReloadCause = 'read' | 'change' | 'periodic';

export type SnapshotListener = (snapshot: FlagSnapshot) => void;

export interface FlagCacheOptions {
	load: () => Promise<FlagView[]>;
	/** Told about failed reads; a failed read keeps the last copy rather than failing callers. */
	onError: (error: unknown) => void;
}

export class FlagCache {
	readonly #options: FlagCacheOptions;
	/** Bumped by every announced change: a copy read before the latest bump is stale. */
	#generation = 0;
	#snapshot: { generation: number; value: FlagSnapshot } | null = null;
	#loading: { generation: number; promise: Promise<FlagSnapshot> } | null = null;
	readonly #listeners = new Set<SnapshotListener>();

	constructor(options: FlagCacheOptions) {
		this.#options = options;
	}

	/** The current flags: the cached copy, or (after a change) a fresh read shared by all callers. */
	current(): FlagSnapshot | Promise<FlagSnapshot> {
		const snapshot = this.#snapshot;
		if (snapshot && snapshot.generation === this.#generation) return snapshot.value;
		return this.#load(this.#snapshot ? 'change' : 'read');
	}

	/** A change was announced: drop the copy and read the flags again now. */
	invalidate(): void {
		this.#generation += 1;
		this.#load('change').catch(() => undefined);
	}

	/** The periodic re-read: readers keep the current copy meanwhile (it is not known stale). */
	refresh(): void {
		if (this.#loading) return;
		this.#load('periodic').catch(() => undefined);
	}

	/** Calls `listener` with every copy read from now on; returns the unsubscribe. */
	onReload(listener: SnapshotListener): () => void {
		const entry: SnapshotListener = (snapshot) => listener(snapshot);
		this.#listeners.add(entry);
		return () => this.#listeners.delete(entry);
	}

	#load(cause: ReloadCause): Promise<FlagSnapshot> {
		const generation = this.#generation;
		if (this.#loading && this.#loading.generation === generation) return this.#loading.promise;
		const promise = this.#read(generation, cause);
		const loading = { generation, promise };
		this.#loading = loading;
		const clear = () => {
			if (this.#loading === loading) this.#loading = null;
		};
		promise.then(clear, clear);
		return promise;
	}

	async #read(generation: number, cause: ReloadCause): Promise<FlagSnapshot> {
		let flags: FlagView[];
		try {
			flags = await this.#options.load();
		} catch (error) {
			this.#options.onError(error);
			// Stale flags still route orders; only a process that never read them has to fail.
			if (this.#snapshot) return this.#snapshot.value;
			throw error;
		}
		const value: FlagSnapshot = { ...flagSetOf(flags), flags, loadedAt: new Date(), cause };
		// A read that began before a later change announced is not installed as current (a newer
		// read is already under way), but it is still the newest the caller could have had.
		if (!this.#snapshot || generation >= this.#snapshot.generation) {
			this.#snapshot = { generation, value };
		}
		for (const listener of [...this.#listeners]) {
			try {
				listener(value);
			} catch (error) {
				this.#options.onError(error);
			}
		}
		return value;
	}
}
