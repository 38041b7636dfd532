// Dev server: serves /trpc WebSocket upgrades on Vite's own http server (its HMR socket is left
// to Vite), and plain tRPC HTTP calls on /trpc/ in front of SvelteKit's dev middleware with the
// same node-level handler as production (src/lib/server/trpc/app-node-http.ts; what it does not
// serve exactly goes on to SvelteKit). The app modules are loaded through Vite on first use, so
// the config stays light. Plain JS with JSDoc types, so that vite.config imports it as it is.
import { isTrpcWebSocketPath } from './path.js';

/** @returns {import('vite').Plugin} */
export function trpcWebSocketDevPlugin() {
	return {
		name: 'betwise-trpc-websocket',
		apply: 'serve',
		configureServer(server) {
			/** @type {Promise<import('../trpc/node-http').NodeTrpcHandler> | undefined} */
			let httpHandler;
			server.middlewares.use((req, res, next) => {
				if (!req.url?.startsWith('/trpc/')) return next();
				httpHandler ??= server
					.ssrLoadModule('/src/lib/server/trpc/app-node-http.ts')
					.then((module) => {
						const app = /** @type {typeof import('../trpc/app-node-http')} */ (module);
						return app.createAppTrpcHttpHandler(
							app.viteDevFacts(Boolean(server.config.server.https))
						);
					});
				httpHandler
					.then((handle) => handle(req, res, () => next()))
					.catch((/** @type {unknown} */ error) => {
						httpHandler = undefined;
						server.config.logger.error(
							`tRPC HTTP: ${error instanceof Error ? error.message : String(error)}`
						);
						if (!res.headersSent) next();
					});
			});
			/** @type {Promise<import('./endpoint').WebSocketEndpoint> | undefined} */
			let endpoint;
			server.httpServer?.on('upgrade', (req, socket, head) => {
				if (!isTrpcWebSocketPath(req.url)) return;
				endpoint ??= server
					.ssrLoadModule('/src/lib/server/ws/app.ts')
					.then((module) =>
						/** @type {typeof import('./app')} */ (module).createAppWebSocketEndpoint()
					);
				endpoint
					.then((handler) => handler.handleUpgrade(req, socket, head))
					.catch((/** @type {unknown} */ error) => {
						endpoint = undefined;
						server.config.logger.error(
							`tRPC WebSocket: ${error instanceof Error ? error.message : String(error)}`
						);
						socket.destroy();
					});
			});
			// A restart makes a new server with a new endpoint: this one's goes with its server,
			// or it would stay among the process's endpoints (and keep its module graph alive).
			server.httpServer?.once('close', () => {
				endpoint
					?.then((handler) => handler.close())
					.catch((/** @type {unknown} */ error) => {
						server.config.logger.error(
							`tRPC WebSocket (closing): ${error instanceof Error ? error.message : String(error)}`
						);
					});
			});
		}
	};
}
