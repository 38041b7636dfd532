// How many orders, or cash journals (one line each), the portfolio's histories read at a time,
// on load, on "Show older" and when live updates re-read the newest page.
export const HISTORY_PAGE = 30;
