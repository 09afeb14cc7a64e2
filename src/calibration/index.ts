/** Colour science and 3D/1D LUTs for LED calibration (see docs/COLOUR.md for the standards followed). */
export * from './matrix3.js';
export * from './chromaticity.js';
export * from './colour-spaces.js';
export * from './transfer-functions.js';
export * from './cielab.js';
export * from './ciede2000.js';
export * from './colour-temperature.js';
export * from './cube-lut.js';
export * from './lut-builders.js';
export * from './lut-interpolation.js';
export { LUT_STAGE_MODES, LutStage, LutStageOptionsError, createLutStage, type LutStageOptions } from './lut-stage.js';
