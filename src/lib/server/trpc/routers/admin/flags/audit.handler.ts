// The flag audit, newest first, a page at a time. Read only: nothing in the API changes it (and
// the database refuses UPDATE and DELETE on it).
import type { AuditInput } from './audit.schema';
import type { FlagsContext } from './flags-procedure';

export async function listFlagAudit({ ctx, input }: { ctx: FlagsContext; input: AuditInput }) {
	return ctx.flags.store.audit(input);
}
