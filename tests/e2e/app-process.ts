// The built app as a process of its own (node server.js, as in production): started on a port
// with the environment the runner gives it, waited for until it answers, and stopped. The runner
// starts the one every spec uses; a spec may start another on the same database.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const SERVER_START_TIMEOUT_MS = 90_000;

export interface AppProcess {
	/** Where it serves, e.g. http://127.0.0.1:41234 (also its ORIGIN). */
	origin: string;
	child: ChildProcess;
}

/**
 * Starts `node server.js` on 127.0.0.1:`port` with the environment `appEnv` (all of it: database,
 * engine and token settings included); its output goes to the file descriptor `log`.
 */
export function spawnApp(appEnv: NodeJS.ProcessEnv, port: number, log: number): AppProcess {
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['server.js'], {
		cwd: root,
		stdio: ['ignore', log, log],
		env: {
			...appEnv,
			PORT: String(port),
			HOST: '127.0.0.1',
			// adapter-node assumes https without it, and then refuses form posts as cross-site.
			ORIGIN: origin
		}
	});
	return { origin, child };
}

export async function waitUntilServing({ origin, child }: AppProcess): Promise<void> {
	const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
		try {
			const response = await fetch(`${origin}/login`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`the server did not answer within ${SERVER_START_TIMEOUT_MS / 1000} s`);
}

export function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
		child.once('exit', () => {
			clearTimeout(force);
			resolve();
		});
		child.kill('SIGTERM');
	});
}
