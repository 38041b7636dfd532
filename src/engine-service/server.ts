// The engine service's HTTP server: matches a route, checks the bearer token, answers in the
// envelope, logs one line per request with its latency, and hands /ws upgrades to the socket
// side. Closing it stops accepting, lets requests in flight finish, then closes the sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ProtocolErrorCode } from '$lib/engine/wire';
import { bearerToken, HttpError, sendData, sendError, tokenMatches } from './http';
import { engineRoutes, type Route, type RouteDependencies } from './routes';
import { attachUpdateSocket, type UpdateSocket, type UpdateSocketOptions } from './updates';

export interface EngineServiceOptions extends RouteDependencies {
	token: string;
	updates: Omit<UpdateSocketOptions, 'authorize'>;
	/** One line per request; console.info unless told. */
	log?: (line: string) => void;
}

export interface EngineService {
	server: Server;
	updates: UpdateSocket;
	listen(port: number, host: string): Promise<{ host: string; port: number }>;
	/** Stops accepting, waits for requests in flight (up to `graceMs`), closes every socket. */
	close(graceMs?: number): Promise<void>;
}

export function createEngineService(options: EngineServiceOptions): EngineService {
	const routes = engineRoutes(options);
	const log = options.log ?? ((line: string) => console.info(line));
	let closing = false;
	/** Answers being worked on: when the service starts closing, they close their connections. */
	const answering = new Set<ServerResponse>();

	const server = createServer((req, res) => {
		const started = performance.now();
		answering.add(res);
		res.once('close', () => answering.delete(res));
		res.once('finish', () => {
			const path = (req.url ?? '/').split('?')[0];
			const latencyMs = (performance.now() - started).toFixed(2);
			log(
				`engine-service ${req.method} ${path} status=${res.statusCode} latencyMs=${latencyMs}` +
					(errorCodes.has(res) ? ` code=${errorCodes.get(res)}` : '')
			);
		});
		// While closing, each answer also closes its connection, so kept-alive ones drain.
		if (closing) res.setHeader('connection', 'close');
		void serve(routes, options.token, req, res);
	});
	// Longer than clients keep idle connections (RemoteEngine: 4 s), so the client closes first.
	server.keepAliveTimeout = 65_000;
	server.headersTimeout = 66_000;
	server.requestTimeout = 30_000;

	const updates = attachUpdateSocket(server, {
		...options.updates,
		authorize: (req) => tokenMatches(bearerToken(req) ?? tokenParam(req), options.token)
	});

	return {
		server,
		updates,
		listen(port, host) {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					server.off('error', reject);
					const address = server.address() as AddressInfo;
					resolve({ host: address.address, port: address.port });
				});
			});
		},
		async close(graceMs = 10_000) {
			closing = true;
			// A request already in flight keeps its connection alive otherwise, and the service
			// would wait out the whole grace period for a client to let go of it.
			for (const res of answering) if (!res.headersSent) res.setHeader('connection', 'close');
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeIdleConnections();
			await updates.close();
			const timer = setTimeout(() => server.closeAllConnections(), graceMs);
			await closed;
			clearTimeout(timer);
		}
	};
}

/** The error envelope's code of each failed answer, for the request log line. */
const errorCodes = new WeakMap<ServerResponse, string>();

async function serve(
	routes: Route[],
	token: string,
	req: IncomingMessage,
	res: ServerResponse
): Promise<void> {
	try {
		const url = new URL(req.url ?? '/', 'http://engine.invalid');
		const matching = routes
			.map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
			.filter((candidate) => candidate.match !== null);
		if (matching.length === 0) {
			throw new HttpError(404, ProtocolErrorCode.NOT_FOUND, `No route ${url.pathname}`);
		}
		const chosen = matching.find((candidate) => candidate.route.method === req.method);
		if (!chosen) {
			const allow = [...new Set(matching.map((candidate) => candidate.route.method))].join(', ');
			throw new HttpError(
				405,
				ProtocolErrorCode.METHOD_NOT_ALLOWED,
				`${req.method} is not allowed on ${url.pathname} (allowed: ${allow})`,
				{ allow }
			);
		}
		if (chosen.route.authorized && !tokenMatches(bearerToken(req), token)) {
			throw new HttpError(
				401,
				ProtocolErrorCode.UNAUTHORIZED,
				'Send the engine token as Authorization: Bearer <token>',
				{ 'www-authenticate': 'Bearer' }
			);
		}
		const params = decodeParams(chosen.match!.groups ?? {});
		const { status, data } = await chosen.route.handle({ req, params, query: url.searchParams });
		sendData(res, status, data);
	} catch (error) {
		if (res.headersSent) {
			res.destroy();
			return;
		}
		if (error instanceof HttpError) {
			errorCodes.set(res, error.code);
			sendError(res, error.status, error.code, error.message, error.headers);
			return;
		}
		console.error(`engine-service ${req.method} ${req.url}: internal error`, error);
		errorCodes.set(res, ProtocolErrorCode.INTERNAL_ERROR);
		sendError(res, 500, ProtocolErrorCode.INTERNAL_ERROR, 'The engine failed to serve this call');
	}
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
	const params: Record<string, string> = {};
	for (const [name, raw] of Object.entries(groups)) {
		try {
			params[name] = decodeURIComponent(raw);
		} catch {
			throw new HttpError(400, ProtocolErrorCode.VALIDATION_FAILED, `${name}: bad URL encoding`);
		}
	}
	return params;
}

function tokenParam(req: IncomingMessage): string | undefined {
	const url = new URL(req.url ?? '/', 'http://engine.invalid');
	return url.searchParams.get('token') ?? undefined;
}
