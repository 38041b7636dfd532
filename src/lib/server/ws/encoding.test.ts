import superjson from 'superjson';
import { describe, expect, it, vi } from 'vitest';
import { sharingEncoder, sharingTransformer } from './encoding';

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

	it('passes other messages through as JSON', () => {
		const reply = { id: 1, result: { type: 'started' } };
		expect(sharingEncoder.encode(reply)).toBe(JSON.stringify(reply));
		expect(sharingEncoder.decode('{"id":1}')).toEqual({ id: 1 });
		expect(() => sharingEncoder.decode(new Uint8Array([1]))).toThrow(/text frame/);
	});
});
