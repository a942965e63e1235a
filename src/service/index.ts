/** The service plane's pure parts: transport, URL -> name, HTTP <-> bytes; announcements at the SG, SPA policy and grants, retry backoff. */
export * from './transport/index.js';
export { parseTarget, type Target, type TargetResult } from './target.js';
export { decodeHttpRequest, decodeHttpResponse, encodeHttpRequest, encodeHttpResponse, endToEndHeaders, HttpMessageError, type HttpRequestParts, type HttpResponseParts } from './http-message.js';
export { AnnouncementTable, type Announcer, type PrefixView, type Rejection } from './announcement-table.js';
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { GrantChecker, issueGrant, type GrantVerdict } from './grant.js';
export { SpaPolicy, podNodeOf, type Decision, type SpaPolicyConfig } from './policy.js';
export { chunkBySize } from '../util/chunk.js';
