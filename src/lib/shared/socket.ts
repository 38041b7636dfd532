// The close code the server's WebSocket ends a socket with when the session it signed in with
// ends (logout, "sign out everywhere", a revoked or expired login or API key), so that the site
// can tell the trader instead of going on as if nothing happened.
export const SESSION_CLOSE_CODE = 4001;
