/** Inference backends (TensorRT, OpenVINO, ONNX Runtime) and how one is chosen. */
export { BACKEND_NAMES, BackendUnavailableError, ModelLoadError, type Backend, type BackendInfo, type BackendName, type InferenceSession, type SessionOptions, type Tensor, type TensorData, type TensorDType, type TensorSpec } from './backend.js';
export { checkImageModel, ModelContractError } from './contract.js';
export { OnnxRuntimeBackend } from './onnxruntime-backend.js';
export { cleanOpenVinoMessage, OpenVinoBackend, type OpenVinoBackendOptions } from './openvino-backend.js';
export { libraryInFolder, searchOpenVino, type OpenVinoCandidate, type OpenVinoSearch } from './openvino-locate.js';
export { TensorRtBackend } from './tensorrt-backend.js';
export { defaultBackends, listBackends, loadWithFallback, selectBackend, type FallbackLog, type FallbackOptions } from './select.js';
