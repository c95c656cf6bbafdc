/**
 * Where exports go: real S3 (any S3-compatible endpoint) through @aws-sdk/client-s3 when COALESCE_S3_ENDPOINT and
 * credentials are configured, else a local directory tree <dataDir>/s3/<bucket>/<key> (the embedded default).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface ObjectSink {
  readonly kind: 's3' | 'local';
  put(bucket: string, key: string, body: Buffer): Promise<void>;
}

export interface S3Settings {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  forcePathStyle: boolean;
}

/** S3 settings from the environment, or undefined when not (fully) configured. */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings | undefined {
  const endpoint = env.COALESCE_S3_ENDPOINT;
  const accessKeyId = env.COALESCE_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.COALESCE_S3_SECRET_ACCESS_KEY;
  if (!endpoint || !accessKeyId || !secretAccessKey) return undefined;
  return {
    endpoint, accessKeyId, secretAccessKey,
    region: env.COALESCE_S3_REGION ?? 'us-east-1',
    forcePathStyle: !/^(0|false|no)$/i.test(env.COALESCE_S3_FORCE_PATH_STYLE ?? 'true'),
  };
}

export function s3Sink(s: S3Settings): ObjectSink {
  const client = new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    forcePathStyle: s.forcePathStyle,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    maxAttempts: 2,
  });
  return {
    kind: 's3',
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv' }));
    },
  };
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function localSink(dataDir: string): ObjectSink {
  const root = resolve(dataDir, 's3');
  return {
    kind: 'local',
    async put(bucket, key, body) {
      if (!BUCKET_RE.test(bucket)) throw new Error(`invalid bucket name ${JSON.stringify(bucket)}`);
      const file = resolve(root, bucket, key);
      // Keys are built from validated names, but never let one escape the bucket's directory.
      if (!file.startsWith(join(root, bucket) + sep)) throw new Error(`invalid key ${JSON.stringify(key)}`);
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      await writeFile(tmp, body);
      await rename(tmp, file);
    },
  };
}

export function defaultSink(dataDir: string, env: NodeJS.ProcessEnv = process.env): ObjectSink {
  const s = s3SettingsFromEnv(env);
  return s ? s3Sink(s) : localSink(dataDir);
}
