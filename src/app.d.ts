import type { ActiveSession, SessionUser } from '$lib/server/auth/sessions';

declare global {
	namespace App {
		interface Locals {
			session: ActiveSession | null;
			user: SessionUser | null;
			/** The request sent an Authorization header that names no live session (API only). */
			invalidApiKey: boolean;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
