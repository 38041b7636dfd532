// Serialising an event once for all its subscribers. The event hub hands every subscriber the
// same frozen payload; the tRPC transformer and the WebSocket encoder remember what they made
// of it, so a trade sent to 1,000 sockets is turned into JSON once, not 1,000 times.
import type { Encoder } from '@trpc/server/adapters/ws';
import superjson from 'superjson';

/** Frozen value → its superjson form. Only frozen values: they cannot change after the first. */
const serializedByValue = new WeakMap<object, unknown>();
/** Superjson forms made from frozen values → their JSON text. */
const jsonBySerialized = new WeakMap<object, string>();

function isFrozenObject(value: unknown): value is object {
	return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

/** superjson, remembering the output for frozen values (a shared event payload). */
export const sharingTransformer = {
	serialize(value: unknown): unknown {
		if (!isFrozenObject(value)) return superjson.serialize(value);
		let serialized = serializedByValue.get(value);
		if (serialized === undefined) {
			serialized = Object.freeze(superjson.serialize(value));
			serializedByValue.set(value, serialized);
			jsonBySerialized.set(serialized as object, JSON.stringify(serialized));
		}
		return serialized;
	},
	deserialize: (value: unknown) =>
		superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0])
};

interface ResponseMessage {
	result?: { data?: unknown };
}

/**
 * tRPC's JSON encoder, except that a response whose data is a shared, already serialised payload
 * splices in that payload's JSON text instead of stringifying it again.
 */
export const sharingEncoder: Encoder = {
	encode(message: unknown): string {
		const result = (message as ResponseMessage | null)?.result;
		const data = result?.data;
		const json = data !== null && typeof data === 'object' ? jsonBySerialized.get(data) : undefined;
		if (json === undefined || !result) return JSON.stringify(message);
		const { result: _result, ...envelope } = message as ResponseMessage;
		const { data: _data, ...resultRest } = result;
		const head = JSON.stringify(envelope).slice(0, -1);
		const resultHead = JSON.stringify(resultRest).slice(0, -1);
		return `${head}${head.length > 1 ? ',' : ''}"result":${resultHead}${resultHead.length > 1 ? ',' : ''}"data":${json}}}`;
	},
	decode(data: string | ArrayBuffer | Uint8Array): unknown {
		if (typeof data !== 'string') throw new Error('expected a text frame of JSON');
		return JSON.parse(data);
	}
};
