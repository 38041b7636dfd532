// The node-level /trpc handler (src/lib/server/trpc/app-node-http.ts) answers exactly as the
// app's tRPC HTTP handling does today: the same requests go to both, byte for byte. The reference
// is hooks.server.ts's `handle` (session lookup, then http.ts's fetch adapter) behind SvelteKit's
// own node request/response conversion, with adapter-node's origin and address rules.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestEvent } from '@sveltejs/kit';
import { getRequest, setResponse } from '@sveltejs/kit/node';
import {
	createTRPCClient,
	httpBatchLink,
	httpBatchStreamLink,
	TRPCClientError
} from '@trpc/client';
import { parse as parseCookies } from 'cookie';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../../../src/hooks.server';
import { createApiKey } from '../../../src/lib/server/auth/api-keys';
import { createSession } from '../../../src/lib/server/auth/sessions';
import { defaultLoginLimits } from '../../../src/lib/server/auth/login';
import { sessionCookieOf } from '../../../src/lib/server/auth/credentials';
import {
	adapterNodeFacts,
	createAppTrpcHttpHandler
} from '../../../src/lib/server/trpc/app-node-http';
import type { AppRouter } from '../../../src/lib/server/trpc/root';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader, callerFor, testServices, type TestServices } from '../../fixtures/services';
import { limit, type Market } from '../../fixtures/api';

const HOST = 'betwise.test';
/** adapter-node without ORIGIN or PROTOCOL_HEADER: the site's own origin is https://<host>. */
const OWN = `https://${HOST}`;
const RATE_POINTS = 4;

let db: TestDatabase;
let services: TestServices;
let reference: Server;
let fast: Server;
let fellThrough = 0;

/** What SvelteKit (adapter-node) does with a request before and after the `handle` hook. */
async function kitLike(req: IncomingMessage, res: import('node:http').ServerResponse) {
	const request = await getRequest({
		base: `https://${req.headers.host}`,
		request: req,
		bodySizeLimit: 512 * 1024
	});
	const url = new URL(request.url);
	const event = {
		request,
		url,
		locals: {},
		cookies: { get: (name: string) => parseCookies(request.headers.get('cookie') ?? '')[name] },
		getClientAddress: () => req.socket.remoteAddress
	} as unknown as RequestEvent;
	const response = await handle({
		event,
		resolve: () => Promise.resolve(new Response('not tRPC', { status: 404 }))
	});
	await setResponse(res, response);
}

function listen(server: Server): Promise<number> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
	);
}

interface Reply {
	status: number;
	contentType: string | undefined;
	vary: string | undefined;
	allow: string | undefined;
	retryAfter: string | undefined;
	body: string;
}

