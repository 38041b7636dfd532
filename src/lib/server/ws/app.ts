// The app's WebSocket endpoint: the app router with the one tRPC context, its session read from
// the API key or the cookie at upgrade. The dev server's Vite plugin and production's server.js
// both use it.
import type { IncomingMessage, Server } from 'node:http';
import { signInOf } from '../auth/credentials';
import { services } from '../services';
import { adapterNodeFacts, createAppTrpcHttpHandler } from '../trpc/app-node-http';
import { createContext, type Context } from '../trpc/context';
import { appRouter } from '../trpc/root';
import {
	attachWebSocketServer,
	createWebSocketEndpoint,
	credentialOf,
	type WebSocketEndpoint,
	type WebSocketEndpointOptions
} from './endpoint';
import { endpoints } from './registry';

export { closeSessionSockets } from './registry';

/** The site's own origin as the upgrade request names it, and ORIGIN when configured. */
function allowedOriginsFor(req: IncomingMessage, configuredOrigin: string | undefined) {
	const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
	const own = req.headers.host ? [`${scheme}://${req.headers.host}`] : [];
	return configuredOrigin ? [...own, new URL(configuredOrigin).origin] : own;
}

/** When a connection's session (login or API key) expires: its socket is closed then. */
export const sessionExpiresAt = (context: Context) => context.session?.expiresAt ?? null;

async function appEndpointOptions(): Promise<WebSocketEndpointOptions<typeof appRouter>> {
	const svc = await services();
	return {
		router: appRouter,
		allowedOrigins: (req) => allowedOriginsFor(req, svc.env.ORIGIN),
		onSlowConsumer: (req) =>
			console.warn(
				`websocket from ${req.socket.remoteAddress ?? '?'} dropped: it stopped reading and its send buffer is full`
			),
		sessionExpiresAt,
		async createContext(req) {
			const { session, invalidApiKey } = await signInOf(svc.sessions, credentialOf(req));
			return createContext({
				services: svc,
				session,
				invalidApiKey,
				origin: req.headers.origin ?? null,
				allowedOrigins: allowedOriginsFor(req, svc.env.ORIGIN),
				clientAddress: req.socket.remoteAddress ?? ''
			});
		}
	};
}

function registered(endpoint: WebSocketEndpoint): WebSocketEndpoint {
	endpoints().add(endpoint);
	return {
		...endpoint,
		close() {
			endpoints().delete(endpoint);
			return endpoint.close();
		}
	};
}

/** Production: serves /trpc upgrades of the http.Server around the adapter-node handler. */
export async function attachAppWebSocket(httpServer: Server): Promise<WebSocketEndpoint> {
	return registered(attachWebSocketServer(httpServer, await appEndpointOptions()));
}

/** Dev: the endpoint alone; the Vite plugin passes it the upgrades it receives. */
export async function createAppWebSocketEndpoint(): Promise<WebSocketEndpoint> {
	return registered(createWebSocketEndpoint(await appEndpointOptions()));
}

const attacherKey = Symbol.for('betwise.attachAppWebSocket');

/**
 * Makes `attachAppWebSocket` reachable from server.js, which sees only adapter-node's handler:
 * the app's `init` hook calls this, and server.js reads the function after importing the build.
 */
export function publishWebSocketAttacher(): void {
	(globalThis as { [attacherKey]?: typeof attachAppWebSocket })[attacherKey] = attachAppWebSocket;
}

const httpHandlerKey = Symbol.for('betwise.createAppTrpcHttpHandler');

/**
 * Makes the node-level /trpc HTTP handler (trpc/app-node-http.ts, adapter-node's rules for
 * origin and address) reachable from server.js the same way, to put in front of SvelteKit.
 */
export function publishTrpcHttpHandler(): void {
	(globalThis as { [httpHandlerKey]?: () => ReturnType<typeof createAppTrpcHttpHandler> })[
		httpHandlerKey
	] = () => createAppTrpcHttpHandler(adapterNodeFacts());
}
