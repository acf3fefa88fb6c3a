/**
 * The storage bench's yardstick (bench/storage.ts): about the least a Node process streaming files
 * between its clients and S3 does, in its own process like the API. `PUT /<key>` hashes the body (SHA-256)
 * while streaming it in one PUT to S3; `GET /<key>` streams the object from S3 to the socket (with
 * its Content-Length, as the API). No database, no authentication, no multipart. Reports its port
 * over IPC.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { S3ObjectStorage } from '../src/storage/s3-object-storage.js';
import { SOCKET_HIGH_WATER_MARK } from '../src/storage/http-files.js';

const [endpoint, bucket] = process.argv.slice(2);
const storage = new S3ObjectStorage(endpoint, { accessKey: 'S3RVER', secretKey: 'S3RVER', bucket, region: 'us-east-1' });

const server = createServer({ highWaterMark: SOCKET_HIGH_WATER_MARK }, (req, res) => {
  const key = decodeURIComponent((req.url ?? '/').slice(1));
  const fail = (err: unknown) => {
    if (!res.headersSent) res.writeHead(500).end(String(err));
    else res.destroy();
  };
  if (req.method === 'PUT') {
    const size = Number(req.headers['content-length']);
    const staged = storage.stageUpload(size, 'application/pdf', key);
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => hash.update(chunk));
    pipeline(req, staged.sink)
      .then(() => staged.done)
      .then(() => res.writeHead(201, { 'Content-Type': 'text/plain' }).end(hash.digest('hex')), fail);
    return;
  }
  // With its length, as the API sends it (chunked encoding would frame every chunk).
  Promise.all([storage.stat(key), storage.get(key)])
    .then(([info, body]) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(info?.size ?? 0) });
      return pipeline(body, res);
    })
    .catch(fail);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('SIGTERM', () => process.exit(0));
