import { Errors } from '../common/errors.js';
import type { Document } from './document.entities.js';

/**
 * A withdrawn document is closed for good: its metadata is not edited, it takes no new draft,
 * no revision of it moves on or takes effect, and it cannot be withdrawn again (409
 * `document_withdrawn`). The one thrower of that rule.
 */
export function assertNotWithdrawn(document: Pick<Document, 'withdrawnAt'>): void {
  if (document.withdrawnAt) {
    throw Errors.conflict('document_withdrawn', `The document was withdrawn on ${document.withdrawnAt.toISOString()}; it takes no further changes.`, {
      withdrawnAt: document.withdrawnAt.toISOString(),
    });
  }
}
