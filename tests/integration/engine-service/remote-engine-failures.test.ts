// How RemoteEngine reports an engine that cannot answer, against real sockets: a closed port, a
// server that never answers, one that answers garbage or a 5xx. Each throws
// EngineUnavailableError with its reason, so the engine router can fall back.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineUnavailableError } from '../../../src/lib/engine/engine';
import { RemoteEngine } from '../../../src/lib/engine/remote';
import { findFreePort } from '../../../src/lib/server/db/embedded.js';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';

const servers: Server[] = [];
const engines: RemoteEngine[] = [];

afterEach(async () => {
	for (const engine of engines.splice(0)) engine.close();
	for (const server of servers.splice(0)) {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
});

/** A real HTTP server on a free port answering every request with `listener`. */
async function engineAnswering(listener: RequestListener, timeoutMs = 15_000) {
	const server = createServer(listener);
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return remoteAt(`http://127.0.0.1:${port}/api/v1`, timeoutMs);
}

function remoteAt(baseUrl: string, timeoutMs = 15_000) {
	const engine = new RemoteEngine({ baseUrl, token: 'a-token-for-the-tests', timeoutMs });
	engines.push(engine);
	return engine;
}

const anOrder = () =>
	PlaceOrderInput.parse({
		marketId: randomUUID(),
		optionId: randomUUID(),
		side: 'BUY',
		priceCents: 40,
		quantity: 1
	});

async function failureOf(call: Promise<unknown>): Promise<EngineUnavailableError> {
	const error = await call.then(
		() => null,
		(thrown: unknown) => thrown
	);
	expect(error).toBeInstanceOf(EngineUnavailableError);
	return error as EngineUnavailableError;
}

describe('RemoteEngine when the engine cannot answer', () => {
	it('throws reason "connection" when nothing listens', async () => {
		const engine = remoteAt(`http://127.0.0.1:${await findFreePort()}/api/v1`);
		expect((await failureOf(engine.place(randomUUID(), anOrder()))).reason).toBe('connection');
	});

	it('throws reason "timeout" when the answer does not come in time', async () => {
		let received: () => void;
		const arrived = new Promise<void>((resolve) => (received = resolve));
		// Never answers: only the client's deadline ends the call.
		const engine = await engineAnswering(() => received(), 100);
		const failure = await failureOf(engine.place(randomUUID(), anOrder()));
		await arrived;
		expect(failure.reason).toBe('timeout');
	});

	it('throws reason "malformed" for an answer that is not JSON', async () => {
		const engine = await engineAnswering((_req, res) => res.end('<html>hello</html>'));
		expect((await failureOf(engine.getPositions(randomUUID()))).reason).toBe('malformed');
	});

	it('throws reason "malformed" for JSON that breaks the contract', async () => {
		const engine = await engineAnswering((_req, res) => {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ success: true, data: { order: { id: 7 } } }));
		});
		const failure = await failureOf(engine.place(randomUUID(), anOrder()));
		expect(failure.reason).toBe('malformed');
		expect(failure.message).toMatch(/order\./);
	});

	it('throws reason "server-error" for a 5xx', async () => {
		const engine = await engineAnswering((_req, res) => {
			res.statusCode = 500;
			res.end(JSON.stringify({ success: false, error: { code: 'INTERNAL_ERROR', message: 'x' } }));
		});
		expect((await failureOf(engine.cancelAll(randomUUID()))).reason).toBe('server-error');
	});

	it('returns a domain failure, not a throw, for a 4xx with a domain code', async () => {
		const engine = await engineAnswering((_req, res) => {
			res.statusCode = 404;
			res.end(JSON.stringify({ success: false, error: { code: 'UNKNOWN_ORDER', message: 'no' } }));
		});
		expect(await engine.cancel(randomUUID(), '12')).toEqual({
			ok: false,
			code: 'UNKNOWN_ORDER',
			message: 'no'
		});
	});
});
