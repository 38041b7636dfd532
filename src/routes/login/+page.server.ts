import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { services } from '$lib/server/services';
import type { Actions, PageServerLoad } from './$types';
import { waitText } from './lockout-words';

const credentials = z.object({
	email: z.email({ error: 'Enter your email address' }).max(254),
	password: z.string().min(1, { error: 'Enter your password' }).max(200)
});

/** Only same-site paths, so a crafted ?redirectTo cannot send a trader elsewhere. */
function safeRedirect(target: string | null): string {
	return target && target.startsWith('/') && !target.startsWith('//') ? target : '/';
}

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const email = String(form.get('email') ?? '');
		const parsed = credentials.safeParse({ email, password: form.get('password') ?? '' });
		if (!parsed.success) {
			return fail(400, {
				email,
				fieldErrors: z.flattenError(parsed.error).fieldErrors,
				message: null
			});
		}
		const { login, env } = await services();
		const result = await login.login({
			...parsed.data,
			address: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent')
		});
		if (!result.ok) {
			const message =
				result.code === 'RATE_LIMITED'
					? `Too many attempts. Try again in ${waitText(result.retryAfterMs)}.`
					: 'That email and password do not match an account.';
			return fail(result.code === 'RATE_LIMITED' ? 429 : 400, {
				email,
				fieldErrors: null,
				message
			});
		}
		setSessionCookie(event.cookies, result.token, result.expiresAt, env.NODE_ENV === 'production');
		redirect(303, safeRedirect(event.url.searchParams.get('redirectTo')));
	}
};
