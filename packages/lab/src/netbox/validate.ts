// Request validation with NetBox's (Django REST framework's) error messages.

/** Field errors as NetBox returns them: `{field: [msg]}`, `{__all__: [...]}`, `{non_field_errors: [...]}`. */
export type FieldErrors = Record<string, unknown>;

/** Collects field errors for one request body. */
export class BodyValidator {
  readonly errors: FieldErrors = {};

  constructor(
    readonly body: Record<string, unknown>,
    readonly partial: boolean,
  ) {}

  add(field: string, msg: string) {
    const list = (this.errors[field] as string[] | undefined) ?? [];
    list.push(msg);
    this.errors[field] = list;
  }

  has(field: string) {
    return Object.prototype.hasOwnProperty.call(this.body, field);
  }

  get ok() {
    return Object.keys(this.errors).length === 0;
  }

  /** A string field; returns undefined when absent (and not required) or invalid. */
  string(
    field: string,
    opts: {
      required?: boolean;
      maxLength?: number;
      allowBlank?: boolean;
      pattern?: [RegExp, string];
    } = {},
  ): string | undefined {
    if (!this.has(field)) {
      if (opts.required && !this.partial)
        this.add(field, 'This field is required.');
      return undefined;
    }
    const v = this.body[field];
    if (v === null) {
      this.add(field, 'This field may not be null.');
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.add(field, 'Not a valid string.');
      return undefined;
    }
    const s = String(v);
    if (s.trim() === '' && !opts.allowBlank) {
      this.add(field, 'This field may not be blank.');
      return undefined;
    }
    if (opts.maxLength !== undefined && s.length > opts.maxLength) {
      this.add(
        field,
        `Ensure this field has no more than ${opts.maxLength} characters.`,
      );
      return undefined;
    }
    if (opts.pattern && s !== '' && !opts.pattern[0].test(s)) {
      this.add(field, opts.pattern[1]);
      return undefined;
    }
    return s;
  }

  choice(field: string, choices: Record<string, string>): string | undefined {
    if (!this.has(field)) return undefined;
    const v = this.body[field];
    if (typeof v !== 'string' || !(v in choices)) {
      this.add(field, `"${String(v)}" is not a valid choice.`);
      return undefined;
    }
    return v;
  }

  /** An integer (or null when nullable) within bounds. */
  integer(
    field: string,
    opts: {
      nullable?: boolean;
      min?: number;
      max?: number;
      required?: boolean;
    } = {},
  ): number | null | undefined {
    if (!this.has(field)) {
      if (opts.required && !this.partial)
        this.add(field, 'This field is required.');
      return undefined;
    }
    const v = this.body[field];
    if (v === null || v === '') {
      if (opts.nullable) return null;
      this.add(field, 'This field may not be null.');
      return undefined;
    }
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      this.add(field, 'A valid integer is required.');
      return undefined;
    }
    if (opts.min !== undefined && n < opts.min) {
      this.add(
        field,
        `Ensure this value is greater than or equal to ${opts.min}.`,
      );
      return undefined;
    }
    if (opts.max !== undefined && n > opts.max) {
      this.add(
        field,
        `Ensure this value is less than or equal to ${opts.max}.`,
      );
      return undefined;
    }
    return n;
  }

  /** A related object by primary key (NetBox also accepts a dict of attributes; ids cover our needs). */
  relation(
    field: string,
    exists: (id: number) => boolean,
    opts: { nullable?: boolean; required?: boolean } = {},
  ): number | null | undefined {
    if (!this.has(field)) {
      if (opts.required && !this.partial)
        this.add(field, 'This field is required.');
      return undefined;
    }
    const v = this.body[field];
    if (v === null) {
      if (opts.nullable) return null;
      this.add(field, 'This field may not be null.');
      return undefined;
    }
    const raw =
      typeof v === 'object' && v !== null && 'id' in v
        ? (v as { id: unknown }).id
        : v;
    // NetBox casts a primary key sent as a string (WritableNestedSerializer: `int(data)`)
    const id =
      typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      this.add(
        field,
        `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${JSON.stringify(
          v,
        )}`,
      );
      return undefined;
    }
    if (!exists(id)) {
      this.add(
        field,
        `Related object not found using the provided numeric ID: ${id}`,
      );
      return undefined;
    }
    return id;
  }
}
