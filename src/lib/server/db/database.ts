// The server process's one database (see open.ts for which one). Kept on globalThis so that
// Vite's module reloads in development do not open it twice.
import { env } from '../env';
import type { Database } from './connect';
import { openConfiguredDatabase } from './open';

const key = Symbol.for('betwise.database');
type Holder = { [key]?: Promise<Database> };

/** The shared database, opened and migrated on first use. */
export function database(): Promise<Database> {
	const holder = globalThis as Holder;
	holder[key] ??= openConfiguredDatabase(env()).catch((error: unknown) => {
		delete holder[key];
		throw error;
	});
	return holder[key];
}
