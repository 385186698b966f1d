/**
 * A small typed flag parser for the CLIs: each flag is declared once with its kind and limits,
 * so every bad value gets the same one-line "what was wrong, what is allowed" message.
 */
export class UsageError extends Error {}

export type FlagSpec =
  | { kind: 'boolean'; help: string }
  | { kind: 'string'; help: string; choices?: readonly string[]; default?: string }
  | { kind: 'integer'; help: string; min: number; max: number; default?: number }
  | { kind: 'number'; help: string; min: number; max: number; default?: number };

export type FlagValue<S extends FlagSpec> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'string'; default: string }
    ? string
    : S extends { kind: 'string' }
      ? string | undefined
      : S extends { default: number }
        ? number
        : number | undefined;

export type Parsed<T extends Record<string, FlagSpec>> = { [K in keyof T]: FlagValue<T[K]> };

function parseValue(name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(raw))
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}; got "${raw}"`);
    return raw;
  }
  const what = spec.kind === 'integer' ? 'an integer' : 'a number';
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value) || (spec.kind === 'integer' && !Number.isInteger(value)))
    throw new UsageError(`--${name} must be ${what} from ${spec.min} to ${spec.max}; got "${raw}"`);
  if (spec.kind === 'boolean' || value < spec.min || value > spec.max)
    throw new UsageError(`--${name} must be ${what} from ${spec.min} to ${spec.max}; got ${raw}`);
  return value;
}

/** Parses `--name value`, `--name=value` and boolean `--name`; throws UsageError on anything else. */
export function parseFlags<T extends Record<string, FlagSpec>>(argv: readonly string[], specs: T): Parsed<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = spec.kind === 'boolean' ? false : 'default' in spec ? spec.default : undefined;
  }
  const known = Object.keys(specs).map((n) => `--${n}`).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}" (flags: ${known})`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) throw new UsageError(`unknown flag --${name} (flags: ${known})`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    out[name] = parseValue(name, spec, raw);
  }
  return out as Parsed<T>;
}

/** One usage line per flag, for --help. */
export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const allowed =
      spec.kind === 'boolean'
        ? ''
        : spec.kind === 'string'
          ? spec.choices
            ? ` <${spec.choices.join('|')}>`
            : ' <text>'
          : ` <${spec.min}…${spec.max}>`;
    return `  --${name}${allowed}  ${spec.help}`;
  });
  return `usage: ${command} [flags]\n${lines.join('\n')}`;
}

/** Runs a CLI body: a UsageError prints one line on stderr and exits 2, nothing on stdout. */
export async function runCli(command: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${command}: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
