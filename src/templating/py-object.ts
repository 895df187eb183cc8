// The base of Python objects that are not plain data (see python-repr.ts).

/**
 * A Python object that is not plain data (datetime, timedelta): it prints itself
 * and may take part in `-` and ordering.
 */
export abstract class PyObject {
  abstract readonly pyTypeName: string;
  abstract pyStr(): string;
  abstract pyRepr(): string;
  pySub?(other: unknown): unknown;
  pyCompare?(other: unknown): number | undefined;
}
