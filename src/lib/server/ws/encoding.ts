// Serialising an event once for all its subscribers. The event hub hands every subscriber the
// same frozen payload; the tRPC transformer and the WebSocket encoder remember what they made
// of it, so a trade sent to 1,000 sockets is turned into JSON once, not 1,000 times.
import type { Encoder } from '@trpc/server/adapters/ws';
import superjson from 'superjson';
import { deepFreeze } from '../events/outbox';

type Serialized = ReturnType<typeof superjson.serialize>;

/** Frozen value → its superjson form. Only frozen values: they cannot change after the first. */
const serializedByValue = new WeakMap<object, Serialized>();
/** Frozen payload → the superjson form of the tracked item it was last sent in, with its id. */
const envelopeByData = new WeakMap<object, { id: string; serialized: Serialized }>();
/** Parts of serialised output that many messages share → their JSON text, made once. */
const jsonByShared = new WeakMap<object, string>();
/** Serialised outputs that contain a shared part: only these take the encoder's slower path. */
const holdsShared = new WeakSet<object>();

function isFrozenObject(value: unknown): value is object {
	return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

function serializeShared(value: object): Serialized {
	let serialized = serializedByValue.get(value);
	if (serialized === undefined) {
		serialized = deepFreeze(superjson.serialize(value));
		serializedByValue.set(value, serialized);
	}
	return serialized;
}

/**
 * The superjson form of a tracked item `{ id, data }` around a frozen payload, made once per event
 * id: every subscriber's envelope of the same event serialises to the same thing, Dates (the
 * meta superjson adds for them, under `data.`) and all.
 */
function serializeEnvelope(id: string, data: object): Serialized {
	const cached = envelopeByData.get(data);
	if (cached?.id === id) return cached.serialized;
	const serialized = deepFreeze(superjson.serialize({ id, data }));
	envelopeByData.set(data, { id, serialized });
	return serialized;
}

/** tRPC's ws adapter wraps a tracked item as `{ id, data }`, a new object per subscriber. */
function isTrackedEnvelope(value: unknown): value is { id: string; data: object } {
	if (
		value === null ||
		typeof value !== 'object' ||
		Object.getPrototypeOf(value) !== Object.prototype
	) {
		return false;
	}
	const keys = Object.keys(value);
	const envelope = value as { id?: unknown; data?: unknown };
	return (
		keys.length === 2 &&
		typeof envelope.id === 'string' &&
		'data' in envelope &&
		isFrozenObject(envelope.data)
	);
}

function share(part: object): void {
	if (!jsonByShared.has(part)) jsonByShared.set(part, JSON.stringify(part));
}

const LEFT_TO_SUPERJSON = Symbol('left to superjson');
type Walked = unknown;

/**
 * superjson.serialize for what API answers are made of: plain objects and arrays of strings,
 * finite numbers (not -0), booleans, null and valid Dates, each object met once. The same
 * output (the Dates' paths in meta.values, listed depth first where superjson sometimes lists
 * an array's index keys first: deserialize reads them in any order), made in one pass without
 * superjson's per-node path arrays and identity maps. For anything else (undefined, bigint, Map, Set, a class
 * instance, an object met twice, a key superjson would escape or refuse) it returns null, and
 * superjson serializes the value itself.
 */
export function plainSerialize(value: unknown): Serialized | null {
	const dates: Record<string, ['Date']> = {};
	let dated = false;
	const met = new Set<object>();

	function walk(v: unknown, path: string | null): Walked {
		if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
		// superjson annotates NaN, ±Infinity and -0.
		if (typeof v === 'number') {
			return Number.isFinite(v) && !Object.is(v, -0) ? v : LEFT_TO_SUPERJSON;
		}
		if (typeof v !== 'object') return LEFT_TO_SUPERJSON;
		if (met.has(v)) return LEFT_TO_SUPERJSON;
		met.add(v);
		if (Array.isArray(v)) {
			if (Object.getPrototypeOf(v) !== Array.prototype) return LEFT_TO_SUPERJSON;
			if (Object.keys(v).length !== v.length) return LEFT_TO_SUPERJSON;
			const out = new Array<unknown>(v.length);
			for (let i = 0; i < v.length; i++) {
				const walked = walk(v[i], path === null ? String(i) : `${path}.${i}`);
				if (walked === LEFT_TO_SUPERJSON) return LEFT_TO_SUPERJSON;
				out[i] = walked;
			}
			return out;
		}
		if (v instanceof Date) {
			if (path === null || Number.isNaN(v.getTime())) return LEFT_TO_SUPERJSON;
			dates[path] = ['Date'];
			dated = true;
			return v.toISOString();
		}
		const proto = Object.getPrototypeOf(v) as unknown;
		if (proto !== Object.prototype && proto !== null) return LEFT_TO_SUPERJSON;
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(v)) {
			if (
				key === '__proto__' ||
				key === 'constructor' ||
				key === 'prototype' ||
				key.includes('.') ||
				key.includes('\\')
			) {
				return LEFT_TO_SUPERJSON;
			}
			const walked = walk(
				(v as Record<string, unknown>)[key],
				path === null ? key : `${path}.${key}`
			);
			if (walked === LEFT_TO_SUPERJSON) return LEFT_TO_SUPERJSON;
			out[key] = walked;
		}
		return out;
	}

	const json = walk(value, null);
	if (json === LEFT_TO_SUPERJSON) return null;
	return (dated ? { json, meta: { values: dates, v: 1 } } : { json }) as Serialized;
}

/** superjson, reusing its output for frozen values (a shared event payload). */
export const sharingTransformer = {
	serialize(value: unknown): unknown {
		if (isFrozenObject(value)) {
			const serialized = serializeShared(value);
			share(serialized);
			holdsShared.add(serialized);
			return serialized;
		}
		if (isTrackedEnvelope(value)) {
			const serialized = serializeEnvelope(value.id, value.data);
			share(serialized);
			holdsShared.add(serialized);
			return serialized;
		}
		return plainSerialize(value) ?? superjson.serialize(value);
	},
	deserialize: (value: unknown) =>
		superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0])
};

const PLACEHOLDER = '\u0000shared\u0000';

/**
 * tRPC's JSON encoder, except that a response holding a shared, already serialised payload
 * splices in that payload's JSON text instead of stringifying it again.
 */
export const sharingEncoder = {
	encode(message: unknown): string {
		const data = (message as { result?: { data?: unknown } } | null)?.result?.data;
		if (data === null || typeof data !== 'object' || !holdsShared.has(data)) {
			return JSON.stringify(message);
		}
		let sharedJson = '';
		const text = JSON.stringify(message, (_key, value: unknown) => {
			if (value !== null && typeof value === 'object') {
				const json = jsonByShared.get(value);
				if (json !== undefined) {
					sharedJson = json;
					return PLACEHOLDER;
				}
			}
			return value;
		});
		return text.replace(JSON.stringify(PLACEHOLDER), () => sharedJson);
	},
	decode(data: string | ArrayBuffer | Uint8Array): unknown {
		if (typeof data !== 'string') throw new Error('expected a text frame of JSON');
		return JSON.parse(data);
	}
} satisfies Encoder;
