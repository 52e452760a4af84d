/** UNSUBSCRIBE (RFC 3501 §6.3.7, RFC 9051 §6.3.8): the same command as SUBSCRIBE, inverted. */
import { subscriptionCommand } from './subscribe.js';

export const unsubscribe = subscriptionCommand('UNSUBSCRIBE', false);
