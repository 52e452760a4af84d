/** POP3's connection limiter is the shared one (server/shared/limiter.ts): pop3 and pop3s
 *  count together (pop3.max_connections_per_ip). */
export { ConnectionLimiter } from '../shared/limiter.js';
