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
