import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { closeSchemas } from '../common/openapi.js';

export const API_PREFIX = 'api/v1';
/** Served at the root (for orchestrators and Prometheus) and also under /api/v1. */
export const ROOT_ROUTES = ['health/live', 'health/ready', 'metrics'];

/** The service's OpenAPI document, built from the controllers' decorators (one builder for the served and the committed copy). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('e-ISO API')
      .setDescription(
        'Document control for the electronic ISO 9001 quality management system (Hệ thống ISO điện tử) of Vietnamese public agencies. ' +
          'Errors are RFC 9457 problem+json with a stable `code`.',
      )
      .setVersion('1')
      .addServer('/', 'This service (paths carry the /api/v1 prefix)')
      .addTag('identity', 'Sign-in, sessions, users')
      .addTag('agencies', 'Agencies (province › department/district › commune/unit), members and roles, delegations')
      .addTag('documents', 'The register of controlled documents, their current revision and files')
      .addTag('revisions', 'Drafts and revisions: content, files, renditions, differences')
      .addTag('workflow', 'Submit, check, approve, return, withdraw; tasks')
      .addTag('legal', 'The legal registry and legal changes that regenerate citing procedures')
      .addTag('audit', 'The append-only, hash-chained audit trail')
      .addTag('internal-audits', 'Internal audits (ISO 9001 §9.2): plan, approval, findings, report')
      .addTag('nonconformities', 'Nonconformities and corrective actions (ISO 9001 §10.2), verification of effectiveness')
      .addTag('notifications', 'In-app notifications')
      .addTag('public', 'Forms and documents in force, without sign-in')
      .addTag('operations', 'Job queues')
      .addTag('health', 'Liveness, readiness, metrics')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      // Every operation needs the bearer token unless it says `security: []` (@Public()).
      .addSecurityRequirements('bearer')
      .build(),
  );
  closeSchemas(doc.components?.schemas);
  return doc;
}

/**
 * The document without a running service: Nest's preview mode builds the module graph from
 * metadata only (no database, Redis or storage connection). Used by `npm run openapi`.
 */
export async function buildOpenApiDocumentOffline(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRoot(config, { workers: false }), { preview: true, logger: false, abortOnError: false });
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_ROUTES });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The committed form of the document: stable key order as built, two-space JSON, final newline. */
export function serializeOpenApi(doc: OpenAPIObject): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
