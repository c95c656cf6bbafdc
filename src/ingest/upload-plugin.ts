/**
 * Server plugin for upload jobs: installs the UploadService (resumes interrupted jobs after listen, pauses running
 * ones on close) and the pre-signed PUT route `PUT /uploads/<DomainName>/<JobId>?token=…` that receives the CSV
 * (`curl -T file.csv "<Url>"`). Errors on that route use S3's XML shape, since clients treat the URL as an S3
 * pre-signed URL: 403 AccessDenied (expired, SSE-C key mismatch), 403 SignatureDoesNotMatch (tampered token),
 * 404 NoSuchUpload, 400 InvalidRequest (job not accepting a file), 400 EntityTooLarge.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { ServerPlugin } from '../server.js';
import { UploadService, registerUploadService } from './upload-service.js';
import { UPLOAD_ROUTE_PREFIX, verifyUploadUrl } from './upload-url.js';

/** Largest accepted upload (COALESCE_UPLOAD_MAX_BYTES; default 10 GiB). */
const maxUploadBytes = () => Number(process.env.COALESCE_UPLOAD_MAX_BYTES) || 10 * 1024 ** 3;

function s3Error(reply: FastifyReply, status: number, code: string, message: string, resource: string) {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return reply.code(status).header('content-type', 'application/xml').send(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${esc(message)}</Message><Resource>${esc(resource)}</Resource><RequestId>${reply.request.id}</RequestId></Error>`,
  );
}

export const uploadsPlugin: ServerPlugin = async (app, deps) => {
  const service = new UploadService({
    store: deps.store,
    dataDir: deps.config.dataDir,
    log: deps.log,
    baseUrl: () => {
      if (process.env.COALESCE_PUBLIC_URL) return process.env.COALESCE_PUBLIC_URL;
      const a = app.server.address();
      const port = typeof a === 'object' && a ? a.port : deps.config.port;
      const host = deps.config.host === '0.0.0.0' || deps.config.host === '::' ? '127.0.0.1' : deps.config.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
  });
  registerUploadService(deps.store, service);
  deps.onStart(() => service.recover());
  deps.onClose(() => service.shutdown());

  await app.register(async (sub) => {
    // The body is the file: hand the raw stream to the route whatever its content type.
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    sub.put<{ Params: { domain: string; jobId: string }; Querystring: { token?: string } }>(
      `${UPLOAD_ROUTE_PREFIX}/:domain/:jobId`,
      async (req, reply) => {
        req.coalesceOp = 'UploadFile';
        const { domain, jobId } = req.params;
        const resource = `${UPLOAD_ROUTE_PREFIX}/${domain}/${jobId}`;
        const body = (req.body as Readable | undefined) ?? req.raw;
        const drain = () => { body.resume(); };
        const header = (n: string) => req.headers[n] as string | undefined;
        const check = verifyUploadUrl(deps.store.tokens, domain, jobId, req.query.token, service.now(), {
          key: header('x-amz-server-side-encryption-customer-key'),
          keyMd5: header('x-amz-server-side-encryption-customer-key-md5'),
        });
        if (!check.ok) { drain(); return s3Error(reply, 403, check.code, check.message, resource); }
        const job = await deps.store.getUploadJob(domain, jobId);
        if (!job) { drain(); return s3Error(reply, 404, 'NoSuchUpload', 'The upload job does not exist.', resource); }
        if (job.status !== 'CREATED') {
          drain();
          return s3Error(reply, 400, 'InvalidRequest', `The upload job is ${job.status}; a file can be uploaded only before StartUploadJob.`, resource);
        }
        const limit = maxUploadBytes();
        const declared = Number(header('content-length'));
        if (declared > limit) { drain(); return s3Error(reply, 400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${limit} bytes.`, resource); }
        mkdirSync(service.uploadsDir, { recursive: true });
        const part = `${service.filePath(jobId)}.${req.id}.part`;
        const md5 = createHash('md5');
        let bytes = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            bytes += chunk.length;
            if (bytes > limit) return cb(new Error('too large'));
            md5.update(chunk);
            cb(null, chunk);
          },
        });
        try {
          await pipeline(body, meter, createWriteStream(part));
        } catch (err) {
          rmSync(part, { force: true });
          if (bytes > limit) return s3Error(reply, 400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${limit} bytes.`, resource);
          throw err;
        }
        // Publish the file, then record it only if the job still accepts files (a concurrent StartUploadJob wins).
        renameSync(part, service.filePath(jobId));
        const updated = await deps.store.updateUploadJob(domain, jobId, { uploadedBytes: bytes, uploadedAt: service.now() }, 'CREATED');
        if (!updated) return s3Error(reply, 400, 'InvalidRequest', 'The upload job was started while the file was being uploaded.', resource);
        return reply.code(200).header('ETag', `"${md5.digest('hex')}"`).send();
      },
    );
  });
};
