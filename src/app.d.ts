import type { ActiveSession, SessionUser } from '$lib/server/auth/sessions';

declare global {
	namespace App {
		interface Locals {
			session: ActiveSession | null;
			user: SessionUser | null;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