function send(
	port: number,
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: string
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			{ host: '127.0.0.1', port, method, path, headers: { host: HOST, ...headers } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({
						status: res.statusCode!,
						contentType: res.headers['content-type'],
						vary: res.headers.vary,
						allow: res.headers.allow,
						retryAfter: res.headers['retry-after'],
						body: Buffer.concat(chunks).toString('utf8')
					})
				);
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** Values that differ between two identical calls: latencies, new ids, clocks, retry-after. */
function volatile(body: string): string {
	return body
		.replace(/"latencyMs":[0-9.e-]+/g, '"latencyMs":0')
		.replace(/"retryAfterMs":\d+/g, '"retryAfterMs":0')
		.replace(/"(id|orderId)":"\d+"/g, '"$1":"<id>"')
		.replace(/"clientOrderId":"bw-\d+"/g, '"clientOrderId":"<id>"')
		.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
}

const json = (value: unknown) => JSON.stringify(superjson.serialize(value));
const q = (value: unknown) => encodeURIComponent(json(value));
const batchInput = (...values: unknown[]) =>
	JSON.stringify(Object.fromEntries(values.map((v, i) => [i, superjson.serialize(v)])));

interface Case {
	name: string;
	method: 'GET' | 'POST';
	path: string;
	headers?: Record<string, string>;
	body?: string;
	/** Whether the new handler is to serve it itself (otherwise: leave it to SvelteKit). */
	served: boolean;
	/** Bodies compared after masking the values that change from call to call. */
	masked?: boolean;
}

let market: Market;
let halted: Market;
const cookie: Record<string, string> = {};
/** `Authorization` headers of API keys, by name. */
const bearer: Record<string, string> = {};

async function signedIn(name: string, cashCents = 100_000n) {
	const user = await aTrader(db, { cashCents });
	cookie[name] = `betwise_session=${(await createSession(db.prisma, user.id, 1)).token}`;
	return user;
}

beforeAll(async () => {
	db = await createTestDatabase();
	services = testServices(db, defaultLoginLimits, {
		points: RATE_POINTS,
		durationSeconds: 3600
	});
	// hooks.server.ts and the new handler both take the process's services from here.
	(globalThis as Record<symbol, unknown>)[Symbol.for('betwise.services')] =
		Promise.resolve(services);
	market = await aMarket(db);
	halted = await aMarket(db, { status: 'HALTED' });
	for (const name of ['reader', 'placer', 'batcher', 'foreign', 'wrong', 'halted']) {
		await signedIn(name);
	}
	const keyHolder = await aTrader(db, { cashCents: 100_000n });
	for (const access of ['READ', 'TRADE'] as const) {
		const made = await createApiKey(
			db.prisma,
			keyHolder.id,
			{ label: access, access, expiresInDays: 1 },
			{ id: keyHolder.id, clientAddress: null }
		);
		if (!made.ok) throw new Error(made.code);
		bearer[access] = `Bearer ${made.secret}`;
	}
	const limited = await signedIn('limited');
	const caller = await callerFor(services, limited);
	for (let i = 0; i < RATE_POINTS; i++) await caller.orders.place(limit(market, 'BUY', 1, 10));

	const handler = createAppTrpcHttpHandler(adapterNodeFacts({}));
	reference = createServer((req, res) => void kitLike(req, res));
	fast = createServer((req, res) => {
		void handler(req, res, () => {
			fellThrough++;
			void kitLike(req, res);
		});
	});
}, 120_000);

afterAll(async () => {
	reference?.close();
	fast?.close();
	(services?.engine as { stop?: () => void } | undefined)?.stop?.();
	await db?.close();
});

/** Headers of a signed-in mutation from the site's own origin. */
const post = (name: string) => ({
	'content-type': 'application/json',
	origin: OWN,
	cookie: cookie[name]!
});

function cases(): Case[] {
	const order = limit(market, 'BUY', 2, 30);
	return [
		{ name: 'query, signed out', method: 'GET', path: '/trpc/auth.me', served: true },
		{
			name: 'query, signed in',
			method: 'GET',
			path: '/trpc/auth.me',
			headers: { cookie: cookie.reader! },
			served: true
		},
		{
			name: 'query with input in the query string',
			method: 'GET',
			path: `/trpc/markets.get?input=${q({ id: market.id })}`,
			served: true
		},
		{
			name: 'batch of queries, signed in',
			method: 'GET',
			path: `/trpc/auth.me,account.balance,markets.get?batch=1&input=${encodeURIComponent(batchInput(undefined, undefined, { id: market.id }))}`,
			headers: { cookie: cookie.reader! },
			served: true
		},
		{
			name: 'batch, signed out: 207 for mixed statuses',
			method: 'GET',
			path: '/trpc/auth.me,account.balance?batch=1&input=%7B%7D',
			served: true
		},
		{
			name: 'UNAUTHORIZED',
			method: 'GET',
			path: '/trpc/account.balance',
			served: true
		},
		{
			name: 'UNAUTHORIZED for a session that does not exist',
			method: 'GET',
			path: '/trpc/account.balance',
			headers: { cookie: 'betwise_session=nope; other=1' },
			served: true
		},
		{
			name: 'query with an API key',
			method: 'GET',
			path: '/trpc/auth.me',
			headers: { authorization: bearer.READ! },
			served: true
		},
		{
			name: 'query with an API key and a cookie: the key wins',
			method: 'GET',
			path: '/trpc/auth.me',
			headers: { authorization: bearer.READ!, cookie: cookie.reader! },
			served: true
		},
		{
			name: 'UNAUTHORIZED for an API key that does not exist, also where no sign-in is needed',
			method: 'GET',
			path: '/trpc/markets.list',
			headers: { authorization: 'Bearer bwk_nope' },
			served: true
		},
		{
			name: 'UNAUTHORIZED for an Authorization header that is not Bearer',
			method: 'GET',
			path: '/trpc/auth.me',
			headers: { authorization: 'Basic dXNlcjpwYXNz', cookie: cookie.reader! },
			served: true
		},
		{
			name: 'query input that fails validation',
			method: 'GET',
			path: `/trpc/markets.get?input=${q({ id: 'not-a-uuid' })}`,
			served: true
		},
		{
			name: 'malformed JSON in the query string',
			method: 'GET',
			path: '/trpc/markets.get?input=%7B%22json',
			served: true
		},
		{
			name: 'mutation',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: post('placer'),
			body: json(order),
			served: true,
			masked: true
		},
		{
			name: 'batched mutations, one with bad input (fieldErrors), 207',
			method: 'POST',
			path: '/trpc/orders.place,orders.place?batch=1',
			headers: post('batcher'),
			body: batchInput(order, { ...order, quantity: -1, side: 'UP' }),
			served: true,
			masked: true
		},
		{
			name: 'mutation with bad input',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { ...post('wrong'), 'content-type': 'application/json; charset=utf-8' },
			body: json({ ...order, quantity: 0, priceCents: 1000 }),
			served: true
		},
		{
			name: 'mutation with no body',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { ...post('wrong'), 'content-length': '0' },
			served: true
		},
		{
			name: 'FORBIDDEN from a foreign origin',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { ...post('foreign'), origin: 'https://evil.example' },
			body: json(order),
			served: true
		},
		{
			name: 'mutation without an Origin header',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { 'content-type': 'application/json', cookie: cookie.foreign! },
			body: json(order),
			served: true,
			masked: true
		},
		{
			name: 'mutation with a trade key',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { 'content-type': 'application/json', authorization: bearer.TRADE! },
			body: json(order),
			served: true,
			masked: true
		},
		{
			name: 'FORBIDDEN: a mutation with a read key',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { 'content-type': 'application/json', authorization: bearer.READ! },
			body: json(order),
			served: true
		},
		{
			name: 'mutation, signed out',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { 'content-type': 'application/json', origin: OWN },
			body: json(order),
			served: true
		},
		{
			name: 'TOO_MANY_REQUESTS',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: post('limited'),
			body: json(order),
			served: true,
			masked: true
		},
		{
			name: 'an order refused by the engine (market not open)',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: post('halted'),
			body: json(limit(halted, 'BUY', 1, 10)),
			served: true,
			masked: true
		},
		{
			name: 'a domain error (unknown order)',
			method: 'POST',
			path: '/trpc/orders.cancel',
			headers: post('halted'),
			body: json({ orderId: '999999999' }),
			served: true
		},
		{
			name: 'NOT_FOUND path',
			method: 'GET',
			path: '/trpc/nothing.here',
			served: true
		},
		{
			name: 'batch with a path that does not exist',
			method: 'GET',
			path: '/trpc/auth.me,nothing.here?batch=1',
			served: true
		},
		{
			name: 'malformed JSON body',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: post('wrong'),
			body: '{"json":',
			served: true
		},
		{
			name: 'batch body that is not an object',
			method: 'POST',
			path: '/trpc/orders.place?batch=1',
			headers: post('wrong'),
			body: '[1]',
			served: true
		},
		{
			name: 'GET to a mutation (405, allow)',
			method: 'GET',
			path: '/trpc/orders.place',
			served: true
		},
		{
			name: 'POST to a query (405, allow)',
			method: 'POST',
			path: '/trpc/auth.me',
			headers: post('reader'),
			body: '{}',
			served: true
		},
		{
			name: 'mixed procedure types in a batch',
			method: 'POST',
			path: '/trpc/auth.me,orders.place?batch=1',
			headers: post('wrong'),
			body: batchInput(undefined, order),
			served: true
		},
		{
			name: 'streaming link (trpc-accept: application/jsonl)',
			method: 'GET',
			path: '/trpc/auth.me?batch=1',
			headers: { 'trpc-accept': 'application/jsonl' },
			served: false
		},
		{
			name: 'another content type',
			method: 'POST',
			path: '/trpc/orders.place',
			headers: { ...post('wrong'), 'content-type': 'text/plain' },
			body: json(order),
			served: false
		},
		{
			name: 'percent-encoded path',
			method: 'GET',
			path: '/trpc/auth%2Eme',
			served: false
		},
		{
			name: 'trailing slash',
			method: 'GET',
			path: '/trpc/auth.me/',
			served: false
		}
	];
}

describe('the node-level /trpc handler', () => {
	it('answers every case as the current handling does, byte for byte', async () => {
		const referencePort = await listen(reference);
		const fastPort = await listen(fast);
		const statuses = new Set<number>();
		for (const c of cases()) {
			const before = fellThrough;
			const expected = await send(referencePort, c.method, c.path, c.headers ?? {}, c.body);
			const actual = await send(fastPort, c.method, c.path, c.headers ?? {}, c.body);
			expect({ case: c.name, fellThrough: fellThrough - before }).toEqual({
				case: c.name,
				fellThrough: c.served ? 0 : 1
			});
			const view = (r: Reply) => ({
				case: c.name,
				status: r.status,
				contentType: r.contentType,
				vary: r.vary,
				allow: r.allow,
				// The seconds left may differ by one between the two calls.
				retryAfter: c.masked && r.retryAfter !== undefined ? 'seconds' : r.retryAfter,
				body: c.masked ? volatile(r.body) : r.body
			});
			expect(view(actual)).toEqual(view(expected));
			statuses.add(expected.status);
		}
		// The table covers what it claims to.
		expect([...statuses].sort()).toEqual(
			expect.arrayContaining([200, 207, 400, 401, 403, 404, 405, 429])
		);
	});

	it('tells a rate-limited client when to come back in Retry-After, on both paths', async () => {
		const referencePort =
			(reference.address() as AddressInfo | null)?.port ?? (await listen(reference));
		const fastPort = (fast.address() as AddressInfo | null)?.port ?? (await listen(fast));
		const order = limit(market, 'BUY', 1, 10);
		for (const port of [referencePort, fastPort]) {
			const single = await send(port, 'POST', '/trpc/orders.place', post('limited'), json(order));
			// Batched with a call that succeeds: the batch answers 207 and still says when to retry.
			const batch = await send(
				port,
				'POST',
				'/trpc/orders.place,orders.cancelAll?batch=1',
				post('limited'),
				batchInput(order, {})
			);
			const accepted = await send(
				port,
				'POST',
				'/trpc/orders.cancelAll',
				post('limited'),
				json({})
			);
			for (const [reply, status] of [
				[single, 429],
				[batch, 207]
			] as const) {
				expect(reply.status).toBe(status);
				// The limit's window is an hour, of which at most a few seconds have gone.
				expect(Number(reply.retryAfter)).toBeGreaterThan(3_500);
				expect(Number(reply.retryAfter)).toBeLessThanOrEqual(3_600);
			}
			expect(accepted.status).toBe(200);
			expect(accepted.retryAfter).toBeUndefined();
		}
	});

	it('serves a real @trpc/client with httpBatchLink (and leaves httpBatchStreamLink to SvelteKit)', async () => {
		const port = (fast.address() as AddressInfo | null)?.port ?? (await listen(fast));
		const user = await aTrader(db, { cashCents: 50_000n });
		const { token } = await createSession(db.prisma, user.id, 1);
		const headers = { cookie: `betwise_session=${token}`, origin: `https://127.0.0.1:${port}` };
		const url = `http://127.0.0.1:${port}/trpc`;
		const client = createTRPCClient<AppRouter>({
			links: [httpBatchLink({ url, transformer: superjson, headers })]
		});
		const before = fellThrough;
		const [me, balance, placed] = await Promise.all([
			client.auth.me.query(),
			client.account.balance.query(),
			client.orders.place.mutate(limit(market, 'SELL', 1, 90))
		]);
		expect(me?.id).toBe(user.id);
		expect(balance.cashCents).toBe(50_000);
		expect(placed.order).toMatchObject({ status: 'OPEN', userId: user.id, quantity: 1 });
		const failure = await client.orders.place
			.mutate({ ...limit(market, 'SELL', 1, 90), quantity: -1 })
			.catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(TRPCClientError);
		expect((failure as TRPCClientError<AppRouter>).data).toMatchObject({
			code: 'BAD_REQUEST',
			httpStatus: 400,
			fieldErrors: { quantity: expect.any(Array) }
		});
		expect(fellThrough).toBe(before);

		const streaming = createTRPCClient<AppRouter>({
			links: [httpBatchStreamLink({ url, transformer: superjson, headers })]
		});
		expect((await streaming.auth.me.query())?.id).toBe(user.id);
		expect(fellThrough).toBe(before + 1);
	});

	it('reads the session cookie as SvelteKit does', () => {
		for (const header of [
			undefined,
			'',
			'betwise_session=abc',
			'a=1; betwise_session=abc; b=2',
			'betwise_session=first; betwise_session=second',
			'betwise_session="quoted"',
			'betwise_session=a%20b',
			'betwise_session=bad%zz',
			'x;betwise_session=abc',
			' betwise_session = spaced ; other=1'
		]) {
			expect(sessionCookieOf(header)).toBe(
				header === undefined ? undefined : parseCookies(header).betwise_session
			);
		}
	});
});
