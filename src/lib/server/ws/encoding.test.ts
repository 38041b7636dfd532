import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it, vi } from 'vitest';
import { plainSerialize, sharingEncoder, sharingTransformer } from './encoding';

const trade = () =>
	Object.freeze({ id: '7', priceCents: 42, quantity: 3, takerSide: 'BUY', at: '2026-11-29' });

/** What tRPC's ws adapter sends for one tracked subscription item. */
const message = (subscriptionId: number, data: unknown) => ({
	id: subscriptionId,
	jsonrpc: '2.0',
	result: { type: 'data', id: '7', data: sharingTransformer.serialize(data) }
});

describe('serialising a shared event payload', () => {
	it('sends exactly what plain superjson and JSON would', () => {
		const payload = trade();
		const encoded = sharingEncoder.encode(message(3, payload));
		expect(JSON.parse(encoded as string)).toEqual({
			id: 3,
			jsonrpc: '2.0',
			result: { type: 'data', id: '7', data: superjson.serialize(payload) }
		});
	});

	it('serialises a frozen payload once, however many subscribers send it', () => {
		const payload = trade();
		const serialize = vi.spyOn(superjson, 'serialize');
		const encoded = [1, 2, 3].map((id) => sharingEncoder.encode(message(id, payload)));
		expect(serialize).toHaveBeenCalledTimes(1);
		serialize.mockRestore();
		expect(encoded.map((text) => JSON.parse(text as string).id)).toEqual([1, 2, 3]);
	});

	it('serialises a value that may still change every time', () => {
		const payload = { priceCents: 42 };
		const first = sharingEncoder.encode(message(1, payload));
		payload.priceCents = 43;
		const second = sharingEncoder.encode(message(1, payload));
		expect(JSON.parse(first as string).result.data.json.priceCents).toBe(42);
		expect(JSON.parse(second as string).result.data.json.priceCents).toBe(43);
	});

	it('serialises a tracked item once, inside each subscriber envelope', () => {
		const payload = trade();
		const serialize = vi.spyOn(superjson, 'serialize');
		const encoded = [1, 2].map((id) =>
			sharingEncoder.encode({
				id,
				jsonrpc: '2.0',
				result: { type: 'data', data: sharingTransformer.serialize({ id: '7', data: payload }) }
			})
		);
		expect(serialize).toHaveBeenCalledTimes(1);
		serialize.mockRestore();
		expect(JSON.parse(encoded[1] as string)).toEqual({
			id: 2,
			jsonrpc: '2.0',
			result: { type: 'data', data: superjson.serialize({ id: '7', data: payload }) }
		});
	});

	it('serialises a tracked item with a Date once, meta and all, however many subscribers send it', () => {
		const payload = Object.freeze({ ...trade(), createdAt: new Date('2026-11-29T10:00:00.250Z') });
		const envelope = (subscriptionId: number) => ({
			id: subscriptionId,
			jsonrpc: '2.0',
			result: { type: 'data', data: sharingTransformer.serialize({ id: '7', data: payload }) }
		});
		const toText = vi.spyOn(Date.prototype, 'toISOString');
		const encoded = [1, 2, 3].map((id) => sharingEncoder.encode(envelope(id)));
		expect(toText).toHaveBeenCalledTimes(1);
		toText.mockRestore();
		expect(JSON.parse(encoded[2] as string)).toEqual({
			id: 3,
			jsonrpc: '2.0',
			result: { type: 'data', data: superjson.serialize({ id: '7', data: payload }) }
		});
		expect(superjson.deserialize(JSON.parse(encoded[0] as string).result.data)).toEqual({
			id: '7',
			data: payload
		});
	});

	it('passes other messages through as JSON', () => {
		const reply = { id: 1, result: { type: 'started' } };
		expect(sharingEncoder.encode(reply)).toBe(JSON.stringify(reply));
		expect(sharingEncoder.decode('{"id":1}')).toEqual({ id: 1 });
		expect(() => sharingEncoder.decode(new Uint8Array([1]))).toThrow(/text frame/);
	});
});

describe('the plain fast path of serialising', () => {
	/** Values of every kind superjson knows, nested, with some objects shared between places. */
	const { value } = fc.letrec<{ value: unknown; leaf: unknown }>((tie) => ({
		leaf: fc.oneof(
			fc.string(),
			fc.integer(),
			fc.double(),
			fc.boolean(),
			fc.constant(null),
			fc.constant(undefined),
			fc.bigInt(),
			fc.date(),
			fc.date({ noInvalidDate: true }),
			fc.constant(new Map([['a', 1]])),
			fc.constant(new Set([1])),
			fc.constant(/x/g)
		),
		value: fc.oneof(
			{ depthSize: 'small' },
			tie('leaf'),
			fc.array(tie('value'), { maxLength: 4 }),
			fc.dictionary(
				fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a.b', 'c\\d', '0', '10', 'x')),
				tie('value'),
				{ maxKeys: 4 }
			),
			// The same object in two places.
			tie('value').map((shared) => ({ left: shared, right: shared }))
		)
	}));

	it('gives what superjson gives, or leaves the value to superjson', () => {
		fc.assert(
			fc.property(value, (v) => {
				const fast = plainSerialize(v);
				if (fast === null) return;
				const slow = superjson.serialize(v);
				// The JSON text exactly; the Dates' paths as a set (their order may differ).
				expect(JSON.stringify(fast.json)).toBe(JSON.stringify(slow.json));
				expect(fast.meta).toEqual(slow.meta);
				expect(superjson.deserialize(fast)).toEqual(superjson.deserialize(slow));
			}),
			{ numRuns: 3_000 }
		);
	});

	it('leaves to superjson what it would annotate otherwise, or dedupe', () => {
		const date = new Date(0);
		for (const v of [
			undefined,
			{ a: undefined },
			{ n: -0 },
			{ n: Number.NaN },
			{ big: 1n },
			{ when: date, again: date },
			{ 'a.b': 1 },
			{ list: new Set([1]) },
			new Date(0),
			{ invalid: new Date(Number.NaN) }
		]) {
			expect(plainSerialize(v)).toBeNull();
		}
	});

	it('takes the fast path for an API answer with dates in nested objects and arrays', () => {
		const order = {
			id: '12',
			priceCents: 41,
			expiresAt: null,
			createdAt: new Date('2026-11-30T05:00:00.000Z'),
			updatedAt: new Date('2026-11-30T05:00:01.500Z')
		};
		const answer = {
			engine: 'local',
			latencyMs: 1.25,
			order,
			fills: [{ tradeId: '3', at: new Date('2026-11-30T05:00:01.500Z') }],
			duplicate: false
		};
		const fast = plainSerialize(answer);
		expect(fast).toEqual({
			json: {
				...answer,
				order: {
					...order,
					createdAt: '2026-11-30T05:00:00.000Z',
					updatedAt: '2026-11-30T05:00:01.500Z'
				},
				fills: [{ tradeId: '3', at: '2026-11-30T05:00:01.500Z' }]
			},
			meta: {
				values: {
					'order.createdAt': ['Date'],
					'order.updatedAt': ['Date'],
					'fills.0.at': ['Date']
				},
				v: 1
			}
		});
		expect(superjson.deserialize(fast!)).toEqual(answer);
		expect(sharingTransformer.serialize(answer)).toEqual(superjson.serialize(answer));
	});
});
