// How far one staff adjustment of a trader's cash may go, for the API's check and the support
// site's amount field alike.

/** A million dollars, in cents, each way. */
export const MAX_CASH_ADJUSTMENT_CENTS = 100_000_000;
