/** The service plane's pure parts: transport, URL -> name, HTTP <-> bytes. */
export * from './transport/index.js';
export { parseTarget, type Target, type TargetResult } from './target.js';
export { decodeHttpRequest, decodeHttpResponse, encodeHttpRequest, encodeHttpResponse, endToEndHeaders, HttpMessageError, type HttpRequestParts, type HttpResponseParts } from './http-message.js';
