/** Names for the generated OpenAPI schemas (schema.gen.ts is generated from ../openapi.json). */
import type { components, paths } from './schema.gen';

export type { paths };
export type Schemas = components['schemas'];
export type Problem = Schemas['ProblemDto'];
export type Me = Schemas['MeView'];
export type TokenPair = Schemas['TokenPair'];
export type Role = Schemas['MembershipView']['roles'][number];
export type RevisionState = Schemas['RevisionView']['state'];
export type DocumentType = Schemas['DocumentDetailView']['type'];
export type Revision = Schemas['RevisionView'];
