// One log line per engine call with its latency, so slow engines show up in the server log
// (and, later, in the support dashboard's per-engine numbers).
import type { EngineName } from '$lib/shared/orders';

export interface EngineCallRecord {
	engine: EngineName;
	fallback: boolean;
	/** The engine operation, e.g. 'place' or 'getOrderBook'. */
	operation: string;
	latencyMs: number;
	/** False when the engine answered with a domain failure or threw. */
	ok: boolean;
	userId: string | null;
}

export type EngineCallLog = (record: EngineCallRecord) => void;

export const consoleEngineLog: EngineCallLog = (record) => {
	console.info(
		`engine=${record.engine} fallback=${record.fallback} op=${record.operation} ` +
			`ok=${record.ok} latencyMs=${record.latencyMs.toFixed(2)} user=${record.userId ?? '-'}`
	);
};
