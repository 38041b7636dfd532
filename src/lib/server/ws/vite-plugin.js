// Dev server: serves /trpc WebSocket upgrades on Vite's own http server (its HMR socket is left
// to Vite). The app endpoint is loaded through Vite on the first upgrade, so the config stays
// light. Plain JS with JSDoc types, so that vite.config imports it as it is.
import { isTrpcWebSocketPath } from './path.js';

/** @returns {import('vite').Plugin} */
export function trpcWebSocketDevPlugin() {
	return {
		name: 'betwise-trpc-websocket',
		apply: 'serve',
		configureServer(server) {
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
		}
	};
}
