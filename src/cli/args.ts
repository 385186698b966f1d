/**
 * A small typed flag parser for the CLIs: `--name value`, `--name=value`, and bare boolean
 * flags. Every problem is an ArgsError whose message names the flag and what is allowed.
 */
export type FlagSpec =
  | { type: 'string'; choices?: readonly string[]; default?: string; help?: string }
  | { type: 'int'; min?: number; max?: number; default?: number; help?: string }
  | { type: 'number'; min?: number; max?: number; default?: number; help?: string }
  | { type: 'boolean'; help?: string };

export type FlagValue<S extends FlagSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'string' }
    ? S extends { default: string }
      ? string
      : string | undefined
    : S extends { default: number }
      ? number
      : number | undefined;

export type ParsedArgs<S extends Record<string, FlagSpec>> = { [K in keyof S]: FlagValue<S[K]> };

export class ArgsError extends Error {}

function describe(spec: FlagSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.choices ? `one of ${spec.choices.join(', ')}` : 'a value';
    case 'int':
    case 'number': {
      const kind = spec.type === 'int' ? 'an integer' : 'a number';
      if (spec.min !== undefined && spec.max !== undefined) return `${kind} from ${spec.min} to ${spec.max}`;
      if (spec.min !== undefined) return `${kind} ≥ ${spec.min}`;
      if (spec.max !== undefined) return `${kind} ≤ ${spec.max}`;
      return kind;
    }
    case 'boolean':
      return 'no value';
  }
}

/** Parses argv against `spec`; defaults fill flags not given (booleans default to false). */
export function parseArgs<S extends Record<string, FlagSpec>>(
  argv: readonly string[],
  spec: S,
): ParsedArgs<S> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec))
    out[name] = s.type === 'boolean' ? false : 'default' in s ? s.default : undefined;
  const seen = new Set<string>();
  const allowed = Object.keys(spec)
    .map((n) => `--${n}`)
    .join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--')
      throw new ArgsError(`unexpected argument "${arg}" (flags: ${allowed})`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!s) throw new ArgsError(`unknown flag --${name} (allowed: ${allowed})`);
    if (seen.has(name)) throw new ArgsError(`--${name} given twice`);
    seen.add(name);
    if (s.type === 'boolean') {
      if (eq >= 0) throw new ArgsError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--'))
        throw new ArgsError(`--${name} needs a value: ${describe(s)}`);
      i++;
    }
    if (s.type === 'string') {
      if (s.choices && !s.choices.includes(raw))
        throw new ArgsError(`--${name} must be ${describe(s)}, got "${raw}"`);
      out[name] = raw;
    } else {
      const v = raw.trim() === '' ? NaN : Number(raw);
      const bad =
        !Number.isFinite(v) ||
        (s.type === 'int' && !Number.isInteger(v)) ||
        (s.min !== undefined && v < s.min) ||
        (s.max !== undefined && v > s.max);
      if (bad) throw new ArgsError(`--${name} must be ${describe(s)}, got "${raw}"`);
      out[name] = v;
    }
  }
  return out as ParsedArgs<S>;
}

/** Usage lines for --help. */
export function usage(command: string, spec: Record<string, FlagSpec>): string {
  const lines = Object.entries(spec).map(
    ([n, s]) => `  --${n}${s.type === 'boolean' ? '' : ` <${describe(s)}>`}${s.help ? `  ${s.help}` : ''}`,
  );
  return `usage: ${command} [flags]\n${lines.join('\n')}`;
}

/**
 * Runs a CLI body. An ArgsError prints one line on stderr and exits 2 (nothing on stdout); any
 * other error prints its first line and exits 1.
 */
export function runCli(body: () => Promise<void> | void): void {
  Promise.resolve()
    .then(body)
    .catch((err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`${err instanceof ArgsError ? 'error' : 'failed'}: ${msg.split('\n')[0]}\n`);
      process.exitCode = err instanceof ArgsError ? 2 : 1;
    });
}
