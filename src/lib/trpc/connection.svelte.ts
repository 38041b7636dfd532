// The browser's one WebSocket to the API, as the header shows it (live, connecting,
// reconnecting), a signal for pages to catch up after the socket came back, and whether the
// server closed it because the trader's session ended.

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

class Connection {
	status = $state<ConnectionStatus>('connecting');
	/** Bumped each time the socket is open again after a drop: pages re-read what they show. */
	resumes = $state(0);
	/** The server ended the socket's session (signed out here or elsewhere, or it expired). */
	signedOut = $state(false);
	#wasLive = false;
	#listeners = new Set<() => void>();

	opened() {
		if (this.status === 'live') return;
		this.status = 'live';
		if (this.#wasLive) {
			this.resumes++;
			for (const listener of this.#listeners) listener();
		}
		this.#wasLive = true;
	}

	lost() {
		this.status = this.#wasLive ? 'reconnecting' : 'connecting';
	}

	sessionEnded() {
		this.signedOut = true;
	}

	/** Calls `listener` after every reconnect; returns the unsubscribe. */
	onResume(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
}

export const connection = new Connection();
