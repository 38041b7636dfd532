// Every request: the session cookie (on /trpc also an API key in `Authorization: Bearer`)
// becomes `locals.session`, and /trpc is served by tRPC.
// Start-up validates the configuration and opens (and migrates) the database once.
import type { Handle, ServerInit } from '@sveltejs/kit';
import { apiCredentialOf, signInOf } from '$lib/server/auth/credentials';
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
	const { pathname } = event.url;
	const api = pathname === TRPC_ENDPOINT || pathname.startsWith(`${TRPC_ENDPOINT}/`);
	// API keys are for the API: the site's pages go by the browser's cookie alone.
	const { session, invalidApiKey } = await signInOf(
		sessions,
		api
			? apiCredentialOf({
					authorization: event.request.headers.get('authorization'),
					cookie: event.request.headers.get('cookie')
				})
			: { token: event.cookies.get(SESSION_COOKIE), bearer: false }
	);
	event.locals.session = session;
	event.locals.user = session?.user ?? null;
	event.locals.invalidApiKey = invalidApiKey;

	if (api) return handleTrpcRequest(event);
	return resolve(event);
};
