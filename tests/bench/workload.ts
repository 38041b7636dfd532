// Deterministic order flow for the matching benchmarks: a TypeScript copy of the shared
// workload.mjs (same PRNG, same draw order), so every engine is measured on the same operations.
//
// kind: 0 = limit GTC, 1 = cancel, 2 = market (IOC). side: 0 = BUY, 1 = SELL.
// price: integer cents 40..60 for limits (0 otherwise). qty: integer shares.
// target: for a cancel, the id of an earlier limit order (possibly already filled or
// cancelled, which an engine must treat as a no-op); -1 otherwise. Ids are 1..ops.

export const OpKind = { LIMIT: 0, CANCEL: 1, MARKET: 2 } as const;
export const OpSide = { BUY: 0, SELL: 1 } as const;

export interface Workload {
	length: number;
	seed: number;
	kind: Uint8Array;
	side: Uint8Array;
	price: Uint8Array;
	qty: Uint32Array;
	id: Uint32Array;
	target: Int32Array;
}

export interface WorkloadOptions {
	seed?: number;
	ops?: number;
	/** Below this many cancellable orders, half of the would-be cancels become limits. */
	depth?: number;
}

/** mulberry32: tiny, fast and identical in every language that has 32-bit integer maths. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function generateWorkload({
	seed = 42,
	ops = 1_000_000,
	depth = 2000
}: WorkloadOptions = {}): Workload {
	const rand = mulberry32(seed);
	const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
	const kind = new Uint8Array(ops);
	const side = new Uint8Array(ops);
	const price = new Uint8Array(ops);
	const qty = new Uint32Array(ops);
	const id = new Uint32Array(ops);
	const target = new Int32Array(ops).fill(-1);
	// Limit ids not yet targeted by a cancel; each limit is cancelled at most once.
	const pool = new Uint32Array(ops);
	let poolSize = 0;
	for (let i = 0; i < ops; i++) {
		id[i] = i + 1;
		const r = rand();
		const refill = poolSize === 0 || (poolSize < depth && r >= 0.45 && r < 0.675);
		if (r < 0.45 || (r < 0.9 && refill)) {
			kind[i] = OpKind.LIMIT;
			side[i] = rand() < 0.5 ? OpSide.BUY : OpSide.SELL;
			price[i] = int(40, 60);
			qty[i] = int(1, 100);
			pool[poolSize++] = i + 1;
		} else if (r < 0.9) {
			kind[i] = OpKind.CANCEL;
			const k = Math.floor(rand() * poolSize);
			// Typed arrays read 0 out of range; k < poolSize keeps both reads in range.
			target[i] = pool[k] ?? 0;
			pool[k] = pool[--poolSize] ?? 0;
		} else {
			kind[i] = OpKind.MARKET;
			side[i] = rand() < 0.5 ? OpSide.BUY : OpSide.SELL;
			qty[i] = int(1, 50);
		}
	}
	return { length: ops, seed, kind, side, price, qty, id, target };
}

/** FNV-1a over every field but the id, as hex: equal checksums mean equal workloads. */
export function checksum(w: Workload): string {
	let h = 2166136261;
	const mix = (v: number): void => {
		h = Math.imul(h ^ (v & 0xffff), 16777619) >>> 0;
	};
	for (let i = 0; i < w.length; i++) {
		mix(w.kind[i] ?? 0);
		mix(w.side[i] ?? 0);
		mix(w.price[i] ?? 0);
		mix(w.qty[i] ?? 0);
		mix(w.target[i] ?? 0);
	}
	return h.toString(16);
}

/** How many operations of each kind: a second fingerprint beside the checksum. */
export function countKinds(w: Workload): { limit: number; cancel: number; market: number } {
	const counts = [0, 0, 0];
	for (let i = 0; i < w.length; i++) {
		const k = w.kind[i] ?? 0;
		counts[k] = (counts[k] ?? 0) + 1;
	}
	return { limit: counts[0] ?? 0, cancel: counts[1] ?? 0, market: counts[2] ?? 0 };
}
