/** Accuracy (0…1) of the three answerers on one slice of the held-out set; null when not measured. */
export interface Accuracies {
  model: number;
  amplified: number;
  supervised: number | null;
}

/** What one round of amplification produced, as the CLI prints it and the app charts it. */
export interface RoundMetrics {
  round: number;
  task: string;
  preset: string;
  seed: number;
  backend: string;
  /** Training examples seen by amplification so far (cumulative). */
  examples: number;
  /** H decompositions run by amplification so far (cumulative): its only supervision. */
  overseerCalls: number;
  /** Ground-truth labels used by the supervised baseline so far (cumulative). */
  labels: number;
  /** Wall seconds of training so far (cumulative). */
  seconds: number;
  examplesPerSecond: number;
  modelAccuracy: number;
  amplifiedAccuracy: number;
  supervisedAccuracy: number | null;
  /** Per depth class ("1", "2", …). */
  byDepth: Record<string, Accuracies>;
  /** Overseer 'learned': H''s agreement with H on held-out steps (null before it is measured). */
  learnedOverseerAgreement?: number | null;
  /** tf.memory().numTensors after the round. */
  tensors: number;
}
