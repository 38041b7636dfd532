// Every request: the session cookie becomes `locals.session`, and /trpc is served by tRPC.
// Start-up validates the configuration and opens (and migrates) the database once.
import type { Handle, ServerInit } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$lib/server/auth/sessions';
import { envOrExit } from '$lib/server/env';
import { services } from '$lib/server/services';
import { handleTrpcRequest, TRPC_ENDPOINT } from '$lib/server/trpc/http';
import { publishTrpcHttpHandler, publishWebSocketAttacher } from '$lib/server/ws/app';

export const init: ServerInit = async () => {
	envOrExit();
	await services();
	publishWebSocketAttacher();
	publishTrpcHttpHandler();
};

export const handle: Handle = async ({ event, resolve }) => {
	const { sessions } = await services();
	const session = await sessions.find(event.cookies.get(SESSION_COOKIE));
	event.locals.session = session;
	event.locals.user = session?.user ?? null;

	const { pathname } = event.url;
	if (pathname === TRPC_ENDPOINT || pathname.startsWith(`${TRPC_ENDPOINT}/`)) {
		return handleTrpcRequest(event);
	}
	return resolve(event);
};
