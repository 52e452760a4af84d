/**
 * Sort keys of RFC 5256 §3 (and RFC 5957 DISPLAYFROM/DISPLAYTO): the store orders a
 * mailbox by the summary columns it filled at delivery (MailStore.sortUids); mime/summary.ts
 * computes them, including the RFC 5256 §2.1 base subject re-exported here for THREAD.
 */
export { baseSubject, baseSubjectInfo } from '../../../mime/summary.js';
