import { ArgumentMetadata, Injectable, Param, PipeTransform } from '@nestjs/common';
import { Errors } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids must be UUIDs: anything else is a 400 naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw Errors.validation([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
    }
    return value.toLowerCase();
  }
}

/** `@IdParam('id')`: a UUID path parameter. */
export const IdParam = (name: string): ParameterDecorator => Param(name, ParseIdPipe);

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
