import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface EmbeddedS3 {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts s3rver on loopback with its data under `directory`. Used when no S3_ENDPOINT is
 * configured (a single machine) and by the tests. Port 0 picks a free port.
 */
export async function startEmbeddedS3(directory: string, port: number, bucket: string): Promise<EmbeddedS3> {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    async close() {
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}

export function embeddedS3Directory(dataDir: string): string {
  return join(dataDir, 's3');
}
