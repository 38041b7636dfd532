export { EVENTS_APPLICATION_NAME, EVENTS_CHANNEL, EventHub } from './hub';
export type { EventHubOptions, EventHubStats, EventListener } from './hub';
export {
	currentSnapshot,
	readBookEventsSince,
	readEventsBetween,
	REPLAY_PAGE_SIZE,
	replayAfter
} from './outbox';
export type { HubEvent, SnapshotBatch, UnreplayablePoint } from './outbox';
export { pruneEvents, startEventPruner } from './prune';
export { catchUp, streamTopic } from './stream';
export type { TopicStreamItem, TopicStreamOptions } from './stream';
