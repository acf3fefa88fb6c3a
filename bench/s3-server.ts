/** An s3rver in its own process (storage bench, fault tests; optional fixed port): prints nothing, reports its endpoint over IPC. */
import { startEmbeddedS3 } from '../src/storage/embedded-s3.js';

const [dir, bucket, port] = process.argv.slice(2);
const s3 = await startEmbeddedS3(dir, Number(port ?? 0), bucket);
process.send?.({ endpoint: s3.endpoint });
process.on('SIGTERM', () => void s3.close().finally(() => process.exit(0)));
