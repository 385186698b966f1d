export type ContextRep = any; export type GridArrays = any; export type ModelConfig = any; export type ModelShape = any; export type Weights = any;
