// What the local provider fakes (fake-sendgrid.ts, fake-twilio.ts) share about their HTTP servers.

/**
 * How long a fake keeps an idle connection open. Real APIs keep them far longer than Node's client pool
 * does (5 s, or the server's Keep-Alive hint less 1 s), so the client always closes first. Node's server
 * default (5 s, closing at about 6 s) races the pool instead: a send issued right after the event loop
 * stalled for seconds (a slow render or a SQLite busy wait on a loaded machine) reuses a pooled socket
 * whose server-side timer has already run out, and the fake drops it unread: ECONNRESET, an unscripted
 * "in doubt" send or a failed test send. Ten minutes outlasts any test.
 */
export const FAKE_KEEP_ALIVE_MS = 10 * 60_000;
