/** The library API: embed the pipeline in a video processor or media server. */
export { createPipeline, StageError, type Pipeline, type PipelineEvent, type PipelineMode, type PipelineOptions } from './pipeline/pipeline.js';
export type { Frame, PixelFormat } from './pipeline/frame.js';
export { bitsPerChannel, bytesPerPixel, frameBytes } from './pipeline/frame.js';
export type { Stage } from './pipeline/stage.js';
export { FramePool } from './pipeline/frame-pool.js';
export { OVERRUN_POLICIES, parseOverrunPolicySpec, type OverrunPolicy, type OverrunPolicySpec } from './pipeline/overrun-policy.js';
export { BudgetExceededError, type GovernorTuning } from './pipeline/stage-governor.js';
export type { StatsSnapshot, StageSummary } from './pipeline/pipeline-stats.js';
export { locateFfmpeg, FfmpegNotFoundError, type FfmpegLocation } from './io/ffmpeg-locate.js';
export { openDecoder, openRawSource, LeftoverBytesError, type FrameSource, type SourceInfo } from './io/sources.js';
export { FileSink, RawFdSink, StreamSink, OutputClosedError, type FrameSink } from './io/sinks.js';
export { FfmpegError } from './io/ffmpeg-process.js';
