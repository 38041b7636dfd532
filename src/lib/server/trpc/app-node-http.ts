// The app's /trpc over plain node:http (see node-http.ts), in front of SvelteKit: production's
// server.js and the dev server's Vite plugin both build it here. Its context is the one
// hooks.server.ts and http.ts give a request: the session from the API key or the cookie
// through the services' session cache (looked up first, as the `handle` hook does), the Origin
// header, the site's own origin and ORIGIN as the allowed ones, and the client address, each
// read by the rules of the server in front (adapter-node's environment variables, or Vite's dev
// server).
import type { IncomingMessage } from 'node:http';
import { apiCredentialOf, signInOf } from '../auth/credentials';
import { services } from '../services';
import { createContext } from './context';
import { headersForErrors } from './errors';
import { createNodeTrpcHandler, type NodeTrpcHandler } from './node-http';
import { appRouter } from './root';

const TRPC_ENDPOINT = '/trpc';

/** How the server in front of SvelteKit names a request's origin and address. */
export interface RequestFacts {
	/** The origin SvelteKit's request URL starts with; may throw (the request then falls through). */
	base: (req: IncomingMessage) => string;
	/** `event.getClientAddress()`; a throw fails the calls, as it does in SvelteKit. */
	clientAddress: (req: IncomingMessage) => string;
	bodySizeLimit: number;
}

function parseBytes(value: string): number {
	const multiplier =
		({ K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 } as Record<string, number>)[
			value[value.length - 1]?.toUpperCase() ?? ''
		] ?? 1;
	return Number(multiplier !== 1 ? value.substring(0, value.length - 1) : value) * multiplier;
}

function single(name: string, value: string | string[] | undefined): string | undefined {
	if (!name) return undefined;
	if (Array.isArray(value)) {
		if (value.length === 0) return undefined;
		if (value.length === 1) return value[0];
		throw new Error(`Multiple values provided for ${name} header where only one expected`);
	}
	return value;
}

/** adapter-node's rules: ORIGIN, PROTOCOL_HEADER, HOST_HEADER, PORT_HEADER, ADDRESS_HEADER, XFF_DEPTH, BODY_SIZE_LIMIT. */
export function adapterNodeFacts(env: NodeJS.ProcessEnv = process.env): RequestFacts {
	const origin = env.ORIGIN === undefined ? undefined : new URL(env.ORIGIN.trim()).origin;
	const xffDepth = parseInt(env.XFF_DEPTH ?? '1');
	const addressHeader = (env.ADDRESS_HEADER ?? '').toLowerCase();
	const protocolHeader = (env.PROTOCOL_HEADER ?? '').toLowerCase();
	const hostHeader = (env.HOST_HEADER ?? '').toLowerCase();
	const portHeader = (env.PORT_HEADER ?? '').toLowerCase();
	return {
		bodySizeLimit: parseBytes(env.BODY_SIZE_LIMIT ?? '512K'),
		base(req) {
			if (origin) return origin;
			const { headers } = req;
			const protocol = decodeURIComponent(
				single(protocolHeader, headers[protocolHeader]) || 'https'
			);
			if (protocol.includes(':')) throw new Error('invalid protocol header');
			const host = single(hostHeader, headers[hostHeader]) || single('host', headers.host);
			if (!host) throw new Error('Could not determine host');
			const port = single(portHeader, headers[portHeader]);
			if (port && isNaN(+port)) throw new Error('invalid port header');
			return port ? `${protocol}://${host}:${port}` : `${protocol}://${host}`;
		},
		clientAddress(req) {
			if (addressHeader) {
				if (!(addressHeader in req.headers)) {
					throw new Error(
						`Address header was specified with ADDRESS_HEADER=${addressHeader} but is absent from request`
					);
				}
				const value = (req.headers[addressHeader] as string) || '';
				if (addressHeader === 'x-forwarded-for') {
					const addresses = value.split(',');
					if (xffDepth < 1) throw new Error('XFF_DEPTH must be a positive integer');
					if (xffDepth > addresses.length) {
						throw new Error(
							`XFF_DEPTH is ${xffDepth}, but only found ${addresses.length} addresses`
						);
					}
					return addresses[addresses.length - xffDepth]!.trim();
				}
				return value;
			}
			return req.socket.remoteAddress as string;
		}
	};
}

/** Vite's dev server with SvelteKit's dev middleware. */
export function viteDevFacts(https: boolean): RequestFacts {
	return {
		bodySizeLimit: 512 * 1024,
		base: (req) => `${https ? 'https' : 'http'}://${req.headers.host}`,
		clientAddress(req) {
			const { remoteAddress } = req.socket;
			if (remoteAddress) return remoteAddress;
			throw new Error('Could not determine clientAddress');
		}
	};
}

/** The app router on /trpc over node:http; `next` is the full SvelteKit handling. */
export function createAppTrpcHttpHandler(facts: RequestFacts): NodeTrpcHandler {
	return createNodeTrpcHandler({
		router: appRouter,
		endpoint: TRPC_ENDPOINT,
		base: facts.base,
		bodySizeLimit: facts.bodySizeLimit,
		// http.ts's responseMeta.
		headersForErrors,
		// hooks.server.ts's `handle`: the session first, for every request.
		async prepare(req) {
			const { sessions } = await services();
			return signInOf(sessions, apiCredentialOf(req.headers));
		},
		// event-context.ts's contextForEvent.
		async createContext(req, url, { session, invalidApiKey }) {
			const svc = await services();
			const allowedOrigins = [
				url.origin,
				...(svc.env.ORIGIN ? [new URL(svc.env.ORIGIN).origin] : [])
			];
			return createContext({
				services: svc,
				session,
				invalidApiKey,
				origin: req.headers.origin ?? null,
				allowedOrigins,
				clientAddress: facts.clientAddress(req)
			});
		},
		// http.ts's onError.
		onError({ error, path }) {
			if (error.code === 'INTERNAL_SERVER_ERROR') {
				console.error(`trpc ${path ?? '?'}: ${error.message}`, error.cause);
			}
		}
	});
}
