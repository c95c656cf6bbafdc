/** AWS restJson1 error replies: status, `x-amzn-ErrorType`, body `{"Message": ...}` (what the AWS SDKs, boto3 and the CLI read). */
import type { FastifyReply } from 'fastify';
import { AwsError } from '../errors.js';

export interface ErrorBody { status: number; code: string; message: string }

export const INTERNAL_MESSAGE = 'An internal error occurred in Coalesce; the details are in the server log under this request id.';

/** Maps anything thrown to the reply to send; `internal` is true when it was not an AwsError (log it). */
export function toErrorBody(err: unknown): ErrorBody & { internal: boolean } {
  if (err instanceof AwsError) return { status: err.status, code: err.code, message: err.message, internal: false };
  return { status: 500, code: 'InternalServerException', message: INTERNAL_MESSAGE, internal: true };
}

export function sendError(reply: FastifyReply, e: ErrorBody): FastifyReply {
  return reply
    .code(e.status)
    .header('x-amzn-ErrorType', e.code)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ Message: e.message }));
}

/**
 * Sets x-amzn-RequestId as the reply's first header, where a root onRequest hook used to put it (replies of other
 * routes and error replies; the API route's replies write it first themselves). Headers set before (a plugin scope's
 * own hooks, Fastify's `connection: close` on a body over the limit) are moved after it, in their order.
 */
export function setRequestIdHeader(reply: FastifyReply, requestId: string): FastifyReply {
  const earlier = reply.getHeaders();
  const names = Object.keys(earlier);
  if (names.length === 0 || Object.hasOwn(earlier, 'x-amzn-requestid')) return reply.header('x-amzn-RequestId', requestId);
  for (const k of names) reply.removeHeader(k);
  reply.header('x-amzn-RequestId', requestId);
  for (const k of names) reply.header(k, earlier[k]);
  return reply;
}

/** The content type Fastify writes for a JSON string sent with `content-type: application/json` (it adds the charset). */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A successful API reply written to Node's response directly (the reply is hijacked): the same status line, headers
 * and body as `reply.header('x-amzn-RequestId', requestId).code(status).header('content-type', 'application/json')
 * .header(k, v)….send(body)` — x-amzn-RequestId, any headers already set on the reply, content-type with Fastify's
 * charset, the operation's output headers (names lowercased, as Fastify writes them), content-length — without
 * Fastify's send path per request (content-type parsing, payload type checks, hook dispatch). API replies run no
 * onSend hooks (none is registered). Statuses without a body (1xx, 204, 304) go through Fastify.
 */
export function sendJson(reply: FastifyReply, requestId: string, status: number, extra: Record<string, string>, body: string): void {
  if (status < 200 || status === 204 || status === 304) {
    reply.header('x-amzn-RequestId', requestId).code(status).header('content-type', 'application/json');
    for (const k in extra) reply.header(k, extra[k]!);
    reply.send(body);
    return;
  }
  const headers: Record<string, string | number | string[] | undefined> = { 'x-amzn-requestid': requestId };
  const set = reply.getHeaders();
  for (const k in set) headers[k] = set[k];
  headers['content-type'] = JSON_CONTENT_TYPE;
  for (const k in extra) headers[k.toLowerCase()] = extra[k]!;
  headers['content-length'] = String(Buffer.byteLength(body));
  const res = reply.raw;
  // Before hijack: if Node refuses a header value, the error reply still goes through Fastify.
  res.writeHead(status, headers);
  reply.hijack();
  res.end(body);
}
