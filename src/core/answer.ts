/** "Don't know": always a legal answer, and what H answers when a subanswer has the wrong type. */
export const UNKNOWN = '?' as const;
export type Unknown = typeof UNKNOWN;

/** One answer symbol of some task: a name, an integer, a boolean, or null ("none"). */
export type Value = string | number | boolean | null;
export type Answer = Value | Unknown;

export const isUnknown = (a: Answer): a is Unknown => a === UNKNOWN;
