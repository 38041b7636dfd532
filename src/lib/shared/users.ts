// User shapes shared by the server and the browser.
import { z } from 'zod';

export const roles = ['TRADER', 'SUPPORT', 'ADMIN'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const Me = z.strictObject({
	id: z.uuid(),
	email: z.string(),
	displayName: z.string(),
	role: Role
});
export type Me = z.infer<typeof Me>;
